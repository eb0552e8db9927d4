import { toCsv } from '../csv'
import type { SimulationResult } from '../../model/runtime/simulate'
import type { SweepResult } from '../../model/runtime/sweep'

/** CSV of the over-time chart: one row per sample, every part in raw bytes. */
export function pamtOverTimeCsv(result: SimulationResult): string {
  const r = result.replay
  return toCsv({
    fields: [
      'time_ns',
      'static_part_bytes',
      'refcount_bytes',
      'pair_bytes',
      'cache_bytes',
      'total_bytes',
      'static_pamt_bytes'
    ],
    data: r.timeNs.map((t, i) => [
      Math.round(t),
      result.staticPartBytes,
      result.refcountBytes,
      r.pairBytes[i],
      r.cacheBytes[i],
      r.totalBytes[i],
      result.staticPamtBytes
    ])
  })
}

/** CSV of the per-node chart: one row per sample, one pair-bytes column per node. */
export function perNodeCsv(result: SimulationResult): string {
  const r = result.replay
  return toCsv({
    fields: ['time_ns', ...r.nodeIds.map((n) => `node${n}_pair_bytes`)],
    data: r.timeNs.map((t, k) => [
      Math.round(t),
      ...r.nodeIds.map((_, i) => r.perNodePairBytes[i]?.[k] ?? 0)
    ])
  })
}

/** CSV of the sweep chart: one row per parameter value (fractions stay fractions). */
export function sweepCsv(sweep: SweepResult): string {
  return toCsv({
    fields: [
      sweep.parameter,
      'peak_total_bytes',
      'average_total_bytes',
      'static_pamt_bytes',
      'savings_at_peak_bytes',
      'peak_pairs'
    ],
    data: sweep.points.map((p) => [
      p.value,
      p.peakTotalBytes,
      Math.round(p.averageTotalBytes),
      sweep.staticPamtBytes,
      p.savingsAtPeakBytes,
      p.peakPairs
    ])
  })
}
