import type { TdxModuleParams } from '../host/tdxModuleParams'
import { resolvedPoolBytes, type KvmMaxLeaf, type TdClass } from './scenario'

const PAGE = 4096
const SZ_2M = 2 ** 21
const SZ_1G = 2 ** 30
const SZ_512G = 2 ** 39
const SZ_256T = 2 ** 48
/** 4K pages, and 2 MiB slots, in a 2 MiB and a 1 GiB mapping. */
const PAGES_2M = 512
const SLOTS_1G = 512

/** Control pages of one TD from the module's sizes (dpamt-model.md §2.8 table). */
export interface ControlPages {
  /** TDR (1) + TDCS (tdcs_base_size / 4K). */
  perTd: number
  /** TDVPR (1) + TDCX (tdvps_base_size / 4K - 1), per vCPU. */
  perVcpu: number
  total: number
}

export function controlPages(params: TdxModuleParams, vcpus: number): ControlPages {
  const perTd = params.tdrBaseBytes / PAGE + params.tdcsBaseBytes / PAGE
  const perVcpu = 1 + (params.tdvpsBaseBytes / PAGE - 1)
  return { perTd, perVcpu, total: perTd + perVcpu * vcpus }
}

/** How a TD's private memory is mapped: 4K pages (image included), 2M and 1G mappings. */
export interface TdMemoryLayout {
  /** 4K-mapped pages, the build image first. */
  fourKPages: number
  imagePages: number
  twoMMappings: number
  oneGMappings: number
}

/**
 * Split private memory: the image is always 4K (PAGE.ADD, HP-v2); of the rest, share1g is backed
 * by 1G pages and share2m by 2M pages. KVM maps a backing page with one leaf of at most `maxLeaf`:
 * '1g' (future) maps 1G-backed memory with 1G leaves, '2m' (the huge-page series) with 2M leaves,
 * '4k' (mainline KVM today: tdx_gmem_max_mapping_level returns PG_LEVEL_4K) maps everything 4K.
 * Huge-page-backed memory that fills no whole 1G page (the page that also holds the image) is
 * mapped 2M, and only what fills no 2M page is 4K.
 */
export function tdMemoryLayout(c: TdClass, maxLeaf: KvmMaxLeaf = '2m'): TdMemoryLayout {
  const imagePages = Math.ceil(c.imageBytes / PAGE)
  const rest = c.memoryBytes - imagePages * PAGE
  const restPages = Math.max(0, Math.floor(rest / PAGE))
  if (maxLeaf === '4k')
    return { fourKPages: imagePages + restPages, imagePages, twoMMappings: 0, oneGMappings: 0 }
  const oneGMappings = maxLeaf === '1g' ? Math.floor((rest * c.share1g) / SZ_1G) : 0
  const hugeBytes = rest * Math.min(1, c.share1g + c.share2m)
  const twoMMappings = Math.floor((hugeBytes - oneGMappings * SZ_1G) / SZ_2M)
  const fourKPages =
    imagePages +
    Math.max(0, Math.floor((rest - oneGMappings * SZ_1G - twoMMappings * SZ_2M) / PAGE))
  return { fourKPages, imagePages, twoMMappings, oneGMappings }
}

/**
 * Non-root S-EPT pages for `fourKBytes` of 4K-mapped and `twoMBytes` of 2M-mapped GPA, laid out
 * contiguously, plus `oneGBytes` 1G-mapped (dpamt-model.md §2.9, inferred): a PT page per 2 MiB of
 * 4K mappings, a PD page per 1 GiB of 4K/2M mappings, a PDPT page per 512 GiB of all, and with 5
 * levels (GPAW 52) a PML4 page per 256 TiB of all. The root (PML4 with 4 levels, PML5 with 5) is a
 * TDCS page (TDX module SEPT_ROOT_PAGE_INDEX), so it takes no get of its own.
 */
export function septPages(
  fourKBytes: number,
  twoMBytes: number,
  oneGBytes: number,
  levels: 4 | 5 = 4
): number {
  const all = fourKBytes + twoMBytes + oneGBytes
  const pt = Math.ceil(fourKBytes / SZ_2M)
  const pd = Math.ceil((fourKBytes + twoMBytes) / SZ_1G)
  const pdpt = Math.ceil(all / SZ_512G)
  const pml4 = levels === 5 ? Math.ceil(all / SZ_256T) : 0
  return pt + pd + pdpt + pml4
}

