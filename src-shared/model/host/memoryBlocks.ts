import type { MemoryRange } from './memoryMap'
import type { NodeRange } from './numa'
import { PAGE_SIZE_BYTES, SZ_1M_BYTES, alignDown, alignUp, pfnDown, pfnUp } from './units'
import type { KernelParams } from './tdxModuleParams'

/** One `struct tdx_memblock` on the kernel's `tdx_memlist` (dpamt-model.md §1.2 step 4). */
export interface TdxMemoryBlock {
  /** First page frame, inclusive. */
  startPfn: number
  /** One past the last page frame. */
  endPfn: number
  nid: number
}

/** A memblock.memory region: half-open bytes. */
export interface MemblockRegion {
  baseBytes: number
  endBytes: number
}

/**
 * e820 → memblock.memory (dpamt-model.md §1.2 step 1): only RAM entries are added, clipped at
 * MAXMEM; memblock merges overlapping or adjacent regions; then memblock_trim_memory(PAGE_SIZE)
 * drops partial pages and regions that become empty. Node labels come later (numa.ts).
 */
export function buildMemblockMemory(
  ranges: readonly MemoryRange[],
  kernel: KernelParams
): MemblockRegion[] {
  const ram = ranges
    .filter((r) => r.type === 'ram' && r.baseBytes < kernel.maxMemBytes)
    .map((r) => ({ baseBytes: r.baseBytes, endBytes: Math.min(r.endBytes, kernel.maxMemBytes) }))
    .sort((a, b) => a.baseBytes - b.baseBytes)

  const merged: MemblockRegion[] = []
  for (const r of ram) {
    const last = merged[merged.length - 1]
    if (last && r.baseBytes <= last.endBytes) last.endBytes = Math.max(last.endBytes, r.endBytes)
    else merged.push({ ...r })
  }

  const trimmed: MemblockRegion[] = []
  for (const r of merged) {
    const baseBytes = alignUp(r.baseBytes, PAGE_SIZE_BYTES)
    const endBytes = alignDown(r.endBytes, PAGE_SIZE_BYTES)
    if (baseBytes < endBytes) trimmed.push({ baseBytes, endBytes })
  }
  return trimmed
}

/**
 * memblock → TDX memory blocks, as build_tdx_memlist() does (dpamt-model.md §1.2 steps 2-4):
 * for_each_mem_pfn_range gives PFN_UP(base)..PFN_DOWN(end) per node-labelled region, skipping empty
 * ranges; then the first 1 MiB is clamped away ("The first 1MB is not reported as TDX convertible
 * memory").
 */
export function buildTdxMemoryBlocks(regions: readonly NodeRange[]): TdxMemoryBlock[] {
  const minPfn = pfnDown(SZ_1M_BYTES)
  const blocks: TdxMemoryBlock[] = []
  for (const region of regions) {
    const endPfn = pfnDown(region.endBytes)
    const startPfn = Math.max(pfnUp(region.baseBytes), minPfn)
    if (startPfn >= endPfn) continue
    blocks.push({ startPfn, endPfn, nid: region.nid })
  }
  return blocks
}

/**
 * max_pfn as e820__end_of_ram_pfn() computes it: the highest `(addr + size) >> PAGE_SHIFT` over
 * RAM entries, limited to MAXMEM (dpamt-model.md §2.5 uses it to size the refcount array).
 */
export function computeMaxPfn(ranges: readonly MemoryRange[], kernel: KernelParams): number {
  const limitPfn = pfnDown(kernel.maxMemBytes)
  let maxPfn = 0
  for (const r of ranges) {
    if (r.type !== 'ram') continue
    const startPfn = pfnDown(r.baseBytes)
    if (startPfn >= limitPfn) continue
    maxPfn = Math.max(maxPfn, Math.min(pfnDown(r.endBytes), limitPfn))
  }
  return maxPfn
}
