import { describe, expect, it } from 'vitest'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import {
  WORK_LIMITS,
  WorkBudget,
  WorkLimitError,
  estimateContentionWork,
  estimateSimulationWork,
  simulationVisitsPerTd
} from '@shared/model/workEstimate'
import { presetScenario } from '@shared/model/workload/presets'
import { scenarioSchema, type Scenario, type ScenarioInput } from '@shared/model/workload/scenario'

const GiB = 2 ** 30
/** TDX module 1.5: TDR 1 page, TDCS 6, TDVPS 6, so 1 + 6 + 6 × vCPUs control pages per TD. */
const params = TDX_MODULE_1_5_PARAMS
const host = { tdxMemoryBytes: 256 * GiB, params }

function scenario(input: Partial<ScenarioInput> & Pick<ScenarioInput, 'tdClasses'>): Scenario {
  return scenarioSchema.parse({ name: 'estimate', ...input })
}

describe('simulation work: region visits per TD', () => {
  it('a 1 GiB 4K-mapped TD with one vCPU on a fresh host, torn down within the run: 1061 visits', () => {
    const s = scenario({
      tdClasses: [{ name: 'td', count: 1, memoryBytes: GiB, vcpus: 1, lifetimeNs: 1e9 }]
    })
    // 4K pages: the whole 1 GiB (image included) = 262,144. Kernel pages: control 1 + 6 + 6 = 13,
    // S-EPT for 1 GiB of 4K: 512 PT + 1 PD + 1 PDPT = 514; 527 in all. A fresh host takes 512
    // pages per region: ceil(262144 / 512) + ceil(527 / 512) = 512 + 2 = 514 visits to get them.
    // Allocation calls: 5 + 3 × 1 accept step = 8, each with up to 2 partial regions: 16.
    // Gets and puts: 2 × (514 + 16) = 1060; no huge mappings or demotes; +1 for the cache fill.
    expect(simulationVisitsPerTd(s, s.tdClasses[0]!, params)).toBe(1061)
  })

  it('the same TD living past the run is never torn down: gets only, 547 visits', () => {
    // No lifetime: 514 gets, no puts (it converts nothing), the 4 × 8 partial regions of the
    // allocation calls, +1 for the cache fill: 514 + 32 + 1 = 547.
    const forever = scenario({ tdClasses: [{ name: 'td', count: 1, memoryBytes: GiB, vcpus: 1 }] })
    expect(simulationVisitsPerTd(forever, forever.tdClasses[0]!, params)).toBe(547)
    // A lifetime longer than the run (default 60 s) ends after it: no teardown either.
    const late = scenario({
      tdClasses: [{ name: 'td', count: 1, memoryBytes: GiB, vcpus: 1, lifetimeNs: 61e9 }]
    })
    expect(simulationVisitsPerTd(late, late.tdClasses[0]!, params)).toBe(547)
  })

  it('a fully fragmented host visits one region per page', () => {
    const s = scenario({
      host: { fragmentation: 1, reclaimFailureRate: 0 },
      tdClasses: [{ name: 'td', count: 1, memoryBytes: GiB, vcpus: 1, lifetimeNs: 1e9 }]
    })
    // ppr = round(512^0) = 1: 262,144 + 527 = 262,671 visits; 2 × (262,671 + 16) + 1 = 525,375.
    expect(simulationVisitsPerTd(s, s.tdClasses[0]!, params)).toBe(525_375)
  })
})