/** pamt_cache top-up per vCPU: PT64_ROOT_MAX_LEVEL (5) × 2 pages = 10 (v6 08/11, §2.7). */
export const PAMT_CACHE_PAGES_PER_VCPU = 10

/** A run of `count` 2 MiB slots of huge-mapped GPA, from `slot`, each with `pages` converted. */
export interface HugeTouch {
  slot: number
  count: number
  /** 4K pages converted in each slot: 512 converts the 2M mapping whole. */
  pages: number
  /** A scattered buffer (converted back after scatteredSharedForNs) rather than the pool. */
  scattered: boolean
}

/** `n` groups of `pages` converted 4K-mapped pages, every `stride` pages from `start`. */
export interface FourKTouch {
  /** Index in the TD's 4K-mapped memory after the image. */
  start: number
  pages: number
  stride: number
  n: number
  scattered: boolean
}

/**
 * Where a class's conversions land and what they cost one TD (docs/workload-model.md,
 * "Private/shared conversion"). Modelled GPA layout, after the image: the huge-mapped memory
 * (1G mappings, then 2M mappings) in 2 MiB slots, then the 4K-mapped memory. The pool covers
 * [offset, offset + pool) pages of that space; each scattered split starts its own 2 MiB after
 * the pool. A 2 MiB slot converted whole is zapped at 2M (no pair); a partly converted one is
 * split (DEMOTE: a pair, refcount 512, one new S-EPT page table), then its converted 4K leaves are
 * removed (refcount 512 − n). With 1G leaves, a touched 1G mapping is first split into 2M leaves
 * (one new S-EPT PD page, no pair) unless converted whole. 4K-mapped pages are simply removed.
 */
export interface ConversionLayout {
  /** Pool bytes ('swiotlb' resolved) and scattered bytes, as converted (after clipping). */
  poolBytes: number
  scatteredBytes: number
  huge: HugeTouch[]
  fourK: FourKTouch[]
  /** 2 MiB slots split to 4K: one pair and one PT page each. */
  splits: number
  /** 2 MiB slots converted whole: zapped at 2M, no pair. */
  wholeTwoM: number
  /** 1G mappings split to 2M ('1g' leaves only): one S-EPT PD page each. */
  oneGSplits: number
  /** 4K-mapped pages converted (one put each). */
  fourKPages: number
  /** S-EPT pages the conversions add: splits + oneGSplits. */
  septExtra: number
  /** Highest huge slot touched + 1, and highest 4K index touched + 1 (what must be mapped first). */
  hugeSlotsNeeded: number
  fourKNeeded: number
  /** Pages asked for that do not fit the TD's memory after the image. */
  clippedPages: number
}

const EMPTY_CONVERSION: ConversionLayout = {
  poolBytes: 0,
  scatteredBytes: 0,
  huge: [],
  fourK: [],
  splits: 0,
  wholeTwoM: 0,
  oneGSplits: 0,
  fourKPages: 0,
  septExtra: 0,
  hugeSlotsNeeded: 0,
  fourKNeeded: 0,
  clippedPages: 0
}

