/** Log-spaced bins per decade, and decades from 1 ns (the last bin takes everything above). */
const BINS_PER_DECADE = 230
const DECADES = 12
const LAST_BIN = BINS_PER_DECADE * DECADES

/** The bin of `ns` by its definition: floor(log10(ns) · 230) + 1, 0 below 1 ns, at most LAST_BIN. */
export function latencyBinByLog(ns: number): number {
  if (ns < 1) return 0
  const b = Math.floor(Math.log10(ns) * BINS_PER_DECADE) + 1
  return Math.min(LAST_BIN, b)
}

/**
 * The bin table: a double's high word shifted right by 12 is its sign, its 11 exponent bits and
 * its top 8 mantissa bits, so for ns in [1, 2^TABLE_OCTAVES) `(hi >>> 12) - 1023 · 256` indexes one
 * of 256 slices of its binary octave, each [2^e·(1 + m/256), 2^e·(1 + (m+1)/256)). A slice is at
 * most 1/256 of its value wide and a bin about 1 % (10^(1/230) − 1), so a slice holds at most one
 * bin edge: `sliceBin` is the bin of the slice's first double and `sliceEdge` the first double of
 * the next bin (+Infinity when the slice has none), found by bisection on the doubles' bit
 * patterns against latencyBinByLog itself, so the table gives the formula's bin for every double.
 */
const TABLE_OCTAVES = 41
const SLICES = TABLE_OCTAVES * 256
/** 2^41 ≈ 2.2e12 ns, above the last bin's lower edge (10^(2759/230) ≈ 9.9e11). */
const TABLE_END = 2 ** TABLE_OCTAVES
const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
/** Which 32-bit half of the Float64Array holds the sign and exponent (1 on little-endian). */
const HI = (() => {
  f64[0] = 1
  return u32[1] === 0x3ff00000 ? 1 : 0
})()
let sliceBin: Int32Array | null = null
let sliceEdge: Float64Array | null = null

/** The double whose bit pattern is high word `hi`, low word `lo`. */
function fromBits(hi: number, lo: number): number {
  u32[HI] = hi
  u32[1 - HI] = lo
  return f64[0]!
}

function buildTable(): void {
  const bins = new Int32Array(SLICES)
  const edges = new Float64Array(SLICES)
  // A slice's doubles share the high word's top 20 bits; the other 44 bits count them in order.
  const LOW = 2 ** 44
  for (let k = 0; k < SLICES; k++) {
    const top = (k + 1023 * 256) << 12
    const at = (n: number): number => fromBits((top | Math.floor(n / 2 ** 32)) >>> 0, n % 2 ** 32)
    const bin = latencyBinByLog(at(0))
    bins[k] = bin
    if (latencyBinByLog(at(LOW - 1)) === bin) {
      edges[k] = Infinity
      continue
    }
    // The first double of the slice in a later bin: bin(at(lo)) === bin < bin(at(hi)).
    let lo = 0
    let hi = LOW - 1
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2)
      if (latencyBinByLog(at(mid)) === bin) lo = mid
      else hi = mid
    }
    const edge = at(hi)
    if (latencyBinByLog(at(LOW - 1)) !== latencyBinByLog(edge))
      throw new Error('LatencyHistogram: two bin edges in one table slice')
    edges[k] = edge
  }
  sliceBin = bins
  sliceEdge = edges
}

/**
 * The bin of `ns`, equal to latencyBinByLog(ns) for every double (test/shared/model/contention/
 * latencyHistogram.test.ts checks every edge and its neighbours): a table lookup and one
 * comparison instead of a log10 per fault on the DES hot path (docs/contention-model.md, "Engine").
 */
export function latencyBin(ns: number): number {
  if (!(ns >= 1 && ns < TABLE_END)) return latencyBinByLog(ns)
  if (sliceBin === null) buildTable()
  f64[0] = ns
  const k = (u32[HI]! >>> 12) - 1023 * 256
  return ns >= sliceEdge![k]! ? sliceBin![k]! + 1 : sliceBin![k]!
}

/**
 * Streaming latency distribution: log-spaced bins (about 1 % wide) from 1 ns to ~1000 s, with
 * weighted adds so a run of identical fast-path latencies costs one call. Quantiles are exact to
 * the bin width; no samples are stored.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(LAST_BIN + 1)
  total = 0
  sum = 0
  max = 0

  /** One latency (the engine's per-fault add: no weight to check). */
  addOne(ns: number): void {
    this.counts[latencyBin(ns)]!++
    this.total++
    this.sum += ns
    if (ns > this.max) this.max = ns
  }

  add(ns: number, weight = 1): void {
    if (weight <= 0) return
    this.counts[latencyBin(ns)]! += weight
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
      if (acc >= target) return b === 0 ? 0 : Math.min(this.max, 10 ** (b / BINS_PER_DECADE))
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
      out.push([b === 0 ? 0 : Math.min(this.max, 10 ** (b / BINS_PER_DECADE)), acc / this.total])
    }
    return out
  }
}
