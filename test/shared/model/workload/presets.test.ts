import { describe, expect, it } from 'vitest'
import { simulateScenario } from '@shared/model/runtime/simulate'
import {
  CONTENTION_PRESET_NAMES,
  contentionPresetScenario,
  PRESET_NAMES,
  presetScenario
} from '@shared/model/workload/presets'
import { fixtureHost, GiB } from './testHosts'

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

  it('guest-704g-1g-pages on the Superdome: 412 pairs and 32 caches, 4.47 MiB beyond the fixed part', () => {
    // docs/workload-model.md calibration point; the list reported "~5MB of DPAMT memory usage
    // for 704G guest memory" (§2.9). 704 GiB, 4 MiB image, share1g 1, 32 vCPUs, f = 0.8, so
    // round(512^0.2) = 3 pages per region visit.
    // Guest: 703 1G + 510 2M mappings take whole regions and no pair; the 1024 image pages
    // take ⌈1024/3⌉ = 342 regions.
    // Kernel: 1 + 6 + 32 · 6 = 199 control pages at build → ⌈199/3⌉ = 67 regions; S-EPT for
    // the image (2 PT + 1 PD + 1 PDPT = 4) → 2 regions (3 + 1); at accept the S-EPT grows to
    // 2 PT + 1 PD + ⌈704/512⌉ = 2 PDPT = 5, one more page → 1 region. 67 + 2 + 1 = 70.
    // 342 + 70 = 412, provided the streams meet in no region. Node 0 has 393153 regions and
    // scramble stride 242981; guest visit i and kernel visit j share a region only when
    // i + j ≡ −242981⁻¹ ≡ 1453 (mod 393153), and here i < 342, j < 70 (plus the kernel's few
    // skips over regions the 1G/2M mappings took).
    // Dynamic part = 412 · 8 KiB + 32 · 10 · 4 KiB = 3296 + 1280 = 4576 KiB = 4.47 MiB.
    const host = fixtureHost('hp-superdome2-16s-12tb.txt')
    const r = simulateScenario(host, presetScenario('guest-704g-1g-pages')!)
    expect(r.generation).toMatchObject({
      tdsStarted: 1,
      unplacedPages: 0,
      unplacedRegions: 0,
      leakedPages: 0
    })
    // 704 GiB on a 12 TiB host: it fits.
    expect(r.capacity).toMatchObject({ tdsRequested: 1, tdsStarted: 1, fits: true })
    expect(r.replay.peakPairs).toBe(412)
    expect(r.replay.getPageOps).toBe(1024 + 199 + 4 + 1)
    expect(Math.max(...r.replay.cacheBytes)).toBe(320 * 4 * KiB)
    expect(r.replay.peakTotalBytes - r.staticPartBytes - r.refcountBytes).toBe(4576 * KiB)
  })
})
