/** Per-lock statistics in the shape `perf lock contention` and /proc/lock_stat report. */
export interface LockStats {
  name: string
  type: 'spinlock' | 'module try-lock'
  /** Most frequent caller of the contended acquisitions, as perf prints it. */
  caller: string
  acquisitions: number
  contended: number
  totalWaitNs: number
  maxWaitNs: number
  totalHoldNs: number
  maxHoldNs: number
  /** Contended acquisitions per caller (e.g. tdx_pamt_get at start-up, tdx_pamt_put at shutdown). */
  contendedByCaller: Record<string, number>
}

export function newLockStats(name: string, type: LockStats['type'] = 'spinlock'): LockStats {
  return {
    name,
    type,
    caller: '',
    acquisitions: 0,
    contended: 0,
    totalWaitNs: 0,
    maxWaitNs: 0,
    totalHoldNs: 0,
    maxHoldNs: 0,
    contendedByCaller: {}
  }
}

/**
 * Contended acquisitions per caller, shared by the locks of one lock class. A design has two or
 * three callers (literal names), so a short list compared by identity, not a hashed Map: the
 * count runs once per contended acquisition, tens of millions of times in a lock-heavy run.
 */
export class CallerTally {
  private readonly names: string[] = []
  private readonly counts: number[] = []

  add(caller: string): void {
    const names = this.names
    for (let i = 0; i < names.length; i++) {
      if (names[i] === caller) {
        this.counts[i]!++
        return
      }
    }
    names.push(caller)
    this.counts.push(1)
  }

  /** The counts by caller, in the order the callers first contended. */
  entries(): Array<[string, number]> {
    return this.names.map((n, i) => [n, this.counts[i]!])
  }
}

/**
 * A queued spinlock (qspinlock): waiters are served in arrival order, and a release hands the lock
 * to the next waiter after a hand-off delay that depends on whether the two CPUs share a socket.
 * The simulation calls acquire/release; the lock answers when the waiter gets it. The waiters are
 * a ring of typed arrays (no per-acquisition allocation: the DES hot path, docs/contention-model.md
 * "Engine").
 */
export class QueuedSpinlock {
  private holder = -1
  private acquiredAt = 0
  private waiters = new Int32Array(8)
  private waitSince = new Float64Array(8)
  /** Ring indices: the next waiter to serve, and how many wait. */
  private head = 0
  private count = 0
  /** When the waiter returned by the last release() gets the lock (release time + hand-off). */
  handoffAtNs = 0
  /**
   * `stats` and `callers` may be shared by many locks (one row for all per-2M locks, as perf
   * aggregates a lock class).
   */
  constructor(
    readonly stats: LockStats,
    private readonly callers: CallerTally = new CallerTally()
  ) {}

  get isHeld(): boolean {
    return this.holder >= 0
  }

  /** Waiting CPUs right now. */
  get queueLength(): number {
    return this.count
  }

  /** Try to take the lock for `thread`; true when taken at once, false when queued. */
  acquire(thread: number, nowNs: number, caller: string): boolean {
    this.stats.acquisitions++
    if (this.holder < 0) {
      this.holder = thread
      this.acquiredAt = nowNs
      return true
    }
    this.enqueue(thread, nowNs, caller)
    return false
  }

  /** Queue `thread` behind the waiters (acquire's contended path, out of line: see release). */
  private enqueue(thread: number, nowNs: number, caller: string): void {
    this.stats.contended++
    this.callers.add(caller)
    if (this.count === this.waiters.length) this.grow()
    const at = (this.head + this.count) & (this.waiters.length - 1)
    this.waiters[at] = thread
    this.waitSince[at] = nowNs
    this.count++
  }

  /**
   * Release at `nowNs`. Returns the next holder, which gets the lock at `handoffAtNs` (now +
   * hand-off), or -1 when nobody waits. `handoffNs(from, to)` gives the cache-line transfer time
   * between the two threads' CPUs.
   */
  release(nowNs: number, handoffNs: (from: number, to: number) => number): number {
    const stats = this.stats
    const hold = nowNs - this.acquiredAt
    stats.totalHoldNs += hold
    if (hold > stats.maxHoldNs) stats.maxHoldNs = hold
    if (this.count === 0) {
      this.holder = -1
      return -1
    }
    return this.handOff(nowNs, handoffNs)
  }

  /**
   * Give the lock to the first waiter (release's contended path). Out of line, like enqueue, so
   * that the uncontended acquire and release are small enough for V8 to inline into the
   * engine's loop (docs/contention-model.md, "Engine").
   */
  private handOff(nowNs: number, handoffNs: (from: number, to: number) => number): number {
    const stats = this.stats
    const from = this.holder
    const next = this.waiters[this.head]!
    const since = this.waitSince[this.head]!
    this.head = (this.head + 1) & (this.waiters.length - 1)
    this.count--
    const at = nowNs + handoffNs(from, next)
    const wait = at - since
    stats.totalWaitNs += wait
    if (wait > stats.maxWaitNs) stats.maxWaitNs = wait
    this.holder = next
    this.acquiredAt = at
    this.handoffAtNs = at
    return next
  }

  /** Double the ring (a power of two), oldest waiter first. */
  private grow(): void {
    const n = this.waiters.length
    const w = new Int32Array(2 * n)
    const t = new Float64Array(2 * n)
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (n - 1)
      w[k] = this.waiters[i]!
      t[k] = this.waitSince[i]!
    }
    this.waiters = w
    this.waitSince = t
    this.head = 0
  }

  /** The caller with the most contended acquisitions (perf's "caller" column). */
  finish(): LockStats {
    let best = ''
    let most = -1
    const counts = this.callers.entries()
    for (const [c, n] of counts) if (n > most) [best, most] = [c, n]
    this.stats.caller = best
    this.stats.contendedByCaller = Object.fromEntries(counts)
    return this.stats
  }
}
