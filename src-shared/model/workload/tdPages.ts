import type { TdxModuleParams } from '../host/tdxModuleParams'
import type { TdClass } from './scenario'

const PAGE = 4096
const SZ_2M = 2 ** 21
const SZ_1G = 2 ** 30
const SZ_512G = 2 ** 39

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
 * Split private memory: the image is always 4K (PAGE.ADD, HP-v2); of the rest, share1g goes to 1G
 * mappings and share2m to 2M mappings. Huge-page-backed memory that does not fill a whole 1G page
 * (the page that also holds the image) is mapped 2M, and only what fills no 2M page is 4K.
 */
export function tdMemoryLayout(c: TdClass): TdMemoryLayout {
  const imagePages = Math.ceil(c.imageBytes / PAGE)
  const rest = c.memoryBytes - imagePages * PAGE
  const oneGMappings = Math.floor((rest * c.share1g) / SZ_1G)
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
 * 4K mappings, a PD page per 1 GiB of 4K/2M mappings, a PDPT page per 512 GiB of all; the root
 * lives in TDCS (no get).
 */
export function septPages(fourKBytes: number, twoMBytes: number, oneGBytes: number): number {
  const pt = Math.ceil(fourKBytes / SZ_2M)
  const pd = Math.ceil((fourKBytes + twoMBytes) / SZ_1G)
  const pdpt = Math.ceil((fourKBytes + twoMBytes + oneGBytes) / SZ_512G)
  return pt + pd + pdpt
}

/** pamt_cache top-up per vCPU: PT64_ROOT_MAX_LEVEL (5) × 2 pages = 10 (v6 08/11, §2.7). */
export const PAMT_CACHE_PAGES_PER_VCPU = 10
