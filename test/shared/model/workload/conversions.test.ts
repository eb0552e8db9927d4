import { describe, expect, it } from 'vitest'
import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { simulateScenario, type SimulationResult } from '@shared/model/runtime/simulate'
import { conversionNoteText } from '@shared/charts/workload/conversionText'
import { tdFootprintBytes } from '@shared/model/workload/capacity'
import { generateEvents } from '@shared/model/workload/generateEvents'
import { presetScenario } from '@shared/model/workload/presets'
import {
  scenarioSchema,
  swiotlbDefaultBytes,
  tdClassSchema,
  type ScenarioInput,
  type TdClass
} from '@shared/model/workload/scenario'
import { conversionLayout } from '@shared/model/workload/tdPages'
import { GiB, MiB, S, syntheticHost } from '../../../support/testHosts'

type TdInput = ScenarioInput['tdClasses'][number]

/**
 * Host A: RAM [4 GiB, 8 GiB) on one node: pool positions 0..2047 are regions 2048..4095. Guest 4K
 * pages fill from region 2048 up, kernel pages from 4095 down, huge mappings from the middle
 * (position 1024, region 3072) down.
 */
const hostA = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])
const PAIR = 8192

/** One 64 MiB TD of 2M mappings, no image, 1 vCPU (13 control pages), unless overridden. */
const td = (x: Partial<TdInput> = {}): TdInput => ({
  name: 'td',
  count: 1,
  memoryBytes: 64 * MiB,
  vcpus: 1,
  imageBytes: 0,
  share2m: 1,
  ...x
})

const cls = (x: Partial<TdInput> = {}): TdClass => tdClassSchema.parse(td(x))

function simulate(host: HostAnalysis, input: Omit<ScenarioInput, 'name'>): SimulationResult {
  return simulateScenario(host, scenarioSchema.parse({ name: 'test', ...input }))
}

function events(host: HostAnalysis, input: Omit<ScenarioInput, 'name'>): PageEventBuffer {
  const buf = new PageEventBuffer()
  generateEvents(host, scenarioSchema.parse({ name: 'test', ...input }), buf)
  return buf
}

/** [time, region, pagesPerRegion] of the events of one kind, one row per region. */
function rows(buf: PageEventBuffer, kind: EventKind): number[][] {
  const out: number[][] = []
  for (let i = 0; i < buf.length; i++)
    if (buf.kind[i] === kind)
      for (let k = 0; k < buf.regionCount[i]!; k++)
        out.push([buf.timeNs[i]!, buf.region[i]! + k, buf.pagesPerRegion[i]!])
  return out
}

const pairs = (r: SimulationResult): number[] => r.replay.pairBytes.map((b) => b / PAIR)

describe('the guest swiotlb default (arch/x86/mm/mem_encrypt.c, kernel/dma/swiotlb.c)', () => {
  it('is 6 % of memory clamped to [64 MiB, 1 GiB], rounded up to 256 KiB', () => {
    // 1 GiB: 6 % = 64424509 B, below 64 MiB → 64 MiB.
    expect(swiotlbDefaultBytes(GiB)).toBe(64 * MiB)
    // 2 GiB: ⌊2 GiB · 6 / 100⌋ = 128849018 B = 491.52 · 256 KiB → 492 · 262144 = 128974848 B.
    expect(swiotlbDefaultBytes(2 * GiB)).toBe(128_974_848)
    // 16 GiB: 1030792151 B = 3932.16 · 256 KiB → 3933 · 262144 = 1031012352 B (983.25 MiB).
    expect(swiotlbDefaultBytes(16 * GiB)).toBe(1_031_012_352)
    // 704 GiB: 42.24 GiB → clamped to 1 GiB.
    expect(swiotlbDefaultBytes(704 * GiB)).toBe(GiB)
  })
})

