/**
 * The discrete-event simulation's future-event list: a 4-ary min-heap on (time, sequence) in
 * struct-of-arrays typed arrays, holding an integer payload per event (no per-event objects or
 * closures). Ties in time pop in insertion order, so runs are deterministic; (time, sequence) is a
 * strict total order, so the pop order does not depend on the heap's shape, and this heap pops
 * exactly what the binary heap it replaced popped. Four children per node halve the depth (1 M
 * events: 10 levels instead of 20), and a node's children share a cache line
 * (docs/contention-model.md, "Engine").
 *
 * Events known in advance in time order (a Poisson arrival stream) can go to a second lane,
 * `pushSorted`: a plain FIFO of typed arrays. Each such event still takes the next sequence
 * number, and pop takes the lesser of the lane's head and the heap's top on (time, sequence), so
 * the pop order is exactly that of one heap holding both, at O(1) per lane event instead of
 * O(log n). A few far-future events (a contention run's VMM threads waiting for their TD's end)
 * go to the same lane out of order, `pushLate`, inserted in place: in the ring they sat behind
 * every other event, and each push shifted them all (three quarters of always-lock's shifts).
 *
 * While it holds few events (at most SORTED_MAX: a contention run's threads, each with at most one
 * event pending) the same arrays are a sorted ring instead of a heap: a pop takes the head, a push
 * shifts the events after it (or before it, whichever side is shorter) by one. A heap's pop walks
 * every level choosing among children, a branch the CPU cannot predict; the ring's shifts are a
 * short copy loop. Past SORTED_MAX events the ring, laid out from index 0, is already a valid heap
 * and the queue goes on as one; back under SORTED_MIN it sorts the heap into a ring again (the gap
 * between the two keeps it from switching on every event). Either way the pop order is the same.
 */
/** Most events the queue keeps as a sorted ring before it becomes a heap. */
const SORTED_MAX = 64
/** A heap with this many events or fewer becomes a sorted ring again. */
const SORTED_MIN = 16

export class EventQueue {
  private time: Float64Array
  private seq: Float64Array
  private payload: Int32Array
  private size = 0
  private nextSeq = 0
  /** Sorted-ring mode: the events in order from `head`, modulo the arrays' (power of two) length. */
  private sorted = true
  /** The earliest event's index: the ring's head, 0 in heap mode. */
  private head = 0
  /** The sorted lane: [laneHead, laneTail) of these arrays. */
  private laneTime = new Float64Array(0)
  private laneSeq = new Float64Array(0)
  private lanePayload = new Int32Array(0)
  private laneHead = 0
  private laneTail = 0
  /**
   * Time of the earliest event, +Infinity when empty: kept up to date by push and pop, so the
   * engine's test "does anything happen before this thread's next step" is one field read.
   */
  private nextAt = Infinity

  constructor(capacity = 1024) {
    // A power of two (the ring's index mask), with room for the ring's largest size.
    let n = 2 * SORTED_MAX
    while (n < capacity) n *= 2
    this.time = new Float64Array(n)
    this.seq = new Float64Array(n)
    this.payload = new Int32Array(n)
  }

  get length(): number {
    return this.size + this.laneTail - this.laneHead
  }

  /**
   * Queue an event no earlier than every event pushed here before (throws otherwise: the lane
   * would pop out of order). Ordered with the heap's events as push() would order it.
   */
  pushSorted(timeNs: number, payload: number): void {
    const tail = this.laneTail
    if (tail > this.laneHead && timeNs < this.laneTime[tail - 1]!)
      throw new Error('EventQueue.pushSorted: time before the previous sorted event')
    if (tail === this.laneTime.length) this.growLane()
    this.laneTime[tail] = timeNs
    this.laneSeq[tail] = this.nextSeq++
    this.lanePayload[tail] = payload
    this.laneTail = tail + 1
    if (timeNs < this.nextAt) this.nextAt = timeNs
  }

  /**
   * Queue an event expected to come after most others (a thread's wait for a far-off time) in the
   * lane, inserted after every lane event at its time or earlier: the pop order is push()'s, and
   * the ring's pushes no longer shift it. Costs a shift of the later lane events, so only for a
   * few events.
   */
  pushLate(timeNs: number, payload: number): void {
    if (this.laneTail === this.laneTime.length) this.growLane()
    const time = this.laneTime
    const seq = this.laneSeq
    const pay = this.lanePayload
    let j = this.laneTail
    while (j > this.laneHead && time[j - 1]! > timeNs) {
      time[j] = time[j - 1]!
      seq[j] = seq[j - 1]!
      pay[j] = pay[j - 1]!
      j--
    }
    time[j] = timeNs
    seq[j] = this.nextSeq++
    pay[j] = payload
    this.laneTail++
    if (timeNs < this.nextAt) this.nextAt = timeNs
  }

