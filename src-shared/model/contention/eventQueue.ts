/**
 * The discrete-event simulation's future-event list: a binary min-heap on (time, sequence) in typed
 * arrays, holding an integer payload per event (no per-event objects or closures). Ties in time
 * pop in insertion order, so runs are deterministic.
 */
export class EventQueue {
  private time: Float64Array
  private seq: Float64Array
  private payload: Int32Array
  private size = 0
  private nextSeq = 0

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity)
    this.seq = new Float64Array(capacity)
    this.payload = new Int32Array(capacity)
  }

  get length(): number {
    return this.size
  }

  push(timeNs: number, payload: number): void {
    if (this.size === this.time.length) this.grow()
    let i = this.size++
    const s = this.nextSeq++
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.time[p]! < timeNs || (this.time[p] === timeNs && this.seq[p]! < s)) break
      this.time[i] = this.time[p]!
      this.seq[i] = this.seq[p]!
      this.payload[i] = this.payload[p]!
      i = p
    }
    this.time[i] = timeNs
    this.seq[i] = s
    this.payload[i] = payload
  }

  /** Time of the earliest event (undefined when empty). */
  peekTime(): number | undefined {
    return this.size > 0 ? this.time[0] : undefined
  }

  /** Remove the earliest event; returns its payload and leaves its time in `lastTime`. */
  pop(): number {
    const top = this.payload[0]!
    this.lastTime = this.time[0]!
    const n = --this.size
    if (n > 0) {
      const t = this.time[n]!
      const s = this.seq[n]!
      const p = this.payload[n]!
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const c =
          r < n &&
          (this.time[r]! < this.time[l]! ||
            (this.time[r] === this.time[l] && this.seq[r]! < this.seq[l]!))
            ? r
            : l
        if (t < this.time[c]! || (t === this.time[c] && s < this.seq[c]!)) break
        this.time[i] = this.time[c]!
        this.seq[i] = this.seq[c]!
        this.payload[i] = this.payload[c]!
        i = c
      }
      this.time[i] = t
      this.seq[i] = s
      this.payload[i] = p
    }
    return top
  }

  lastTime = 0

  private grow(): void {
    const n = this.time.length * 2
    const t = new Float64Array(n)
    t.set(this.time)
    const s = new Float64Array(n)
    s.set(this.seq)
    const p = new Int32Array(n)
    p.set(this.payload)
    this.time = t
    this.seq = s
    this.payload = p
  }
}
