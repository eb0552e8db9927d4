import { describe, expect, it } from 'vitest'
import { buildGapAxis, MIN_SEGMENT_WIDTH, segmentWidth } from '@shared/charts/addressMap/gapAxis'

const KiB = 1024
const GiB = 2 ** 30
const TiB = 2 ** 40

/** A sparse 25 TiB map: 25 nodes of 1 TiB spaced by 4 KiB holes and 1 GiB gaps. */
function sparse25TiBBoundaries(): number[] {
  const out: number[] = [0, 4 * KiB, 640 * KiB, 1024 * KiB]
  let at = 4 * GiB
  for (let n = 0; n < 25; n++) {
    out.push(at, at + 4 * KiB, at + 8 * KiB, at + TiB - 4 * KiB, at + TiB)
    at += TiB + GiB
  }
  return out
}

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

describe('compressed-gap axis', () => {
  const bounds = sparse25TiBBoundaries()
  const axis = buildGapAxis(bounds, 'compressed')

  it('is monotonic: larger addresses never map to smaller display values', () => {
    const xs = [...new Set(bounds)].sort((a, b) => a - b)
    for (let i = 1; i < xs.length; i++)
      expect(axis.toDisplay(xs[i]!)).toBeGreaterThan(axis.toDisplay(xs[i - 1]!))
    const rnd = lcg(7)
    const probes = Array.from({ length: 2000 }, () => Math.floor(rnd() * xs[xs.length - 1]!))
    probes.sort((a, b) => a - b)
    for (let i = 1; i < probes.length; i++)
      expect(axis.toDisplay(probes[i]!)).toBeGreaterThanOrEqual(axis.toDisplay(probes[i - 1]!))
  })

  it('is invertible: breakpoints round-trip exactly, other addresses within a byte', () => {
    for (const b of bounds) expect(axis.toAddress(axis.toDisplay(b))).toBe(b)
    const rnd = lcg(11)
    const high = Math.max(...bounds)
    for (let i = 0; i < 2000; i++) {
      const x = Math.floor(rnd() * high)
      expect(Math.abs(axis.toAddress(axis.toDisplay(x)) - x)).toBeLessThanOrEqual(1)
    }
  })

  it('gives a 4 KiB range (and anything smaller) the minimum width', () => {
    expect(segmentWidth(4 * KiB)).toBe(MIN_SEGMENT_WIDTH)
    expect(segmentWidth(1)).toBe(MIN_SEGMENT_WIDTH)
    expect(segmentWidth(8 * KiB)).toBe(MIN_SEGMENT_WIDTH)
    const w = axis.toDisplay(4 * GiB + 4 * KiB) - axis.toDisplay(4 * GiB)
    expect(w).toBeCloseTo(MIN_SEGMENT_WIDTH, 9)
  })

  it('grows slowly with size: 1 TiB is far less than 2^28 times 4 KiB wide', () => {
    expect(segmentWidth(GiB)).toBeGreaterThan(segmentWidth(2 * 2 ** 20))
    expect(segmentWidth(TiB)).toBeGreaterThan(segmentWidth(GiB))
    expect(segmentWidth(TiB) / segmentWidth(4 * KiB)).toBeLessThan(12)
  })

  it('keeps a 25 TiB map with 4 KiB holes within bounds, each hole a visible share', () => {
    const segments = new Set(bounds).size - 1
    expect(axis.min).toBe(0)
    // Every segment is at most as wide as a 2^52-byte one (41 units).
    expect(axis.max).toBeLessThanOrEqual(segments * segmentWidth(2 ** 52))
    expect(axis.max).toBeGreaterThanOrEqual(segments * MIN_SEGMENT_WIDTH)
    // On a 1200 px plot the narrowest segment still gets more than 1 px.
    expect((MIN_SEGMENT_WIDTH / axis.max) * 1200).toBeGreaterThan(1)
    expect(axis.toDisplay(-5)).toBe(axis.min)
    expect(axis.toDisplay(30 * TiB)).toBe(axis.max)
    expect(axis.toAddress(axis.max)).toBe(Math.max(...bounds))
  })
})

describe('linear axis', () => {
  it('is the identity inside the extent', () => {
    const axis = buildGapAxis([0x100000, 0x80000000, 0x107fffffff + 1], 'linear')
    expect(axis.min).toBe(0x100000)
    expect(axis.max).toBe(0x1080000000)
    for (const x of [0x100000, 0x12345678, 0x1000000000]) {
      expect(axis.toDisplay(x)).toBe(x)
      expect(axis.toAddress(x)).toBe(x)
    }
  })

  it('copes with empty and single-point input', () => {
    expect(buildGapAxis([], 'compressed').max).toBeGreaterThan(0)
    const one = buildGapAxis([4096], 'linear')
    expect(one.max).toBeGreaterThan(one.min)
  })
})
