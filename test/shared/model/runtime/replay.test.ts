import { describe, expect, it } from 'vitest'
import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { PamtReplay, replayEvents, type ReplayResult } from '@shared/model/runtime/replay'
import { GiB, syntheticHost } from '../../../support/testHosts'

/** RAM [4 GiB, 8 GiB), one node: regions 2048..4095 exist, max_pfn 0x200000 → 4096 regions. */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])
const PAIR = 8192
const PAGE = 4096

/** Replay a hand-made event list over [0, endNs] with samples at 0, 1, …, endNs. */
function replay(
  ev: PageEventBuffer,
  endNs: number,
  h: HostAnalysis = host,
  fixed = { staticPartBytes: 0, refcountBytes: 0 }
): ReplayResult {
  return replayEvents(h, ev, ev.timeOrder(), {
    ...fixed,
    startNs: 0,
    endNs,
    samples: endNs + 1,
    checkObservedSeamcalls: false
  })
}

const pairsSeries = (r: ReplayResult): number[] => r.pairBytes.map((b) => b / PAIR)

describe('refcount transitions on one region (dpamt-model.md §2.6)', () => {
  it('adds a pair on 0→1 only and removes it on 1→0 only', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 1) // 0 → 1: PAMT.ADD
    ev.push(2, EventKind.Get, 3000, 1, 1) // 1 → 2: nothing
    ev.push(3, EventKind.Put, 3000, 1, 1) // 2 → 1: nothing
    ev.push(4, EventKind.Put, 3000, 1, 1) // 1 → 0: PAMT.REMOVE
    const r = replay(ev, 5)
    // Sample k shows the state after every event at or before time k.
    expect(pairsSeries(r)).toEqual([0, 1, 1, 1, 0, 0])
    expect(r.addCount).toBe(1)
    expect(r.removeCount).toBe(1)
    expect(r.peakPairs).toBe(1)
    expect(r.getPageOps).toBe(2)
    expect(r.putPageOps).toBe(2)
    expect(r.findings).toEqual([])
  })

  it('counts one pair per region however many pages a get brings', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 2500, 5, 3) // 5 regions 0 → 3: 5 adds, 15 pages
    ev.push(2, EventKind.Put, 2500, 5, 2) // 3 → 1: no remove
    ev.push(3, EventKind.Put, 2502, 1, 1) // region 2502: 1 → 0, one remove
    const r = replay(ev, 4)
    expect(pairsSeries(r)).toEqual([0, 5, 5, 4, 4])
    expect(r.addCount).toBe(5)
    expect(r.removeCount).toBe(1)
    expect(r.getPageOps).toBe(15)
    expect(r.putPageOps).toBe(11)
  })
})

describe('a page range spanning several 2 MiB regions', () => {
  it('is split into a partial head, whole middle regions and a partial tail', () => {
    // pfn 3000·512 + 500, 1043 pages: 12 in region 3000 (500..511), 1024 in 3001-3002, 7 in 3003.
    const ev = new PageEventBuffer()
    ev.pushPfnRange(1, EventKind.Get, 3000 * 512 + 500, 1043)
    expect(
      Array.from({ length: ev.length }, (_, i) => [
        ev.region[i],
        ev.regionCount[i],
        ev.pagesPerRegion[i]
      ])
    ).toEqual([
      [3000, 1, 12],
      [3001, 2, 512],
      [3003, 1, 7]
    ])
    // Putting back only the two whole regions removes their pairs; head and tail keep theirs.
    ev.pushPfnRange(2, EventKind.Put, 3001 * 512, 1024)
    const r = replay(ev, 3)
    expect(pairsSeries(r)).toEqual([0, 4, 2, 2])
    expect(r.addCount).toBe(4)
    expect(r.removeCount).toBe(2)
    expect(r.getPageOps).toBe(1043)
    expect(r.pairsAtEnd).toBe(2)
  })
})

describe('DEMOTE (dpamt-model.md §2.8)', () => {
  it('installs a pair at refcount 512; 511 puts keep it and the 512th frees it', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Demote, 3000, 1, 512)
    for (let k = 0; k < 511; k++) ev.push(2, EventKind.Put, 3000, 1, 1)
    ev.push(3, EventKind.Put, 3000, 1, 1)
    const r = replay(ev, 4)
    expect(pairsSeries(r)).toEqual([0, 1, 1, 0, 0])
    expect(r.demoteCount).toBe(1)
    expect(r.addCount).toBe(1)
    expect(r.removeCount).toBe(1)
    expect(r.putPageOps).toBe(512)
    expect(r.findings).toEqual([])
  })

  it('reports a DEMOTE on a region that already has a pair, and adds none', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 1)
    ev.push(2, EventKind.Demote, 3000, 1, 512)
    const r = replay(ev, 3)
    expect(r.addCount).toBe(1)
    expect(r.demoteCount).toBe(1)
    expect(r.findings.map((f) => f.code)).toEqual(['DEMOTE_ON_PAIRED_REGION'])
  })
})