describe('where conversions land (conversionLayout, modelled GPA layout)', () => {
  it('a pool that starts mid-2 MiB splits its first and last 2M mappings and zaps the rest whole', () => {
    // 4 MiB = 1024 pages from page 256: slot 0 [256, 512) 256 pages, slot 1 whole, slot 2
    // [1024, 1280) 256 pages. Two splits (a pair and a PT each), one whole (nothing).
    const c = conversionLayout(cls({ conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 } }))
    expect(c.huge).toEqual([
      { slot: 0, count: 1, pages: 256, scattered: false },
      { slot: 1, count: 1, pages: 512, scattered: false },
      { slot: 2, count: 1, pages: 256, scattered: false }
    ])
    expect(c).toMatchObject({ splits: 2, wholeTwoM: 1, oneGSplits: 0, septExtra: 2 })
    expect(c).toMatchObject({ fourKPages: 0, hugeSlotsNeeded: 3, clippedPages: 0 })
  })

  it('a 2 MiB-aligned pool splits nothing', () => {
    const c = conversionLayout(cls({ conversions: { poolBytes: 4 * MiB, poolOffsetPages: 0 } }))
    expect(c.huge).toEqual([{ slot: 0, count: 2, pages: 512, scattered: false }])
    expect(c).toMatchObject({ splits: 0, wholeTwoM: 2, septExtra: 0 })
  })

  it('scattered buffers split one 2M mapping per group, after the pool', () => {
    // Pool ends at page 1280, so the first group starts at slot ⌈1280/512⌉ = 3. 5 pages, 2 per
    // split: groups of 2, 2, 1 in slots 3, 4, 5.
    const c = conversionLayout(
      cls({
        conversions: {
          poolBytes: 4 * MiB,
          poolOffsetPages: 256,
          scatteredBytes: 5 * 4096,
          pagesPerSplit: 2
        }
      })
    )
    expect(c.huge.filter((h) => h.scattered)).toEqual([
      { slot: 3, count: 2, pages: 2, scattered: true },
      { slot: 5, count: 1, pages: 1, scattered: true }
    ])
    expect(c).toMatchObject({ splits: 5, wholeTwoM: 1, scatteredBytes: 5 * 4096 })
  })

  it('what does not fit in huge-mapped memory lands in 4K-mapped memory', () => {
    // 8 MiB, share2m 0.5: 2 2M mappings (pages 0..1023), then 1024 4K pages. A 6 MiB pool from
    // page 256: slot 0 256 (split), slot 1 whole, then 4K pages [0, 768).
    const c = conversionLayout(
      cls({
        memoryBytes: 8 * MiB,
        share2m: 0.5,
        conversions: { poolBytes: 6 * MiB, poolOffsetPages: 256 }
      })
    )
    expect(c).toMatchObject({ splits: 1, wholeTwoM: 1, fourKPages: 768, fourKNeeded: 768 })
    expect(c.fourK).toEqual([{ start: 0, pages: 768, stride: 0, n: 1, scattered: false }])
  })

  it('with 1G leaves (future) a touched 1G mapping is first split to 2M: one PD page', () => {
    const c2g = (conversions: TdInput['conversions']): TdClass =>
      cls({ memoryBytes: 2 * GiB, share2m: 0, share1g: 1, conversions })
    // 2 GiB of 1G mappings: the pool from page 256 touches 1G mapping 0 only.
    expect(conversionLayout(c2g({ poolBytes: 4 * MiB, poolOffsetPages: 256 }), '1g')).toMatchObject(
      { splits: 2, wholeTwoM: 1, oneGSplits: 1, septExtra: 3 }
    )
    // An aligned 1 GiB pool converts 1G mapping 0 whole: no split at all.
    expect(conversionLayout(c2g({ poolBytes: GiB, poolOffsetPages: 0 }), '1g')).toMatchObject({
      splits: 0,
      wholeTwoM: 512,
      oneGSplits: 0,
      septExtra: 0
    })
    // With 2M leaves the same pool is 512 whole 2M mappings, and no PD page either.
    expect(conversionLayout(c2g({ poolBytes: GiB, poolOffsetPages: 0 }))).toMatchObject({
      splits: 0,
      wholeTwoM: 512,
      oneGSplits: 0
    })
  })

  it("'swiotlb' resolves to the guest default for the TD's memory", () => {
    // 2 GiB TD: 128974848 B = 31488 pages.
    const c = conversionLayout(
      cls({ memoryBytes: 2 * GiB, conversions: { poolBytes: 'swiotlb', poolOffsetPages: 0 } })
    )
    expect(c.poolBytes).toBe(128_974_848)
    // 31488 = 61 · 512 + 256: 61 whole 2M mappings and one split.
    expect(c).toMatchObject({ wholeTwoM: 61, splits: 1 })
  })

  it('rejects conversions that do not fit the memory after the image, naming the field', () => {
    // 8 MiB = 2048 pages; an 8 MiB pool from page 256 needs 2304.
    const big = tdClassSchema.safeParse(
      td({ memoryBytes: 8 * MiB, conversions: { poolBytes: 8 * MiB, poolOffsetPages: 256 } })
    )
    expect(big.success).toBe(false)
    expect(big.error!.issues[0]!.path).toEqual(['conversions'])
    expect(big.error!.issues[0]!.message).toMatch(/do not fit the memory after the image/)
    // 4 MiB = 1024 pages: 3 single-page groups need slots 0, 1, 2 → (2 · 512) + 1 = 1025 pages;
    // 2 groups need 513.
    const scattered = (n: number): boolean =>
      tdClassSchema.safeParse(
        td({ memoryBytes: 4 * MiB, conversions: { scatteredBytes: n * 4096 } })
      ).success
    expect(scattered(3)).toBe(false)
    expect(scattered(2)).toBe(true)
  })
})