describe('simulation work: the request as a whole', () => {
  it('counts every TD that can start, and a sweep point as another run', () => {
    const s = scenario({
      tdClasses: [{ name: 'td', count: 10, memoryBytes: GiB, vcpus: 1, lifetimeNs: 1e9 }]
    })
    // Ten TDs of 1061 visits (above), all fitting 256 GiB: 10,610; a two-point TD-count sweep adds
    // runs of 1 TD (1061) and 3 TDs (3183).
    expect(estimateSimulationWork(s, host).units).toBe(10_610)
    const sweep = estimateSimulationWork(s, host, { parameter: 'tdCount', values: [1, 3] })
    expect(sweep.units).toBe(10_610 + 1061 + 3183)
    expect(sweep.refusal).toBeNull()
  })

  it('a TD larger than the host starts nowhere and costs nothing, however many are asked for', () => {
    const s = scenario({
      tdClasses: [{ name: 'big', count: 100_000, memoryBytes: 1e15, vcpus: 1 }]
    })
    const e = estimateSimulationWork(s, host)
    expect(e).toMatchObject({ tdsPerRun: 100_000, units: 0, refusal: null })
  })

  it('TDs that never end are bounded by the host memory they must share', () => {
    // 1000 TDs of 1 GiB cannot all run on 256 GiB: at most 256 GiB / footprint of them. The
    // footprint is 1 GiB + 527 kernel pages = 1,075,900,416 B, so 255.5 TDs' worth of visits,
    // 547 each (gets only: they are never torn down).
    const s = scenario({ tdClasses: [{ name: 'td', count: 1000, memoryBytes: GiB, vcpus: 1 }] })
    const footprint = GiB + 527 * 4096
    expect(estimateSimulationWork(s, host).units).toBeCloseTo(((256 * GiB) / footprint) * 547, 6)
  })

  it('refuses 64 classes of 100,000 TDs, naming the limit and what to shrink', () => {
    const s = scenario({
      tdClasses: Array.from({ length: 64 }, (_, i) => ({
        name: `c${i}`,
        count: 100_000,
        memoryBytes: 4 * 2 ** 20,
        vcpus: 1
      }))
    })
    expect(estimateSimulationWork(s, host).refusal).toBe(
      'the scenario asks for 6.4 million TDs in one run, more than the limit of 100,000 (docs/workload-model.md, "Work limits"): lower the TD counts.'
    )
  })

  it('refuses a fully fragmented host filled with 4K TDs, with the sweep in the sentence', () => {
    // 200 TDs × 1 GiB at f = 1: 200 × 525,375 = 105 M visits per run; three runs are 315 M.
    const s = scenario({
      host: { fragmentation: 1, reclaimFailureRate: 0 },
      tdClasses: [{ name: 'td', count: 200, memoryBytes: GiB, vcpus: 1, lifetimeNs: 1e9 }]
    })
    expect(estimateSimulationWork(s, host).refusal).toBeNull()
    const e = estimateSimulationWork(s, host, { parameter: 'fragmentation', values: [1, 1] })
    expect(e.units).toBe(3 * 200 * 525_375)
    expect(e.refusal).toBe(
      'this simulation and its 2-point sweep would take about 315 million region visits, more than the limit of 300 million (docs/workload-model.md, "Work limits"): lower the TD counts or memory, the fragmentation, the lazy-accept steps, or the sweep points.'
    )
  })
})