/** The conversions of one TD of class `c` under `maxLeaf` (see ConversionLayout). */
export function conversionLayout(c: TdClass, maxLeaf: KvmMaxLeaf = '2m'): ConversionLayout {
  const cv = c.conversions
  const poolAsked = Math.ceil(resolvedPoolBytes(c) / PAGE)
  const scatteredAsked = Math.ceil(cv.scatteredBytes / PAGE)
  if (poolAsked === 0 && scatteredAsked === 0) return EMPTY_CONVERSION
  const layout = tdMemoryLayout(c, maxLeaf)
  const hugeSlots = layout.oneGMappings * SLOTS_1G + layout.twoMMappings
  const hugePages = hugeSlots * PAGES_2M
  const room = layout.fourKPages - layout.imagePages + hugePages
  const huge: HugeTouch[] = []
  const fourK: FourKTouch[] = []
  let clipped = 0
  let poolPages = 0
  let scatteredPages = 0

  // Pool: [off, off + P) of the unified space, clipped to the room there is.
  const off = cv.poolOffsetPages
  const poolEnd = poolAsked > 0 ? Math.min(room, off + poolAsked) : 0
  if (poolAsked > 0) {
    poolPages = Math.max(0, poolEnd - off)
    clipped += poolAsked - poolPages
    const hEnd = Math.min(poolEnd, hugePages)
    if (off < hEnd) {
      const first = Math.floor(off / PAGES_2M)
      const last = Math.floor((hEnd - 1) / PAGES_2M)
      const pagesIn = (s: number): number =>
        Math.min(hEnd, (s + 1) * PAGES_2M) - Math.max(off, s * PAGES_2M)
      // Partial first slot, whole middle slots, partial last slot (run-length).
      for (let s = first; s <= last;) {
        const p = pagesIn(s)
        let e = s + 1
        while (e <= last && pagesIn(e) === p) e++
        huge.push({ slot: s, count: e - s, pages: p, scattered: false })
        s = e
      }
    }
    if (poolEnd > hugePages) {
      const start = Math.max(off, hugePages) - hugePages
      fourK.push({ start, pages: poolEnd - hugePages - start, stride: 0, n: 1, scattered: false })
    }
  }

  // Scattered: group j at the start of 2 MiB slot S0 + j, `k` pages (the last one the rest).
  if (scatteredAsked > 0) {
    const k = cv.pagesPerSplit
    const groups = Math.ceil(scatteredAsked / k)
    const lastPages = scatteredAsked - (groups - 1) * k
    const s0 = Math.ceil(poolEnd / PAGES_2M)
    const fits = (j: number): boolean =>
      (s0 + j) * PAGES_2M + (j === groups - 1 ? lastPages : k) <= room
    let placed = 0
    while (placed < groups && fits(placed)) placed++
    scatteredPages = placed === groups ? scatteredAsked : placed * k
    clipped += scatteredAsked - scatteredPages
    const addGroups = (j0: number, j1: number, pages: number): void => {
      // Groups [j0, j1) of `pages` each: huge slots first, then 4K chunks.
      const hugeEnd = Math.min(j1, Math.max(j0, hugeSlots - s0))
      if (hugeEnd > j0) huge.push({ slot: s0 + j0, count: hugeEnd - j0, pages, scattered: true })
      if (j1 > hugeEnd) {
        const first = (s0 + hugeEnd) * PAGES_2M - hugePages
        fourK.push({ start: first, pages, stride: PAGES_2M, n: j1 - hugeEnd, scattered: true })
      }
    }
    if (placed === groups) {
      addGroups(0, groups - 1, k)
      addGroups(groups - 1, groups, lastPages)
    } else addGroups(0, placed, k)
  }

  let splits = 0
  let wholeTwoM = 0
  let hugeSlotsNeeded = 0
  for (const h of huge) {
    if (h.pages === PAGES_2M) wholeTwoM += h.count
    else splits += h.count
    hugeSlotsNeeded = Math.max(hugeSlotsNeeded, h.slot + h.count)
  }
  // 1G leaves: each touched 1G mapping is split to 2M unless all of it is converted whole.
  let oneGSplits = 0
  if (layout.oneGMappings > 0) {
    const wholeIn = new Map<number, number>()
    const touched = new Set<number>()
    for (const h of huge) {
      for (let s = h.slot; s < h.slot + h.count && s < layout.oneGMappings * SLOTS_1G; s++) {
        const m = Math.floor(s / SLOTS_1G)
        touched.add(m)
        if (h.pages === PAGES_2M) wholeIn.set(m, (wholeIn.get(m) ?? 0) + 1)
      }
    }
    for (const m of touched) if (wholeIn.get(m) !== SLOTS_1G) oneGSplits++
  }
  let fourKPages = 0
  let fourKNeeded = 0
  for (const f of fourK) {
    fourKPages += f.pages * f.n
    fourKNeeded = Math.max(fourKNeeded, f.start + (f.n - 1) * f.stride + f.pages)
  }
  return {
    poolBytes: poolPages * PAGE,
    scatteredBytes: scatteredPages * PAGE,
    huge,
    fourK,
    splits,
    wholeTwoM,
    oneGSplits,
    fourKPages,
    septExtra: splits + oneGSplits,
    hugeSlotsNeeded,
    fourKNeeded,
    clippedPages: clipped
  }
}