describe('conversions in the event stream (2M leaves)', () => {
  // The 64 MiB TD, lifetime 20 s, in a 30 s scenario sampled every second: 32 2M mappings at
  // positions 1024..993 (regions 3072..3041). Pool 4 MiB from page 256 (slots 0, 2 split, slot 1
  // whole), then 3 scattered pages, one per 2 MiB, in slots 3, 4, 5 (regions 3069..3067),
  // converted back after 5 s.
  // Kernel: 13 control + S-EPT 1 PD + 1 PDPT = 15 at accept, + 5 PT for the 5 splits = 20 pages
  // in region 4095.
  const conversions = {
    poolBytes: 4 * MiB,
    poolOffsetPages: 256,
    scatteredBytes: 3 * 4096,
    scatteredSharedForNs: 5 * S
  }
  const input = {
    durationNs: 30 * S,
    samples: 31,
    tdClasses: [td({ lifetimeNs: 20 * S, conversions })]
  }
  const r = simulate(hostA, input)
  const buf = events(hostA, input)

  it('splits each partly converted 2M mapping with a DEMOTE, then removes its converted pages', () => {
    expect(rows(buf, EventKind.Demote)).toEqual(
      [3072, 3070, 3069, 3068, 3067].map((region) => [0, region, 512])
    )
    // Puts at t = 0: 256 from each split pool mapping, 1 from each scattered one.
    expect(rows(buf, EventKind.Put).filter((e) => e[0] === 0)).toEqual([
      [0, 3072, 256],
      [0, 3070, 256],
      [0, 3069, 1],
      [0, 3068, 1],
      [0, 3067, 1]
    ])
    expect(r.replay.demoteCount).toBe(5)
  })

  it('holds a pair per split mapping, and converting back releases none', () => {
    // 1 kernel region + 5 splits = 6 pairs from 0 s to the teardown at 20 s, through the revert
    // at 5 s (the pages come back at 4K: KVM never promotes back to 2M).
    expect(pairs(r)).toEqual([...Array<number>(20).fill(6), ...Array<number>(11).fill(0)])
    expect(rows(buf, EventKind.Get).filter((e) => e[0] === 5 * S)).toEqual([
      [5 * S, 3069, 1],
      [5 * S, 3068, 1],
      [5 * S, 3067, 1]
    ])
    expect(r.replay.addCount).toBe(6)
    expect(r.replay.removeCount).toBe(6)
  })

  it('puts what is still private at teardown, so every pair goes', () => {
    // Gets: 20 kernel + 3 reverted. Puts: 256 + 256 + 3 at conversion; at teardown 256 + 256
    // for the pool splits, 512 · 3 for the reverted scattered ones, 20 kernel.
    expect(r.replay.getPageOps).toBe(23)
    expect(r.replay.putPageOps).toBe(515 + 512 + 1536 + 20)
    expect(r.replay.pairsAtEnd).toBe(0)
    expect(r.replay.findings).toEqual([])
  })

  it('without converting back, the scattered mappings keep 511 pages to put', () => {
    const kept = simulate(hostA, {
      ...input,
      tdClasses: [
        td({ lifetimeNs: 20 * S, conversions: { ...conversions, scatteredSharedForNs: null } })
      ]
    })
    expect(kept.replay.getPageOps).toBe(20)
    expect(kept.replay.putPageOps).toBe(515 + 512 + 3 * 511 + 20)
    expect(kept.replay.pairsAtEnd).toBe(0)
    expect(kept.replay.findings).toEqual([])
  })

  it('names the inputs the result depends on', () => {
    expect(r.generation!.conversions).toEqual([
      {
        className: 'td',
        tds: 1,
        kvmMaxLeaf: '2m',
        poolBytes: 4 * MiB,
        poolFromSwiotlbDefault: false,
        poolOffsetPages: 256,
        scatteredBytes: 3 * 4096,
        pagesPerSplit: 1,
        atNs: 0,
        scatteredSharedForNs: 5 * S,
        splitMappings: 5,
        wholeMappings: 1,
        oneGSplits: 0,
        fourKPages: 0,
        clippedPages: 0
      }
    ])
  })

  it('says the same in one sentence for the GUI and the CLI', () => {
    expect(conversionNoteText(r.generation!.conversions[0]!)).toBe(
      'td (1 TD, KVM leaves up to 2M, the huge-page series). Converted to shared at boot: a ' +
        '4.00 MiB shared pool (given) from page 256 of its first 2 MiB; 12.00 KiB of scattered ' +
        'buffers, 1 page per 2 MiB, back to private after 5 s. Per TD: 5 2M mappings split (a ' +
        'pair each), 1 2M mapping converted whole (no pair). Placement in GPA is modelled.'
    )
  })

  it('maps what a boot-time conversion touches first when accept is lazy', () => {
    // Lazy over 10 s in 4 steps, pool only: at t = 0 the conversion maps slots 0..2 (S-EPT
    // 1 PD + 1 PDPT, kernel 15) and splits slots 0 and 2 (+2 PT): 1 + 2 = 3 pairs from t = 0;
    // the accept steps map the other 29 mappings with no pair.
    const lazy = simulate(hostA, {
      ...input,
      tdClasses: [
        td({
          lifetimeNs: 20 * S,
          accept: { mode: 'lazy', durationNs: 10 * S, steps: 4 },
          conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 }
        })
      ]
    })
    expect(pairs(lazy)).toEqual([...Array<number>(20).fill(3), ...Array<number>(11).fill(0)])
    expect(lazy.replay.getPageOps).toBe(17)
    expect(lazy.generation?.unplacedRegions).toBe(0)
  })

  it('does not demote at mid-life a mapping a conversion already took', () => {
    // demoteShare 0.5 of 32 = 16 mappings at 10 s: slots 0..2 are converted, so slots 3..18
    // (regions 3069..3054) demote. Pairs: 1 + 2 + 16 = 19.
    const d = simulate(hostA, {
      ...input,
      tdClasses: [
        td({
          lifetimeNs: 20 * S,
          demoteShare: 0.5,
          conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 }
        })
      ]
    })
    const demoted = rows(
      events(hostA, {
        ...input,
        tdClasses: [
          td({
            lifetimeNs: 20 * S,
            demoteShare: 0.5,
            conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 }
          })
        ]
      }),
      EventKind.Demote
    )
    expect(demoted.filter((e) => e[0] === 10 * S).map((e) => e[1])).toEqual(
      Array.from({ length: 16 }, (_, k) => 3069 - k)
    )
    expect(d.replay.peakPairs).toBe(19)
    expect(d.replay.findings).toEqual([])
  })

  it('does not convert when the TD ends first', () => {
    const late = simulate(hostA, {
      ...input,
      tdClasses: [td({ lifetimeNs: 20 * S, conversions: { ...conversions, atNs: 20 * S } })]
    })
    expect(late.replay.demoteCount).toBe(0)
    expect(late.replay.peakPairs).toBe(1)
  })
})

