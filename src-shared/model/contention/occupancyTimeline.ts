/**
 * The lock-occupancy timeline of a contention run (docs/contention-model.md, "Outputs"): the
 * integral of locks held over each bin, and the most waiters seen in it. Its running values are
 * fields of an object, not `let`s of the simulation's closure: a closure variable that holds a
 * double is boxed afresh on every store, and the last change's time is stored on every lock event.
 */
export class OccupancyTimeline {
  readonly occupancy: Float64Array
  readonly maxWaiters: Float64Array
  /** Kernel locks held, and threads waiting for one, now. */
  held = 0
  waiting = 0
  /** Time of the last change counted. */
  lastChange = 0
  /**
   * The bin of lastChange, and a time below which a later `now` is surely in the same bin (a hair
   * under the bin's end, so that floor(now / binNs) cannot round up to the next bin). Most changes
   * come within a bin of the last: account() then adds to that bin directly, what its loop would
   * do in one pass, without the division; elsewhere it takes the loop (exact either way).
   */
  private lastBin = 0
  private lastBinSafe = 0

  constructor(
    readonly bins: number,
    readonly binNs: number
  ) {
    this.occupancy = new Float64Array(bins)
    this.maxWaiters = new Float64Array(bins)
    this.lastBinSafe = bins === 1 ? Infinity : binNs * (1 - 1e-9)
  }

  /** Count the locks held since the last change up to `now` (call before changing `held`). */
  account(now: number): void {
    const last = this.lastChange
    if (now <= last) return
    if (now < this.lastBinSafe) {
      this.occupancy[this.lastBin]! += this.held * (now - last)
      this.lastChange = now
      return
    }
    this.spread(last, now)
  }

  /** Spread the held-locks integral from `last` to `now` over the bins it covers. */
  private spread(last: number, now: number): void {
    const bins = this.bins
    const binNs = this.binNs
    let t = last
    while (t < now) {
      const b = Math.min(bins - 1, Math.floor(t / binNs))
      const end = b === bins - 1 ? now : Math.min(now, (b + 1) * binNs)
      this.occupancy[b]! += this.held * (end - t)
      t = end
    }
    this.lastChange = now
    const b = Math.min(bins - 1, Math.floor(now / binNs))
    this.lastBin = b
    this.lastBinSafe = b === bins - 1 ? Infinity : (b + 1) * binNs * (1 - 1e-9)
  }

  /** Note the waiters now in the bin of `now`. */
  noteWaiters(now: number): void {
    const b =
      now === this.lastChange ? this.lastBin : Math.min(this.bins - 1, Math.floor(now / this.binNs))
    if (this.waiting > this.maxWaiters[b]!) this.maxWaiters[b] = this.waiting
  }
}
