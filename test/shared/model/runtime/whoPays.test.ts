import { describe, expect, it } from 'vitest'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import {
  replayEvents,
  TD_TABLE_ROWS,
  UNATTRIBUTED_CLASS,
  type ClassPamt,
  type ReplayResult,
  type ReplayTdClasses,
  type TdPamtRow
} from '@shared/model/runtime/replay'
import { scenarioTdClasses, simulateScenario, simulateTrace } from '@shared/model/runtime/simulate'
import { generateEvents } from '@shared/model/workload/generateEvents'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'
import { GiB, S, syntheticHost } from '../../../support/testHosts'

/** RAM [4 GiB, 8 GiB), one node: regions 2048..4095 exist. */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])
/** RAM [4 GiB, 68 GiB), one node: room for a 16 GiB and an 8 GiB TD. */
const bigHost = syntheticHost('host-b', [{ base: 4 * GiB, end: 68 * GiB }])
const PAIR = 8192
const PAGE = 4096

/** Replay hand-made events over [0, endNs], a sample at every ns, TD 0 in class A, TD 1 in B. */
function replay(
  ev: PageEventBuffer,
  endNs: number,
  tdClasses: ReplayTdClasses | null = { names: ['A', 'B'], classOfTd: [0, 1] }
): ReplayResult {
  return replayEvents(host, ev, ev.timeOrder(), {
    staticPartBytes: 0,
    refcountBytes: 0,
    startNs: 0,
    endNs,
    samples: endNs + 1,
    checkObservedSeamcalls: false,
    tdClasses
  })
}

const classByName = (r: ReplayResult, name: string): ClassPamt =>
  r.perClass!.find((c) => c.name === name)!
const row = (r: ReplayResult, td: number): TdPamtRow => r.perTd.rows.find((x) => x.td === td)!