  push(timeNs: number, payload: number): void {
    if (timeNs < this.nextAt) this.nextAt = timeNs
    // The ring's push is the hot one (a contention run's few dozen threads); the heap's is out
    // of line, so that callers in the engine's loop stay small enough for V8 to inline this.
    if (this.sorted && this.size < SORTED_MAX) this.pushRing(timeNs, payload)
    else this.pushHeap(timeNs, payload)
  }

  private pushHeap(timeNs: number, payload: number): void {
    if (this.sorted) this.toHeap()
    if (this.size === this.time.length) this.grow()
    const time = this.time
    const seq = this.seq
    const pay = this.payload
    let i = this.size++
    const s = this.nextSeq++
    // Sift up: every key already in the heap has a smaller sequence, so a parent at the same
    // time stays above.
    while (i > 0) {
      const p = (i - 1) >> 2
      const pt = time[p]!
      if (pt <= timeNs) break
      time[i] = pt
      seq[i] = seq[p]!
      pay[i] = pay[p]!
      i = p
    }
    time[i] = timeNs
    seq[i] = s
    pay[i] = payload
  }

  /** Time of the earliest event (undefined when empty). */
  peekTime(): number | undefined {
    return this.length > 0 ? this.nextTime() : undefined
  }

  /** Time of the earliest event, +Infinity when empty (no undefined on the hot path). */
  nextTime(): number {
    return this.nextAt
  }

  /** The earliest event's time, from the arrays (after a pop). */
  private earliest(): number {
    const h = this.size > 0 ? this.time[this.head]! : Infinity
    if (this.laneHead === this.laneTail) return h
    const l = this.laneTime[this.laneHead]!
    return l < h ? l : h
  }

  /** Remove the earliest event; returns its payload and leaves its time in `lastTime`. */
  pop(): number {
    const p = this.popEvent()
    this.nextAt = this.earliest()
    return p
  }

  private popEvent(): number {
    const lane = this.laneHead
    if (lane < this.laneTail) {
      const lt = this.laneTime[lane]!
      const top = this.head
      if (
        this.size === 0 ||
        lt < this.time[top]! ||
        (lt === this.time[top]! && this.laneSeq[lane]! < this.seq[top]!)
      ) {
        this.lastTime = lt
        this.laneHead = lane + 1
        return this.lanePayload[lane]!
      }
    }
    if (this.sorted) {
      const h = this.head
      this.lastTime = this.time[h]!
      this.head = (h + 1) & (this.time.length - 1)
      this.size--
      return this.payload[h]!
    }
    const top = this.popHeap()
    if (this.size <= SORTED_MIN) this.toSorted()
    return top
  }

  /**
   * Sorted-ring push: the new event has the largest sequence, so it goes after every event at its
   * time or earlier. Shift the later events one slot on, or, when the event goes in the ring's
   * first half, the earlier events one slot back.
   */
  private pushRing(timeNs: number, payload: number): void {
    const time = this.time
    const mask = time.length - 1
    const n = this.size
    let j = (this.head + n) & mask
    if (n > 0) {
      // Before the middle (a lock hand-off, due soon): the earlier events move back instead.
      if (timeNs < time[(this.head + (n >> 1)) & mask]!) {
        this.pushRingFront(timeNs, payload)
        return
      }
      // After the middle (a thread's next step, usually the latest event): the later events
      // move on (the middle stops the loop). An empty ring takes the event at its head.
      const seq = this.seq
      const pay = this.payload
      for (;;) {
        const k = (j - 1) & mask
        if (time[k]! <= timeNs) break
        time[j] = time[k]!
        seq[j] = seq[k]!
        pay[j] = pay[k]!
        j = k
      }
    }
    time[j] = timeNs
    this.seq[j] = this.nextSeq++
    this.payload[j] = payload
    this.size = n + 1
  }

  /** pushRing's other half: the events at the new event's time or earlier move back one slot. */
  private pushRingFront(timeNs: number, payload: number): void {
    const time = this.time
    const seq = this.seq
    const pay = this.payload
    const mask = time.length - 1
    let j = (this.head - 1) & mask
    this.head = j
    for (;;) {
      const k = (j + 1) & mask
      if (time[k]! > timeNs) break
      time[j] = time[k]!
      seq[j] = seq[k]!
      pay[j] = pay[k]!
      j = k
    }
    time[j] = timeNs
    seq[j] = this.nextSeq++
    pay[j] = payload
    this.size++
  }