describe('conversions with other leaf sizes', () => {
  it('4K leaves (mainline): the pool removes 4K pages, and an emptied region loses its pair', () => {
    // 64 MiB of 4K: 16384 pages in regions 2048..2079 (32 pairs); kernel 13 + 32 PT + 1 PD +
    // 1 PDPT = 47 pages (1 pair). The pool [256, 1280) puts 256 in 2048, 512 in 2049 (its
    // refcount reaches 0: PAMT.REMOVE), 256 in 2050. Peak 33 pairs at t = 0, 32 after.
    const r = simulate(hostA, {
      durationNs: 30 * S,
      samples: 31,
      kvmMaxLeaf: '4k',
      tdClasses: [
        td({ lifetimeNs: 20 * S, conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 } })
      ]
    })
    expect(r.replay.peakPairs).toBe(33)
    expect(pairs(r).slice(0, 3)).toEqual([32, 32, 32])
    expect(r.replay.demoteCount).toBe(0)
    // 16384 + 47 gets; 1024 puts at conversion, 16384 − 1024 + 47 at teardown.
    expect(r.replay.getPageOps).toBe(16_431)
    expect(r.replay.putPageOps).toBe(16_431)
    expect(r.replay.removeCount).toBe(33)
    expect(r.generation!.conversions[0]).toMatchObject({ fourKPages: 1024, splitMappings: 0 })
  })

  it('1G leaves (future): a PD page for the split 1G mapping, then 2M splits as usual', () => {
    // 2 GiB of 1G mappings: 1024 regions from position 1024 down (slot 0 = region 3072, slot 2 =
    // region 3070). Kernel 13 + 1 PDPT + 1 PD + 2 PT = 17 (1 pair); 2 split pairs: 3.
    const r = simulate(hostA, {
      kvmMaxLeaf: '1g',
      tdClasses: [
        td({
          memoryBytes: 2 * GiB,
          share2m: 0,
          share1g: 1,
          conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 }
        })
      ]
    })
    expect(r.replay.peakPairs).toBe(3)
    expect(r.replay.getPageOps).toBe(17)
    expect(
      rows(
        events(hostA, {
          kvmMaxLeaf: '1g',
          tdClasses: [
            td({
              memoryBytes: 2 * GiB,
              share2m: 0,
              share1g: 1,
              conversions: { poolBytes: 4 * MiB, poolOffsetPages: 256 }
            })
          ]
        }),
        EventKind.Demote
      ).map((e) => e[1])
    ).toEqual([3072, 3070])
  })
})

