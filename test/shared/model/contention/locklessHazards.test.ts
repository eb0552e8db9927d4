import { describe, expect, it } from 'vitest'
import { simulateTiny, type TdClassInput } from './support'

/**
 * The lockless design (module-only) races: the refcount update and the SEAMCALL are not atomic.
 * A get during a pending 1->0 put: run through simulateContention on the tiny host with
 * ROUND_COSTS (support.ts): pageRemove 3000, PAMT.REMOVE 3000, PAMT.ADD 4000, atomic 20,
 * pageAlloc 250, busyFail 300, busyBackoff 1000 (ns). All kernel pages come from K (2559).
 *
 * TD A (2M-mapped, no faults, 13 control pages) lives 100 µs:
 *   250      get(K): refcount 0 -> 1 elects it; atomic 20, pair alloc 500, PAMT.ADD(K) 770..4770.
 *   ..8010   its 12 other control pages: fast path (250 + 20 each).
 *   100000   teardown: each control page PAGE.REMOVE 3000, then put: 12 decrements (20 each),
 *            the 13th at 139240: refcount 1 -> 0 elects it to remove; atomic 20, PAMT.REMOVE(K)
 *            (K exclusive) from 139260 until 142260, when the pair is gone.
 * TDs B and C (the same, 13 control pages each) arrive together at 139270, during the REMOVE:
 *   139520   B's VMM: get(K): refcount 0 -> 1 elects it to add: atomic, pair alloc, PAMT.ADD at
 *            140040: BUSY (the REMOVE holds K); again at 141340: BUSY; at 142640 K is free and has
 *            no pair: PAMT.ADD until 146640.
 *   139520   C's VMM: get(K): refcount 1 -> 2, a fast path: it goes on to use its page; so do its
 *            next gets every 270 ns. Those at 139520 + 270·j for j = 0..10 (up to 142220) come
 *            while the pair is still installed but being removed: the REMOVE then drops a pair in
 *            use (11). Those at j = 11, 12 (142490, 142760) come after it is gone and before B
 *            has added it again: pages used without PAMT backing (2).
 */
const TWO_M: TdClassInput = {
  name: 'A',
  count: 1,
  memoryBytes: 2 ** 21,
  imageBytes: 0,
  vcpus: 1,
  share2m: 1,
  lifetimeNs: 100_000
}

describe('module-only (lockless): a get during a pending 1->0 put', () => {
  it('counts 13 hazards: 11 references dropped by the REMOVE, 2 uses before the new ADD', () => {
    const o = simulateTiny(
      [
        TWO_M,
        {
          ...TWO_M,
          name: 'B',
          count: 2,
          lifetimeNs: null,
          arrival: { mode: 'together', atNs: 139_270 }
        }
      ],
      'module-only'
    )
    expect(o.hazardsByKind).toEqual({ usedBeforeAdd: 2, removedInUse: 11 })
    expect(o.hazards).toBe(13)
    expect({ busy: o.busy, retries: o.retries, failed: o.failedSeamcalls }).toEqual({
      busy: 2,
      retries: 2,
      failed: 0
    })
    expect({ adds: o.pamtAdds, removes: o.pamtRemoves }).toEqual({ adds: 2, removes: 1 })
    // From the first teardown put (100000) to the last: REMOVE done at 142260, its pair freed
    // (2 × 150) at 142560.
    expect(o.teardownSpanNs).toBe(42560)
  })

  it('v6 on the same TDs: the lock makes it safe (no hazard)', () => {
    const o = simulateTiny(
      [
        TWO_M,
        {
          ...TWO_M,
          name: 'B',
          count: 2,
          lifetimeNs: null,
          arrival: { mode: 'together', atNs: 139_270 }
        }
      ],
      'v6'
    )
    expect(o.hazards).toBe(0)
    expect(o.failedSeamcalls).toBe(0)
  })
})
