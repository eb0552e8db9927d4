import { describe, expect, it } from 'vitest'
import { ONE_REGION_TD, simulateTiny, type TdClassInput } from './support'

/**
 * One lock holder and N = 3 waiters, run through simulateContention (v6, one global pamt_lock) on
 * the tiny host with ROUND_COSTS (support.ts): PAMT.ADD 4000 + extra 50 = 4050 under the lock, a
 * lost race holds it 50, hand-off 100 within a socket and 400 across, pageAlloc 250,
 * faultOutside 100 000 (ns); no jitter, constant costs.
 *
 * Four TDs of one 2 MiB region and one vCPU each start at 0. Threads in creation order: VMM 0,
 * vCPU 0, VMM 1, vCPU 1, ... (a TD's VMM thread runs on its vCPU's CPU). Every TD has its own guest
 * region; all kernel pages come from one region K. Two episodes, each with all four at the lock in
 * the same instant, served in arrival (creation) order:
 *  - control pages: every VMM's first get finds refcount[K] = 0 and reaches the lock at
 *    250 + 500 = 750. VMM 0 holds it 4050 (PAMT.ADD K); VMMs 1-3 then find refcount 1 (lost races)
 *    and hold it 50 each. Waiter k (1..3) waits 4050 + k·handoff + (k-1)·50.
 *  - first faults: every vCPU's get of its own region reaches the lock at 100000 + 2500 (the
 *    first top-up of its PAMT cache, 10 pages) + 20 (S-EPT fast path) = 102520, with its pair
 *    from the cache, and every one needs PAMT.ADD: waiter k waits k·(4050 + handoff).
 * The vCPUs' other 511 faults are fast-path gets; no TD ends, so there are no puts.
 */
const FOUR_TDS: TdClassInput[] = [{ ...ONE_REGION_TD, count: 4 }]

describe('one holder, three waiters: FIFO hand-off', () => {
  it('one socket: waits k·(hold + 100 ns), 6 contended, 37.8 µs in total', () => {
    // Control pages: 4050 + 100, 4050 + 200 + 50, 4050 + 300 + 100 = 4150 + 4300 + 4450 = 12900.
    // First faults: 4150, 8300, 12450 = 24900. Total 37800, max 12450.
    const o = simulateTiny(FOUR_TDS, 'v6', 'lock-around', { sockets: 1, cpusPerSocket: 4 })
    const lock = o.locks[0]!
    expect(lock.acquisitions).toBe(8)
    expect(lock.contended).toBe(6)
    expect(lock.totalWaitNs).toBe(12900 + 24900)
    expect(lock.maxWaitNs).toBe(12450)
    // Holds: 4050 + 3 × 50 (control pages) + 4 × 4050 (first faults) = 20400.
    expect(lock.totalHoldNs).toBe(20400)
    expect(lock.contendedByCaller).toEqual({ tdx_pamt_get: 6 })
    expect(o.lostRaces).toBe(3)
    // PAMT.ADD of K and of the four guest regions.
    expect(o.pamtAdds).toBe(5)
    // The last vCPU's first fault: 100000 -> 102520 + 3 × 4150 + 4050 = 119020.
    expect(o.addedLatency.maxNs).toBe(19020)
    // Timeline bins of 100 µs: three waiters in each episode. The lock counts as held through a
    // hand-off: 750 -> 5250 (4500 ns) in bin 0, 102520 -> 119020 (16500 ns) in bin 1.
    expect(o.timeline.maxWaiters).toEqual([3, 3, 0, 0, 0, 0, 0, 0, 0, 0])
    expect(o.timeline.occupancy.slice(0, 3)).toEqual([4500 / 1e5, 16500 / 1e5, 0])
  })

  it('two sockets: TDs alternate sockets, so FIFO order makes every hand-off cross (400 ns)', () => {
    // TD i runs on socket i mod 2 (CPUs 0, 4, 1, 5). In FIFO order 0, 1, 2, 3 every hand-off crosses
    // sockets. Control pages: 4450, 4900, 5350 = 14700. First faults: 4450, 8900, 13350 = 26700.
    // A lock that served the same-socket waiter first (0, 2, 1, 3) would give first-fault waits
    // 4150, 8600, 12750 instead.
    const o = simulateTiny(FOUR_TDS, 'v6', 'lock-around', { sockets: 2, cpusPerSocket: 4 })
    const lock = o.locks[0]!
    expect(lock.contended).toBe(6)
    expect(lock.totalWaitNs).toBe(14700 + 26700)
    expect(lock.maxWaitNs).toBe(13350)
    // 100000 -> 102520 + 3 × 4450 + 4050 = 119920.
    expect(o.addedLatency.maxNs).toBe(19920)
  })
})
