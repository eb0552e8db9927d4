import { describe, expect, it } from 'vitest'
import { traceContention } from '@shared/model/contention/traceContention'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { ROUND_COSTS, tinyHost } from './support'

/**
 * traceContention (open loop) on hand-made traces, ROUND_COSTS (support.ts): PAMT.ADD 4000,
 * PAMT.REMOVE 3000, extra under the lock 50, hand-off 100 (a trace has no sockets: always the
 * same-socket hand-off). A request that finds its lock busy starts at the lock's free time plus the
 * hand-off; its wait is start - request time; later events are not delayed.
 */
const host = tinyHost()
const A = 2048
const B = 2049
const C = 2050

/** v6-style trace: regions a, b, c, d = 2048..2051. */
function transitionsTrace(): PageEventBuffer {
  const t = new PageEventBuffer()
  t.push(0, EventKind.Get, A, 1, 1) // a 0->1: ADD
  t.push(1000, EventKind.Get, B, 1, 512) // b 0->512: ADD
  t.push(2000, EventKind.Get, A, 1, 1) // a 1->2: no transition
  t.push(3000, EventKind.Get, C, 2, 1) // c and d 0->1: two ADDs at the same instant
  t.push(20000, EventKind.Put, A, 1, 2) // a 2->0: REMOVE
  t.push(21000, EventKind.Put, B, 1, 1) // b 512->511: no transition
  t.push(22000, EventKind.Put, C, 1, 1) // c 1->0: REMOVE
  return t
}

describe('traceContention: exact waits on a hand-made trace', () => {
  it('v6: only 0->1 and 1->0 take the global lock; 4 of 6 requests wait 19050 ns in total', () => {
    // Requests (hold: ADD 4050, REMOVE 3050), the lock's free time after each:
    //   t=0     ADD a: free lock, 0 -> 4050.
    //   t=1000  ADD b: starts 4050 + 100 = 4150 (wait 3150), free at 8200.
    //   t=3000  ADD c: starts 8300 (wait 5300), free 12350; ADD d: starts 12450 (wait 9450), 16500.
    //   t=20000 REMOVE a: lock free, 20000 -> 23050.
    //   t=22000 REMOVE c: starts 23150 (wait 1150), free 26200.
    const r = traceContention(host, transitionsTrace(), 'v6', { ...ROUND_COSTS })
    const lock = r.locks[0]!
    expect(r.requests).toBe(6)
    expect(lock.acquisitions).toBe(6)
    expect(lock.contended).toBe(4)
    expect(lock.totalWaitNs).toBe(3150 + 5300 + 9450 + 1150)
    expect(lock.maxWaitNs).toBe(9450)
    expect(lock.totalHoldNs).toBe(4 * 4050 + 2 * 3050)
    expect(lock.contendedByCaller).toEqual({ tdx_pamt_get: 3, tdx_pamt_put: 1 })
    expect(lock.caller).toBe('tdx_pamt_get')
    // The slowest request: ADD d, wait 9450 + hold 4050.
    expect(r.addedLatency.maxNs).toBe(13500)
  })

  it('mod:2 splits the same requests over two locks (even and odd regions): 4450 ns', () => {
    //   lock 0 (a, c): ADD a 0 -> 4050; ADD c at 3000 starts 4150 (wait 1150) -> 8200;
    //                  REMOVE a at 20000 -> 23050; REMOVE c at 22000 starts 23150 (wait 1150).
    //   lock 1 (b, d): ADD b 1000 -> 5050; ADD d at 3000 starts 5150 (wait 2150) -> 9200.
    const r = traceContention(host, transitionsTrace(), 'mod:2', { ...ROUND_COSTS })
    const lock = r.locks[0]!
    expect(r.requests).toBe(6)
    expect(lock.contended).toBe(3)
    expect(lock.totalWaitNs).toBe(1150 + 1150 + 2150)
    expect(lock.maxWaitNs).toBe(2150)
  })

  it('hashed:2 puts a, c and d on one lock, b on the other (hash_64): 7600 ns', () => {
    // hash_64(region, 1) is the top bit of region × GOLDEN_RATIO_64 (0x61C8864680B583EB) mod 2^64
    // (include/linux/hash.h):
    //   a 2048: GR << 11 = 0x44323405AC1F5800 -> 0;   b 2049: + GR = 0xA5FABA4C2CD4DBEB -> 1;
    //   c 2050: + GR = 0x07C34092AD8A5FD6 -> 0 (carry out of bit 63 dropped);
    //   d 2051: + GR = 0x698BC6D92E3FE3C1 -> 0.
    //   lock 0 (a, c, d): ADD a 0 -> 4050; ADD c at 3000 starts 4150 (wait 1150) -> 8200; ADD d
    //                     starts 8300 (wait 5300) -> 12350; REMOVE a 20000 -> 23050; REMOVE c at
    //                     22000 starts 23150 (wait 1150).
    //   lock 1 (b):       ADD b 1000 -> 5050.
    const r = traceContention(host, transitionsTrace(), 'hashed:2', { ...ROUND_COSTS })
    const lock = r.locks[0]!
    expect(r.requests).toBe(6)
    expect(lock.contended).toBe(3)
    expect(lock.totalWaitNs).toBe(1150 + 5300 + 1150)
    expect(lock.maxWaitNs).toBe(5300)
  })

  it('per-2m: no two requests on one region overlap, so nothing waits', () => {
    // Region a: ADD 0 -> 4050, REMOVE at 20000; region c: ADD 3000 -> 7050, REMOVE at 22000.
    const r = traceContention(host, transitionsTrace(), 'per-2m', { ...ROUND_COSTS })
    expect(r.requests).toBe(6)
    expect(r.locks[0]!.contended).toBe(0)
    expect(r.locks[0]!.totalWaitNs).toBe(0)
  })

  it('module-only takes no kernel lock: no requests, no lock rows', () => {
    const r = traceContention(host, transitionsTrace(), 'module-only', { ...ROUND_COSTS })
    expect(r.requests).toBe(0)
    expect(r.locks).toEqual([])
  })

  it('always-lock: one request per page, the transitions hold the SEAMCALL plus the extra', () => {
    // Every page's get and put takes the lock: 50 for a plain refcount change, PAMT.ADD or
    // PAMT.REMOVE + 50 on a transition (as simulateContention holds it).
    //   t=0      get a × 3: page 1 (0->1) 0 -> 4050; page 2 starts 4150 (wait 4150) -> 4200;
    //            page 3 starts 4300 (wait 4300) -> 4350.
    //   t=100    get a × 1: starts 4450 (wait 4350) -> 4500.
    //   t=10000  put a × 4: 10000 -> 10050; 10150 (wait 150) -> 10200; 10300 (wait 300) -> 10350;
    //            the last (1->0) starts 10450 (wait 450), REMOVE 3050 -> 13500.
    const t = new PageEventBuffer()
    t.push(0, EventKind.Get, A, 1, 3)
    t.push(100, EventKind.Get, A, 1, 1)
    t.push(10000, EventKind.Put, A, 1, 4)
    const r = traceContention(host, t, 'always-lock', { ...ROUND_COSTS })
    const lock = r.locks[0]!
    expect(r.requests).toBe(8)
    expect(lock.contended).toBe(6)
    expect(lock.contendedByCaller).toEqual({ tdx_pamt_get: 3, tdx_pamt_put: 3 })
    expect(lock.totalWaitNs).toBe(4150 + 4300 + 4350 + 150 + 300 + 450)
    expect(lock.maxWaitNs).toBe(4350)
    expect(lock.totalHoldNs).toBe(4050 + 6 * 50 + 3050)
  })
})