describe('contention work', () => {
  const calibrationLike = scenario({
    durationNs: 40e9,
    tdClasses: [{ name: 'td', count: 10, memoryBytes: 16 * GiB, vcpus: 4, lifetimeNs: 15e9 }]
  })

  it('the calibration scenario with every default design stays within the limit', () => {
    const e = estimateContentionWork(calibrationLike, host, contentionSettingsSchema.parse({}))
    expect(e.refusal).toBeNull()
    // 10 TDs × (4 vCPUs + a VMM thread).
    expect(e.threads).toBe(50)
  })

  it('counts every seed: three seeds are three times the events of one, and the threads of one', () => {
    const one = estimateContentionWork(
      calibrationLike,
      host,
      contentionSettingsSchema.parse({ designs: ['v6'] })
    )
    const three = estimateContentionWork(
      calibrationLike,
      host,
      contentionSettingsSchema.parse({ designs: ['v6'], seeds: 3 })
    )
    // The seeds run one after another: events add up, threads are one run's.
    expect(three.units).toBe(3 * one.units)
    expect(three.threads).toBe(one.threads)
  })

  it('five seeds of every design on the calibration scenario are refused, naming the seeds', () => {
    // One seed of the five default designs is about 361 million events (under the 400 million
    // limit, the test above); five seeds are five times that, about 1.8 billion.
    const e = estimateContentionWork(
      calibrationLike,
      host,
      contentionSettingsSchema.parse({ seeds: 5 })
    )
    expect(e.refusal).toMatch(
      /\(5 designs × 5 seeds\) would take about 1\.8 billion simulation events/
    )
    expect(e.refusal).toMatch(/pick fewer designs or seeds/)
  })

  it('a retry that takes no simulated time can never finish: refused, saying why', () => {
    const settings = contentionSettingsSchema.parse({
      designs: ['module-only'],
      costs: { busyFailNs: 0, busyBackoffNs: 0 }
    })
    const e = estimateContentionWork(calibrationLike, host, settings)
    expect(e.units).toBe(Infinity)
    expect(e.refusal).toMatch(/busyFailNs \+ busyBackoffNs must be above 0/)
  })

  it('counts the TDs a run starts: of four 100 GiB TDs a second apart, the host starts two', () => {
    const tds = (count: number): Scenario =>
      scenario({
        durationNs: 40e9,
        tdClasses: [
          {
            name: 'big',
            count,
            memoryBytes: 100 * GiB,
            vcpus: 2,
            lifetimeNs: 10e9,
            arrival: { mode: 'staggered', intervalNs: 1e9 }
          }
        ]
      })
    const settings = contentionSettingsSchema.parse({ designs: ['v6'] })
    // 256 GiB of TDX memory: the TDs at 0 s and 1 s fit (about 200 GiB with their control pages),
    // the ones at 2 s and 3 s do not (about 300 GiB) and are never started, as capacity.ts admits
    // them; so four asked cost what two do. (Counting every TD that ends, as the memory bound
    // does, would have charged all four.)
    const four = estimateContentionWork(tds(4), host, settings)
    const two = estimateContentionWork(tds(2), host, settings)
    expect(four.units).toBe(two.units)
    expect(four.threads).toBe(2 * 3)
  })

  it('mixed-fleet-churn with the form’s four default designs is no longer refused on 256 GiB', () => {
    const churn = presetScenario('mixed-fleet-churn', host.tdxMemoryBytes)!
    const e = estimateContentionWork(
      churn,
      host,
      contentionSettingsSchema.parse({ designs: ['v6', 'per-2m', 'hashed:64', 'module-only'] })
    )
    // Was about 825 million (every one of the 8 large TDs counted, 5 events per fault in the
    // demoting ones). On the SPR fixture the four designs ran about 27 million events each, both
    // DEMOTE variants together (the model's own output): the estimate stays above that.
    expect(e.refusal).toBeNull()
    expect(e.units).toBeLessThan(WORK_LIMITS.contentionEvents)
    expect(e.units).toBeGreaterThan(4 * 27_000_000)
  })

  it('counts threads: 1000 TDs of 512 vCPUs are refused before any event', () => {
    const s = scenario({
      tdClasses: [{ name: 'td', count: 1000, memoryBytes: 64 * 2 ** 20, vcpus: 512 }]
    })
    const e = estimateContentionWork(s, host, contentionSettingsSchema.parse({ designs: ['v6'] }))
    // Each TD: 512 vCPU threads and its VMM thread.
    expect(e.threads).toBe(1000 * 513)
    expect(e.refusal).toMatch(/would hold about 513,000 vCPU and VMM threads, more than the limit/)
  })
})

describe('WorkBudget: the run-time stop', () => {
  it('throws WorkLimitError once the spent units pass the limit, not at it', () => {
    const b = new WorkBudget(10)
    b.spend(6)
    b.spend(4)
    expect(b.spent).toBe(10)
    expect(() => b.spend(1)).toThrow(WorkLimitError)
  })

  it('defaults to the simulation limit', () => {
    expect(new WorkBudget().limit).toBe(WORK_LIMITS.simulationVisits)
  })
})
