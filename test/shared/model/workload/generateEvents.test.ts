import { describe, expect, it } from 'vitest'
import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { simulateScenario, type SimulationResult } from '@shared/model/runtime/simulate'
import { generateEvents } from '@shared/model/workload/generateEvents'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'
import { GiB, MiB, S, syntheticHost } from '../../../support/testHosts'

type TdInput = ScenarioInput['tdClasses'][number]

/**
 * Host A: RAM [4 GiB, 8 GiB) on one node. TDMR [4G, 8G): DPAMT static part 40·4 + 4 = 164 KiB;
 * max_pfn 0x200000, dense refcounts ⌈0x200000/512 · 4 / 4096⌉ = 4 pages = 16 KiB. The region pool
 * is regions 2048..4095 (2048 regions); pool position p is region 2048 + p.
 */
const hostA = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])
const FIXED_A = 164 * 1024 + 16 * 1024
/** Host B: RAM [4 GiB, 5 GiB): 512 regions, 2048..2559. */
const hostB = syntheticHost('host-b', [{ base: 4 * GiB, end: 5 * GiB }])

const PAIR = 8192
const PAGE = 4096

/** A one-TD class with 1 vCPU and no image unless overridden. */
const td = (x: Partial<TdInput> = {}): TdInput => ({
  name: 'td',
  count: 1,
  memoryBytes: 2 * MiB,
  vcpus: 1,
  imageBytes: 0,
  ...x
})

function simulate(host: HostAnalysis, input: Omit<ScenarioInput, 'name'>): SimulationResult {
  return simulateScenario(host, scenarioSchema.parse({ name: 'test', ...input }))
}

function events(host: HostAnalysis, input: Omit<ScenarioInput, 'name'>): PageEventBuffer {
  const buf = new PageEventBuffer()
  generateEvents(host, scenarioSchema.parse({ name: 'test', ...input }), buf)
  return buf
}

/** [time, region, regionCount, pagesPerRegion] of the events of one kind. */
function rows(buf: PageEventBuffer, kind: EventKind): number[][] {
  const out: number[][] = []
  for (let i = 0; i < buf.length; i++)
    if (buf.kind[i] === kind)
      out.push([buf.timeNs[i]!, buf.region[i]!, buf.regionCount[i]!, buf.pagesPerRegion[i]!])
  return out
}

describe('fragmentation sets the regions a TD touches, so its pairs', () => {
  // One 2 MiB TD, no image, 1 vCPU, eager. Guest stream: 512 pages. Kernel stream: control
  // 1 TDR + 6 TDCS + 6 per vCPU = 13 pages at build, then S-EPT for 2 MiB of 4K = 1 PT + 1 PD +
  // 1 PDPT = 3 pages at accept. Pages per visit v = round(512^(1−f)); each allocation starts a new
  // visit on a fragmented host, so the kernel stream makes ⌈13/v⌉ + ⌈3/v⌉ visits.
  // The two streams never meet here: both walk one permutation of host A's 2048 regions (stride
  // 1265 = ⌊2048·0.618⌋, odd, so coprime with 2048), guest visit i at its entry i and kernel visit j
  // at its entry 2047 − j, so they meet only once i + j reaches 2048; here i ≤ 511 and j ≤ 15.
  const pairsAt = (f: number): SimulationResult =>
    simulate(hostA, { host: { fragmentation: f }, tdClasses: [td()] })

  it('f = 0: one guest region and one kernel region (13 + 3 pages share it)', () => {
    expect(pairsAt(0).replay.peakPairs).toBe(2)
  })

  it('f = 0.5: 23 pages per visit: ⌈512/23⌉ = 23 guest regions + 1 + 1 kernel regions', () => {
    const r = pairsAt(0.5)
    expect(r.replay.peakPairs).toBe(25)
    expect(r.replay.getPageOps).toBe(512 + 16)
    // Guest gets: 22 visits of 23 pages and one of 512 − 22·23 = 6; kernel gets: 13 and 3.
    const ppr = rows(
      events(hostA, { host: { fragmentation: 0.5 }, tdClasses: [td()] }),
      EventKind.Get
    ).map((e) => e[3])
    expect(ppr.filter((n) => n === 23)).toHaveLength(22)
    expect(ppr.filter((n) => n !== 23).sort((a, b) => a! - b!)).toEqual([3, 6, 13])
  })

  it('f = 0.8: 3 pages per visit: ⌈512/3⌉ = 171 guest + ⌈13/3⌉ + ⌈3/3⌉ = 5 + 1 kernel regions', () => {
    expect(pairsAt(0.8).replay.peakPairs).toBe(177)
  })

  it('f = 1: every page in its own region: 512 + 13 + 3 = 528 pairs', () => {
    const r = pairsAt(1)
    expect(r.replay.peakPairs).toBe(528)
    expect(r.replay.addCount).toBe(528)
  })
})

