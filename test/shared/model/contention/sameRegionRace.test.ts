import { describe, expect, it } from 'vitest'
import type { LockDesign } from '@shared/model/contention/designs'
import { simulateTiny, type TdClassInput } from './support'

/**
 * Two vCPUs of one TD fault into the same 2 MiB region at the same instant, run through
 * simulateContention on the tiny host with ROUND_COSTS (support.ts): pamtAdd 4000, lockHoldExtra 50,
 * hand-off on one socket 100, pageAlloc 250, atomic 20, faultOutside 100 000, AUG 5000,
 * busyFail 300, busyBackoff 1000 (ns).
 *
 * The scenario: one TD of 2 MiB (512 4K pages, no image) with 2 vCPUs, started at 0. Threads in
 * creation order: the VMM thread (CPU 0), vCPU 0 (CPU 0), vCPU 1 (CPU 1), one socket. The guest
 * region G (2048, the node's lowest) is split in GPA order: 256 pages per vCPU. Kernel pages come
 * from region K (2559, the highest). Control pages: TDR 1 + TDCS 6 + 2 vCPUs × TDVPS 6 = 19.
 */
const TWO_VCPUS: TdClassInput[] = [
  { name: 'td', count: 1, memoryBytes: 2 ** 21, imageBytes: 0, vcpus: 2 }
]

describe('two vCPUs fault into the same 2 MiB region at the same instant', () => {
  // The designs with the v6 fast path and a lock for the 0->1 transition (global, per region or
  // hashed; region K and G take different per-2M locks, which never matters below):
  //   0..4800   VMM: control page 0 from K: alloc 250, get(K): refcount 0, alloc the pair 500,
  //             lock at 750 (free), PAMT.ADD(K) 4000 + 50 under the lock, release at 4800. Its 18
  //             other control pages are fast-path gets (250 + 20 each), done at 9660.
  //   100000    both vCPUs: fault exit 100 000, S-EPT page from K: fast path (refcount 19), 20;
  //   100020    get(G): refcount 0, both allocate a pair (500) and reach the lock at 100520.
  //   100520    vCPU 0 takes it; vCPU 1 queues. vCPU 0: PAMT.ADD(G) 4050 -> release at 104570.
  //   104670    vCPU 1 gets the lock after the hand-off (100): wait 104670 - 100520 = 4150
  //             = PAMT.ADD 4000 + extra 50 + hand-off 100. It re-checks: refcount[G] = 1 > 0, so it
  //             lost the race (frees its pair), 50 under the lock, release at 104720.
  // Lock: 3 acquisitions (ADD K, ADD G, the lost race), 1 contended, hold 4050 + 4050 + 50 = 8150.
  it.each<LockDesign>(['v6', 'per-2m', 'hashed:4'])(
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
      expect(o.faults).toBe(512)
      // The slowest fault is vCPU 1's first: 100000 -> 104720.
      expect(o.addedLatency.maxNs).toBe(4720)
      // vCPU 1 ends last: release at 104720, that fault's AUG 5000, then its 255 other pages in
      // one skip-ahead step of 255 × (100000 + 5000 + 20); the first fault began at 0.
      expect(o.faultSpanNs).toBe(104720 + 5000 + 255 * 105020)
    }
  )

  it('always-lock: the S-EPT gets collide first, three waits (150, 250, 4250 ns), no lost race', () => {
    // Every get takes the lock; no pair is allocated before it (no fast path).
    //   250..9700 VMM: 19 control-page gets under the lock, one at a time: never contended.
    //   100000    both vCPUs' S-EPT gets on K reach the lock; vCPU 0 holds it 50 (refcount > 0).
    //   100050    vCPU 0 releases; vCPU 1 gets it at 100150 (wait 150 = 50 + hand-off 100).
    //             vCPU 0 asks again at once for get(G) and queues behind vCPU 1.
    //   100200    vCPU 1 releases; vCPU 0 gets it at 100300 (wait 250 = 50 + 2 hand-offs).
    //             vCPU 1 asks for get(G) at 100200 and queues.
    //   100300    vCPU 0: refcount[G] = 0, PAMT.ADD(G) 4050, release at 104350.
    //   104450    vCPU 1 gets the lock (wait 104450 - 100200 = 4250); refcount[G] = 1: a plain
    //             increment under the lock, not a lost race (seed 000 has no unlocked check).
    //   Then: each vCPU's fault is AUG 5000 + exit 100000 + 50 under the lock = 105050 ns, so they
    //   stay 150 ns apart and the 50 ns holds never meet again.
    // Acquisitions: 19 control pages + 2 S-EPT pages + 512 faults = 533.
    const o = simulateTiny(TWO_VCPUS, 'always-lock')
    const lock = o.locks[0]!
    expect(lock.acquisitions).toBe(533)
    expect(lock.contended).toBe(3)
    expect(lock.totalWaitNs).toBe(150 + 250 + 4250)
    expect(lock.maxWaitNs).toBe(4250)
    expect(o.lostRaces).toBe(0)
    expect(o.pamtAdds).toBe(2)
  })

  it('module-only: no kernel lock; the loser gets TDX_OPERAND_BUSY 4 times, then sees the refcount', () => {
    // No kernel lock; PAMT.ADD takes 4000 (no lock, no extra); the module's 2 MiB try-lock on G.
    //   750..4750 VMM: PAMT.ADD(K) after the 250 + 500 allocations.
    //   100520    both vCPUs try PAMT.ADD(G) (exit 100000 + S-EPT fast path 20 + pair alloc 500).
    //             vCPU 0 takes G exclusive, done at 104520. vCPU 1: BUSY, retries after
    //             busyFail 300 + backoff 1000 = 1300: BUSY again at 101820, 103120, 104420 (all
    //             before 104520): 4 BUSY, 4 retries. At 105720 refcount[G] = 1: a lost race.
    const o = simulateTiny(TWO_VCPUS, 'module-only')
    expect(o.locks).toEqual([])
    expect(o.busy).toBe(4)
    expect(o.retries).toBe(4)
    expect(o.failedSeamcalls).toBe(0)
    expect(o.lostRaces).toBe(1)
    expect(o.pamtAdds).toBe(2)
    // vCPU 1's first fault: 100000 -> 105720.
    expect(o.addedLatency.maxNs).toBe(5720)
  })
})
