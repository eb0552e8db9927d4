import { beforeAll, describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import type { ContentionCosts } from '@shared/model/contention/costs'
import {
  simulateContention,
  type ContentionOutcome,
  type ContentionSettings
} from '@shared/model/contention/simulateContention'
import { simulateSingleLock } from '@shared/model/contention/singleLockQueue'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'

/**
 * The engine against queueing theory.
 *
 * M/D/1 and PASTA run through simulateContention itself (its thread engine, event queue and queued
 * spinlock): TDs arrive as a Poisson process and each makes exactly one request for pamt_lock (v6),
 * the PAMT.ADD of its one guest region, held a fixed 1000 ns with no hand-off cost. That takes a
 * set-up, so that nothing else reaches the lock once the Poisson TDs start:
 *  - minimal control pages (TDR 1 + TDCS 1 + TDVPS 1 = 3), pair allocation, atomics, AUG and
 *    extra lock work cost 0; the exit before a fault (10 µs) puts the ADD after the VMM's work;
 *  - kernel pages (control, S-EPT and pair pages) come from a window of 400 regions. A fresh
 *    kernel region needs its own PAMT.ADD, and gets on it during that ADD lose 0->1 races: extra,
 *    non-Poisson lock requests. So a warm-up class of 1500 TDs, one every 20 µs (each finishes its
 *    lock work within 12 µs: they never meet), first draws 9000 kernel pages, which fills every
 *    window slot (a slot missed by 9000 uniform draws: 400·(1 − 1/400)^9000 ≈ 1e-7). The
 *    Poisson phase draws about 6 × 20000 more pages, well under the 400 × 512 the window holds,
 *    so no slot is refilled: every kernel get after the warm-up is a fast-path increment.
 *
 * M/G/1 runs through simulateContention with lognormal service times (costs.serviceCv). M/M/1 stays
 * on simulateSingleLock, the same EventQueue and QueuedSpinlock driven by a plain arrival loop:
 * simulateContention draws lognormal, not exponential, hold times.
 */
const host = (() => {
  // One usable range of 64 GiB (32768 regions: 21500 guest regions and 400 kernel regions fit).
  const r = importHostText(
    'BIOS-e820: [mem 0x0000000100000000-0x00000010ffffffff] usable\n',
    'queue.log'
  )
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host, { params: { tdcsBaseBytes: 4096, tdvpsBaseBytes: 4096 } })
})()

const HOLD_NS = 1000
const costs: ContentionCosts = {
  pamtAddNs: HOLD_NS,
  pamtRemoveNs: 0,
  augNs: 0,
  demoteNs: 0,
  pageRemoveNs: 0,
  atomicNs: 0,
  lockHoldExtraNs: 0,
  handoffSameSocketNs: 0,
  handoffCrossSocketNs: 0,
  pageAllocNs: 0,
  pageFreeNs: 0,
  faultOutsideNs: 10_000,
  busyBackoffNs: 0,
  busyFailNs: 0,
  serviceCv: 0
}
const settings: ContentionSettings = {
  costs,
  sockets: 1,
  cpusPerSocket: 64,
  kernelWindowRegions: 400,
  timelineBins: 10,
  tdStartJitterNs: 0,
  vcpuStartJitterNs: 0
}
const oneRegion = { memoryBytes: 2 ** 21, imageBytes: 0, vcpus: 1 }
const WARMUP: ScenarioInput['tdClasses'][number] = {
  name: 'warm-up',
  count: 1500,
  ...oneRegion,
  arrival: { mode: 'staggered', intervalNs: 20_000 }
}
// λ = 1 per 2 µs, fixed hold 1 µs: ρ = 0.5. Started after the warm-up (1500 × 20 µs = 30 ms).
const CUSTOMERS = 20_000
const MEAN_INTERVAL_NS = 2000
const rho = HOLD_NS / MEAN_INTERVAL_NS

function run(
  tdClasses: ScenarioInput['tdClasses'],
  runSettings: ContentionSettings = settings,
  seed = 1
): ContentionOutcome {
  const scenario = scenarioSchema.parse({ name: 'queue', seed, durationNs: 1e9, tdClasses })
  return simulateContention(host, scenario, 'v6', 'lock-around', runSettings)
}
const POISSON: ScenarioInput['tdClasses'][number] = {
  name: 'poisson',
  count: CUSTOMERS,
  ...oneRegion,
  arrival: { mode: 'poisson', startNs: 40e6, meanIntervalNs: MEAN_INTERVAL_NS }
}

