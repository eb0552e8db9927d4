import type { ContentionOutcome } from './simulateContention'

/** A metric over the seeds of a repeated run (docs/contention-model.md, "Repetition"). */
export interface Spread {
  min: number
  /** The middle value; for an even number of seeds, the mean of the two middle ones. */
  median: number
  max: number
}

/** The metrics a repeated run reports with their spread, in the report's order. */
export const SPREAD_METRICS = [
  'contended',
  'contendedFraction',
  'totalWaitNs',
  'p99AddedNs',
  'busy',
  'hazards',
  'lostRaces'
] as const

export type SpreadMetric = (typeof SPREAD_METRICS)[number]

/** Each metric's min, median and max over the seeds of one design (and DEMOTE variant). */
export type OutcomeSpread = Record<SpreadMetric, Spread>

/**
 * One outcome's metrics: contended acquisitions and total wait summed over the design's kernel
 * lock rows (as the design table sums them), contended / acquisitions (0 without a kernel lock),
 * the added latency's p99, BUSY returns, lockless hazards and lost 0→1 races.
 */
export function outcomeMetrics(o: ContentionOutcome): Record<SpreadMetric, number> {
  let acquisitions = 0
  let contended = 0
  let totalWaitNs = 0
  for (const l of o.locks) {
    acquisitions += l.acquisitions
    contended += l.contended
    totalWaitNs += l.totalWaitNs
  }
  return {
    contended,
    contendedFraction: acquisitions ? contended / acquisitions : 0,
    totalWaitNs,
    p99AddedNs: o.addedLatency.p99Ns,
    busy: o.busy,
    hazards: o.hazards,
    lostRaces: o.lostRaces
  }
}

/** Min, median and max of at least one value. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spreadOf: no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! }
}

/** The spread of every metric over one design's outcomes, one per seed. */
export function outcomeSpread(perSeed: readonly ContentionOutcome[]): OutcomeSpread {
  const metrics = perSeed.map(outcomeMetrics)
  return Object.fromEntries(
    SPREAD_METRICS.map((m) => [m, spreadOf(metrics.map((x) => x[m]))])
  ) as OutcomeSpread
}
