import { describe, expect, it } from 'vitest'
import { simulateScenario } from '@shared/model/runtime/simulate'
import {
  CONTENTION_PRESET_NAMES,
  contentionPresetScenario,
  PRESET_NAMES,
  presetScenario
} from '@shared/model/workload/presets'
import { fixtureHost, GiB } from '../../../support/testHosts'

const KiB = 1024
const spr = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
/** SPR 8480C fixed part: DPAMT static 10252 KiB + 129 dense refcount pages (516 KiB). */
const SPR_FIXED_KIB = 10_252 + 516

describe('preset lookup', () => {
  it('knows the five workload presets and the three contention presets, and nothing else', () => {
    expect(PRESET_NAMES).toEqual([
      'one-16g-td',
      'ten-16g-no-hugepages',
      'guest-704g-1g-pages',
      'host-90pct-4k',
      'mixed-fleet-churn'
    ])
    expect(CONTENTION_PRESET_NAMES).toEqual([
      'calibration-10x16g',
      'synchronized-boot-storm',
      'two-td-shutdown',
      'demote-under-load'
    ])
    expect(presetScenario('no-such-preset')).toBeNull()
    expect(contentionPresetScenario('no-such-preset')).toBeNull()
    expect(contentionPresetScenario('calibration-10x16g')?.tdClasses[0]?.count).toBe(10)
  })

  it('sizes host-90pct-4k to the host: ⌊0.9 · TDX memory / 32 GiB⌋ TDs', () => {
    // SPR 8480C TDX memory blocks: pfn [0x100, 0x77800) + [0x100000, 0x206e000) + [0x2080000,
    // 0x4070000) = 489216 + 32956416 + 33488896 = 66934528 pages = 274163826688 bytes;
    // 0.9 · that / 32 GiB = 7.18 → 7.
    expect(spr.tdxMemoryBytes).toBe(274_163_826_688)
    expect(presetScenario('host-90pct-4k', spr.tdxMemoryBytes)?.tdClasses[0]?.count).toBe(7)
    // At least one TD on a host smaller than 32 GiB, and the preset's 1 without a host.
    expect(presetScenario('host-90pct-4k', 8 * GiB)?.tdClasses[0]?.count).toBe(1)
    expect(presetScenario('host-90pct-4k')?.tdClasses[0]?.count).toBe(1)
  })
})

