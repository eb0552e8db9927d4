/**
 * Streaming latency distribution: log-spaced bins (about 1 % wide) from 1 ns to ~1000 s, with
 * weighted adds so a run of identical fast-path latencies costs one call. Quantiles are exact to
 * the bin width; no samples are stored.
 */
export class LatencyHistogram {
  private static readonly BINS_PER_DECADE = 230
  private static readonly DECADES = 12
  private readonly counts = new Float64Array(
    LatencyHistogram.BINS_PER_DECADE * LatencyHistogram.DECADES + 1
  )
  total = 0
  sum = 0
  max = 0

  private bin(ns: number): number {
    if (ns < 1) return 0
    const b = Math.floor(Math.log10(ns) * LatencyHistogram.BINS_PER_DECADE) + 1
    return Math.min(this.counts.length - 1, b)
  }

  add(ns: number, weight = 1): void {
    if (weight <= 0) return
    this.counts[this.bin(ns)]! += weight
    this.total += weight
    this.sum += ns * weight
    if (ns > this.max) this.max = ns
  }

  /** The q-quantile (0..1), as the upper edge of its bin (at most max). */
  quantile(q: number): number {
    if (this.total === 0) return 0
    const target = q * this.total
    let acc = 0
    for (let b = 0; b < this.counts.length; b++) {
      acc += this.counts[b]!
      if (acc >= target)
        return b === 0 ? 0 : Math.min(this.max, 10 ** (b / LatencyHistogram.BINS_PER_DECADE))
    }
    return this.max
  }

  mean(): number {
    return this.total ? this.sum / this.total : 0
  }

  /** Cumulative distribution points (value, fraction) for charts, skipping empty bins. */
  cdf(): Array<[number, number]> {
    const out: Array<[number, number]> = []
    let acc = 0
    for (let b = 0; b < this.counts.length; b++) {
      const c = this.counts[b]!
      if (c === 0) continue
      acc += c
      out.push([
        b === 0 ? 0 : Math.min(this.max, 10 ** (b / LatencyHistogram.BINS_PER_DECADE)),
        acc / this.total
      ])
    }
    return out
  }
}