describe('eager versus lazy accept', () => {
  // One 64 MiB TD with a 4 MiB image, 1 vCPU, lifetime 20 s, in a 30 s scenario on host A
  // sampled every second (31 samples). 4K pages: 16384 = 32 regions, the image 1024 = 2 regions.
  // Kernel: 13 control + S-EPT for 64 MiB (32 PT + 1 PD + 1 PDPT = 34) = 47 pages, one region.
  // So 33 pairs at full acceptance, and 16384 + 47 = 16431 gets.
  const base = { durationNs: 30 * S, samples: 31 }
  const cls = { memoryBytes: 64 * MiB, imageBytes: 4 * MiB, lifetimeNs: 20 * S }
  const eager = simulate(hostA, { ...base, tdClasses: [td(cls)] })
  const lazy = simulate(hostA, {
    ...base,
    tdClasses: [td({ ...cls, accept: { mode: 'lazy', durationNs: 10 * S, steps: 4 } })]
  })
  const pairs = (r: SimulationResult): number[] => r.replay.pairBytes.map((b) => b / PAIR)

  it('eager: every guest page at start, 33 pairs from t = 0 until teardown at 20 s', () => {
    expect(pairs(eager)).toEqual([...Array<number>(20).fill(33), ...Array<number>(11).fill(0)])
    expect(eager.replay.peakTimeNs).toBe(0)
  })

  it('lazy: the 15360 non-image pages in 4 steps of 3840 at 2.5, 5, 7.5 and 10 s', () => {
    // Regions held: image 2 + kernel 1 = 3 at build; after step s the guest holds 1024 + 3840·s
    // pages = ⌈(1024 + 3840·s)/512⌉ = 10, 17, 25, 32 regions (+1 kernel): 11, 18, 26, 33.
    // Sample k (t = k s) shows the state after every event at or before k s.
    expect(pairs(lazy)).toEqual([
      3,
      3,
      3,
      11,
      11,
      18,
      18,
      18,
      26,
      26,
      ...Array<number>(10).fill(33),
      ...Array<number>(11).fill(0)
    ])
    expect(lazy.replay.peakTimeNs).toBe(10 * S)
  })

  it('both reach the same peak and the same totals', () => {
    // Peak = 180 KiB fixed + 33 pairs + 10 cache pages = 184320 + 270336 + 40960 = 495616.
    for (const r of [eager, lazy]) {
      expect(r.replay.peakTotalBytes).toBe(495_616)
      expect(r.replay.addCount).toBe(33)
      expect(r.replay.removeCount).toBe(33)
      expect(r.replay.getPageOps).toBe(16_431)
      expect(r.replay.putPageOps).toBe(16_431)
      expect(r.replay.totalBytes.at(-1)).toBe(FIXED_A)
    }
  })

  it('lazy accept lowers the time-weighted average by the pair-seconds it saves', () => {
    // Eager: 33 pairs · 20 s = 660 pair-seconds. Lazy: 2.5 s · (3 + 11 + 18 + 26) + 10 s · 33 =
    // 145 + 330 = 475. Caches: 10 pages for 20 s. Average over 30 s = fixed + (cache + pairs) / 30.
    expect(eager.replay.averageTotalBytes).toBeCloseTo(
      FIXED_A + (10 * PAGE * 20 + 660 * PAIR) / 30,
      6
    )
    expect(lazy.replay.averageTotalBytes).toBeCloseTo(
      FIXED_A + (10 * PAGE * 20 + 475 * PAIR) / 30,
      6
    )
  })
})

