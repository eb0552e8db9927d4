import { describe, expect, it } from 'vitest'
import { simulateTiny, tinyHost, type TdClassInput } from './support'

/**
 * A DEMOTE racing a PAMT.ADD (SEED004), under each DEMOTE variant, run through simulateContention
 * on the tiny host with ROUND_COSTS (support.ts): DEMOTE 20000, PAMT.ADD 4000 + extra 50, lost race
 * 50, hand-off 100 (one socket), pageAlloc 250, pageFree 150, busyFail 300, busyBackoff 1000,
 * faultOutside 100 000 (ns); no jitter, constant costs.
 *
 * The conflict: DEMOTE takes its 2M page W exclusive and the regions of its two pair pages shared;
 * PAMT.ADD takes its target exclusive. Pair pages come from the kernel page window (one region at
 * a time), so a PAMT.ADD of the region the pair pages sit in collides with the DEMOTE.
 *
 * A demoting TD: 2 MiB, all 2M-mapped (no image), DEMOTE share 1: one whole region W and no 4K
 * faults, so its vCPU starts with DEMOTE(W), under the TD's mmu_lock held for write, and then takes
 * an S-EPT page for the demoted range. Before it, the vCPU tops its empty PAMT cache up to 10 pages
 * (10 × 250 = 2500); the DEMOTE's pair and the S-EPT page's pair come from that cache. Its VMM
 * thread, on the same CPU, starts with its control pages (TDR 1 + TDCS + TDVPS 6).
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

describe('PAMT.ADD first, DEMOTE of its pair pages’ region during it (one TD)', () => {
  // 13 control pages (TDCS 6). All kernel pages come from region K (2559).
  //   0..750   VMM: control page 0 from K, alloc 250; get(K): refcount 0, pair alloc 500; takes
  //            pamt_lock at 750 and runs PAMT.ADD(K) (K exclusive) until 4800.
  //   0..2500  vCPU: cache top-up; then mmu_lock for write (free), DEMOTE(W) with pair pages from
  //            K: it needs K shared while the ADD holds K exclusive.
  it('lock-around: DEMOTE waits 2400 ns for pamt_lock, never BUSY', () => {
    //   2500    DEMOTE asks for pamt_lock: held by the VMM's ADD; queued.
    //   4800    the ADD releases; the vCPU gets the lock at 4900 (wait 2400). K is free: DEMOTE
    //           from 4900 to 24900. Its latency: 2500 -> 24900 = 22400. The S-EPT page's get on K
    //           is a fast path (the VMM's 13 control pages hold K).
    const o = simulateTiny([DEMOTING_TD], 'v6', 'lock-around')
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 0,
      retries: 0,
      failed: 0
    })
    expect(lock.acquisitions).toBe(2)
    expect(lock.contended).toBe(1)
    expect(lock.totalWaitNs).toBe(2400)
    expect(lock.totalHoldNs).toBe(4050 + 20000)
    expect(lock.contendedByCaller).toEqual({ tdx_mem_page_demote: 1 })
    expect(o.demotes).toBe(1)
    // DEMOTE installs a pair (counted as an add) + PAMT.ADD(K).
    expect(o.pamtAdds).toBe(2)
    expect(o.addedLatency.maxNs).toBe(22400)
    expect(o.faults).toBe(0)
    // The TD's only vCPU takes mmu_lock for write with nobody inside.
    expect(o.mmuLock).toMatchObject({ writeAcquisitions: 1, writesWaited: 0, readsBlocked: 0 })
  })

  it('try-then-lock: DEMOTE gets BUSY once, retries under pamt_lock (wait 2100 ns)', () => {
    //   2500    DEMOTE without the lock: K is exclusive (the ADD): BUSY after 300.
    //   2800    retry under pamt_lock: queued behind the ADD; gets it at 4900 (wait 2100), DEMOTE
    //           until 24900. Latency 2500 -> 24900 = 22400.
    const o = simulateTiny([DEMOTING_TD], 'v6', 'try-then-lock')
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 1,
      retries: 1,
      failed: 0
    })
    expect(lock.acquisitions).toBe(2)
    expect(lock.contended).toBe(1)
    expect(lock.totalWaitNs).toBe(2100)
    expect(lock.contendedByCaller).toEqual({ tdx_mem_page_demote: 1 })
    expect(o.addedLatency.maxNs).toBe(22400)
  })
})

describe('DEMOTE first, PAMT.ADD of its pair pages’ region during it', () => {
  // For DEMOTE to come first, its pair pages must open a fresh kernel region: the window (one
  // region) runs out of K exactly at the DEMOTE. TDCS is set to 493 pages here, so a TD has
  // 1 + 493 + 6 = 500 control pages.
  //   Filler TD F (2M, no faults), from 0: its 500 control pages and the pair of its PAMT.ADD(K)
  //   (from 750 to 4800) take K's pages 1..502; done at 4800 + 499 × 270 = 139530.
  //   Demoting TD B arrives at 200000. Its VMM takes a control page from K every 270 ns (250
  //   alloc + 20 fast path): pages 503..512 at 200000 + 270·k, k = 0..9 (the last at 202430).
  //   Its vCPU: top-up 2500, then at 202500 mmu_lock for write and DEMOTE(W): K has no page left,
  //   so the pair pages are the first two of a fresh region K2 (2558): refcount 0, no pair.
  //   The VMM's 11th control page (202700) is K2's third page: get(K2) at 202950 finds refcount 0,
  //   allocates a pair (500) and asks for its lock at 203450, while DEMOTE holds K2 shared.
  const host = tinyHost({ params: { tdcsBaseBytes: 493 * 4096 } })
  const tds: TdClassInput[] = [
    { name: 'filler', count: 1, memoryBytes: 2 ** 21, imageBytes: 0, vcpus: 1, share2m: 1 },
    { ...DEMOTING_TD, arrival: { mode: 'together', atNs: 200_000 } }
  ]

  it('v6, lock-around: the ADD waits for pamt_lock instead (19150 ns); no BUSY', () => {
    //   202500  DEMOTE takes pamt_lock (free) and runs until 222500.
    //   203450  the VMM's get(K2) queues; gets the lock at 222600 (wait 19150). The vCPU, done at
    //           222500 (latency 20000), takes its S-EPT page from K2: refcount still 0, queues at
    //           222500.
    //   222600  VMM: PAMT.ADD(K2) succeeds (K2 no longer shared), release 226650.
    //   226750  vCPU gets the lock (wait 4250): refcount[K2] = 1, a lost race, release 226800.
    const o = simulateTiny(tds, 'v6', 'lock-around', {}, host)
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 0,
      retries: 0,
      failed: 0
    })
    // ADD(K) for F, DEMOTE, ADD(K2), the lost race.
    expect(lock.acquisitions).toBe(4)
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(19150 + 4250)
    expect(lock.maxWaitNs).toBe(19150)
    expect(lock.totalHoldNs).toBe(4050 + 20000 + 4050 + 50)
    expect(lock.contendedByCaller).toEqual({ tdx_pamt_get: 2 })
    expect(o.lostRaces).toBe(1)
    expect(o.demotes).toBe(1)
    expect(o.pamtAdds).toBe(3)
    expect(o.addedLatency.maxNs).toBe(20000)
  })

  it('v6, try-then-lock: the ADD gets BUSY 10 times, each a failed SEAMCALL (v6: WARN, -EIO)', () => {
    //   202500  DEMOTE without the lock, holding K2 shared until 222500.
    //   203450  VMM takes the lock; PAMT.ADD(K2) needs K2 exclusive: BUSY after 300, the get
    //           fails (a failed SEAMCALL), drops the lock at 203750, frees its pair (300), backs
    //           off 1000 and runs the get again: pair alloc 500, lock at 205550. Period 300 + 300
    //           + 1000 + 500 = 2100. Attempts at 203450 + 2100·j while DEMOTE holds K2 (< 222500):
    //           j = 0..9, 10 BUSY, each an uncontended 300 ns hold of the lock; the last holds it
    //           from 222350 to 222650.
    //   222500  DEMOTE done, never BUSY itself. The vCPU's S-EPT get(K2) queues at 222500 and
    //           gets the lock at 222750 (wait 250): refcount 0, PAMT.ADD(K2) 4050, release 226800.
    //   224450  VMM (222650 + 300 + 1000 + 500) queues; gets the lock at 226900 (wait 2450):
    //           refcount 1, a lost race.
    const o = simulateTiny(tds, 'v6', 'try-then-lock', {}, host)
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 10,
      retries: 0,
      failed: 10
    })
    // K2 runs out here: the DEMOTE's pair (2), 10 failed ADD attempts' pairs (20), the vCPU's
    // S-EPT page and ADD pair (3) and the VMM's 490 other control pages make 515 > 512, so the
    // VMM's last 3 control pages open K3: one more, uncontended PAMT.ADD (4050 under the lock).
    expect(lock.acquisitions).toBe(1 + 10 + 1 + 1 + 1)
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(250 + 2450)
    expect(lock.totalHoldNs).toBe(4050 + 10 * 300 + 4050 + 50 + 4050)
    expect(o.lostRaces).toBe(1)
    expect(o.demotes).toBe(1)
    // ADD(K), DEMOTE, ADD(K2), ADD(K3).
    expect(o.pamtAdds).toBe(4)
    expect(o.addedLatency.maxNs).toBe(20000)
  })

  it('per-2m, lock-around: DEMOTE holds the locks of W and K2, so the ADD waits: 0 BUSY', () => {
    // DEMOTE takes the per-2M locks of every region it locks in the module, its own (W, 2303:
    // huge pages come from the middle of the node down, F took 2304) and its pair pages' (K2), in
    // ascending order. Then the same as v6 lock-around on K2's lock: the VMM's get(K2) waits
    // 222600 - 203450 = 19150, the vCPU's S-EPT get 226750 - 222500 = 4250 (a lost race).
    // Before DEMOTE took its regions' locks it took lock 0, which guards nothing under per-2m: the
    // ADD ran into DEMOTE's shared K2 and got BUSY 10 times (11 with the costs of the time); its
    // own region's lock alone would do the same, the conflict being on a pair page's region.
    const o = simulateTiny(tds, 'per-2m', 'lock-around', {}, host)
    const lock = o.locks[0]!
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 0,
      retries: 0,
      failed: 0
    })
    // ADD(K) on K's lock, DEMOTE on W's and K2's, ADD(K2) and the lost race on K2's.
    expect(lock.acquisitions).toBe(5)
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(19150 + 4250)
    expect(lock.contendedByCaller).toEqual({ tdx_pamt_get: 2 })
    // Three locks used; K2's the busiest (DEMOTE, ADD, lost race).
    expect(o.lockBuckets).toEqual({
      locks: 3,
      used: 3,
      maxAcquisitions: 3,
      meanAcquisitions: 5 / 3,
      maxContended: 2
    })
  })

  it('per-2m, try-then-lock: the same 10 BUSY, retried by the design (no WARN)', () => {
    // As v6 try-then-lock on K2's lock; per-2m retries BUSY itself, so each is a retry.
    const o = simulateTiny(tds, 'per-2m', 'try-then-lock', {}, host)
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 10,
      retries: 10,
      failed: 0
    })
    expect(o.locks[0]!.totalWaitNs).toBe(250 + 2450)
  })
})
