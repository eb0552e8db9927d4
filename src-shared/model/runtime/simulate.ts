import type { HostAnalysis } from '../host/analyzeHost'
import { generateEvents, type GenerationNotes } from '../workload/generateEvents'
import type { ScenarioCapacity } from '../workload/capacity'
import type { Scenario } from '../workload/scenario'
import { breakEven, type BreakEven } from './breakEven'
import type { PageEventBuffer } from './pageEvents'
import { PamtReplay, replayEvents, type ReplayResult } from './replay'

/** Everything a run shows: the series, the summary, and the inputs that made it. */
export interface SimulationResult {
  scenarioName: string
  seed: number
  refcountScheme: 'dense' | 'sparse'
  staticPamtBytes: number
  staticPartBytes: number
  refcountBytes: number
  replay: ReplayResult
  /** Static PAMT minus the Dynamic PAMT peak: positive when Dynamic PAMT saves memory. */
  savingsAtPeakBytes: number
  savingsAtPeakFraction: number
  savingsAverageBytes: number
  breakEven: BreakEven
  /**
   * Requested vs started TDs (null for traces): TDs that do not fit are not started, and every
   * figure above is for the TDs that started. Shown first wherever the result is shown.
   */
  capacity: ScenarioCapacity | null
  /** What the workload generator could not place or leaked (null for traces). */
  generation: GenerationNotes | null
  /** Events and page operations replayed, for throughput figures. */
  eventCount: number
  pageOperations: number
}

function summarize(
  host: HostAnalysis,
  name: string,
  seed: number,
  scheme: 'dense' | 'sparse',
  fragmentation: number,
  replay: ReplayResult,
  generation: GenerationNotes | null,
  capacity: ScenarioCapacity | null,
  counts: { eventCount: number; pageOperations: number }
): SimulationResult {
  const refcountBytes = scheme === 'dense' ? host.refcounts.denseBytes : host.refcounts.sparseBytes
  const staticPamtBytes = host.staticPamt.bytes
  return {
    scenarioName: name,
    seed,
    refcountScheme: scheme,
    staticPamtBytes,
    staticPartBytes: host.dynamicPamt.staticBytes,
    refcountBytes,
    replay,
    savingsAtPeakBytes: staticPamtBytes - replay.peakTotalBytes,
    savingsAtPeakFraction:
      staticPamtBytes > 0 ? (staticPamtBytes - replay.peakTotalBytes) / staticPamtBytes : 0,
    savingsAverageBytes: staticPamtBytes - replay.averageTotalBytes,
    breakEven: breakEven(host, refcountBytes, fragmentation),
    capacity,
    generation,
    eventCount: counts.eventCount,
    pageOperations: counts.pageOperations
  }
}

/**
 * Run a what-if scenario on a host (dpamt-model.md §2.4-2.9). The generator streams its events
 * straight into the replay, so memory does not grow with the number of events. Deterministic for a
 * seed.
 */
export function simulateScenario(host: HostAnalysis, scenario: Scenario): SimulationResult {
  const refcountBytes =
    scenario.refcounts === 'dense' ? host.refcounts.denseBytes : host.refcounts.sparseBytes
  const replay = new PamtReplay(host, {
    staticPartBytes: host.dynamicPamt.staticBytes,
    refcountBytes,
    startNs: 0,
    endNs: scenario.durationNs,
    samples: scenario.samples,
    checkObservedSeamcalls: false
  })
  const { notes, capacity, eventCount, pageOperations } = generateEvents(host, scenario, replay)
  return summarize(
    host,
    scenario.name,
    scenario.seed,
    scenario.refcounts,
    scenario.host.fragmentation,
    replay.finish(),
    notes,
    capacity,
    {
      eventCount,
      pageOperations
    }
  )
}

/** Replay a recorded trace on a host, checking it for things the kernel would not do. */
export function simulateTrace(
  host: HostAnalysis,
  events: PageEventBuffer,
  name: string,
  opts: { refcounts: 'dense' | 'sparse'; samples: number }
): SimulationResult {
  const order = events.timeOrder()
  const first = events.length ? events.timeNs[order[0]!]! : 0
  const last = events.length ? events.timeNs[order[order.length - 1]!]! : 1
  const refcountBytes =
    opts.refcounts === 'dense' ? host.refcounts.denseBytes : host.refcounts.sparseBytes
  const replay = replayEvents(host, events, order, {
    staticPartBytes: host.dynamicPamt.staticBytes,
    refcountBytes,
    startNs: first,
    endNs: Math.max(last, first + 1),
    samples: opts.samples,
    checkObservedSeamcalls: true
  })
  return summarize(host, name, 0, opts.refcounts, 0, replay, null, null, {
    eventCount: events.length,
    pageOperations: events.pageOperations()
  })
}
