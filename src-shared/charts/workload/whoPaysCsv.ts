import { toCsv } from '../csv'
import type { SimulationResult } from '../../model/runtime/simulate'

/**
 * CSV of the by-class chart: one row per sample, a pair-bytes and a cache-bytes column per TD class
 * (raw bytes; the pair columns add up to `pair_bytes` of the over-time CSV, the cache columns to
 * `cache_bytes`). Empty but for the time column when the result has no classes (a trace).
 */
export function byClassCsv(result: SimulationResult): string {
  const r = result.replay
  const classes = r.perClass ?? []
  return toCsv({
    fields: [
      'time_ns',
      ...classes.flatMap((c) => [`${c.name} pair_bytes`, `${c.name} cache_bytes`])
    ],
    data: r.timeNs.map((t, k) => [
      Math.round(t),
      ...classes.flatMap((c) => [c.pairBytes[k] ?? 0, c.cacheBytes[k] ?? 0])
    ])
  })
}

/** CSV of the per-class summary: one row per class. */
export function classSummaryCsv(result: SimulationResult): string {
  return toCsv({
    fields: [
      'class',
      'tds',
      'peak_pair_bytes',
      'average_pair_bytes',
      'peak_bytes_with_caches',
      'average_bytes_with_caches',
      'pair_bytes_at_total_peak',
      'cache_bytes_at_total_peak',
      'pair_bytes_at_end'
    ],
    data: (result.replay.perClass ?? []).map((c) => [
      c.name,
      c.tds,
      c.peakPairBytes,
      Math.round(c.averagePairBytes),
      c.peakBytes,
      Math.round(c.averageBytes),
      c.pairBytesAtPeak,
      c.cacheBytesAtPeak,
      c.pairBytesAtEnd
    ])
  })
}

/**
 * CSV of the per-TD table: the listed TDs, then one `other` row for the rest (its peak is the sum
 * of their peaks, an upper bound of their combined peak).
 */
export function tdTableCsv(result: SimulationResult): string {
  const t = result.replay.perTd
  const data: Array<Array<string | number>> = t.rows.map((x) => [
    x.td,
    x.className ?? '',
    x.peakPairBytes,
    Math.round(x.peakPairTimeNs),
    x.pairBytesAtEnd,
    x.peakCacheBytes,
    x.pairsCharged
  ])
  if (t.other) {
    data.push([
      `other (${t.other.tds} TDs)`,
      '',
      t.other.sumOfPeakPairBytes,
      '',
      t.other.pairBytesAtEnd,
      '',
      t.other.pairsCharged
    ])
  }
  return toCsv({
    fields: [
      'td',
      'class',
      'peak_pair_bytes',
      'peak_time_ns',
      'pair_bytes_at_end',
      'peak_cache_bytes',
      'pairs_charged'
    ],
    data
  })
}