describe('DEMOTE (dpamt-model.md §2.8)', () => {
  // A 64 MiB TD, 4 MiB image, share2m 1, demoteShare 0.5, lifetime 20 s on host A. Layout: image
  // 1024 pages (2 regions), 60 MiB → 30 2M mappings taking whole regions from the middle of the
  // node down: positions 1024..995, regions 3072..3043. Kernel: 13 control + S-EPT 2 PT + 1 PD +
  // 1 PDPT = 4 (2M mappings add neither a PT nor, within the first GiB, a PD) = 17 pages.
  // At mid-life (10 s) round(30 · 0.5) = 15 mappings demote: the first 15 taken, regions
  // 3072..3058, each a pair with refcount 512, plus 15 new S-EPT pages (kernel region).
  const input = {
    durationNs: 30 * S,
    samples: 31,
    tdClasses: [
      td({
        memoryBytes: 64 * MiB,
        imageBytes: 4 * MiB,
        share2m: 1,
        demoteShare: 0.5,
        lifetimeNs: 20 * S
      })
    ]
  }
  const r = simulate(hostA, input)
  const buf = events(hostA, input)

  it('demotes the first 15 mappings at mid-life, one DEMOTE event per region', () => {
    expect(rows(buf, EventKind.Demote)).toEqual(
      Array.from({ length: 15 }, (_, k) => [10 * S, 3072 - k, 1, 512])
    )
    expect(r.replay.demoteCount).toBe(15)
  })

  it('installs a pair per demoted region: 3 pairs before, 3 + 15 = 18 after', () => {
    expect(r.replay.pairBytes.map((b) => b / PAIR)).toEqual([
      ...Array<number>(10).fill(3),
      ...Array<number>(10).fill(18),
      ...Array<number>(11).fill(0)
    ])
    expect(r.replay.addCount).toBe(18)
  })

  it('frees every demoted pair at teardown: 512 puts each', () => {
    expect(r.replay.removeCount).toBe(18)
    expect(r.replay.pairsAtEnd).toBe(0)
    // Gets: 1024 image + 17 + 15 kernel = 1056. Puts: 1024 + 15·512 demoted + 32 kernel = 8736.
    expect(r.replay.getPageOps).toBe(1056)
    expect(r.replay.putPageOps).toBe(8736)
    expect(r.replay.findings).toEqual([])
  })
})

