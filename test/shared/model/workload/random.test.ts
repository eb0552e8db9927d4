import { describe, expect, it } from 'vitest'
import { MULBERRY32_STEP, mulberry32Word, SeededRandom } from '@shared/model/workload/random'

describe('SeededRandom: blocks of one stream for per-thread service times', () => {
  it('ahead(k) continues the stream k draws later, and leaves the generator where it was', () => {
    const a = new SeededRandom(42)
    const seq = Array.from({ length: 12 }, () => a.next())
    const b = new SeededRandom(42)
    const c = b.ahead(7)
    expect([c.next(), c.next()]).toEqual(seq.slice(7, 9))
    expect(b.next()).toBe(seq[0])
    // 2^32 draws ahead is the whole cycle: the same stream.
    expect(new SeededRandom(42).ahead(2 ** 32).next()).toBe(seq[0])
  })

  it('nextInt32 is the word next() divides by 2^32, as a signed integer', () => {
    const a = new SeededRandom(7)
    const b = new SeededRandom(7)
    for (let i = 0; i < 1000; i++) {
      const w = a.nextInt32()
      expect(Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 31).toBe(true)
      expect((w >>> 0) / 2 ** 32).toBe(b.next())
    }
  })

  it('is mulberry32: the same draws as the generator’s published form, for three seeds', () => {
    // Tommy Ettinger's mulberry32 as it is usually written, a closure over its state.
    const reference = (seed: number) => {
      let a = seed
      return () => {
        let t = (a = (a + 0x6d2b79f5) | 0)
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
      }
    }
    for (const seed of [0, 42, 0xdeadbeef]) {
      const ours = new SeededRandom(seed)
      const theirs = reference(seed)
      for (let i = 0; i < 1000; i++) expect(ours.next()).toBe(theirs())
    }
  })

  it('a loop stepping rawState with MULBERRY32_STEP and mulberry32Word draws what nextInt32 draws', () => {
    const a = new SeededRandom(99)
    const b = new SeededRandom(99)
    let state = b.rawState
    for (let i = 0; i < 1000; i++) {
      state = (state + MULBERRY32_STEP) >>> 0
      expect(mulberry32Word(state)).toBe(a.nextInt32())
    }
    b.rawState = state
    expect(b.next()).toBe(a.next())
  })
})
