import { describe, expect, it } from 'vitest'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { generateEvents } from '@shared/model/workload/generateEvents'
import { presetScenario } from '@shared/model/workload/presets'
import { RegionPool } from '@shared/model/workload/regionPool'
import {
  controlPages,
  PAMT_CACHE_PAGES_PER_VCPU,
  septPages,
  tdMemoryLayout
} from '@shared/model/workload/tdPages'
import { fixtureHost, GiB, S } from '../../../support/testHosts'

/**
 * Preset `ten-16g-no-hugepages` on the real 2-socket SPR 8480C host (CMRs only; the kernel
 * printed 1050636 KB of static PAMT). The CLI and the e2e test show 82,081 PAMT.ADDs (and as many
 * REMOVEs) and a 653.34 MiB peak. Derived here term by term:
 *
 *   pairs = 10 · 8192 + ⌈10 · 8240 / 512⌉ = 81920 + 161 = 82081
 *     8192: a 16 GiB TD's 4K guest pages (image included) fill 16 GiB / 2 MiB whole regions;
 *     8240: its kernel pages, 31 control (1 TDR + 6 TDCS + 4 vCPUs × (1 TDVPR + 5 TDCX)) +
 *           8209 S-EPT (8192 PT + 16 PD + 1 PDPT), packed 512 to a region from the top.
 *   peak  = 82081 · 8 KiB   pairs                                = 656648 KiB
 *         + 10252 KiB       DPAMT static part, 40 · 256 GiB + 4 · 3 TDMRs
 *         +   129 · 4 KiB   dense refcount array                 =    516 KiB
 *         +   400 · 4 KiB   pamt caches, 10 TDs · 4 vCPUs · 10   =   1600 KiB
 *         = 669016 KiB = 653.3359 MiB
 */
const host = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
const scenario = presetScenario('ten-16g-no-hugepages')!
const r = simulateScenario(host, scenario)
const KiB = 1024
const MiB = 2 ** 20

describe('ten-16g-no-hugepages on the SPR 8480C host: the inputs of the derivation', () => {
  it('is 10 TDs of 16 GiB, 4 vCPUs, 4K only, lazy accept over 20 s, torn down at 40 s', () => {
    expect(scenario.durationNs).toBe(60 * S)
    expect(scenario.host).toEqual({
      fragmentation: 0,
      reclaimFailureRate: 0,
      kernelPlacement: 'separate'
    })
    expect(scenario.refcounts).toBe('dense')
    expect(scenario.tdClasses).toHaveLength(1)
    expect(scenario.tdClasses[0]).toMatchObject({
      count: 10,
      memoryBytes: 16 * GiB,
      vcpus: 4,
      share1g: 0,
      share2m: 0,
      imageBytes: 4 * MiB,
      accept: { mode: 'lazy', durationNs: 20 * S, steps: 64 },
      lifetimeNs: 40 * S,
      demoteShare: 0,
      arrival: { mode: 'together', atNs: 0 },
      septLevels: 4,
      conversions: { poolBytes: 0, scatteredBytes: 0 }
    })
    expect(scenario.kvmMaxLeaf).toBe('2m')
  })

  it('gives each TD 4194304 4K pages and 31 + 8209 = 8240 kernel pages', () => {
    const cls = scenario.tdClasses[0]!
    // 16 GiB / 4 KiB = 4194304, the 4 MiB image (1024 pages) among them.
    expect(tdMemoryLayout(cls)).toEqual({
      fourKPages: 4_194_304,
      imagePages: 1024,
      twoMMappings: 0,
      oneGMappings: 0
    })
    expect(controlPages(TDX_MODULE_1_5_PARAMS, 4).total).toBe(31)
    expect(septPages(16 * GiB, 0, 0)).toBe(8209)
    expect(PAMT_CACHE_PAGES_PER_VCPU * 4 * 10).toBe(400)
  })

  it('has a DPAMT static part of 10252 KiB and 129 dense refcount pages', () => {
    // TDMRs [0,2G) [4G,130G) [130G,258G): 256 GiB. Bitmap 1 bit per 4K page: 2^26 bits = 8 MiB;
    // 2M level 16 B per 2 MiB: 2 MiB; 1G level one page per TDMR: 12 KiB. 8192 + 2048 + 12.
    expect(host.dynamicPamt.parts).toEqual({
      bitmapBytes: 8 * MiB,
      pamt2mBytes: 2 * MiB,
      pamt1gBytes: 12 * KiB
    })
    expect(r.staticPartBytes).toBe(10_252 * KiB)
    // max_pfn 0x4070000 = 67567616: 131968 regions · 4 B = 527872 B → 129 pages.
    expect(r.refcountBytes).toBe(129 * 4096)
    expect(r.staticPamtBytes).toBe(1_050_636 * KiB)
  })

  it('has room for every page: 130731 regions, 82081 needed', () => {
    // Whole 2 MiB regions: 955 + 64368 + 65408 (see the overcommit test in generateEvents).
    expect(new RegionPool(host.memoryBlocks, 0).regionCount).toBe(130_731)
  })
})