describe('huge mappings take no pair for guest memory', () => {
  it('a 1G-backed TD pays pairs only for its image and kernel pages (2M leaves, the default)', () => {
    // 2 GiB, 4 MiB image, share1g 1, KVM maps at most 2M: (2 GiB − 4 MiB) / 2 MiB = 1022 2M
    // mappings, no get; image 1024 pages (2 pairs); kernel 13 + S-EPT 4 at build (2 PT, 1 PD,
    // 1 PDPT), 5 at accept (2 PT, ⌈2 GiB / 1 GiB⌉ = 2 PD, 1 PDPT) = 18 pages (1 pair). 3 pairs,
    // 1024 + 18 = 1042 gets.
    const r = simulate(hostA, {
      tdClasses: [td({ memoryBytes: 2 * GiB, imageBytes: 4 * MiB, share1g: 1 })]
    })
    expect(r.replay.peakPairs).toBe(3)
    expect(r.replay.getPageOps).toBe(1042)
    expect(r.generation?.unplacedRegions).toBe(0)
  })

  it('with 1G leaves (future) the same TD needs one PD page fewer', () => {
    // 1 1G mapping (512 regions) + (1 GiB − 4 MiB)/2 MiB = 510 2M mappings; S-EPT 2 PT +
    // ⌈1 GiB / 1 GiB⌉ = 1 PD + 1 PDPT = 4 at build and at accept: 13 + 4 = 17. 1024 + 17 = 1041.
    const r = simulate(hostA, {
      kvmMaxLeaf: '1g',
      tdClasses: [td({ memoryBytes: 2 * GiB, imageBytes: 4 * MiB, share1g: 1 })]
    })
    expect(r.replay.peakPairs).toBe(3)
    expect(r.replay.getPageOps).toBe(1041)
  })

  it('with 4K leaves (mainline KVM today) the same TD needs a pair per 2 MiB', () => {
    // 2 GiB of 4K: 1024 guest regions; kernel 13 + 1024 PT + 2 PD + 1 PDPT = 1040 pages → 3
    // regions (512, 512, 16).
    const r = simulate(hostA, {
      kvmMaxLeaf: '4k',
      tdClasses: [td({ memoryBytes: 2 * GiB, imageBytes: 4 * MiB, share1g: 1 })]
    })
    expect(r.replay.peakPairs).toBe(1024 + 3)
    expect(r.replay.getPageOps).toBe(524_288 + 1040)
  })

  it('a TD of 2M mappings with no image needs only its kernel region', () => {
    // 2 GiB, share2m 1: 1024 2M mappings; kernel 13 + S-EPT 2 PD + 1 PDPT = 16 pages.
    const r = simulate(hostA, { tdClasses: [td({ memoryBytes: 2 * GiB, share2m: 1 })] })
    expect(r.replay.peakPairs).toBe(1)
    expect(r.replay.getPageOps).toBe(16)
  })

  it('the same TD fully 4K-mapped needs a pair per 2 MiB', () => {
    // 2 GiB of 4K: 1024 guest regions; kernel 13 + 1024 PT + 2 PD + 1 PDPT = 1040 pages → 3
    // regions (512, 512, 16).
    const r = simulate(hostA, { tdClasses: [td({ memoryBytes: 2 * GiB })] })
    expect(r.replay.peakPairs).toBe(1024 + 3)
  })
})

describe('capacity: a TD that does not fit is not started', () => {
  // Host B: 512 regions = 1 GiB of TDX memory. A TD holds its guest memory plus its control
  // (1 TDR + 6 TDCS + 6 per vCPU = 13) and S-EPT pages.
  it('a 1026 MiB TD on a 1 GiB host is not started, and nothing is placed', () => {
    const r = simulate(hostB, { tdClasses: [td({ memoryBytes: 513 * 2 * MiB, share2m: 1 })] })
    expect(r.capacity).toEqual({
      tdsRequested: 1,
      tdsStarted: 0,
      requestedBytes: 1026 * MiB,
      startedBytes: 0,
      tdxMemoryBytes: GiB,
      peakCommittedBytes: 0,
      fits: false,
      classes: [{ name: 'td', requested: 1, started: 0 }]
    })
    expect(r.generation).toEqual({
      tdsStarted: 0,
      unplacedPages: 0,
      unplacedRegions: 0,
      leakedPages: 0,
      leakedPairs: 0,
      conversions: []
    })
    expect(r.replay.peakPairs).toBe(0)
    expect(r.replay.addCount).toBe(0)
  })

  it('a 1 GiB TD (4K or 1G pages) does not fit beside its own kernel pages on a 1 GiB host', () => {
    for (const share1g of [0, 1]) {
      const r = simulate(hostB, { tdClasses: [td({ memoryBytes: GiB, share1g })] })
      expect(r.capacity).toMatchObject({ tdsStarted: 0, fits: false })
    }
  })

  it('two 600 MiB TDs together: the second does not fit; one after the other: both start', () => {
    // Footprint: 600 MiB + (13 control + S-EPT 300 PT + 1 PD + 1 PDPT = 315) pages = 600 MiB
    // + 1260 KiB. Two at once need 1202.5 MiB > 1024 MiB.
    const footprint = 600 * MiB + 315 * PAGE
    const together = simulate(hostB, { tdClasses: [td({ count: 2, memoryBytes: 600 * MiB })] })
    expect(together.capacity).toMatchObject({
      tdsRequested: 2,
      tdsStarted: 1,
      requestedBytes: 1200 * MiB,
      startedBytes: 600 * MiB,
      peakCommittedBytes: footprint,
      fits: false
    })
    // The second arrives at 10 s, when the first (lifetime 10 s) has ended and freed its memory.
    const staggered = simulate(hostB, {
      durationNs: 60 * S,
      tdClasses: [
        td({
          count: 2,
          memoryBytes: 600 * MiB,
          lifetimeNs: 10 * S,
          arrival: { mode: 'staggered', startNs: 0, intervalNs: 10 * S }
        })
      ]
    })
    expect(staggered.capacity).toMatchObject({
      tdsStarted: 2,
      peakCommittedBytes: footprint,
      fits: true
    })
  })

  it('fits in bytes but not in whole regions: counted as unplaced regions', () => {
    // Fully fragmented (1 page per region visit): the 13 control pages at build touch 13 distinct
    // regions (the scramble is a full cycle), so at accept 512 − 13 = 499 regions are entirely free
    // for 500 2M mappings: 1 unplaced. The footprint (1000 MiB + 15 pages) fits 1 GiB.
    const r = simulate(hostB, {
      host: { fragmentation: 1 },
      tdClasses: [td({ memoryBytes: 500 * 2 * MiB, share2m: 1 })]
    })
    expect(r.capacity?.fits).toBe(true)
    expect(r.generation?.unplacedRegions).toBe(1)
  })
})

