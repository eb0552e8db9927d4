import type { TdxModuleParams } from '../host/tdxModuleParams'
import { arrivalTimes } from './arrivals'
import { SeededRandom } from './random'
import type { KvmMaxLeaf, Scenario, TdClass } from './scenario'
import { controlPages, conversionLayout, septPages, tdMemoryLayout } from './tdPages'

const PAGE_BYTES = 4096
const SZ_2M = 2 ** 21
const SZ_1G = 2 ** 30

/** One TD the scenario asks for: its class, when it starts and (if it does) ends. */
export interface PlannedTd {
  id: number
  cls: TdClass
  startNs: number
  endNs: number | null
}

/**
 * Whether a scenario's TDs fit the host (docs/workload-model.md, "Capacity"): a TD starts only if
 * its memory fits beside the TDs running at that moment; the others are not started. Every savings
 * figure is for the TDs that started, and says so when they are fewer than asked for.
 */
export interface ScenarioCapacity {
  /** TDs arriving within the scenario's duration. */
  tdsRequested: number
  tdsStarted: number
  /** Guest memory of the requested TDs, and of those that started. */
  requestedBytes: number
  startedBytes: number
  /** TDX-convertible memory of the host: what TDs can be given. */
  tdxMemoryBytes: number
  /** Most memory (guest and kernel pages) the started TDs held at one time. */
  peakCommittedBytes: number
  /** Every requested TD started. */
  fits: boolean
  /** Per TD class, in scenario order. */
  classes: Array<{ name: string; requested: number; started: number }>
}

/**
 * The memory a TD holds once fully accepted: its guest memory plus its control and S-EPT pages,
 * those its conversions add (a PT per split 2M mapping, a PD per split 1G mapping) included. The
 * pages Dynamic PAMT pairs themselves take are small beside it and are not counted; converted
 * memory is modelled as converted in place, so it stays in the footprint.
 */
export function tdFootprintBytes(
  cls: TdClass,
  params: TdxModuleParams,
  maxLeaf: KvmMaxLeaf = '2m'
): number {
  const layout = tdMemoryLayout(cls, maxLeaf)
  const sept =
    septPages(
      layout.fourKPages * PAGE_BYTES,
      layout.twoMMappings * SZ_2M,
      layout.oneGMappings * SZ_1G,
      cls.septLevels
    ) + conversionLayout(cls, maxLeaf).septExtra
  return cls.memoryBytes + (controlPages(params, cls.vcpus).total + sept) * PAGE_BYTES
}

/**
 * The scenario's TDs in the order the workload generator creates them, with the same seeded
 * arrivals (one forked stream per TD class, salted by the TDs created before it).
 */
export function planTds(scenario: Scenario): PlannedTd[] {
  const rng = new SeededRandom(scenario.seed)
  const planned: PlannedTd[] = []
  for (const cls of scenario.tdClasses) {
    for (const startNs of arrivalTimes(cls, rng.fork(planned.length + 1))) {
      if (startNs > scenario.durationNs) continue
      const endNs = cls.lifetimeNs === null ? null : startNs + cls.lifetimeNs
      planned.push({ id: planned.length, cls, startNs, endNs })
    }
  }
  return planned
}

/**
 * Admit TDs in start order while their memory fits: a TD that ends at or before another's start
 * has released its memory by then. Returns which TDs start and the capacity summary.
 */
export function admitTds(
  planned: readonly PlannedTd[],
  tdxMemoryBytes: number,
  params: TdxModuleParams,
  durationNs: number,
  maxLeaf: KvmMaxLeaf = '2m'
): { admitted: boolean[]; capacity: ScenarioCapacity } {
  const admitted = new Array<boolean>(planned.length).fill(false)
  const perClass = new Map<TdClass, number>()
  const footprint = planned.map((td) => {
    let f = perClass.get(td.cls)
    if (f === undefined) perClass.set(td.cls, (f = tdFootprintBytes(td.cls, params, maxLeaf)))
    return f
  })
  // Ends sort before starts at the same instant, so back-to-back TDs can reuse the memory.
  const order = [
    ...planned.map((td) => ({ t: td.startNs, end: false, id: td.id })),
    ...planned
      .filter((td) => td.endNs !== null && td.endNs <= durationNs)
      .map((td) => ({ t: td.endNs!, end: true, id: td.id }))
  ].sort((a, b) => a.t - b.t || Number(b.end) - Number(a.end) || a.id - b.id)
  let committed = 0
  let peakCommitted = 0
  for (const e of order) {
    if (e.end) {
      if (admitted[e.id]) committed -= footprint[e.id]!
    } else if (committed + footprint[e.id]! <= tdxMemoryBytes) {
      admitted[e.id] = true
      committed += footprint[e.id]!
      peakCommitted = Math.max(peakCommitted, committed)
    }
  }
  const classes = new Map<TdClass, { name: string; requested: number; started: number }>()
  let requestedBytes = 0
  let startedBytes = 0
  for (const td of planned) {
    const c = classes.get(td.cls) ?? { name: td.cls.name, requested: 0, started: 0 }
    c.requested++
    requestedBytes += td.cls.memoryBytes
    if (admitted[td.id]) {
      c.started++
      startedBytes += td.cls.memoryBytes
    }
    classes.set(td.cls, c)
  }
  const tdsStarted = admitted.filter(Boolean).length
  return {
    admitted,
    capacity: {
      tdsRequested: planned.length,
      tdsStarted,
      requestedBytes,
      startedBytes,
      tdxMemoryBytes,
      peakCommittedBytes: peakCommitted,
      fits: tdsStarted === planned.length,
      classes: [...classes.values()]
    }
  }
}

