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
 * A queued spinlock (qspinlock): waiters are served in arrival order, and a release hands the lock
 * to the next waiter after a hand-off delay that depends on whether the two CPUs share a socket.
 * The simulation calls acquire/release; the lock answers when the waiter gets it.
 */
export class QueuedSpinlock {
  private holder = -1
  private acquiredAt = 0
  private readonly waiters: number[] = []
  private readonly waitSince: number[] = []
  private head = 0
  /**
   * `stats` and `callerCounts` may be shared by many locks (one row for all per-2M locks, as perf
   * aggregates a lock class).
   */
  constructor(
    readonly stats: LockStats,
    private readonly callerCounts: Map<string, number> = new Map()
  ) {}

  get isHeld(): boolean {
    return this.holder >= 0
  }

  /** Waiting CPUs right now. */
  get queueLength(): number {
    return this.waiters.length - this.head
  }

  /** Try to take the lock for `thread`; true when taken at once, false when queued. */
  acquire(thread: number, nowNs: number, caller: string): boolean {
    this.stats.acquisitions++
    if (this.holder < 0) {
      this.holder = thread
      this.acquiredAt = nowNs
      return true
    }
    this.stats.contended++
    this.callerCounts.set(caller, (this.callerCounts.get(caller) ?? 0) + 1)
    this.waiters.push(thread)
    this.waitSince.push(nowNs)
    return false
  }

  /**
   * Release at `nowNs`. Returns the next holder and when it gets the lock (now + hand-off), or null.
   * `handoffNs(from, to)` gives the cache-line transfer time between the two threads' CPUs.
   */
  release(
    nowNs: number,
    handoffNs: (from: number, to: number) => number
  ): { thread: number; atNs: number } | null {
    const hold = nowNs - this.acquiredAt
    this.stats.totalHoldNs += hold
    if (hold > this.stats.maxHoldNs) this.stats.maxHoldNs = hold
    const from = this.holder
    if (this.head === this.waiters.length) {
      this.holder = -1
      this.waiters.length = 0
      this.waitSince.length = 0
      this.head = 0
      return null
    }
    const next = this.waiters[this.head]!
    const since = this.waitSince[this.head]!
    this.head++
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head)
      this.waitSince.splice(0, this.head)
      this.head = 0
    }
    const at = nowNs + handoffNs(from, next)
    const wait = at - since
    this.stats.totalWaitNs += wait
    if (wait > this.stats.maxWaitNs) this.stats.maxWaitNs = wait
    this.holder = next
    this.acquiredAt = at
    return { thread: next, atNs: at }
  }

  /** The caller with the most contended acquisitions (perf's "caller" column). */
  finish(): LockStats {
    let best = ''
    let most = -1
    for (const [c, n] of this.callerCounts) if (n > most) [best, most] = [c, n]
    this.stats.caller = best
    this.stats.contendedByCaller = Object.fromEntries(this.callerCounts)
    return this.stats
  }
}
