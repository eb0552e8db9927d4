import { describe, expect, it } from 'vitest'
import { lttbIndices, mergeIndices } from '@shared/charts/sampling/lttb'

/** 0, 1, …, n − 1. */
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

describe('lttbIndices', () => {
  it('keeps every index when the budget covers the range', () => {
    const x = range(5)
    const y = [3, 1, 4, 1, 5]
    expect(Array.from(lttbIndices(x, y, 0, 5, 5))).toEqual([0, 1, 2, 3, 4])
    expect(Array.from(lttbIndices(x, y, 0, 5, 100))).toEqual([0, 1, 2, 3, 4])
    // A sub-range keeps its own indices, not from 0.
    expect(Array.from(lttbIndices(x, y, 2, 5, 10))).toEqual([2, 3, 4])
    expect(Array.from(lttbIndices(x, y, 3, 3, 10))).toEqual([])
  })

  it('keeps a spike, and the first and last point', () => {
    // Ten points on y = 0 but y[6] = 10; budget 4: 8 inner points in 2 buckets of 4, [1, 5) and
    // [5, 9). Bucket 0 against point 0 and the mean of bucket 1, (6.5, 2.5): twice the area for
    // point k is |(0 − 6.5)(0 − 0) − (0 − k)(2.5 − 0)| = 2.5 k, largest at k = 4. Bucket 1
    // against point 4 and the last point (9, 0): |(4 − 9)(y_k − 0) − (4 − k)(0 − 0)| = 5 y_k,
    // largest at the spike, k = 6.
    const y = range(10).map((i) => (i === 6 ? 10 : 0))
    expect(Array.from(lttbIndices(range(10), y, 0, 10, 4))).toEqual([0, 4, 6, 9])
  })

  it('keeps a dip as well as a spike (the triangle is unsigned)', () => {
    // As above with y[6] = −10: 5 |y_k| is largest at k = 6 again; bucket 0's mean is (6.5, −2.5),
    // its areas 2.5 k, so k = 4.
    const y = range(10).map((i) => (i === 6 ? -10 : 0))
    expect(Array.from(lttbIndices(range(10), y, 0, 10, 4))).toEqual([0, 4, 6, 9])
  })

  it('spreads a straight line evenly: every triangle is flat, so each bucket keeps its first point', () => {
    // y = 2x: all areas are 0, the first point of each bucket wins ([1, 5) → 1, [5, 9) → 5).
    const x = range(10)
    expect(
      Array.from(
        lttbIndices(
          x,
          x.map((v) => 2 * v),
          0,
          10,
          4
        )
      )
    ).toEqual([0, 1, 5, 9])
  })

  it('keeps only the two ends for a budget under 3', () => {
    expect(Array.from(lttbIndices(range(10), range(10), 0, 10, 2))).toEqual([0, 9])
    expect(Array.from(lttbIndices(range(10), range(10), 4, 8, 1))).toEqual([4, 7])
  })

  it('works on typed arrays and a sub-range, with the range ends kept', () => {
    // Points 10..29 of a sawtooth; budget 5: every kept index inside [10, 30), ascending.
    const x = Float64Array.from(range(40))
    const y = Float64Array.from(range(40), (i) => i % 4)
    const kept = Array.from(lttbIndices(x, y, 10, 30, 5))
    expect(kept).toHaveLength(5)
    expect(kept[0]).toBe(10)
    expect(kept[4]).toBe(29)
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!)
  })
})

describe('mergeIndices', () => {
  it('unites ascending lists, each index once', () => {
    expect(Array.from(mergeIndices([[1, 5, 9], Uint32Array.of(0, 5, 7), [9]]))).toEqual([
      0, 1, 5, 7, 9
    ])
    expect(Array.from(mergeIndices([]))).toEqual([])
  })
})
