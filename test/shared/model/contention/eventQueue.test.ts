import { describe, expect, it } from 'vitest'
import { EventQueue } from '@shared/model/contention/eventQueue'

function drain(q: EventQueue): Array<[number, number]> {
  const out: Array<[number, number]> = []
  while (q.length > 0) {
    const p = q.pop()
    out.push([q.lastTime, p])
  }
  return out
}

describe('EventQueue: (time, insertion order), whatever the heap shape or lane', () => {
  it('pops ties in insertion order across the heap and the sorted lane', () => {
    const q = new EventQueue(2)
    q.push(5, 0) // seq 0
    q.push(3, 1) // seq 1
    q.pushSorted(3, 10) // seq 2
    q.push(5, 2) // seq 3
    q.pushSorted(5, 11) // seq 4
    q.push(1, 3) // seq 5
    q.push(3, 4) // seq 6
    // By hand, (time, seq): (1,5) (3,1) (3,2) (3,6) (5,0) (5,3) (5,4).
    expect(drain(q)).toEqual([
      [1, 3],
      [3, 1],
      [3, 10],
      [3, 4],
      [5, 0],
      [5, 2],
      [5, 11]
    ])
  })

  it('pops many events with ties as a stable sort by time would (growing past its capacity)', () => {
    const q = new EventQueue(4)
    const times: number[] = []
    // Times 0..6 in a fixed scrambled pattern: many ties, pushed out of order.
    for (let i = 0; i < 300; i++) times.push((i * 5) % 7)
    times.forEach((t, i) => q.push(t, i))
    // Oracle: indices sorted by time, ties by index (Array.prototype.sort is stable).
    const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0])
    expect(drain(q)).toEqual(expected)
  })

  it('interleaves pops and pushes: a later push at an equal time goes after the earlier ones', () => {
    const q = new EventQueue()
    q.push(10, 1)
    q.push(20, 2)
    expect(q.pop()).toBe(1)
    q.push(20, 3) // same time as payload 2, pushed later
    q.pushSorted(15, 4)
    expect(q.nextTime()).toBe(15)
    expect(drain(q).map(([, p]) => p)).toEqual([4, 2, 3])
    expect(q.nextTime()).toBe(Infinity)
    expect(q.peekTime()).toBeUndefined()
  })

  it('refuses a sorted-lane event earlier than the previous one', () => {
    const q = new EventQueue()
    q.pushSorted(5, 0)
    expect(() => q.pushSorted(4, 1)).toThrow(/before the previous sorted event/)
  })

  it('pops as a plain (time, insertion) minimum through ring wrap-around, heap and back, with late lane events, and knows its next time', () => {
    // Pushes and pops interleaved so the queue fills past SORTED_MAX (64: a heap), drains under
    // SORTED_MIN (16: a ring again) and refills, with the ring's head wrapping around its arrays
    // and events going in before and after its middle. Times are a few integers (many ties). The
    // oracle is a list scanned for its least (time, push index): no heap, no ring.
    const q = new EventQueue(4)
    const ref: Array<{ time: number; order: number; payload: number }> = []
    let order = 0
    let x = 12345
    const rand = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      return (x >>> 8) % n
    }
    let now = 0
    for (let step = 0; step < 4000; step++) {
      // Phases of 500 steps: filling (3 pushes in 4) then draining (1 in 4).
      const filling = Math.floor(step / 500) % 2 === 0
      if (ref.length === 0 || rand(4) < (filling ? 3 : 1)) {
        // One push in eight goes to the lane out of order (pushLate), further off.
        const late = rand(8) === 0
        const time = now + rand(late ? 40 : 6)
        if (late) q.pushLate(time, step)
        else q.push(time, step)
        ref.push({ time, order: order++, payload: step })
      } else {
        let best = 0
        for (let i = 1; i < ref.length; i++) {
          const a = ref[i]!
          const b = ref[best]!
          if (a.time < b.time || (a.time === b.time && a.order < b.order)) best = i
        }
        const [want] = ref.splice(best, 1)
        expect([q.pop(), q.lastTime]).toEqual([want!.payload, want!.time])
        now = q.lastTime
      }
      expect(q.length).toBe(ref.length)
      // The earliest time, kept in a field by push and pop, is the oracle's least time.
      let least = Infinity
      for (const e of ref) if (e.time < least) least = e.time
      expect(q.nextTime()).toBe(least)
    }
  })
})
