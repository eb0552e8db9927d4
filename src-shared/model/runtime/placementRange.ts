import type { HostAnalysis } from '../host/analyzeHost'
import { generateEvents } from '../workload/generateEvents'
import { KERNEL_PLACEMENTS, type KernelPlacement } from '../workload/regionPool'
import type { Scenario } from '../workload/scenario'
import { PamtReplay } from './replay'
import { countingSink } from './countingSink'
import { placementStep } from '../progressSteps'
import { maxOf, minOf } from '../../util/arrays'

/** One placement's run: its peak pairs and its peak Dynamic PAMT total. */
export interface PlacementRun {
  placement: KernelPlacement
  peakPairs: number
  peakTotalBytes: number
}

/**
 * What the modelled kernel-page placement (scenario `host.kernelPlacement`, docs/workload-model.md
 * "Where pages land") does to the result: the scenario run under every placement, same seed, TDs
 * and times, and the fewest and most pairs and bytes at the peak. Shown beside the run's own peak.
 */
export interface PlacementRange {
  /** The scenario field the range is over. */
  parameter: 'host.kernelPlacement'
  /** This run's placement. */
  placement: KernelPlacement
  /** False when the repeats would pass the work limit: best and worst are then this run's. */
  computed: boolean
  bestPairs: number
  worstPairs: number
  bestPeakBytes: number
  worstPeakBytes: number
  /** The placement with the fewest and with the most peak pairs (the first such, in run order). */
  bestPlacement: KernelPlacement
  worstPlacement: KernelPlacement
  /** Every placement's peak, this run's first. */
  runs: PlacementRun[]
  /** What the range assumes, one sentence each, for the UI and the CLI. */
  assumptions: string[]
}

/** A run's peak and the region visits it cost (generateEvents' regionVisits). */
export interface MainRun {
  peakPairs: number
  peakTotalBytes: number
  regionVisits: number
}

/**
 * The placement range of a scenario whose own run gave `main`. The other placements are run with
 * a replay that keeps only its peaks (16 samples), unless `maxRegionVisits` (the request's work
 * limit) would be passed by this run and the repeats together: then `computed` is false. At
 * fragmentation above 0 every allocation already starts in a region of its own
 * (RegionPool.allocateOnNode moves on after every visit), so 'scattered' is the same run as
 * 'separate' and is not repeated.
 */
