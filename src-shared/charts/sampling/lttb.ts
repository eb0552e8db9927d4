/**
 * Largest-Triangle-Three-Buckets down-sampling (Sveinn Steinarsson, "Downsampling Time Series for
 * Visual Representation", University of Iceland, 2013), as indices, so one choice of points can be
 * applied to several aligned series (docs/workload-model.md, "Long series"). Pure, allocation-light:
 * typed or plain arrays in, a `Uint32Array` of ascending indices out.
 */

/** Every index of `[from, to)`, ascending. */
function every(from: number, to: number): Uint32Array {
  const out = new Uint32Array(Math.max(0, to - from))
  for (let i = 0; i < out.length; i++) out[i] = from + i
  return out
}

/**
 * The indices LTTB keeps of the points `(x[k], y[k])` for `k` in `[from, to)`, at most `budget`
 * of them, ascending; the first and last point of the range are always kept (docs/workload-model.md,
 * "Long series"). The range's inner points fall into `budget - 2` buckets of equal count; from each
 * bucket the point that makes the largest triangle with the point kept before it and the mean of the
 * next bucket is kept, so spikes survive and flat stretches cost one point a bucket. A budget of
 * the range's length or more keeps every index; a budget under 3 keeps the two ends. `x` must be
 * ascending over the range.
 */
export function lttbIndices(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  from: number,
  to: number,
  budget: number
): Uint32Array {
  const n = to - from
  if (n <= 0) return new Uint32Array(0)
  if (budget >= n || n <= 2) return every(from, to)
  if (budget < 3) return Uint32Array.of(from, to - 1)
  const buckets = budget - 2
  const inner = n - 2
  // Bucket b covers [from + 1 + start(b), from + 1 + start(b + 1)): whole-number arithmetic, so the
  // last bucket ends exactly at the range's last point (a float step can fall one short).
  const start = (b: number): number => from + 1 + Math.floor((b * inner) / buckets)
  const out = new Uint32Array(budget)
  out[0] = from
  let a = from
  for (let b = 0; b < buckets; b++) {
    const lo = start(b)
    const hi = start(b + 1)
    // The next bucket's mean; after the last bucket, the range's last point.
    const nextLo = hi
    const nextHi = b + 1 < buckets ? start(b + 2) : to
    let mx = 0
    let my = 0
    for (let k = nextLo; k < nextHi; k++) {
      mx += x[k]!
      my += y[k]!
    }
    const count = nextHi - nextLo
    mx /= count
    my /= count
    const ax = x[a]!
    const ay = y[a]!
    let best = -1
    let keep = lo
    for (let k = lo; k < hi; k++) {
      // Twice the triangle's area; only the comparison matters.
      const area = Math.abs((ax - mx) * (y[k]! - ay) - (ax - x[k]!) * (my - ay))
      if (area > best) {
        best = area
        keep = k
      }
    }
    out[b + 1] = keep
    a = keep
  }
  out[budget - 1] = to - 1
  return out
}

/**
 * The ascending union of ascending index lists, each index once: how a coarse overview, a fine
 * window and the points that must stay (the peak) become one set of points to draw.
 */
export function mergeIndices(lists: ReadonlyArray<ArrayLike<number>>): Uint32Array {
  let total = 0
  for (const l of lists) total += l.length
  const all = new Uint32Array(total)
  let at = 0
  for (const l of lists) for (let i = 0; i < l.length; i++) all[at++] = l[i]!
  all.sort()
  let m = 0
  for (let i = 0; i < all.length; i++) if (m === 0 || all[i] !== all[m - 1]) all[m++] = all[i]!
  return all.slice(0, m)
}
