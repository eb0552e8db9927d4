import { describe, expect, it } from 'vitest'
import type { LockDesign } from '@shared/model/contention/designs'
import { simulateTiny, type TdClassInput } from './support'

/**
 * Two vCPUs of one TD fault into the same 2 MiB region at the same instant, run through
 * simulateContention on the tiny host with ROUND_COSTS (support.ts): pamtAdd 4000, lockHoldExtra 50,
 * hand-off on one socket 100, pageAlloc 250, pageFree 150, atomic 20, faultOutside 100 000,
 * AUG 5000, busyFail 300, busyBackoff 1000 (ns); no jitter, constant costs.
 *
 * The scenario: one TD of 2 MiB (512 4K pages, no image) with 2 vCPUs, started at 0. Threads in
 * creation order: the VMM thread (CPU 0), vCPU 0 (CPU 0), vCPU 1 (CPU 1), one socket. The guest
 * region G (2048, the node's lowest) is split in GPA order: 256 pages per vCPU. Kernel pages come
 * from region K (2559, the highest). Control pages: TDR 1 + TDCS 6 + 2 vCPUs × TDVPS 6 = 19.
 *
 * The fault path takes its pair pages from the vCPU's PAMT cache (v6 08/11): no allocation before
 * the lock. The cache starts empty, so each vCPU's first fault tops it up to 10 pages (10 × 250 =
 * 2500) after the exit and before mmu_lock; a later fault refills what the previous one took.
 */
const TWO_VCPUS: TdClassInput[] = [
  { name: 'td', count: 1, memoryBytes: 2 ** 21, imageBytes: 0, vcpus: 2 }
]