describe('ten-16g-no-hugepages on the SPR 8480C host: the result', () => {
  it('places every page: 10 TDs started, nothing unplaced or leaked', () => {
    expect(r.capacity).toEqual({
      // TDX memory: pfn [0x100, 0x77800) + [0x100000, 0x206e000) + [0x2080000, 0x4070000)
      //   = 489216 + 32956416 + 33488896 = 66934528 pages = 274163826688 B (255.33 GiB).
      // Each TD holds 16 GiB + 8240 kernel pages = 17179869184 + 33751040 = 17213620224 B; all
      // ten at once: 172136202240 B, which fits.
      tdsRequested: 10,
      tdsStarted: 10,
      requestedBytes: 160 * GiB,
      startedBytes: 160 * GiB,
      tdxMemoryBytes: 274_163_826_688,
      peakCommittedBytes: 172_136_202_240,
      fits: true,
      classes: [{ name: scenario.tdClasses[0]!.name, requested: 10, started: 10 }]
    })
    expect(r.generation).toEqual({
      tdsStarted: 10,
      unplacedPages: 0,
      unplacedRegions: 0,
      leakedPages: 0,
      leakedPairs: 0,
      conversions: []
    })
  })

  it('issues 82081 PAMT.ADDs and 82081 PAMT.REMOVEs, and holds all 82081 pairs at once', () => {
    expect(r.replay.addCount).toBe(10 * 8192 + 161)
    expect(r.replay.removeCount).toBe(82_081)
    expect(r.replay.peakPairs).toBe(82_081)
    expect(r.replay.pairsAtEnd).toBe(0)
    expect(r.replay.demoteCount).toBe(0)
  })

  it('gets and puts each TD page once: 10 · (4194304 + 8240) = 42025440 each way', () => {
    expect(r.replay.getPageOps).toBe(42_025_440)
    expect(r.replay.putPageOps).toBe(42_025_440)
    expect(r.pageOperations).toBe(2 * 42_025_440)
  })

  it('splits the pairs into 81920 guest regions from the bottom and 161 kernel regions from the top', () => {
    const buf = new PageEventBuffer()
    generateEvents(host, scenario, buf)
    const got = new Map<number, number>()
    for (let i = 0; i < buf.length; i++) {
      if (buf.kind[i] !== EventKind.Get) continue
      for (let k = 0; k < buf.regionCount[i]!; k++) {
        const region = buf.region[i]! + k
        got.set(region, (got.get(region) ?? 0) + buf.pagesPerRegion[i]!)
      }
    }
    expect(got.size).toBe(82_081)
    // Guest: the lowest 81920 pool regions, 955 + 64368 of the first two blocks and 16597 of
    // the third (66560..83156), each full (10 · 4194304 = 81920 · 512 pages).
    const guest = [...got].filter(([region]) => region <= 83_156)
    expect(guest).toHaveLength(81_920)
    expect(guest.every(([, pages]) => pages === 512)).toBe(true)
    // Kernel: 82400 = 160 · 512 + 480 pages, from region 131967 down; the last one (131807)
    // holds 480.
    const kernel = [...got].filter(([region]) => region > 83_156)
    expect(kernel).toHaveLength(161)
    expect(Math.min(...kernel.map(([region]) => region))).toBe(131_807)
    expect(got.get(131_807)).toBe(480)
    expect(kernel.filter(([, pages]) => pages === 512)).toHaveLength(160)
  })

  it('peaks at 669016 KiB = 653.34 MiB when the last accept step ends, at 20 s', () => {
    expect(r.replay.peakTotalBytes).toBe((82_081 * 8 + 10_252 + 129 * 4 + 400 * 4) * KiB)
    expect(r.replay.peakTotalBytes).toBe(669_016 * KiB)
    expect((r.replay.peakTotalBytes / MiB).toFixed(2)).toBe('653.34')
    // Lazy accept: step 64 of 64 at 0 + 20 s · 64/64.
    expect(r.replay.peakTimeNs).toBe(20 * S)
  })

  it('holds pairs and caches between the last accept and the teardown, and only the fixed part after', () => {
    // 1000 samples over 60 s: sample k at 60 s · k / 999; k = 500 is 30.03 s, k = 700 is 42.04 s.
    expect(r.replay.pairBytes[500]).toBe(82_081 * 8 * KiB)
    expect(r.replay.cacheBytes[500]).toBe(400 * 4 * KiB)
    expect(r.replay.perNodePairBytes[0]![500]).toBe(82_081 * 8 * KiB)
    expect(r.replay.totalBytes[500]).toBe(669_016 * KiB)
    expect(r.replay.pairBytes[700]).toBe(0)
    expect(r.replay.cacheBytes[700]).toBe(0)
    expect(r.replay.totalBytes[700]).toBe((10_252 + 516) * KiB)
    expect(r.replay.totalBytes.at(-1)).toBe((10_252 + 516) * KiB)
  })

  it('saves 1050636 − 669016 = 381620 KiB against static PAMT at the peak', () => {
    expect(r.savingsAtPeakBytes).toBe(381_620 * KiB)
    // Break-even: (1050636 − 10252 − 516) KiB / 8 KiB = 129983.5 → 129984 pairs, fewer than
    // the 130731 whole regions, so reachable.
    expect(r.breakEven.regions).toBe(129_984)
    expect(r.breakEven.reachable).toBe(true)
  })

  it('keeps every pair when every teardown SEAMCALL fails: 161 held by leaked pages, 81920 leaked', () => {
    const s = presetScenario('ten-16g-no-hugepages')!
    s.host.reclaimFailureRate = 1
    const leaky = simulateScenario(host, s)
    // 10 · 8240 = 82400 control and S-EPT pages are never reclaimed, so never put: their 161
    // regions keep a pair. The 81920 guest regions reach refcount 0 and every PAMT.REMOVE fails:
    // the refcount goes back to 1 and the pair stays (tdx_pamt_put()). No REMOVE succeeds.
    expect(leaky.generation?.leakedPages).toBe(82_400)
    expect(leaky.generation?.leakedPairs).toBe(81_920)
    expect(leaky.replay.pairsAtEnd).toBe(82_081)
    expect(leaky.replay.removeCount).toBe(0)
    expect(leaky.replay.findings).toEqual([])
  })

  it('at a 1 % failure rate leaks about 1 % of the kernel pages and of the guest regions’ pairs', () => {
    const s = presetScenario('ten-16g-no-hugepages')!
    s.host.reclaimFailureRate = 0.01
    const leaky = simulateScenario(host, s)
    // Each of the 82400 kernel pages fails independently with p = 0.01: mean 824, s.d.
    // √(82400 · 0.01 · 0.99) = 28.6, so ±150 is over five s.d. (the seed is fixed anyway).
    expect(Math.abs(leaky.generation!.leakedPages - 824)).toBeLessThan(150)
    // Each REMOVE fails with p = 0.01: the 81920 guest regions (and the few kernel regions that
    // lose all their pages) give mean ≈ 819, s.d. √(81920 · 0.01 · 0.99) = 28.5.
    expect(Math.abs(leaky.generation!.leakedPairs - 819)).toBeLessThan(150)
    // A full kernel region (512 pages) leaks none with probability 0.99^512 = 0.58 %, so about
    // one of the 161 is expected to lose all its references; whatever stays paired was never
    // removed: removes + pairs left = 82081, and the pairs left are the leaked pairs plus the
    // kernel regions still held by leaked pages (150 to 161).
    expect(leaky.replay.removeCount + leaky.replay.pairsAtEnd).toBe(82_081)
    const heldByPages = leaky.replay.pairsAtEnd - leaky.generation!.leakedPairs
    expect(heldByPages).toBeGreaterThanOrEqual(150)
    expect(heldByPages).toBeLessThanOrEqual(161)
  })

  it('shows the placement range: 82081 packed (separate, interleaved) to 82580 (scattered)', () => {
    // separate: 82081 (above). interleaved: one node, one walk for every page, guest and kernel:
    // ⌈10 · (4194304 + 8240) / 512⌉ = ⌈82080.9⌉ = 82081. scattered: each TD's kernel allocations
    // take regions of their own: the control pages (31), the image's S-EPT (2 PT + 1 PD + 1 PDPT),
    // and one allocation per lazy step (64 steps of at most 129 PT + 1 PD, under 512 pages): 66
    // regions per TD, 10 · (8192 + 66) = 82580.
    // Peak bytes: 82580 · 8 KiB + 10252 + 516 + 1600 KiB = 673008 KiB.
    const range = r.placementRange!
    expect(range).toMatchObject({
      parameter: 'host.kernelPlacement',
      placement: 'separate',
      computed: true,
      bestPairs: 82_081,
      worstPairs: 82_580,
      bestPeakBytes: 669_016 * KiB,
      worstPeakBytes: 673_008 * KiB,
      bestPlacement: 'separate',
      worstPlacement: 'scattered'
    })
    expect(range.runs.map((x) => [x.placement, x.peakPairs])).toEqual([
      ['separate', 82_081],
      ['interleaved', 82_081],
      ['scattered', 82_580]
    ])
  })
})
