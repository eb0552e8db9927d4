import { toCsv } from '../csv'
import type { ContentionOutcome } from '../../model/contention/simulateContention'
import { designSummaries, formatCallers } from './designSummary'
import type { SpreadMetric } from '../../model/contention/spread'
import { timelineSeconds } from './lockTimelineChart'

/** The CSV name of each metric a repeated run spreads (spread.ts), in whole units where it has one. */
const SPREAD_COLUMNS: ReadonlyArray<[SpreadMetric, string, boolean]> = [
  ['contended', 'contended', false],
  ['contendedFraction', 'contended_fraction', false],
  ['totalWaitNs', 'total_wait_ns', true],
  ['p99AddedNs', 'added_p99_ns', true],
  ['busy', 'busy', false],
  ['hazards', 'hazards', false],
  ['lostRaces', 'lost_races', false]
]

/**
 * The spread columns of a run over several seeds: min, median and max of each metric
 * (`contended_min`, `contended_median`, …); none for a run of one seed.
 */
function spreadColumns(outcomes: readonly ContentionOutcome[]): {
  fields: string[]
  cells: (o: ContentionOutcome) => Array<number | string>
} {
  if (!outcomes.some((o) => o.spread)) return { fields: [], cells: () => [] }
  const ends = ['min', 'median', 'max'] as const
  return {
    fields: SPREAD_COLUMNS.flatMap(([, name]) => ends.map((e) => `${name}_${e}`)),
    cells: (o) =>
      SPREAD_COLUMNS.flatMap(([metric, , ns]) =>
        ends.map((e) => {
          const v = o.spread?.[metric][e]
          return v === undefined ? '' : ns ? Math.round(v) : v
        })
      )
  }
}

/**
 * CSV of the design table: every figure per design and DEMOTE variant, raw ns and counts; the
 * first seed's, then, over several seeds, each spread metric's min, median and max.
 */
export function designComparisonCsv(outcomes: readonly ContentionOutcome[]): string {
  const rows = designSummaries(outcomes)
  const spread = spreadColumns(outcomes)
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
      'contended_by_caller',
      ...spread.fields
    ],
    data: rows.map((r, i) => [
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
      formatCallers(r.contendedByCaller),
      ...spread.cells(outcomes[i]!)
    ])
  })
}

/**
 * CSV of the comparison chart: the values it plots, per design and DEMOTE variant (contended %,
 * BUSY, retries, added p50/p99/p99.9 in ns) and, over several seeds, its whiskers' ends.
 */
export function designComparisonChartCsv(outcomes: readonly ContentionOutcome[]): string {
  const rows = designSummaries(outcomes)
  const withSpread = outcomes.some((o) => o.spread)
  const pct = (f: number): number => Number((f * 100).toFixed(4))
  return toCsv({
    fields: [
      'design',
      'demote',
      'contended_percent',
      ...(withSpread ? ['contended_percent_min', 'contended_percent_max'] : []),
      'busy',
      'retries',
      'added_p50_ns',
      'added_p99_ns',
      ...(withSpread ? ['added_p99_ns_min', 'added_p99_ns_max'] : []),
      'added_p999_ns'
    ],
    data: rows.map((r, i) => {
      const s = outcomes[i]!.spread
      return [
        r.design,
        r.demote,
        pct(r.contendedFraction),
        ...(withSpread
          ? s
            ? [pct(s.contendedFraction.min), pct(s.contendedFraction.max)]
            : ['', '']
          : []),
        r.busy,
        r.retries,
        Math.round(r.addedP50Ns),
        Math.round(r.addedP99Ns),
        ...(withSpread
          ? s
            ? [Math.round(s.p99AddedNs.min), Math.round(s.p99AddedNs.max)]
            : ['', '']
          : []),
        Math.round(r.addedP999Ns)
      ]
    })
  })
}

/** CSV of the CDF chart: one row per point, long form (design, demote, latency, fraction). */
export function latencyCdfCsv(outcomes: readonly ContentionOutcome[]): string {
  return toCsv({
    fields: ['design', 'demote', 'added_latency_ns', 'cumulative_fraction'],
    data: outcomes.flatMap((o) =>
      o.latencyCdf.map(([ns, f]) => [o.design, o.demote, Math.round(ns), f])
    )
  })
}

/** CSV of the timeline chart of one outcome: one row per bin. */
export function lockTimelineCsv(o: ContentionOutcome): string {
  const xs = timelineSeconds(o)
  return toCsv({
    fields: ['bin_start_ns', 'bin_ns', 'mean_locks_held', 'max_waiters'],
    data: o.timeline.occupancy.map((v, i) => [
      Math.round(xs[i]! * 1e9),
      Math.round(o.timeline.binNs),
      v,
      o.timeline.maxWaiters[i] ?? 0
    ])
  })
}