export function placementRange(
  host: HostAnalysis,
  scenario: Scenario,
  main: MainRun,
  maxRegionVisits = Infinity,
  onProgress?: (fraction: number, step: string) => void
): PlacementRange {
  const own = scenario.host.kernelPlacement
  const fragmented = scenario.host.fragmentation > 0
  // Placements that give the same run on this host: at f > 0, separate and scattered.
  const same = (a: KernelPlacement, b: KernelPlacement): boolean =>
    a === b || (fragmented && a !== 'interleaved' && b !== 'interleaved')
  const ownRun: PlacementRun = {
    placement: own,
    peakPairs: main.peakPairs,
    peakTotalBytes: main.peakTotalBytes
  }
  const others = KERNEL_PLACEMENTS.filter((p) => p !== own)
  const toRun = placementsToRun(scenario)
  const assumptions: string[] = [
    `kernelPlacement '${own}' is this run's (modelled, default 'separate'): TD control and S-EPT pages ${PLACEMENT_TEXT[own]}.`
  ]
  if ((1 + toRun.length) * main.regionVisits > maxRegionVisits) {
    assumptions.push(
      `Not computed: repeating the run for ${toRun.map((p) => `'${p}'`).join(' and ')} (about ${main.regionVisits.toLocaleString('en-US')} region visits each) would pass the work limit of ${maxRegionVisits.toLocaleString('en-US')}.`
    )
    return {
      parameter: 'host.kernelPlacement',
      placement: own,
      computed: false,
      bestPairs: main.peakPairs,
      worstPairs: main.peakPairs,
      bestPeakBytes: main.peakTotalBytes,
      worstPeakBytes: main.peakTotalBytes,
      bestPlacement: own,
      worstPlacement: own,
      runs: [ownRun],
      assumptions
    }
  }
  // Each repeat visits about as many regions as the main run (the same TDs, pages and times).
  // Steps count the main run as the range's first: "placement range: interleaved (2/3)".
  const ran = toRun.map((p, i) => {
    const step = placementStep(p, i + 2, toRun.length + 1)
    onProgress?.(i / toRun.length, step)
    return runPlacement(
      host,
      scenario,
      p,
      onProgress &&
        ((visits) =>
          onProgress(
            Math.min(1, (i + Math.min(1, visits / main.regionVisits)) / toRun.length),
            step
          ))
    )
  })
  const runs: PlacementRun[] = [ownRun]
  for (const p of others) {
    const r = ran.find((x) => same(x.placement, p)) ?? ownRun
    runs.push({ ...r, placement: p })
  }
  const best = runs.reduce((a, b) => (b.peakPairs < a.peakPairs ? b : a))
  const worst = runs.reduce((a, b) => (b.peakPairs > a.peakPairs ? b : a))
  assumptions.push(
    `Range: the same TDs, times and seed run with each kernelPlacement; fewest pairs with '${best.placement}', most with '${worst.placement}'.`,
    `'scattered' starts each kernel allocation (a TD's control pages, the S-EPT pages of one accept step, conversion or DEMOTE) in a region no other TD page uses: the worst case at the model's allocation granularity; every kernel page in a region of its own is fragmentation 1.`,
    'PAMT pair pages and pamt_cache pages are not placed (they need no pair): interleaved with guest pages they would push those into about one more region per 256 pairs.'
  )
  if (fragmented)
    assumptions.push(
      "At fragmentation above 0 every allocation starts in a new region, so 'scattered' gives the same run as 'separate'."
    )
  return {
    parameter: 'host.kernelPlacement',
    placement: own,
    computed: true,
    bestPairs: best.peakPairs,
    worstPairs: worst.peakPairs,
    bestPeakBytes: minOf(runs.map((r) => r.peakTotalBytes)),
    worstPeakBytes: maxOf(runs.map((r) => r.peakTotalBytes)),
    bestPlacement: best.placement,
    worstPlacement: worst.placement,
    runs,
    assumptions
  }
}

/**
 * The other placements a scenario's range repeats the run for (none that would give the same run
 * as one already counted): known before the main run, so its progress can be shared out.
 */
export function placementsToRun(scenario: Scenario): KernelPlacement[] {
  const own = scenario.host.kernelPlacement
  const fragmented = scenario.host.fragmentation > 0
  const same = (a: KernelPlacement, b: KernelPlacement): boolean =>
    a === b || (fragmented && a !== 'interleaved' && b !== 'interleaved')
  const others = KERNEL_PLACEMENTS.filter((p) => p !== own)
  return others.filter((p, i) => !same(p, own) && !others.slice(0, i).some((q) => same(p, q)))
}

const PLACEMENT_TEXT: Record<KernelPlacement, string> = {
  separate: 'pack into regions of their own, away from guest pages',
  interleaved: 'share the regions guest pages are taken from',
  scattered: 'start every allocation in a region no other TD page uses'
}

/** The scenario with another kernel placement, replayed for its peaks only. */
function runPlacement(
  host: HostAnalysis,
  scenario: Scenario,
  placement: KernelPlacement,
  onVisits?: (regionVisits: number) => void
): PlacementRun {
  const s: Scenario = { ...scenario, host: { ...scenario.host, kernelPlacement: placement } }
  const replay = new PamtReplay(host, {
    staticPartBytes: host.dynamicPamt.staticBytes,
    refcountBytes:
      scenario.refcounts === 'dense' ? host.refcounts.denseBytes : host.refcounts.sparseBytes,
    startNs: 0,
    endNs: scenario.durationNs,
    samples: 16,
    checkObservedSeamcalls: false
  })
  generateEvents(host, s, onVisits ? countingSink(replay, onVisits) : replay)
  const r = replay.finish()
  return { placement, peakPairs: r.peakPairs, peakTotalBytes: r.peakTotalBytes }
}
