import { describe, expect, it } from 'vitest'
import { maxOf, minOf, pushAll } from '@shared/util/arrays'

describe('maxOf / minOf / pushAll: any length, no argument spreading', () => {
  // 300,000 elements: far above the ~120,000 arguments V8 lets a spread call push on the stack.
  const big = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000)

  it('finds the extremes of 300,000 numbers (Math.max(...xs) throws a RangeError here)', () => {
    expect(() => Math.max(...big)).toThrow(RangeError)
    // i·7919 mod 300,000 runs over every residue once (gcd(7919, 300,000) = 1): 0 .. 299,999.
    expect(maxOf(big)).toBe(299_999)
    expect(minOf(big)).toBe(0)
  })

  it('returns the given value for an empty array, ±Infinity by default as Math does', () => {
    expect(maxOf([])).toBe(-Infinity)
    expect(minOf([])).toBe(Infinity)
    expect(maxOf([], 1)).toBe(1)
    expect(minOf(new Float64Array(0), 0)).toBe(0)
  })

  it('appends 300,000 items in place', () => {
    const out = [1]
    expect(pushAll(out, big)).toBe(out)
    expect(out).toHaveLength(300_001)
  })
})