/** A scenario's TDs in creation order, which of them start, and the capacity summary. */
export interface TdPlan {
  planned: PlannedTd[]
  admitted: boolean[]
  capacity: ScenarioCapacity
}

/**
 * Plan and admit a scenario's TDs on a host: made once per run and shared by the workload
 * generator and the replay's TD-class map, so both see the same TDs.
 */
export function planScenarioTds(
  scenario: Scenario,
  tdxMemoryBytes: number,
  params: TdxModuleParams
): TdPlan {
  const planned = planTds(scenario)
  return {
    planned,
    ...admitTds(planned, tdxMemoryBytes, params, scenario.durationNs, scenario.kvmMaxLeaf)
  }
}

/** The capacity check for a scenario on a host, without running it (the editor's live check). */
export function scenarioCapacity(
  scenario: Scenario,
  tdxMemoryBytes: number,
  params: TdxModuleParams
): ScenarioCapacity {
  return planScenarioTds(scenario, tdxMemoryBytes, params).capacity
}

const SCALE_HEADROOM = 0.95
const MAX_SCALE_STEPS = 10_000

/**
 * The scenario made to fit the host (the editor's "Scale to this host"): TD counts shrunk in
 * proportion, then one TD at a time from the class holding the most memory; a single TD larger than
 * the host is halved in memory (kept a whole number of GiB when it uses 1G pages), its conversions
 * given in bytes with it. Null when it already fits, or when not even one smallest TD can.
 */
export function scaleScenarioToHost(
  scenario: Scenario,
  tdxMemoryBytes: number,
  params: TdxModuleParams
): Scenario | null {
  const check = (s: Scenario): ScenarioCapacity => scenarioCapacity(s, tdxMemoryBytes, params)
  if (check(scenario).fits) return null
  const s: Scenario = structuredClone(scenario)
  const budget = SCALE_HEADROOM * tdxMemoryBytes
  // First step in proportion: as if every TD ran at once.
  const foot = (c: TdClass): number => tdFootprintBytes(c, params, s.kvmMaxLeaf)
  const all = s.tdClasses.reduce((t, c) => t + c.count * foot(c), 0)
  const ratio = Math.min(1, budget / all)
  for (const c of s.tdClasses) c.count = Math.max(1, Math.floor(c.count * ratio))
  for (let step = 0; step < MAX_SCALE_STEPS && !check(s).fits; step++) {
    const biggest = [...s.tdClasses].sort((a, b) => b.count * foot(b) - a.count * foot(a))[0]!
    if (biggest.count > 1) {
      biggest.count--
      continue
    }
    const unit = biggest.share1g > 0 ? 2 ** 30 : 2 ** 21
    const halved = Math.floor(biggest.memoryBytes / 2 / unit) * unit
    if (halved < unit) return null
    biggest.memoryBytes = halved
    biggest.imageBytes = Math.min(biggest.imageBytes, halved)
    // Conversions given in bytes shrink with the memory ('swiotlb' follows it by itself).
    const cv = biggest.conversions
    const half = (b: number): number => Math.floor(b / 2 / 4096) * 4096
    if (cv.poolBytes !== 'swiotlb') cv.poolBytes = half(cv.poolBytes)
    cv.scatteredBytes = half(cv.scatteredBytes)
  }
  if (!check(s).fits) return null
  // Scenario names are at most 120 characters (scenario.ts).
  s.name = `${scenario.name.slice(0, 99)} (scaled to this host)`
  return s
}
