import { SeededRandom } from '../workload/random'
import { EventQueue } from './eventQueue'
import { newLockStats, QueuedSpinlock } from './spinlock'

/**
 * One lock fed by Poisson arrivals with a fixed (M/D/1) or exponential (M/M/1) hold time, on the
 * same event queue and spinlock the contention model uses, with no hand-off cost. Used to check
 * the engine against queueing theory: mean wait in queue Wq = ρ/(2μ(1−ρ)) for M/D/1 and
 * ρ/(μ(1−ρ)) for M/M/1, with ρ = λ/μ.
 */
export function simulateSingleLock(opts: {
  arrivalsPerNs: number
  meanHoldNs: number
  hold: 'fixed' | 'exponential'
  customers: number
  seed: number
}): { meanWaitNs: number; contendedFraction: number } {
  const rng = new SeededRandom(opts.seed)
  const stats = newLockStats('queue')
  const lock = new QueuedSpinlock(stats)
  const queue = new EventQueue()
  // Payload ≥ 0: arrival of customer i; payload < 0: release by customer −1 − i.
  let t = 0
  for (let i = 0; i < opts.customers; i++) {
    t += rng.exponential(1 / opts.arrivalsPerNs)
    // Arrivals come in time order: the queue's sorted lane (same pop order as the heap).
    queue.pushSorted(t, i)
  }
  // No closures on the hot path: the hold time inline, and no hand-off cost.
  const fixed = opts.hold === 'fixed'
  const mean = opts.meanHoldNs
  const noHandoff = (): number => 0
  while (queue.length > 0) {
    const p = queue.pop()
    const now = queue.lastTime
    if (p >= 0) {
      if (lock.acquire(p, now, 'arrival'))
        queue.push(now + (fixed ? mean : rng.exponential(mean)), -1 - p)
    } else {
      const next = lock.release(now, noHandoff)
      if (next >= 0)
        queue.push(lock.handoffAtNs + (fixed ? mean : rng.exponential(mean)), -1 - next)
    }
  }
  return {
    meanWaitNs: stats.totalWaitNs / stats.acquisitions,
    contendedFraction: stats.contended / stats.acquisitions
  }
}