describe('who pays for a pair: the TD whose get made the 0→1 transition (memcg)', () => {
  it('charges the first faulter until the 1→0 put, even when another TD keeps the region alive', () => {
    // One region, two TDs. t=1 TD 0 gets (0→1: PAMT.ADD, its pages charged to TD 0); t=2 TD 1
    // gets (1→2: no allocation, nothing charged); t=3 TD 0 puts (2→1: the pair stays, still
    // charged to TD 0, which no longer has a page there); t=4 TD 1 puts (1→0: PAMT.REMOVE, the
    // pages are freed and uncharged from TD 0, although TD 1 made the put).
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 1, 0)
    ev.push(2, EventKind.Get, 3000, 1, 1, 1)
    ev.push(3, EventKind.Put, 3000, 1, 1, 0)
    ev.push(4, EventKind.Put, 3000, 1, 1, 1)
    const r = replay(ev, 5)
    const a = classByName(r, 'A')
    const b = classByName(r, 'B')
    expect(a.pairBytes).toEqual([0, PAIR, PAIR, PAIR, 0, 0])
    expect(b.pairBytes).toEqual([0, 0, 0, 0, 0, 0])
    // Class A holds 8 KiB over [1, 4): 3 ns of 5 → average 3 · 8192 / 5.
    expect(a.peakPairBytes).toBe(PAIR)
    expect(a.averagePairBytes).toBeCloseTo((3 * PAIR) / 5, 9)
    expect(b.peakPairBytes).toBe(0)
    expect(row(r, 0)).toMatchObject({
      className: 'A',
      peakPairBytes: PAIR,
      peakPairTimeNs: 1,
      pairBytesAtEnd: 0,
      pairsCharged: 1
    })
    // TD 1 has a row (it got and put), charged nothing.
    expect(row(r, 1)).toMatchObject({ className: 'B', peakPairBytes: 0, pairsCharged: 0 })
    expect(r.perTd.tdCount).toBe(2)
    expect(r.perTd.other).toBeNull()
  })

  it('charges a DEMOTE pair to the demoting TD and frees it on the 512th put, whoever puts', () => {
    // t=1 TD 1 demotes region 3001 (pair, refcount 512); t=2 TD 0 puts 512 pages there (→ 0).
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Demote, 3001, 1, 512, 1)
    ev.push(2, EventKind.Put, 3001, 1, 512, 0)
    const r = replay(ev, 3)
    expect(classByName(r, 'B').pairBytes).toEqual([0, PAIR, 0, 0])
    expect(classByName(r, 'A').pairBytes).toEqual([0, 0, 0, 0])
    expect(row(r, 1).pairsCharged).toBe(1)
  })

  it('charges each vCPU cache to its own TD', () => {
    // TD 0: 2 vCPUs × 10 pages filled at t=1, freed at t=3; TD 1: 1 vCPU × 10 pages at t=2, kept.
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.CacheFill, 0, 1, 20, 0)
    ev.push(2, EventKind.CacheFill, 0, 1, 10, 1)
    ev.push(3, EventKind.CacheFree, 0, 1, 20, 0)
    const r = replay(ev, 4)
    expect(classByName(r, 'A').cacheBytes).toEqual([0, 20 * PAGE, 20 * PAGE, 0, 0])
    expect(classByName(r, 'B').cacheBytes).toEqual([0, 0, 10 * PAGE, 10 * PAGE, 10 * PAGE])
    expect(r.cacheBytes).toEqual([0, 20 * PAGE, 30 * PAGE, 10 * PAGE, 10 * PAGE])
    expect(row(r, 0).peakCacheBytes).toBe(20 * PAGE)
    expect(row(r, 1).peakCacheBytes).toBe(10 * PAGE)
    // The total peaks at t=2 (30 pages): A holds 20 of them, B 10.
    expect(r.peakTimeNs).toBe(2)
    expect(classByName(r, 'A').cacheBytesAtPeak).toBe(20 * PAGE)
    expect(classByName(r, 'B').cacheBytesAtPeak).toBe(10 * PAGE)
    // A: 20 pages over [1, 3) of [0, 4] → 2 · 20 · 4096 / 4; B: 10 pages over [2, 4] → 2 · 10 · 4096 / 4.
    expect(classByName(r, 'A').averageBytes).toBeCloseTo((2 * 20 * PAGE) / 4, 9)
    expect(classByName(r, 'B').averageBytes).toBeCloseTo((2 * 10 * PAGE) / 4, 9)
  })

  it('a TD freeing more cache than it holds frees only its own', () => {
    // TD 1 frees 10 pages it never filled: TD 0's 20 pages stay, in the total and in class A.
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.CacheFill, 0, 1, 20, 0)
    ev.push(2, EventKind.CacheFree, 0, 1, 10, 1)
    const r = replay(ev, 3)
    expect(r.cacheBytes).toEqual([0, 20 * PAGE, 20 * PAGE, 20 * PAGE])
    expect(classByName(r, 'A').cacheBytes).toEqual(r.cacheBytes)
  })

  it('puts memory of a TD with no id, or no class, in the unattributed bucket', () => {
    // TD -1 (no id) gets region 3000, TD 5 (beyond the class map) gets 3001, TD 0 gets 3002.
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 1, -1)
    ev.push(1, EventKind.Get, 3001, 1, 1, 5)
    ev.push(1, EventKind.Get, 3002, 1, 1, 0)
    const r = replay(ev, 2)
    expect(r.perClass!.map((c) => c.name)).toEqual(['A', 'B', UNATTRIBUTED_CLASS])
    expect(classByName(r, UNATTRIBUTED_CLASS).pairBytes).toEqual([0, 2 * PAIR, 2 * PAIR])
    expect(classByName(r, 'A').pairBytes).toEqual([0, PAIR, PAIR])
    expect(row(r, -1).className).toBeNull()
    expect(row(r, 5).className).toBeNull()
  })

  it('attributes per TD only when no classes are given', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 2, 1, 7)
    const r = replay(ev, 2, null)
    expect(r.perClass).toBeNull()
    expect(r.perTd.rows).toEqual([
      {
        td: 7,
        className: null,
        peakPairBytes: 2 * PAIR,
        peakPairTimeNs: 1,
        pairBytesAtEnd: 2 * PAIR,
        peakCacheBytes: 0,
        pairsCharged: 2
      }
    ])
  })
})

