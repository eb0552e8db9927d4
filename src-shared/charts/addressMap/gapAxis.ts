/**
 * The address map's x axis: a piecewise-linear map from physical address to display coordinate.
 *
 * `compressed`: every element boundary is a breakpoint; the segment between two breakpoints gets a
 * display width that grows with log2 of its length, never below `MIN_SEGMENT_WIDTH`, so a 4 KiB
 * reserved range and a 2 TiB node both stay visible on one axis. `linear`: the identity.
 * Both are monotonic and invertible inside their extent, so labels and tooltips show true addresses.
 */

export type AxisScale = 'compressed' | 'linear'

/** Display width of the smallest segment (a 4 KiB range or less). */
export const MIN_SEGMENT_WIDTH = 3
/** The granule the width formula counts in: one 4 KiB page. */
const GRANULE_BYTES = 4096

export interface GapAxis {
  scale: AxisScale
  /** Display extent. */
  min: number
  max: number
  /** Sorted, distinct physical breakpoints (all element boundaries). */
  breakpoints: readonly number[]
  /** Physical address → display coordinate (clamped to the extent). */
  toDisplay(address: number): number
  /** Display coordinate → physical address, rounded to a whole byte (clamped to the extent). */
  toAddress(display: number): number
}

/** Display width of a segment of `bytes` bytes on the compressed axis. */
export function segmentWidth(bytes: number): number {
  const pages = Math.max(1, bytes / GRANULE_BYTES)
  return Math.max(MIN_SEGMENT_WIDTH, 1 + Math.log2(pages))
}

function distinctSorted(values: Iterable<number>): number[] {
  const out = [...new Set(values)].filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  return out
}

/** Index i of the last point with points[i] <= v (0 when v is below all). */
function segmentIndex(points: readonly number[], v: number): number {
  let lo = 0
  let hi = points.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (points[mid]! <= v) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * A display width for one compressed segment other than `segmentWidth`: called with the segment's
 * ends and its natural width; return that width to keep it.
 */
export type SegmentWidthRule = (baseBytes: number, endBytes: number, natural: number) => number

/**
 * Build the axis from every element boundary (any order, duplicates allowed). `widthRule` lets a
 * caller widen a segment on the compressed axis (the folded MMIO segment, fold.ts).
 */
export function buildGapAxis(
  boundaries: Iterable<number>,
  scale: AxisScale,
  widthRule?: SegmentWidthRule
): GapAxis {
  const xs = distinctSorted(boundaries)
  if (xs.length === 0) xs.push(0, GRANULE_BYTES)
  if (xs.length === 1) xs.push(xs[0]! + GRANULE_BYTES)
  const lowAddr = xs[0]!
  const highAddr = xs[xs.length - 1]!
  const clampAddr = (a: number): number => Math.min(highAddr, Math.max(lowAddr, a))

  if (scale === 'linear') {
    return {
      scale,
      min: lowAddr,
      max: highAddr,
      breakpoints: xs,
      toDisplay: (a) => clampAddr(a),
      toAddress: (d) => Math.round(clampAddr(d))
    }
  }

  const ds: number[] = [0]
  for (let i = 1; i < xs.length; i++) {
    const natural = segmentWidth(xs[i]! - xs[i - 1]!)
    const w = widthRule ? widthRule(xs[i - 1]!, xs[i]!, natural) : natural
    ds.push(ds[i - 1]! + (w > 0 ? w : natural))
  }
  const total = ds[ds.length - 1]!
  return {
    scale,
    min: 0,
    max: total,
    breakpoints: xs,
    toDisplay(a) {
      const x = clampAddr(a)
      const i = Math.min(segmentIndex(xs, x), xs.length - 2)
      const x0 = xs[i]!
      const x1 = xs[i + 1]!
      return ds[i]! + ((x - x0) / (x1 - x0)) * (ds[i + 1]! - ds[i]!)
    },
    toAddress(d) {
      const v = Math.min(total, Math.max(0, d))
      const i = Math.min(segmentIndex(ds, v), ds.length - 2)
      const d0 = ds[i]!
      const d1 = ds[i + 1]!
      return Math.round(xs[i]! + ((v - d0) / (d1 - d0)) * (xs[i + 1]! - xs[i]!))
    }
  }
}
