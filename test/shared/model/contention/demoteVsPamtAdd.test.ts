import { describe, expect, it } from 'vitest'
import { ONE_REGION_TD, simulateTiny, type TdClassInput } from './support'

/**
 * A DEMOTE racing a PAMT.ADD (SEED004), under each DEMOTE variant, run through simulateContention
 * (v6) on the tiny host with ROUND_COSTS (support.ts): DEMOTE 20000, PAMT.ADD 4000 + extra 50,
 * lost race 50, hand-off 100 (one socket), pageAlloc 250, busyFail 300, busyBackoff 1000,
 * faultOutside 100 000 (ns).
 *
 * The conflict: DEMOTE takes its 2M page W exclusive and the regions of its two pair pages shared;
 * PAMT.ADD takes its target exclusive. The pair pages come from the kernel page region K (2559),
 * and the first get of a page in K makes the PAMT.ADD of K itself: the two collide on K.
 *
 * The demoting TD: 2 MiB, all 2M-mapped (no image), DEMOTE share 1: one whole region W and no 4K
 * faults, so its vCPU starts with DEMOTE(W) (then takes an S-EPT page from K for the demoted range).
 * Its VMM thread, on the same CPU, starts with its 13 control pages (TDR 1 + TDCS 6 + TDVPS 6).
 */
const DEMOTING_TD: TdClassInput = {
  name: 'demoting',
  count: 1,
  memoryBytes: 2 ** 21,
  imageBytes: 0,
  vcpus: 1,
  share2m: 1,
  demoteShare: 1
}

describe('DEMOTE first, PAMT.ADD of its pair pages’ region during it', () => {
  // Both threads start at 0: the VMM takes control page 0 from K and allocates it (250); the vCPU
  // draws the DEMOTE's two pair pages from K and starts DEMOTE(W), holding K shared until 20000.
  it('lock-around: the ADD waits for the lock instead (19350 ns); no BUSY', () => {
    //   0       vCPU takes pamt_lock, DEMOTE 20000.
    //   750     VMM: get(K) finds refcount 0, allocates its pair (500), queues for the lock.
    //   20000   DEMOTE done; the VMM gets the lock at 20100 (wait 19350). The vCPU takes its S-EPT
    //           page from K, refcount still 0: pair alloc 500, queues at 20500.
    //   20100   VMM: PAMT.ADD(K) succeeds (K no longer shared), release 24150.
    //   24250   vCPU gets the lock (wait 3750): refcount[K] = 1, a lost race, release 24300.
    const o = simulateTiny([DEMOTING_TD], 'v6', 'lock-around')
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 0,
      retries: 0,
      failed: 0
    })
    expect(lock.acquisitions).toBe(3)
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(19350 + 3750)
    expect(lock.maxWaitNs).toBe(19350)
    // DEMOTE 20000 + PAMT.ADD 4050 + lost race 50.
    expect(lock.totalHoldNs).toBe(24100)
    expect(lock.contendedByCaller).toEqual({ tdx_pamt_get: 2 })
    expect(o.lostRaces).toBe(1)
    expect(o.demotes).toBe(1)
    // DEMOTE installs a pair (counted as an add) + PAMT.ADD(K).
    expect(o.pamtAdds).toBe(2)
    // The DEMOTE's own latency is the only sample: 20000 (the TD has no 4K faults).
    expect(o.addedLatency.maxNs).toBe(20000)
    expect(o.faults).toBe(0)
  })

  it('try-then-lock: the ADD gets BUSY 11 times, each a failed SEAMCALL (v6: WARN, -EIO)', () => {
    //   0       DEMOTE(W) without the lock, holding K shared until 20000.
    //   750     VMM takes the lock; PAMT.ADD(K) needs K exclusive: BUSY after 300, the get fails
    //           (counted as a failed SEAMCALL), drops the lock at 1050, backs off 1000 and runs
    //           the get again: pair alloc 500, lock at 2550. Period 300 + 1000 + 500 = 1800.
    //           Attempts at 750 + 1800·j while DEMOTE holds K (< 20000): j = 0..10, 11 BUSY,
    //           each an uncontended 300 ns hold of the lock.
    //   20000   DEMOTE done, never BUSY itself, so no retry under the lock. The vCPU takes its
    //           S-EPT page from K: refcount 0, pair alloc, lock at 20500 (free: the VMM is in its
    //           back-off until 20550), PAMT.ADD(K) 4050, release 24550.
    //   20550   VMM queues; gets the lock at 24650 (wait 4100): refcount 1, a lost race.
    const o = simulateTiny([DEMOTING_TD], 'v6', 'try-then-lock')
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 11,
      retries: 0,
      failed: 11
    })
    expect(lock.acquisitions).toBe(11 + 1 + 1)
    expect(lock.contended).toBe(1)
    expect(lock.totalWaitNs).toBe(4100)
    expect(lock.totalHoldNs).toBe(11 * 300 + 4050 + 50)
    expect(o.lostRaces).toBe(1)
    expect(o.demotes).toBe(1)
    expect(o.addedLatency.maxNs).toBe(20000)
  })
})