describe('pamt caches and the total', () => {
  it('adds the cache pages of every vCPU to the total while they are held', () => {
    // Fixed part 1000 + 24 bytes; 2 vCPUs topped up to 10 pages each at t = 1, freed at t = 3;
    // one pair from t = 2 to t = 4.
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.CacheFill, 0, 1, 20)
    ev.push(2, EventKind.Get, 3000, 1, 1)
    ev.push(3, EventKind.CacheFree, 0, 1, 20)
    ev.push(4, EventKind.Put, 3000, 1, 1)
    const r = replay(ev, 5, host, { staticPartBytes: 1000, refcountBytes: 24 })
    expect(r.cacheBytes).toEqual([0, 20 * PAGE, 20 * PAGE, 0, 0, 0])
    expect(r.totalBytes).toEqual([
      1024,
      1024 + 20 * PAGE,
      1024 + 20 * PAGE + PAIR,
      1024 + PAIR,
      1024,
      1024
    ])
    expect(r.peakTotalBytes).toBe(1024 + 20 * PAGE + PAIR)
    expect(r.peakTimeNs).toBe(2)
  })

  it('averages the total over time: one pair for 4 of 10 ns adds 0.4 pairs', () => {
    // Total 4096 before t = 2, 4096 + 8192 from 2 to 6, 4096 after: average
    // (4096 · 10 + 8192 · 4) / 10 = 7372.8.
    const ev = new PageEventBuffer()
    ev.push(2, EventKind.Get, 3000, 1, 1)
    ev.push(6, EventKind.Put, 3000, 1, 1)
    const r = replay(ev, 10, host, { staticPartBytes: 4096, refcountBytes: 0 })
    expect(r.averageTotalBytes).toBeCloseTo(7372.8, 9)
  })
})

describe('per-node accounting', () => {
  it('counts each pair on the node of its region', () => {
    // Node 0: [4G, 6G) = regions 2048..3071; node 1: [6G, 8G) = regions 3072..4095.
    const twoNodes = syntheticHost('two-nodes', [
      { base: 4 * GiB, end: 6 * GiB, nid: 0 },
      { base: 6 * GiB, end: 8 * GiB, nid: 1 }
    ])
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3069, 3, 512) // 3069, 3070, 3071: node 0
    ev.push(1, EventKind.Get, 3072, 2, 1) // 3072, 3073: node 1
    ev.push(2, EventKind.Put, 3071, 1, 512) // node 0: 3 → 2 pairs
    ev.push(2, EventKind.Put, 3073, 1, 1) // node 1: 2 → 1 pair
    const r = replay(ev, 3, twoNodes)
    expect(r.nodeIds).toEqual([0, 1])
    expect(r.perNodePairBytes.map((s) => s.map((b) => b / PAIR))).toEqual([
      [0, 3, 2, 2],
      [0, 2, 1, 1]
    ])
    expect(r.findings).toEqual([])
  })
})

describe('events the kernel would not produce', () => {
  it('reports a put without a get and clears the region', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 1)
    ev.push(2, EventKind.Put, 3000, 1, 3) // refcount 1, 3 pages put
    const r = replay(ev, 3)
    expect(r.findings.map((f) => f.code)).toEqual(['PUT_WITHOUT_GET'])
    expect(r.removeCount).toBe(1)
    expect(r.pairsAtEnd).toBe(0)
  })

  it('reports a refcount above 512', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 512)
    ev.push(2, EventKind.Get, 3000, 1, 1)
    const r = replay(ev, 3)
    expect(r.findings.map((f) => f.code)).toEqual(['REFCOUNT_OVER_512'])
    expect(r.addCount).toBe(1)
  })

  it('ignores and reports events past max_pfn', () => {
    // max_pfn 0x200000 → regions 0..4095. Region 4095 with count 2 reaches 4096: outside.
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 4096, 1, 1)
    ev.push(1, EventKind.Get, 4095, 2, 1)
    ev.push(1, EventKind.Get, 4095, 1, 1)
    const r = replay(ev, 2)
    expect(r.findings.map((f) => f.code)).toEqual(['REGION_OUTSIDE_HOST', 'REGION_OUTSIDE_HOST'])
    expect(r.addCount).toBe(1)
  })
})

describe('PamtReplay as a streaming sink', () => {
  it('gives the same result fed directly as through a buffer', () => {
    const opts = {
      staticPartBytes: 0,
      refcountBytes: 0,
      startNs: 0,
      endNs: 4,
      samples: 5,
      checkObservedSeamcalls: false
    }
    const direct = new PamtReplay(host, opts)
    direct.emit(1, EventKind.Get, 3000, 2, 512, 0, -1, 0)
    direct.emit(3, EventKind.Put, 3000, 1, 512, 0, -1, 0)
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 2, 512, 0)
    ev.push(3, EventKind.Put, 3000, 1, 512, 0)
    const a = direct.finish()
    expect(pairsSeries(a)).toEqual([0, 2, 2, 1, 1])
    expect(replay(ev, 4)).toEqual(a)
  })
})
