import { describe, expect, it } from 'vitest'
import { SeededRandom } from '@shared/model/workload/random'

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
})
