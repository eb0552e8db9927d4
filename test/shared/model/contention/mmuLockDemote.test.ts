import { describe, expect, it } from 'vitest'
import { ROUND_COSTS, simulateTiny, type TdClassInput } from './support'

/**
 * KVM's mmu_lock around DEMOTE (SEED004: "KVM holds write mmu_lock before invoking DEMOTE"; the
 * fault path holds it for read), run through simulateContention (v6) on the tiny host with
 * ROUND_COSTS except pageAllocNs 0, so that the PAMT cache top-ups take no time and both vCPUs of
 * a TD run in step: faultOutside 100 000, AUG 5000, PAMT.ADD 4000 + 50, lost race 50, pageFree
 * 150, hand-off 100 (one socket), DEMOTE 20000 (ns).
 *
 * A TD with 2 vCPUs whose 2M-mapped memory is demoted: its mmu_lock is a queued rwlock. Each 4K
 * fault holds it for read from after the exit (and top-up) through the gets and PAGE.AUG; each
 * DEMOTE holds it for write, with its S-EPT page's get, after the vCPU's faults.
 * Common start: the VMM adds K (750..4800 with alloc 0: 0..4050) and its 18 other control pages
 * are fast-path gets. Both vCPUs fault at 100000: read lock (free), S-EPT get on K (fast, 20),
 * get(G) at 100020: vCPU 0 takes pamt_lock and adds G until 104070; vCPU 1 waits (4150), loses
 * the race (50) and frees its pair (300): 104520. AUG 5000: vCPU 0 leaves the read side at 109070,
 * vCPU 1 at 109520.
 */
const costs = { ...ROUND_COSTS, pageAllocNs: 0 }

describe('DEMOTE takes its TD’s mmu_lock for write', () => {
  it('waits for an in-flight fault of its TD to leave the read side (450 ns)', () => {
    // 2 MiB + 8 KiB: an image of 2 pages (one 4K fault per vCPU) and one 2M mapping W, demoted
    // by vCPU 0 after its fault.
    //   109070  vCPU 0 leaves the read side and asks for write: vCPU 1 is still inside (AUG until
    //           109520): queued.
    //   109520  vCPU 1 leaves: vCPU 0 gets the write lock (wait 450), DEMOTE under pamt_lock
    //           (free) until 129520, S-EPT get fast, releases. DEMOTE latency 109070 -> 129520.
    const td: TdClassInput = {
      name: 'demoting',
      count: 1,
      memoryBytes: 2 ** 21 + 8192,
      imageBytes: 8192,
      vcpus: 2,
      share2m: 1,
      demoteShare: 1
    }
    const o = simulateTiny([td], 'v6', 'lock-around', { costs })
    expect(o.mmuLock).toEqual({
      writeAcquisitions: 1,
      writesWaited: 1,
      writeWaitNs: 450,
      maxWriteWaitNs: 450,
      readsBlocked: 0,
      readWaitNs: 0,
      maxReadWaitNs: 0
    })
    expect(o.faults).toBe(2)
    expect(o.demotes).toBe(1)
    expect(o.addedLatency.maxNs).toBe(20450)
    // pamt_lock: ADD(K), ADD(G), the lost race, DEMOTE; only the lost race waited.
    expect(o.locks[0]).toMatchObject({ acquisitions: 4, contended: 1, totalWaitNs: 4150 })
  })

  it('blocks a new fault of its TD while it holds the lock (50470 ns)', () => {
    // 4 MiB + 12 KiB: an image of 3 pages (vCPU 0 faults 2, vCPU 1 faults 1) and two 2M mappings,
    // both demoted: vCPU 0 demotes W1 after its faults, vCPU 1 demotes W2 after its one fault. A
    // DEMOTE of 150 µs here (costs), longer than a fault cycle (105 µs).
    //   109520  vCPU 1 leaves the read side (vCPU 0 left at 109070): write lock at once, DEMOTE(W2)
    //           until 259520, S-EPT get fast (20), releases at 259540. Latency 150000.
    //   209070  vCPU 0's second fault (109070 + exit 100000) asks for read: a writer holds the
    //           lock: blocked until 259540 (wait 50470). Its get is a fast path (20): added latency
    //           209070 -> 259560 = 50490. AUG until 264560, then DEMOTE(W1): write lock at once,
    //           latency 150000.
    const td: TdClassInput = {
      name: 'demoting',
      count: 1,
      memoryBytes: 2 * 2 ** 21 + 12288,
      imageBytes: 12288,
      vcpus: 2,
      share2m: 1,
      demoteShare: 1
    }
    const o = simulateTiny([td], 'v6', 'lock-around', {
      costs: { ...costs, demoteNs: 150_000 }
    })
    expect(o.mmuLock).toEqual({
      writeAcquisitions: 2,
      writesWaited: 0,
      writeWaitNs: 0,
      maxWriteWaitNs: 0,
      readsBlocked: 1,
      readWaitNs: 50470,
      maxReadWaitNs: 50470
    })
    expect(o.faults).toBe(3)
    expect(o.demotes).toBe(2)
    expect(o.addedLatency.maxNs).toBe(150000)
    // Latencies: 4070 and 4520 (first faults), 50490 (the blocked fault), 150000 twice.
    expect(o.addedLatency.meanNs).toBe((4070 + 4520 + 50490 + 2 * 150000) / 5)
  })
})