describe('arrivals in the generator', () => {
  it('starts only TDs that arrive by the end of the scenario', () => {
    const staggered = (durationNs: number): number | undefined =>
      simulate(hostA, {
        durationNs,
        tdClasses: [
          td({ count: 10, arrival: { mode: 'staggered', startNs: 0, intervalNs: 10 * S } })
        ]
      }).generation?.tdsStarted
    // Arrivals 0, 10, 20, 30, 40 s, …: four by 30 s (inclusive), three by 29.999 s.
    expect(staggered(30 * S)).toBe(4)
    expect(staggered(29.999 * S)).toBe(3)
  })

  it('builds each TD at its arrival time', () => {
    const buf = events(hostA, {
      durationNs: 60 * S,
      tdClasses: [
        td({ count: 3, arrival: { mode: 'staggered', startNs: 1 * S, intervalNs: 2 * S } })
      ]
    })
    expect(rows(buf, EventKind.CacheFill).map((e) => e[0])).toEqual([1 * S, 3 * S, 5 * S])
  })

  it('draws Poisson arrivals from the scenario seed: same seed same run, another seed another', () => {
    const input = (seed: number): Omit<ScenarioInput, 'name'> => ({
      seed,
      durationNs: 600 * S,
      tdClasses: [
        td({ count: 5, arrival: { mode: 'poisson', startNs: 2 * S, meanIntervalNs: 10 * S } })
      ]
    })
    const starts = (seed: number): number[] =>
      rows(events(hostA, input(seed)), EventKind.CacheFill).map((e) => e[0]!)
    const a = starts(1)
    expect(a).toHaveLength(5)
    expect(a[0]).toBe(2 * S)
    expect(starts(1)).toEqual(a)
    expect(starts(2)).not.toEqual(a)
  })
})

describe('NUMA placement', () => {
  it('puts TD i on node i mod N and counts its pairs there', () => {
    // Node 0 [4G, 6G), node 1 [6G, 8G). Two 64 MiB TDs (4 MiB image, 1 vCPU, eager): each 32
    // guest regions + 1 kernel region = 33 pairs, TD 0 on node 0 and TD 1 on node 1.
    const host = syntheticHost('two-nodes', [
      { base: 4 * GiB, end: 6 * GiB, nid: 0 },
      { base: 6 * GiB, end: 8 * GiB, nid: 1 }
    ])
    const r = simulate(host, {
      tdClasses: [td({ count: 2, memoryBytes: 64 * MiB, imageBytes: 4 * MiB })]
    })
    expect(r.replay.nodeIds).toEqual([0, 1])
    expect(r.replay.perNodePairBytes.map((s) => s.at(-1))).toEqual([33 * PAIR, 33 * PAIR])
  })
})

