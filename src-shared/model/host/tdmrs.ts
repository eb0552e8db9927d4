import type { TdxMemoryBlock } from './memoryBlocks'
import { SZ_1G_BYTES, alignDown, alignUp, pfnToBytes } from './units'

/** TDMR_ALIGNMENT (dpamt-model.md §1.3). */
export const TDMR_ALIGNMENT_BYTES = SZ_1G_BYTES
/** TDMR_NR_WARN: warn when fewer than this many TDMR slots remain (§1.3). */
export const TDMR_NR_WARN = 4

export interface TdmrRange {
  baseBytes: number
  sizeBytes: number
}

export type FillTdmrsResult =
  | { ok: true; tdmrs: TdmrRange[]; reachingLimit: boolean }
  | { ok: false; tdmrs: TdmrRange[]; code: 'TDMRS_EXHAUSTED' }

/**
 * fill_out_tdmrs() (dpamt-model.md §1.3): one 1 GiB-aligned TDMR per memory block, shared when
 * blocks fall in the same rounded span, each new TDMR starting no lower than the previous end.
 * On exhaustion the kernel fails init with -ENOSPC; the TDMRs built so far are returned for display.
 */
export function fillOutTdmrs(blocks: readonly TdxMemoryBlock[], maxTdmrs: number): FillTdmrsResult {
  const tdmrs: TdmrRange[] = []
  for (const tmb of blocks) {
    let startBytes = alignDown(pfnToBytes(tmb.startPfn), TDMR_ALIGNMENT_BYTES)
    const endBytes = alignUp(pfnToBytes(tmb.endPfn), TDMR_ALIGNMENT_BYTES)
    const current = tdmrs[tdmrs.length - 1]
    if (current) {
      const currentEnd = current.baseBytes + current.sizeBytes
      if (endBytes <= currentEnd) continue
      if (startBytes < currentEnd) startBytes = currentEnd
      if (tdmrs.length >= maxTdmrs) return { ok: false, tdmrs, code: 'TDMRS_EXHAUSTED' }
    }
    tdmrs.push({ baseBytes: startBytes, sizeBytes: endBytes - startBytes })
  }
  return { ok: true, tdmrs, reachingLimit: maxTdmrs - tdmrs.length < TDMR_NR_WARN }
}

/**
 * tdmr_get_nid() (dpamt-model.md §1.5): the node of the first memory block that ends above the
 * TDMR's base; node 0 (with the kernel's fallback warning) when none does.
 */
export function tdmrPamtNid(
  tdmr: TdmrRange,
  blocks: readonly TdxMemoryBlock[]
): { nid: number; fallback: boolean } {
  for (const tmb of blocks) {
    if (pfnToBytes(tmb.endPfn) > tdmr.baseBytes) return { nid: tmb.nid, fallback: false }
  }
  return { nid: 0, fallback: true }
}
