import type { HostAnalysis } from '../host/analyzeHost'
import { generateEvents, type GenerationNotes } from '../workload/generateEvents'
import { planScenarioTds, type ScenarioCapacity, type TdPlan } from '../workload/capacity'
import type { Scenario } from '../workload/scenario'
import { breakEven, type BreakEven } from './breakEven'
import type { WorkBudget } from '../workEstimate'
import type { PageEventBuffer, PageEventSink } from './pageEvents'
import { PamtReplay, replayEvents, type ReplayResult, type ReplayTdClasses } from './replay'
import { placementRange, placementsToRun, type PlacementRange } from './placementRange'
import { WORKLOAD_STEP } from '../progressSteps'
import { countingSink } from './countingSink'

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
  /**
   * The peak under every modelled kernel-page placement (scenario host.kernelPlacement): where
   * placement decides the pair count, the result shows its range. Null for traces and sweep points.
   */
  placementRange: PlacementRange | null
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
    placementRange: null,
    eventCount: counts.eventCount,
    pageOperations: counts.pageOperations
  }
}

/**
 * The class of every TD the workload generator starts, by TD id: the generator numbers the TDs it
 * starts from 0 in plan order, skipping those the plan does not admit (capacity.ts).
 */
export function scenarioTdClasses(
  host: HostAnalysis,
  scenario: Scenario,
  { planned, admitted }: TdPlan = planScenarioTds(scenario, host.tdxMemoryBytes, host.params)
): ReplayTdClasses {
  const index = new Map(scenario.tdClasses.map((c, i) => [c, i]))
  const classOfTd: number[] = []
  for (const td of planned) if (admitted[td.id]) classOfTd.push(index.get(td.cls) ?? -1)
  return { names: scenario.tdClasses.map((c) => c.name), classOfTd }
}

/**
 * Run a what-if scenario on a host (dpamt-model.md §2.4-2.9). The generator streams its events
 * straight into the replay, so memory does not grow with the number of events. Deterministic for a
 * seed. A `budget` stops the run with a WorkLimitError once its events have touched more regions
 * than it allows (the pre-flight estimate, workEstimate.ts, should have refused such a run).
 */
export function simulateScenario(
  host: HostAnalysis,
  scenario: Scenario,
  budget?: WorkBudget,
  opts: {
    placementRange?: boolean
    /**
     * Progress 0..1, given the run's expected region visits (the work estimate of
     * model/workEstimate.ts, an upper bound).
     */
    progress?: {
      /** `step`: what runs now (model/progressSteps.ts), from the first report of each part. */
      onProgress: (fraction: number, step: string) => void
      expectedRegionVisits: number
    }
  } = {}
): SimulationResult {
  const refcountBytes =
    scenario.refcounts === 'dense' ? host.refcounts.denseBytes : host.refcounts.sparseBytes
  // One plan of which TDs start: the replay's TD classes and the generator's TDs must agree.
  const plan = planScenarioTds(scenario, host.tdxMemoryBytes, host.params)
  const replay = new PamtReplay(host, {
    staticPartBytes: host.dynamicPamt.staticBytes,
    refcountBytes,
    startNs: 0,
    endNs: scenario.durationNs,
    samples: scenario.samples,
    checkObservedSeamcalls: false,
    tdClasses: scenarioTdClasses(host, scenario, plan)
  })
  // With a budget, every region an event touches counts; past the limit the run stops.
  const spending: PageEventSink = budget
    ? {
        emit(t, kind, region, count, ppr, td, cpu, line) {
          budget.spend(count)
          replay.emit(t, kind, region, count, ppr, td, cpu, line)
        }
      }
    : replay
  // Progress (docs/workload-model.md, "Progress"): the main run and each placement repeat visit
  // about as many regions, so each gets an equal share; within the main run, visits against the
  // estimate, an upper bound, so the bar never runs ahead of the work.
  const onProgress = opts.progress?.onProgress
  const withRange = opts.placementRange !== false
  const shares = 1 + (withRange ? placementsToRun(scenario).length : 0)
  const expectedVisits = Math.max(1, opts.progress?.expectedRegionVisits ?? 1)
  // The main run keeps the workload's words even with a range: it is the result's own run.
  const mainStep = WORKLOAD_STEP
  let step: string = mainStep
  onProgress?.(0, mainStep)
  const sink = onProgress
    ? countingSink(spending, (v) =>
        onProgress(Math.min(0.99, v / expectedVisits) / shares, mainStep)
      )
    : spending
  const { notes, capacity, eventCount, pageOperations, regionVisits } = generateEvents(
    host,
    scenario,
    sink,
    plan
  )
  const result = summarize(
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
  // The other kernel placements, for the range (placementRange.ts): within the request's limit.
  if (withRange)
    result.placementRange = placementRange(
      host,
      scenario,
      {
        peakPairs: result.replay.peakPairs,
        peakTotalBytes: result.replay.peakTotalBytes,
        regionVisits
      },
      budget?.limit,
      onProgress &&
        ((f, repeat) => {
          step = repeat
          onProgress((1 + f * (shares - 1)) / shares, repeat)
        })
    )
  onProgress?.(1, step)
  return result
}

/**
 * Replay a recorded trace on a host, checking it for things the kernel would not do. PAMT memory is
 * attributed per TD (the trace's `td` column); a trace knows no TD classes.
 */
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