describe('teardown with reclaim and PAMT.REMOVE failures (dpamt-model.md §2.6, §2.8)', () => {
  it('leaks every kernel page and every pair when every teardown SEAMCALL fails', () => {
    // 64 MiB TD (as in the accept tests): 47 kernel pages in one region, 32 guest regions.
    // reclaimFailureRate 1: no kernel page is reclaimed, so none is put (47 leaked pages, their
    // region keeps its pair); each guest region's last put takes its refcount 1→0 and its
    // PAMT.REMOVE fails, so tdx_pamt_put() sets the refcount back to 1 and the pair stays (32
    // leaked pairs). 33 pairs at the end, no REMOVE succeeded.
    const r = simulate(hostA, {
      durationNs: 30 * S,
      host: { reclaimFailureRate: 1 },
      tdClasses: [td({ memoryBytes: 64 * MiB, imageBytes: 4 * MiB, lifetimeNs: 20 * S })]
    })
    expect(r.generation?.leakedPages).toBe(47)
    expect(r.generation?.leakedPairs).toBe(32)
    expect(r.replay.addCount).toBe(33)
    expect(r.replay.pairsAtEnd).toBe(33)
    expect(r.replay.removeCount).toBe(0)
    // Puts: each guest region's 512 less the failed last one (undone by the kernel): 32 · 511.
    expect(r.replay.putPageOps).toBe(32 * 511)
    // The caches are freed with the vCPU: what stays is the fixed part plus the 33 pairs.
    expect(r.replay.totalBytes.at(-1)).toBe(FIXED_A + 33 * PAIR)
    expect(r.replay.findings).toEqual([])
  })

  it('keeps a leaked pair for good: a later TD there takes no PAMT.ADD and gives no REMOVE', () => {
    // Fresh host A, every teardown SEAMCALL fails. TD 0 (3 MiB, 0-10 s): guest pages 512 in pool
    // position 0 (region 2048) and 256 in position 1 (region 2049); kernel 13 control + S-EPT
    // 2 PT + 1 PD + 1 PDPT = 17 pages in region 4095. At 10 s both guest regions' REMOVEs fail
    // (2 leaked pairs, refcount 1 each) and the 17 kernel pages leak: 3 pairs stay.
    // TD 1 (2 MiB, 20-30 s): its 13 + 3 kernel pages join region 4095; the guest walk is still
    // in region 2049 (not full when TD 0 took it), now all free: 512 pages there take its
    // refcount 1 → 513 with no PAMT.ADD, and their puts at 30 s bring it back to 1, no REMOVE.
    const input = {
      durationNs: 40 * S,
      host: { reclaimFailureRate: 1 },
      tdClasses: [
        td({ name: 'first', memoryBytes: 3 * MiB, lifetimeNs: 10 * S }),
        td({
          name: 'second',
          memoryBytes: 2 * MiB,
          lifetimeNs: 10 * S,
          arrival: { mode: 'together', atNs: 20 * S }
        })
      ]
    }
    const r = simulate(hostA, input)
    expect(r.generation?.leakedPairs).toBe(2)
    expect(r.generation?.leakedPages).toBe(17 + 16)
    expect(r.replay.addCount).toBe(3)
    expect(r.replay.removeCount).toBe(0)
    expect(r.replay.pairsAtEnd).toBe(3)
    // TD 1's gets and puts in region 2049: 512 each way.
    const buf = events(hostA, input)
    expect(rows(buf, EventKind.Get).filter((e) => e[1] === 2049)).toEqual([
      [0, 2049, 1, 256],
      [20 * S, 2049, 1, 512]
    ])
    expect(rows(buf, EventKind.Put).filter((e) => e[1] === 2049)).toEqual([
      [10 * S, 2049, 1, 255],
      [30 * S, 2049, 1, 512]
    ])
    // The kernel's refcount has no upper check (tdx_pamt_get() only increments it); the replay
    // flags the 513, which only a leaked pair can cause in a generated run.
    expect(r.replay.findingCounts).toEqual({ REFCOUNT_OVER_512: 1 })
  })

  it('leaves nothing when no SEAMCALL fails', () => {
    const r = simulate(hostA, {
      durationNs: 30 * S,
      tdClasses: [td({ memoryBytes: 64 * MiB, imageBytes: 4 * MiB, lifetimeNs: 20 * S })]
    })
    expect(r.generation).toMatchObject({ leakedPages: 0, leakedPairs: 0 })
    expect(r.replay.removeCount).toBe(33)
    expect(r.replay.pairsAtEnd).toBe(0)
  })
})