  /** Lay the ring out from index 0: in order, so already a valid heap. */
  private toHeap(): void {
    const n = this.size
    const mask = this.time.length - 1
    const t = new Float64Array(n)
    const s = new Float64Array(n)
    const p = new Int32Array(n)
    for (let k = 0; k < n; k++) {
      const i = (this.head + k) & mask
      t[k] = this.time[i]!
      s[k] = this.seq[i]!
      p[k] = this.payload[i]!
    }
    this.time.set(t)
    this.seq.set(s)
    this.payload.set(p)
    this.head = 0
    this.sorted = false
  }

  /** Sort the heap's few events into a ring from index 0 (insertion sort on (time, sequence)). */
  private toSorted(): void {
    const time = this.time
    const seq = this.seq
    const pay = this.payload
    for (let i = 1; i < this.size; i++) {
      const t = time[i]!
      const s = seq[i]!
      const p = pay[i]!
      let j = i
      while (j > 0 && (time[j - 1]! > t || (time[j - 1]! === t && seq[j - 1]! > s))) {
        time[j] = time[j - 1]!
        seq[j] = seq[j - 1]!
        pay[j] = pay[j - 1]!
        j--
      }
      time[j] = t
      seq[j] = s
      pay[j] = p
    }
    this.head = 0
    this.sorted = true
  }

  /**
   * Remove the heap's top: "bottom-up" (Wegener), the hole at the root goes down the path of least
   * children to a leaf, three comparisons a level among four children and none against the last
   * element, which then goes up from that leaf. The last element is one of the latest, so it
   * rarely rises: fewer comparisons than sifting it down from the root, each a branch the CPU
   * mispredicts half the time. The order popped is the same ((time, sequence) is a total order).
   */
  private popHeap(): number {
    const time = this.time
    const seq = this.seq
    const pay = this.payload
    const top = pay[0]!
    this.lastTime = time[0]!
    const n = --this.size
    if (n === 0) return top
    // Down: move the least child of the hole up into it, until the hole is a leaf.
    let i = 0
    for (;;) {
      const first = 4 * i + 1
      if (first >= n) break
      let c = first
      let ct = time[first]!
      let cs = seq[first]!
      if (first + 3 < n) {
        // All four children (the common case), unrolled.
        let kt = time[first + 1]!
        if (kt < ct || (kt === ct && seq[first + 1]! < cs)) {
          c = first + 1
          ct = kt
          cs = seq[c]!
        }
        kt = time[first + 2]!
        if (kt < ct || (kt === ct && seq[first + 2]! < cs)) {
          c = first + 2
          ct = kt
          cs = seq[c]!
        }
        kt = time[first + 3]!
        if (kt < ct || (kt === ct && seq[first + 3]! < cs)) {
          c = first + 3
          ct = kt
          cs = seq[c]!
        }
      } else {
        for (let k = first + 1; k < n; k++) {
          const kt = time[k]!
          if (kt < ct || (kt === ct && seq[k]! < cs)) {
            c = k
            ct = kt
            cs = seq[k]!
          }
        }
      }
      time[i] = ct
      seq[i] = cs
      pay[i] = pay[c]!
      i = c
    }
    // Up: the last element goes into the hole, and up past any parent after it.
    const t = time[n]!
    const s = seq[n]!
    const p = pay[n]!
    while (i > 0) {
      const q = (i - 1) >> 2
      const qt = time[q]!
      if (qt < t || (qt === t && seq[q]! < s)) break
      time[i] = qt
      seq[i] = seq[q]!
      pay[i] = pay[q]!
      i = q
    }
    time[i] = t
    seq[i] = s
    pay[i] = p
    return top
  }

  lastTime = 0

  /** Room for more lane events: double the arrays (at least 1024). */
  private growLane(): void {
    const n = Math.max(1024, 2 * this.laneTail)
    this.laneTime = widened(this.laneTime, n)
    this.laneSeq = widened(this.laneSeq, n)
    this.lanePayload = widened(this.lanePayload, n)
  }

  private grow(): void {
    const n = this.time.length * 2
    this.time = widened(this.time, n)
    this.seq = widened(this.seq, n)
    this.payload = widened(this.payload, n)
  }
}

/** `a`'s elements at the start of a new array of the same type and length `n` (at least a's). */
function widened<A extends Float64Array | Int32Array>(a: A, n: number): A {
  const b = new (a.constructor as new (length: number) => A)(n)
  b.set(a)
  return b
}