describe('5-level S-EPT and the footprint', () => {
  const P = TDX_MODULE_1_5_PARAMS

  it('a 5-level TD gets one more S-EPT page (its PML4) and holds one more page', () => {
    // 64 MiB of 4K: 47 kernel pages with 4 levels, 48 with 5.
    const four = simulate(hostA, { kvmMaxLeaf: '4k', tdClasses: [td()] })
    const five = simulate(hostA, { kvmMaxLeaf: '4k', tdClasses: [td({ septLevels: 5 })] })
    expect(five.replay.getPageOps - four.replay.getPageOps).toBe(1)
    expect(tdFootprintBytes(cls({ septLevels: 5 }), P) - tdFootprintBytes(cls(), P)).toBe(4096)
  })

  it('the 704 GiB preset holds its memory plus 199 control, 708 S-EPT and 2 split PT pages', () => {
    const c = presetScenario('guest-704g-1g-pages')!.tdClasses[0]!
    expect(tdFootprintBytes(c, P)).toBe(704 * GiB + (199 + 708 + 2) * 4096)
    // With 1G leaves the pool splits two 1G mappings (it starts inside 1G mapping 0 and ends in
    // 1G mapping 1) and the two 2M mappings at its ends.
    const oneG = conversionLayout(c, '1g')
    expect(oneG).toMatchObject({ splits: 2, oneGSplits: 2 })
  })
})