describe('kernel placement: where control and S-EPT pages land (docs/workload-model.md)', () => {
  const peak = (placement: 'separate' | 'interleaved' | 'scattered', input: TdInput): number =>
    simulate(hostA, { host: { kernelPlacement: placement }, tdClasses: [input] }).replay.peakPairs

  it('a 3 MiB TD: 2 pairs interleaved, 3 separate, 4 scattered', () => {
    // 768 guest pages, 13 control pages at build, S-EPT 2 PT + 1 PD + 1 PDPT = 4 at accept.
    // separate: guest in regions 0 (512) and 1 (256), the 17 kernel pages in region 2047: 3.
    // interleaved: control 13 in region 0, then guest 499 there and 269 in region 1, S-EPT 4 in
    // region 1 too: 781 pages in 2 regions.
    // scattered: control 13 in region 2047, S-EPT 4 in region 2046 (a new region per
    // allocation), guest in 0 and 1: 4.
    const cls = td({ memoryBytes: 3 * MiB })
    expect(peak('interleaved', cls)).toBe(2)
    expect(peak('separate', cls)).toBe(3)
    expect(peak('scattered', cls)).toBe(4)
  })

  it('a 64 MiB TD with lazy accept in 4 steps: 33 packed, 38 scattered', () => {
    // 16384 guest pages (32 regions, the 4 MiB image included). Kernel allocations: 13 control;
    // S-EPT for the image (4 MiB: 2 PT + 1 PD + 1 PDPT = 4); at step s the guest holds
    // 1024 + 3840·s pages, S-EPT ⌈…/512⌉ PT + 1 PD + 1 PDPT = 12, 19, 27, 34 pages, so the steps
    // add 8, 7, 8, 7. separate and interleaved pack the 47 kernel pages into one region beside
    // 32 full guest regions (interleaved: 16431 pages in ⌈16431/512⌉ = 33 regions); scattered puts
    // each of the 6 allocations in a region of its own: 32 + 6.
    const cls = td({
      memoryBytes: 64 * MiB,
      imageBytes: 4 * MiB,
      accept: { mode: 'lazy', durationNs: 10 * S, steps: 4 }
    })
    expect(peak('separate', cls)).toBe(33)
    expect(peak('interleaved', cls)).toBe(33)
    expect(peak('scattered', cls)).toBe(38)
  })

  it('gives one figure under every placement on a fragmented host whose walks do not meet', () => {
    // 8 MiB TD, 4 MiB image, f = 0.5 (23 pages per visit, every visit a new region). Guest: the
    // image's 1024 pages in ⌈1024/23⌉ = 45 visits, the other 1024 in 45 more. Kernel: 13
    // control (1 visit), the image's S-EPT 2 PT + 1 PD + 1 PDPT (1), then 2 more PT at accept
    // (1). 93 regions however the streams are ordered: 93 ≪ 2048, so no walk reaches another's.
    const r = simulate(hostA, {
      host: { fragmentation: 0.5 },
      tdClasses: [td({ memoryBytes: 8 * MiB, imageBytes: 4 * MiB })]
    })
    expect(r.replay.peakPairs).toBe(93)
    expect(r.placementRange).toMatchObject({ computed: true, bestPairs: 93, worstPairs: 93 })
    expect(r.placementRange!.runs.map((x) => x.placement)).toEqual([
      'separate',
      'interleaved',
      'scattered'
    ])
    expect(r.placementRange!.assumptions.at(-1)).toContain("'scattered' gives the same run")
  })

  it('changes nothing on a fragmented host between separate and scattered', () => {
    // At f > 0 every visit moves on, so every allocation already starts in a new region.
    for (const f of [0.5, 1]) {
      const run = (placement: 'separate' | 'scattered'): number[] =>
        simulate(hostA, {
          host: { fragmentation: f, kernelPlacement: placement },
          tdClasses: [td({ memoryBytes: 8 * MiB, imageBytes: 4 * MiB })]
        }).replay.pairBytes
      expect(run('scattered')).toEqual(run('separate'))
    }
  })
})