describe('simulateContention against M/D/1: Poisson TD arrivals, one fixed-hold PAMT.ADD each', () => {
  let warm: ContentionOutcome
  let full: ContentionOutcome
  /** Seeds 2 and 3 as well, for the mean wait (see below). */
  let more: ContentionOutcome[]
  beforeAll(() => {
    warm = run([WARMUP])
    full = run([WARMUP, POISSON])
    more = [2, 3].map((seed) => run([WARMUP, POISSON], settings, seed))
  })

  it('the warm-up alone never contends: 1500 guest ADDs + 400 kernel-region ADDs', () => {
    expect(warm.locks[0]!.acquisitions).toBe(1500 + 400)
    expect(warm.locks[0]!.contended).toBe(0)
    expect(warm.lostRaces).toBe(0)
  })

  it('after the warm-up the lock sees exactly one request per Poisson TD, and no lost race', () => {
    expect(full.locks[0]!.acquisitions).toBe(1900 + CUSTOMERS)
    expect(full.lostRaces).toBe(0)
  })

  it('mean wait within 5 % of M/D/1: Wq = ρ/(2μ(1−ρ)) = 500 ns', () => {
    // Wq = 0.5 × 1000 / (2 × 0.5) = 500 ns; every wait comes from the Poisson phase (the warm-up
    // has none). Over seeds 1..12 one run's estimate spreads with a standard deviation of about
    // 2.4 % at 20000 customers; the mean of seeds 1-3 (60000 customers) spreads by 2.4 / √3 ≈
    // 1.4 %, so 5 % is over three deviations. An engine error (a wait counted from the wrong
    // time, a hold or hand-off lost or doubled) moves it by tens of percent.
    const theory = (rho * HOLD_NS) / (2 * (1 - rho))
    const runs = [full, ...more]
    const meanWait =
      runs.reduce((sum, o) => sum + o.locks[0]!.totalWaitNs, 0) / (CUSTOMERS * runs.length)
    expect(Math.abs(meanWait - theory) / theory).toBeLessThan(0.05)
  })

  it('contends with probability ρ = 0.5 (PASTA: Poisson arrivals see the time average)', () => {
    // The fraction's standard deviation over seeds is about 0.005 here.
    expect(Math.abs(full.locks[0]!.contended / CUSTOMERS - rho)).toBeLessThan(0.02)
  })
})

describe('simulateContention against M/G/1: lognormal service times (costs.serviceCv = 1)', () => {
  // The same set-up with every service time drawn from a lognormal of CV 1 (serviceTimes.ts): the
  // PAMT.ADD hold S has mean 1000 ns and E[S²] = (1 + c²)·1000² = 2·10⁶ ns². The other drawn cost,
  // the 10 µs exit before the fault, only delays each TD's request by an independent amount, and
  // a Poisson process with independent delays stays Poisson. Pollaczek–Khinchine:
  // Wq = λ·E[S²] / (2(1 − ρ)) = ρ(1 + c²) / (2μ(1 − ρ)) = 0.5 × 2 × 1000 / (2 × 0.5) = 1000 ns,
  // twice the M/D/1 wait. The warm-up now contends a little (its random exits let neighbours
  // meet); it runs before the Poisson TDs start and draws the same random numbers in both runs,
  // so its waits are taken off.
  let warm: ContentionOutcome
  let full: ContentionOutcome
  beforeAll(() => {
    const cv1 = { ...settings, costs: { ...costs, serviceCv: 1 } }
    warm = run([WARMUP], cv1)
    full = run([WARMUP, POISSON], cv1)
  })

  it('mean wait within 12 % of Pollaczek–Khinchine: 1000 ns', () => {
    // Over seeds 1..12 the estimate spread with a standard deviation of about 3.6 % (the
    // lognormal's tail makes it wider than M/D/1's), so 12 % is over three deviations; constant
    // service times (cv ignored) would land near 500 ns, half of it.
    const meanWait = (full.locks[0]!.totalWaitNs - warm.locks[0]!.totalWaitNs) / CUSTOMERS
    expect(Math.abs(meanWait - 1000) / 1000).toBeLessThan(0.12)
  })

  it('still contends with probability ρ = 0.5 (PASTA does not depend on the service law)', () => {
    const contended = full.locks[0]!.contended - warm.locks[0]!.contended
    expect(Math.abs(contended / CUSTOMERS - rho)).toBeLessThan(0.02)
  })
})

describe('the event queue and spinlock against M/M/1 (plain arrival loop)', () => {
  it('Poisson arrivals, exponential hold: mean wait within 5 % of M/M/1', () => {
    // λ = 0.5 per µs, mean hold 1 µs: ρ = 0.5, Wq = ρ/(μ(1−ρ)) = 0.5 × 1000 / 0.5 = 1000 ns.
    const r = simulateSingleLock({
      arrivalsPerNs: 0.5 / 1000,
      meanHoldNs: 1000,
      hold: 'exponential',
      customers: 400_000,
      seed: 11
    })
    expect(Math.abs(r.meanWaitNs - 1000) / 1000).toBeLessThan(0.05)
  })
})