describe('PAMT.ADD first, DEMOTE of another TD during it', () => {
  // TD A (4K, one region, 1 vCPU) starts at 0; the demoting TD B starts at 1000, on CPU 1 (same
  // socket). A's VMM: control page 0 from K, alloc 250, get(K): refcount 0, alloc 500, lock at 750,
  // PAMT.ADD(K) holds K exclusive and the lock from 750 to 4800. At 1000 B's VMM takes its first
  // control page from K (alloc 250; at 1250 refcount[K] is still 0: alloc 500, lock at 1750,
  // queued), and B's vCPU draws the DEMOTE's pair pages from K.
  // After: A's vCPU faults at 100000 (S-EPT fast path, PAMT.ADD of its guest region at 100520,
  // uncontended).
  const tds: TdClassInput[] = [
    ONE_REGION_TD,
    { ...DEMOTING_TD, arrival: { mode: 'together', atNs: 1000 } }
  ]

  it('lock-around: DEMOTE waits 3900 ns for the lock, never BUSY', () => {
    //   1000    B's vCPU asks for the lock (held by A's VMM): queued first; B's VMM at 1750 second.
    //   4800    A's VMM releases; B's vCPU gets the lock at 4900 (wait 3900). K is free: DEMOTE
    //           runs 20000, release at 24900. B's VMM gets the lock at 25000 (wait 23250):
    //           refcount[K] = 1, a lost race.
    const o = simulateTiny(tds, 'v6', 'lock-around')
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 0,
      retries: 0,
      failed: 0
    })
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(3900 + 23250)
    expect(lock.maxWaitNs).toBe(23250)
    expect(lock.contendedByCaller).toEqual({ tdx_mem_page_demote: 1, tdx_pamt_get: 1 })
    // ADD K, DEMOTE, the lost race, ADD of A's guest region.
    expect(lock.acquisitions).toBe(4)
    expect(lock.totalHoldNs).toBe(4050 + 20000 + 50 + 4050)
    expect(o.lostRaces).toBe(1)
    // The DEMOTE's latency: 1000 -> 24900.
    expect(o.addedLatency.maxNs).toBe(23900)
  })

  it('try-then-lock: DEMOTE gets BUSY once, retries under the lock (wait 3600 ns)', () => {
    //   1000    DEMOTE without the lock: K is held exclusive by the ADD, BUSY after 300.
    //   1300    retry under the lock: queued (held by A's VMM); B's VMM queues at 1750.
    //   4800    A's VMM releases; B's vCPU gets it at 4900 (wait 3600), DEMOTE 20000, release
    //           24900; B's VMM gets the lock at 25000 (wait 23250), a lost race.
    const o = simulateTiny(tds, 'v6', 'try-then-lock')
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 1,
      retries: 1,
      failed: 0
    })
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(3600 + 23250)
    expect(lock.maxWaitNs).toBe(23250)
    expect(lock.contendedByCaller).toEqual({ tdx_mem_page_demote: 1, tdx_pamt_get: 1 })
    expect(o.lostRaces).toBe(1)
    expect(o.addedLatency.maxNs).toBe(23900)
  })
})
