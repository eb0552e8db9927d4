import type { TdxMemoryBlock } from './memoryBlocks'
import { PAGE_SIZE_BYTES, divRoundUp, floorDiv, pageAlign } from './units'

/** sizeof(atomic_t): one refcount per 2 MiB of physical address space (dpamt-model.md §2.5). */
export const REFCOUNT_ENTRY_BYTES = 4
/** PTRS_PER_PTE: 4 KiB pages per 2 MiB region. */
export const PAGES_PER_2M = 512
/** Refcount entries per 4 KiB refcount page: 1024, so each page covers 2 GiB of PA. */
export const REFCOUNTS_PER_PAGE = PAGE_SIZE_BYTES / REFCOUNT_ENTRY_BYTES
/** log2 of the page frames one refcount page covers: 9 (2 MiB) + 10 (1024 entries). */
const PFN_SHIFT_PER_REFCOUNT_PAGE = 19

export interface RefcountMemory {
  /** Dense array (v6 04/11): DIV_ROUND_UP(max_pfn, 512) * 4 bytes, vzalloc'ed, page granular. */
  denseBytes: number
  densePages: number
  /** Sparse (v4, seed 002): only refcount pages backing some TDX memory block are populated. */
  sparseBytes: number
  sparsePages: number
  /** Refcount pages numbers (page index in the vmalloc area) that the sparse scheme populates. */
  sparsePageRanges: Array<{ firstPage: number; lastPage: number }>
  /**
   * Page-table pages (PTE + PMD tables) that map the vmalloc area, dense and sparse. Not counted by
   * the patch authors; modelled assuming the area starts on a 2 MiB-aligned virtual address
   * (dpamt-model.md §2.5 "(inferred)").
   */
  densePageTablePages: number
  sparsePageTablePages: number
}

/** Refcount pages one PTE table maps (512 PTEs), and PTE tables one PMD table maps. */
const PTES_PER_TABLE = 512

/** PTE and PMD tables needed to map the given refcount pages of a vmalloc area (inferred). */
export function vmallocPageTablePages(
  pageRanges: ReadonlyArray<{ firstPage: number; lastPage: number }>
): number {
  const pte = new Set<number>()
  const pmd = new Set<number>()
  for (const r of pageRanges) {
    for (
      let t = floorDiv(r.firstPage, PTES_PER_TABLE);
      t <= floorDiv(r.lastPage, PTES_PER_TABLE);
      t++
    ) {
      pte.add(t)
      pmd.add(floorDiv(t, PTES_PER_TABLE))
    }
  }
  return pte.size + pmd.size
}

/** Dense refcount array size in bytes as allocated (dpamt-model.md §2.5, "Dense"). */
export function denseRefcountBytes(maxPfn: number): number {
  return pageAlign(divRoundUp(maxPfn, PAGES_PER_2M) * REFCOUNT_ENTRY_BYTES)
}

/**
 * Sparse refcount pages (seed 002, dpamt-model.md §2.5 "Exact rule"): for each memory block, map
 * [round_down(&rc[start_pfn>>9], 4K), round_up(&rc[(end_pfn-1)>>9] + 4, 4K)); overlaps from the
 * rounding are populated once. Page p is populated iff start_pfn>>19 <= p <= (end_pfn-1)>>19 for
 * some block. Returned as merged inclusive page-index ranges.
 */
export function sparseRefcountPageRanges(
  blocks: readonly TdxMemoryBlock[]
): Array<{ firstPage: number; lastPage: number }> {
  const spans = blocks
    .map((b) => ({
      firstPage: floorDiv(b.startPfn, 2 ** PFN_SHIFT_PER_REFCOUNT_PAGE),
      lastPage: floorDiv(b.endPfn - 1, 2 ** PFN_SHIFT_PER_REFCOUNT_PAGE)
    }))
    .sort((a, b) => a.firstPage - b.firstPage)
  const merged: Array<{ firstPage: number; lastPage: number }> = []
  for (const s of spans) {
    const last = merged[merged.length - 1]
    if (last && s.firstPage <= last.lastPage + 1)
      last.lastPage = Math.max(last.lastPage, s.lastPage)
    else merged.push({ ...s })
  }
  return merged
}

/** Dense and sparse refcount memory for a host (dpamt-model.md §2.5, §2.9 `refcount_mem`). */
export function refcountMemory(maxPfn: number, blocks: readonly TdxMemoryBlock[]): RefcountMemory {
  const denseBytes = denseRefcountBytes(maxPfn)
  const sparsePageRanges = sparseRefcountPageRanges(blocks)
  const sparsePages = sparsePageRanges.reduce((n, r) => n + (r.lastPage - r.firstPage + 1), 0)
  const densePages = denseBytes / PAGE_SIZE_BYTES
  return {
    denseBytes,
    densePages,
    sparseBytes: sparsePages * PAGE_SIZE_BYTES,
    sparsePages,
    sparsePageRanges,
    densePageTablePages:
      densePages > 0 ? vmallocPageTablePages([{ firstPage: 0, lastPage: densePages - 1 }]) : 0,
    sparsePageTablePages: vmallocPageTablePages(sparsePageRanges)
  }
}