describe('the per-TD table stays small', () => {
  it(`lists the top ${TD_TABLE_ROWS} TDs by peak and sums the rest in one row`, () => {
    // 300 TDs: TD i gets region 2048 + i at t=1; TDs 0..9 also get region 2400 + i (2 pairs).
    // Sorted by peak, then id: TDs 0..9 (16 KiB), then 10..255 (8 KiB) fill the 256 rows; TDs
    // 256..299 (44 TDs, 8 KiB each) are "other".
    const ev = new PageEventBuffer()
    for (let i = 0; i < 300; i++) ev.push(1, EventKind.Get, 2048 + i, 1, 1, i)
    for (let i = 0; i < 10; i++) ev.push(1, EventKind.Get, 2400 + i, 1, 1, i)
    const r = replay(ev, 2, null)
    expect(r.perTd.tdCount).toBe(300)
    expect(r.perTd.rows).toHaveLength(256)
    expect(r.perTd.rows.slice(0, 11).map((x) => x.td)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(r.perTd.rows[0]!.peakPairBytes).toBe(2 * PAIR)
    expect(r.perTd.rows[255]!.td).toBe(255)
    expect(r.perTd.other).toEqual({
      tds: 44,
      largestPeakPairBytes: PAIR,
      sumOfPeakPairBytes: 44 * PAIR,
      pairBytesAtEnd: 44 * PAIR,
      pairsCharged: 44
    })
  })
})

describe('many TDs', () => {
  it('charges and uncharges the right TD past 65,535 of them', () => {
    // 70,000 TDs, TD i taking region 2048 + i from 0 to 1 at t=1; at t=2 TD i + 1 puts region
    // 2048 + i (1 → 0) for every even i. The owner of a region is then a slot above 65,535 for
    // the last 4,465 TDs: each odd TD keeps its pair, each even TD's pair is uncharged from it.
    const wide = syntheticHost('wide', [{ base: 4 * GiB, end: 148 * GiB }])
    const n = 70_000
    const ev = new PageEventBuffer(2 * n)
    for (let i = 0; i < n; i++) ev.push(1, EventKind.Get, 2048 + i, 1, 1, i)
    for (let i = 0; i < n; i += 2) ev.push(2, EventKind.Put, 2048 + i, 1, 1, i + 1)
    const r = replayEvents(wide, ev, ev.timeOrder(), {
      staticPartBytes: 0,
      refcountBytes: 0,
      startNs: 0,
      endNs: 3,
      samples: 4,
      checkObservedSeamcalls: false,
      tdClasses: { names: ['even', 'odd'], classOfTd: Array.from({ length: n }, (_, i) => i % 2) }
    })
    const even = r.perClass!.find((c) => c.name === 'even')!
    const odd = r.perClass!.find((c) => c.name === 'odd')!
    expect(even.pairBytes).toEqual([0, (n / 2) * PAIR, 0, 0])
    expect(odd.pairBytes).toEqual([0, (n / 2) * PAIR, (n / 2) * PAIR, (n / 2) * PAIR])
    expect(r.perTd.tdCount).toBe(n)
    // Every TD peaked at one pair: ties by id, so rows are TDs 0..255 and the rest is "other".
    expect(r.perTd.rows.map((x) => x.td).slice(-1)).toEqual([255])
    expect(r.perTd.other).toMatchObject({ tds: n - 256, pairBytesAtEnd: (n / 2 - 128) * PAIR })
  })
})

/** Two classes, one after the other: a 16 GiB TD in [1 s, 3 s), an 8 GiB TD in [4 s, 6 s). */
const TWO_CLASSES: ScenarioInput = {
  name: 'two classes',
  durationNs: 10 * S,
  samples: 101,
  kvmMaxLeaf: '4k',
  tdClasses: [
    {
      name: 'big',
      count: 1,
      memoryBytes: 16 * GiB,
      vcpus: 4,
      lifetimeNs: 2 * S,
      arrival: { mode: 'staggered', startNs: 1 * S, intervalNs: 1 * S }
    },
    {
      name: 'small',
      count: 1,
      memoryBytes: 8 * GiB,
      vcpus: 2,
      lifetimeNs: 2 * S,
      arrival: { mode: 'staggered', startNs: 4 * S, intervalNs: 1 * S }
    }
  ]
}

describe('per class in a simulated scenario', () => {
  const r = simulateScenario(bigHost, scenarioSchema.parse(TWO_CLASSES))
  const big = r.replay.perClass!.find((c) => c.name === 'big')!
  const small = r.replay.perClass!.find((c) => c.name === 'small')!

  it('adds up to the total pair and cache bytes at every sample', () => {
    for (let k = 0; k < r.replay.timeNs.length; k++) {
      expect(r.replay.perClass!.reduce((s, c) => s + c.pairBytes[k]!, 0)).toBe(
        r.replay.pairBytes[k]
      )
      expect(r.replay.perClass!.reduce((s, c) => s + c.cacheBytes[k]!, 0)).toBe(
        r.replay.cacheBytes[k]
      )
    }
  })

  it('charges each class what its TD alone needs (counted by hand)', () => {
    // big: 16 GiB of 4K pages = 8192 regions filled whole; 31 control pages (1 TDR + 6 TDCS +
    // 4 × (1 TDVPR + 5 TDCX)) + 8209 S-EPT pages (8192 PT + 16 PD + 1 PDPT) = 8240 kernel pages,
    // 17 regions: 8209 pairs; cache 4 vCPUs × 10 pages.
    expect(big.peakPairBytes).toBe(8209 * PAIR)
    expect(big.peakBytes).toBe(8209 * PAIR + 40 * PAGE)
    // It holds them for 2 s of the 10 s.
    expect(big.averagePairBytes).toBeCloseTo((8209 * PAIR * 2) / 10, 3)
    // small: 4096 regions; 19 control pages (1 + 6 + 2 × 6) + 4105 S-EPT (4096 PT + 8 PD + 1 PDPT)
    // = 4124 kernel pages, 8 whole regions and 28 pages, 9 regions: 4105 pairs; 2 × 10 cache pages.
    expect(small.peakPairBytes).toBe(4105 * PAIR)
    expect(small.peakBytes).toBe(4105 * PAIR + 20 * PAGE)
    expect([big.tds, small.tds]).toEqual([1, 1])
    // The total peaks while big runs: all of it is big's.
    expect(big.pairBytesAtPeak).toBe(8209 * PAIR)
    expect(small.pairBytesAtPeak).toBe(0)
    expect(r.replay.perTd.rows.map((x) => [x.td, x.className])).toEqual([
      [0, 'big'],
      [1, 'small']
    ])
  })
})

describe('the TD numbering the classes are read with', () => {
  it('is the workload generator’s, with TDs that do not fit left out', () => {
    // 64 GiB of TDX memory; class 'a' asks for three 24 GiB TDs (2 vCPUs) at t = 0, so only two
    // fit; class 'b' two 4 GiB TDs (3 vCPUs). A TD's cache fill is 10 pages per vCPU of its class.
    const scenario = scenarioSchema.parse({
      name: 'numbering',
      durationNs: 10 * S,
      kvmMaxLeaf: '4k',
      tdClasses: [
        { name: 'a', count: 3, memoryBytes: 24 * GiB, vcpus: 2 },
        { name: 'b', count: 2, memoryBytes: 4 * GiB, vcpus: 3 }
      ]
    })
    const classes = scenarioTdClasses(bigHost, scenario)
    const ev = new PageEventBuffer()
    const { capacity } = generateEvents(bigHost, scenario, ev)
    expect(capacity.tdsStarted).toBe(4)
    expect(classes.classOfTd).toEqual([0, 0, 1, 1])
    const vcpus = [2, 3]
    let fills = 0
    for (let i = 0; i < ev.length; i++) {
      if (ev.kind[i] !== EventKind.CacheFill) continue
      fills++
      expect(ev.pagesPerRegion[i]).toBe(10 * vcpus[classes.classOfTd[ev.td[i]!]!]!)
    }
    expect(fills).toBe(4)
  })
})

describe('traces', () => {
  it('are attributed per TD from the td column, with no classes', () => {
    const ev = new PageEventBuffer()
    ev.push(5, EventKind.Get, 3000, 1, 1, 42)
    ev.push(6, EventKind.Get, 3000, 1, 1, 7)
    ev.push(7, EventKind.Get, 3001, 1, 1, 7)
    const r = simulateTrace(host, ev, 'trace', { refcounts: 'dense', samples: 16 })
    expect(r.replay.perClass).toBeNull()
    // 42 faulted first on region 3000; 7 only on 3001.
    expect(r.replay.perTd.rows.map((x) => [x.td, x.pairsCharged, x.className])).toEqual([
      [7, 1, null],
      [42, 1, null]
    ])
  })
})
