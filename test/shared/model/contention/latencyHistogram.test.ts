import { describe, expect, it } from 'vitest'
import {
  LatencyHistogram,
  latencyBin,
  latencyBinByLog
} from '@shared/model/contention/latencyHistogram'
import { SeededRandom } from '@shared/model/workload/random'

// The neighbouring doubles of a positive finite x, through its bit pattern (independent of the
// table's own bit tricks).
const view = new DataView(new ArrayBuffer(8))
function nextUp(x: number): number {
  view.setFloat64(0, x)
  view.setBigUint64(0, view.getBigUint64(0) + 1n)
  return view.getFloat64(0)
}
function nextDown(x: number): number {
  view.setFloat64(0, x)
  view.setBigUint64(0, view.getBigUint64(0) - 1n)
  return view.getFloat64(0)
}

/** The first double whose bin by the log10 definition is at least b, walked to from 10^((b-1)/230). */
function edgeOf(b: number): number {
  let x = 10 ** ((b - 1) / 230)
  while (latencyBinByLog(x) >= b) x = nextDown(x)
  while (latencyBinByLog(x) < b) x = nextUp(x)
  return x
}

describe('latency histogram bins: the table gives log10’s bin for every double', () => {
  it('agrees with floor(log10(ns) * 230) + 1 at every bin edge and 2 ulps either side', () => {
    // Every edge of bins 1..2760 (1 ns to 10^(2759/230) ≈ 9.9e11 ns): the definition's first
    // double of the bin, found by walking ulps, and its neighbours.
    let checked = 0
    for (let b = 1; b <= 2760; b++) {
      const e = edgeOf(b)
      expect(latencyBinByLog(e)).toBe(b)
      for (const x of [nextDown(nextDown(e)), nextDown(e), e, nextUp(e), nextUp(nextUp(e))]) {
        if (latencyBin(x) !== latencyBinByLog(x))
          expect([x, latencyBin(x)]).toEqual([x, latencyBinByLog(x)])
        checked++
      }
    }
    expect(checked).toBe(5 * 2760)
  })

  it('agrees at the table slices’ bounds, on random doubles and on the edge cases', () => {
    const xs: number[] = [0, -1, 0.5, nextDown(1), 1, nextUp(1), 2, 10, 999.5, 1e12, 2 ** 41]
    xs.push(nextDown(2 ** 41), nextUp(2 ** 41), 1e300, Infinity, Number.MAX_VALUE)
    // Each slice [2^e (1 + m/256), ...) of the table's octaves: its first double and the one before.
    for (let e = 0; e < 41; e++)
      for (let m = 0; m < 256; m++) {
        const x = 2 ** e * (1 + m / 256)
        xs.push(x, nextDown(x))
      }
    // Log-uniform over 10^-1 .. 10^13 ns, and whole nanoseconds (the constant-cost latencies).
    const rng = new SeededRandom(14)
    for (let i = 0; i < 200_000; i++) xs.push(10 ** (14 * rng.next() - 1))
    for (let n = 1; n <= 20_000; n++) xs.push(n, n + 0.5)
    for (const x of xs)
      if (latencyBin(x) !== latencyBinByLog(x))
        expect([x, latencyBin(x)]).toEqual([x, latencyBinByLog(x)])
    expect(Number.isNaN(latencyBinByLog(NaN))).toBe(true)
    expect(Number.isNaN(latencyBin(NaN))).toBe(true)
  })

  it('counts a latency in its bin: the median of 1000 adds of 100 ns is 100 ns', () => {
    // 100 ns is in bin floor(2 · 230) + 1 = 461, whose upper edge 10^(461/230) ≈ 101 ns is capped
    // at the largest latency seen, 100.
    const h = new LatencyHistogram()
    h.add(100, 1000)
    expect(h.quantile(0.5)).toBe(100)
    expect(h.mean()).toBe(100)
  })
})
