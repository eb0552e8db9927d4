import type { HostAnalysis } from '../host/analyzeHost'
import type { Scenario } from '../workload/scenario'
import { simulateScenario } from './simulate'

/** Parameters a sweep can vary, each applied to every TD class. */
export type SweepParameter = 'share4k' | 'tdCount' | 'fragmentation'

export interface SweepPoint {
  value: number
  peakTotalBytes: number
  averageTotalBytes: number
  savingsAtPeakBytes: number
  peakPairs: number
}

export interface SweepResult {
  parameter: SweepParameter
  staticPamtBytes: number
  points: SweepPoint[]
}

/** The scenario with one parameter set (share4k: 4K share of memory, the rest 2M-mapped). */
export function withParameter(s: Scenario, p: SweepParameter, value: number): Scenario {
  const copy: Scenario = structuredClone(s)
  if (p === 'fragmentation') copy.host.fragmentation = value
  for (const c of copy.tdClasses) {
    if (p === 'share4k') {
      c.share1g = 0
      c.share2m = 1 - value
      c.demoteShare = 0
    } else if (p === 'tdCount') {
      c.count = Math.max(1, Math.round(value))
    }
  }
  return copy
}

/** Run the scenario once per value and collect the savings curve. */
export function sweepScenario(
  host: HostAnalysis,
  scenario: Scenario,
  parameter: SweepParameter,
  values: readonly number[],
  onPoint?: (done: number) => void
): SweepResult {
  const points = values.map((value, i) => {
    const r = simulateScenario(host, withParameter(scenario, parameter, value))
    onPoint?.(i + 1)
    return {
      value,
      peakTotalBytes: r.replay.peakTotalBytes,
      averageTotalBytes: r.replay.averageTotalBytes,
      savingsAtPeakBytes: r.savingsAtPeakBytes,
      peakPairs: r.replay.peakPairs
    }
  })
  return { parameter, staticPamtBytes: host.staticPamt.bytes, points }
}
