import { toCsv } from '../csv'
import type { ContentionOutcome } from '../../model/contention/simulateContention'
import { designSummaries, formatCallers } from './designSummary'
import { timelineSeconds } from './lockTimelineChart'

/** CSV of the per-design comparison (design table and comparison chart): raw ns and counts. */
export function designComparisonCsv(outcomes: readonly ContentionOutcome[]): string {
  const rows = designSummaries(outcomes)
  return toCsv({
    fields: [
      'design',
      'demote',
      'acquisitions',
      'contended',
      'contended_fraction',
      'total_wait_ns',
      'max_wait_ns',
      'avg_wait_ns',
      'mean_hold_ns',
      'max_hold_ns',
      'added_p50_ns',
      'added_p99_ns',
      'added_p999_ns',
      'added_mean_ns',
      'added_max_ns',
      'faults',
      'faults_per_sec',
      'fault_span_ns',
      'teardown_span_ns',
      'pamt_adds',
      'pamt_removes',
      'demotes',
      'busy',
      'retries',
      'failed_seamcalls',
      'lost_races',
      'hazards',
      'contended_by_caller'
    ],
    data: rows.map((r) => [
      r.design,
      r.demote,
      r.acquisitions,
      r.contended,
      r.contendedFraction,
      Math.round(r.totalWaitNs),
      Math.round(r.maxWaitNs),
      Math.round(r.avgWaitNs),
      Math.round(r.meanHoldNs),
      Math.round(r.maxHoldNs),
      Math.round(r.addedP50Ns),
      Math.round(r.addedP99Ns),
      Math.round(r.addedP999Ns),
      Math.round(r.addedMeanNs),
      Math.round(r.addedMaxNs),
      r.faults,
      Math.round(r.faultsPerSec),
      Math.round(r.faultSpanNs),
      Math.round(r.teardownSpanNs),
      r.pamtAdds,
      r.pamtRemoves,
      r.demotes,
      r.busy,
      r.retries,
      r.failedSeamcalls,
      r.lostRaces,
      r.hazards,
      formatCallers(r.contendedByCaller)
    ])
  })
}

/** CSV of the CDF chart: one row per point, long form (design, demote, latency, fraction). */
export function latencyCdfCsv(outcomes: readonly ContentionOutcome[]): string {
  return toCsv({
    fields: ['design', 'demote', 'added_latency_ns', 'cumulative_fraction'],
    data: outcomes.flatMap((o) => o.latencyCdf.map(([ns, f]) => [o.design, o.demote, ns, f]))
  })
}

/** CSV of the timeline chart of one outcome: one row per bin. */
export function lockTimelineCsv(o: ContentionOutcome): string {
  const xs = timelineSeconds(o)
  return toCsv({
    fields: ['bin_start_ns', 'bin_ns', 'mean_locks_held', 'max_waiters'],
    data: o.timeline.occupancy.map((v, i) => [
      Math.round(xs[i]! * 1e9),
      o.timeline.binNs,
      v,
      o.timeline.maxWaiters[i] ?? 0
    ])
  })
}