describe('two vCPUs fault into the same 2 MiB region at the same instant', () => {
  // The designs with the v6 fast path and a lock for the 0->1 transition (global, per region or
  // hashed; region K and G take different per-2M locks, which never matters below):
  //   0..4800   VMM: control page 0 from K: alloc 250, get(K): refcount 0, alloc the pair 500
  //             (control pages have no cache), lock at 750 (free), PAMT.ADD(K) 4000 + 50 under
  //             the lock, release at 4800. Its 18 other control pages are fast-path gets (250 + 20
  //             each), done at 9660.
  //   100000    both vCPUs: fault exit 100 000, cache top-up 2500;
  //   102500    S-EPT page from K: fast path (refcount 19, then 20), 20;
  //   102520    get(G): refcount 0, both take a pair from the cache and reach the lock.
  //             vCPU 0 takes it; vCPU 1 queues. vCPU 0: PAMT.ADD(G) 4050 -> release at 106570.
  //   106670    vCPU 1 gets the lock after the hand-off (100): wait 106670 - 102520 = 4150
  //             = PAMT.ADD 4000 + extra 50 + hand-off 100. It re-checks: refcount[G] = 1 > 0, so it
  //             lost the race, 50 under the lock, release at 106720, and frees its pair to the
  //             page allocator (2 × 150) at 107020.
  // Lock: 3 acquisitions (ADD K, ADD G, the lost race), 1 contended, hold 4050 + 4050 + 50 = 8150.
  it.each<LockDesign>(['v6', 'per-2m', 'hashed:4', 'mod:4'])(
    '%s: the second waits PAMT.ADD + extra + hand-off = 4150 ns and loses the 0->1 race once',
    (design) => {
      const o = simulateTiny(TWO_VCPUS, design)
      const lock = o.locks[0]!
      expect({
        acquisitions: lock.acquisitions,
        contended: lock.contended,
        totalWaitNs: lock.totalWaitNs,
        maxWaitNs: lock.maxWaitNs,
        totalHoldNs: lock.totalHoldNs,
        maxHoldNs: lock.maxHoldNs,
        contendedByCaller: lock.contendedByCaller
      }).toEqual({
        acquisitions: 3,
        contended: 1,
        totalWaitNs: 4150,
        maxWaitNs: 4150,
        totalHoldNs: 8150,
        maxHoldNs: 4050,
        contendedByCaller: { tdx_pamt_get: 1 }
      })
      expect(o.lostRaces).toBe(1)
      expect(o.pamtAdds).toBe(2)
      expect(o.busy).toBe(0)
      expect(o.failedSeamcalls).toBe(0)
      expect(o.hazards).toBe(0)
      expect(o.faults).toBe(512)
      // The slowest fault is vCPU 1's first: 100000 -> 107020 (top-up, wait, lost race, free).
      expect(o.addedLatency.maxNs).toBe(7020)
      // Pages: the VMM's pair for K (2) and each vCPU's first top-up (10 + 10), then each
      // vCPU's second fault refills the 2 it took (the ADD's pair; the lost race's pair went back
      // to the page allocator): 2 + 20 + 4 = 26 allocated; 2 freed (the lost race).
      expect(o.pairPages).toEqual({ allocated: 26, freed: 2 })
      // vCPU 1 ends last: its first fault ends at 107020 (AUG 5000 carried into the next step);
      // its second fault: exit 100000 -> 212020, top-up of 2 (500), fast-path get 20 -> 212540;
      // then its 254 other pages in one skip-ahead step of 5000 + 254 × (100000 + 5000 + 20).
      expect(o.faultSpanNs).toBe(212540 + 5000 + 254 * 105020)
      // The busiest lock: K and G share it under v6, and under hashed:4, where hash_64(region, 2)
      // is the top 2 bits of region × GOLDEN_RATIO_64 (0x61C8864680B583EB) mod 2^64:
      // 2048 × GR = GR << 11 = 0x44323405AC1F5800 and 2559 × GR = 0x73763AC09671AA15, both 01.
      // per-2m and mod:4 (2048 mod 4 = 0, 2559 mod 4 = 3) give K and G locks of their own.
      expect(o.lockBuckets!.maxAcquisitions).toBe(design === 'v6' || design === 'hashed:4' ? 3 : 2)
    }
  )

  it('always-lock: every get takes the lock and a pair; two waits (150, 4000 ns), no lost race', () => {
    // Every get takes a pair before the lock (seed 000's alloc_pamt_array) and, when the region
    // already has its pair, frees it after the unlock (2 × 150); on the fault path the pair comes
    // from the cache, which the next fault refills (2 × 250).
    //   750..4800 VMM: control page 0: alloc 250 + pair 500, PAMT.ADD(K) under the lock.
    //   then      its 18 other control pages: alloc 250 + pair 500 + 50 under the lock + free
    //             300 = 1100 each, done at 24600: never contended.
    //   102500    both vCPUs (after the exit and the 2500 top-up) ask for the lock for the S-EPT
    //             get on K: vCPU 0 holds it 50 (refcount > 0), releases at 102550; vCPU 1 gets it
    //             at 102650 (wait 150 = 50 + hand-off 100), releases at 102700.
    //   102850    vCPU 0, after freeing its S-EPT pair (102550 + 300), takes the free lock for
    //             get(G): refcount 0, PAMT.ADD(G) 4050, release at 106900.
    //   103000    vCPU 1 (102700 + 300) asks for get(G) and queues; gets the lock at 107000
    //             (wait 4000): refcount[G] = 1, a plain increment under the lock (seed 000 has no
    //             unlocked check, so no lost race), release 107050, free 300 -> 107350.
    //   Then: each vCPU's fault is exit 100000 + AUG 5000 + top-up 500 + 50 under the lock + free
    //   300, so vCPU 0 asks at 212900, 318750, ... and vCPU 1 450 ns later: they never meet.
    // Acquisitions: 19 control pages + 2 S-EPT pages + 512 faults = 533.
    const o = simulateTiny(TWO_VCPUS, 'always-lock')
    const lock = o.locks[0]!
    expect(lock.acquisitions).toBe(533)
    expect(lock.contended).toBe(2)
    expect(lock.totalWaitNs).toBe(150 + 4000)
    expect(lock.maxWaitNs).toBe(4000)
    expect(o.lostRaces).toBe(0)
    expect(o.pamtAdds).toBe(2)
    // Seed 000's per-get pages: every get but the two that ADD frees its pair: 533 - 2 = 531
    // pairs freed. Allocated: the VMM's 19 pairs, each vCPU's first top-up (10), then every
    // later fault refills 2 per get of the fault before: vCPU 0 took 4 in its first fault
    // (S-EPT + G), 2 in each of its 255 others, the last never refilled: 4 + 2 × 254 = 512;
    // likewise vCPU 1: 512.
    expect(o.pairPages).toEqual({ allocated: 2 * 19 + 20 + 2 * 512, freed: 2 * 531 })
  })

  it('module-only (lockless): no BUSY; vCPU 1 sees refcount 1 and uses G before its pair exists', () => {
    // No kernel lock. atomic_inc_return elects the CPU that takes 0->1; the others take the
    // fast path at once, pair or no pair. PAMT.ADD takes 4000 (no lock, no extra).
    //   250..4770 VMM: get(K): refcount 0 -> 1 (elected), atomic 20, pair alloc 500, PAMT.ADD(K)
    //             from 770 to 4770; its 18 other control pages are fast-path gets (250 + 20).
    //   102520    both vCPUs, after the exit, the top-up and the S-EPT fast path (refcount[K] is
    //             19, K has its pair): get(G). vCPU 0 first: refcount 0 -> 1, elected; atomic 20.
    //             vCPU 1: refcount 1 -> 2, so it goes on to map its page while G has no pair
    //             (a hazard: TDX_MISSING_PAMT_PAGE_PAIR, or BUSY while the ADD holds G); 20.
    //   102540    vCPU 0: pair from the cache, PAMT.ADD(G) (G exclusive, K shared twice) until
    //             106540. vCPU 1's fault is done at 102540 (latency 2540).
    const o = simulateTiny(TWO_VCPUS, 'module-only')
    expect(o.locks).toEqual([])
    expect(o.lockBuckets).toBeNull()
    expect(o.busy).toBe(0)
    expect(o.retries).toBe(0)
    expect(o.failedSeamcalls).toBe(0)
    expect(o.lostRaces).toBe(0)
    expect(o.pamtAdds).toBe(2)
    expect(o.hazards).toBe(1)
    expect(o.hazardsByKind).toEqual({ usedBeforeAdd: 1, removedInUse: 0 })
    // vCPU 0's first fault: 100000 -> 106540.
    expect(o.addedLatency.maxNs).toBe(6540)
  })
})