describe('workload presets, derived by hand', () => {
  it('one-16g-td on the SPR host: 8192 + ⌈8240/512⌉ = 8209 pairs, peaking at 20 s', () => {
    // One 16 GiB TD, 4 vCPUs, lazy over 20 s, no lifetime (runs to the end). Kernel pages
    // 31 + 8209 = 8240 → 17 regions. Peak = 8209 · 8 + 10768 fixed + 4 · 10 · 4 KiB caches
    // = 65672 + 10768 + 160 = 76600 KiB.
    const r = simulateScenario(spr, presetScenario('one-16g-td')!)
    expect(r.replay.peakPairs).toBe(8209)
    expect(r.replay.peakTotalBytes).toBe(76_600 * KiB)
    expect(r.replay.peakTimeNs).toBe(20e9)
    expect(r.replay.pairsAtEnd).toBe(8209)
    expect(r.replay.removeCount).toBe(0)
  })

  it('host-90pct-4k on the SPR host: 7 TDs of 32 GiB need 114914 pairs, 932320 KiB at the peak', () => {
    // Each TD: 32 GiB of 4K = 16384 guest regions; kernel 1 + 6 + 8 vCPUs · 6 = 55 control +
    // 16384 PT + 32 PD + 1 PDPT = 16472 pages. 7 TDs: 114688 guest regions; 7 · 16472 = 115304
    // kernel pages = 225 · 512 + 104 → 226 regions. 114914 of the host's 130731 regions, so
    // nothing is unplaced and the streams never meet.
    // Peak = 114914 · 8 + 10768 + 7 · 8 · 10 · 4 = 919312 + 10768 + 2240 = 932320 KiB, about
    // 88.7 % of static PAMT (1050636 KiB).
    const r = simulateScenario(spr, presetScenario('host-90pct-4k', spr.tdxMemoryBytes)!)
    expect(r.generation?.unplacedPages).toBe(0)
    expect(r.replay.peakPairs).toBe(114_914)
    expect(r.replay.peakTotalBytes).toBe(932_320 * KiB)
    expect(r.savingsAtPeakBytes).toBe((1_050_636 - 932_320) * KiB)
    expect(r.staticPartBytes + r.refcountBytes).toBe(SPR_FIXED_KIB * KiB)
  })

  it('guest-704g-1g-pages on the Superdome: 6 pairs and 32 caches, 1328 KiB beyond the fixed part', () => {
    // The list reported "~5MB of DPAMT memory usage for 704G guest memory" (§2.9) with 1G
    // guest_memfd and DPAMT only for 4K mappings. The preset's inputs: 704 GiB, 4 MiB image,
    // share1g 1, 32 vCPUs, eager, fresh host (f = 0), KVM leaves at most 2M, the guest's swiotlb
    // converted to shared at boot from 256 pages into its first 2 MiB.
    // Guest: (704 GiB − 4 MiB) / 2 MiB = 360446 2M mappings, no pair; the 1024 image pages fill
    // 2 regions: 2 pairs.
    // swiotlb: 6 % of 704 GiB = 42.24 GiB → clamped to 1 GiB = 262144 pages, from page 256 of
    // the huge memory: slot 0 gets 256 pages (split), slots 1..511 whole (511 · 512 = 261632
    // pages, zapped at 2M, no pair), slot 512 the last 256 (split): 2 DEMOTEs, 2 pairs, 2 puts
    // of 256, 2 new S-EPT PT pages.
    // Kernel: 1 + 6 + 32 · 6 = 199 control pages, S-EPT 2 PT + 1 PD + 1 PDPT = 4 for the image,
    // then 2 PT + ⌈704 GiB / 1 GiB⌉ = 704 PD + ⌈704/512⌉ = 2 PDPT = 708 at accept (704 more),
    // then the 2 split PTs: 199 + 708 + 2 = 909 pages, from the top of node 0: 2 regions.
    // 2 + 2 + 2 = 6 pairs (the guest, kernel and huge regions are apart: the 4K streams start
    // at the node's ends, the huge mappings in its middle).
    // Dynamic part = 6 · 8 KiB + 32 · 10 · 4 KiB = 48 + 1280 = 1328 KiB: the caches dominate;
    // the list's ~5 MB is not reached by these inputs (docs/workload-model.md).
    const host = fixtureHost('hp-superdome2-16s-12tb.txt')
    const r = simulateScenario(host, presetScenario('guest-704g-1g-pages')!)
    expect(r.generation).toMatchObject({
      tdsStarted: 1,
      unplacedPages: 0,
      unplacedRegions: 0,
      leakedPages: 0
    })
    // The result names the inputs the figure depends on.
    expect(r.generation!.conversions).toEqual([
      {
        className: '704 GiB TD, 1G guest_memfd',
        tds: 1,
        kvmMaxLeaf: '2m',
        poolBytes: GiB,
        poolFromSwiotlbDefault: true,
        poolOffsetPages: 256,
        scatteredBytes: 0,
        pagesPerSplit: 1,
        atNs: 0,
        scatteredSharedForNs: null,
        splitMappings: 2,
        wholeMappings: 511,
        oneGSplits: 0,
        fourKPages: 0,
        clippedPages: 0
      }
    ])
    // 704 GiB on a 12 TiB host: it fits.
    expect(r.capacity).toMatchObject({ tdsRequested: 1, tdsStarted: 1, fits: true })
    expect(r.replay.peakPairs).toBe(6)
    expect(r.replay.demoteCount).toBe(2)
    expect(r.replay.getPageOps).toBe(1024 + 199 + 4 + 704 + 2)
    expect(r.replay.putPageOps).toBe(2 * 256)
    expect(Math.max(...r.replay.cacheBytes)).toBe(320 * 4 * KiB)
    expect(r.replay.peakTotalBytes - r.staticPartBytes - r.refcountBytes).toBe(1328 * KiB)
  })

  it('guest-704g-1g-pages with mainline 4K leaves: a pair per 2 MiB of what stays private', () => {
    // kvmMaxLeaf '4k': all 704 GiB is 4K-mapped: 360448 guest regions on a fresh host. The
    // swiotlb then removes pages [256, 262400) of the 4K memory after the image: 511 regions are
    // emptied (their pairs removed), the first and last keep 256 pages each.
    // Kernel: 199 control + S-EPT 704 GiB / 2 MiB = 360448 PT + 704 PD + 2 PDPT = 361353
    // pages → ⌈361353 / 512⌉ = 706 regions.
    // Peak (before the conversion, at t = 0): 360448 + 706 = 361154 pairs; at the end
    // 361154 − 511 = 360643.
    const host = fixtureHost('hp-superdome2-16s-12tb.txt')
    const s = presetScenario('guest-704g-1g-pages')!
    s.kvmMaxLeaf = '4k'
    const r = simulateScenario(host, s)
    expect(r.generation!.conversions[0]).toMatchObject({
      splitMappings: 0,
      wholeMappings: 0,
      fourKPages: 262_144
    })
    expect(r.replay.peakPairs).toBe(361_154)
    expect(r.replay.pairsAtEnd).toBe(360_643)
    expect(r.replay.removeCount).toBe(511)
  })
})
