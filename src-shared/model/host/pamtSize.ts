import type { TdmrRange } from './tdmrs'
import type { TdxModuleParams } from './tdxModuleParams'
import { divRoundUp, floorDiv, pageAlign } from './units'

/** The three static PAMT levels of one TDMR, in bytes (dpamt-model.md §1.4). */
export interface PamtLevelsBytes {
  pamt4kBytes: number
  pamt2mBytes: number
  pamt1gBytes: number
}

/** The Dynamic PAMT static part of one TDMR: PAMT_4K replaced by the page bitmap (§2.3). */
export interface DpamtStaticBytes {
  bitmapBytes: number
  pamt2mBytes: number
  pamt1gBytes: number
}

/** tdmr_get_pamt_sz(): PAGE_ALIGN((tdmr.size >> shift) * entry_size) for one level (§1.4). */
export function pamtLevelBytes(
  tdmrSizeBytes: number,
  pageSizeBytes: number,
  entryBytes: number
): number {
  return pageAlign(floorDiv(tdmrSizeBytes, pageSizeBytes) * entryBytes)
}

/** Static PAMT per level for one TDMR (dpamt-model.md §1.4). */
export function staticPamtBytes(tdmr: TdmrRange, params: TdxModuleParams): PamtLevelsBytes {
  return {
    pamt4kBytes: pamtLevelBytes(tdmr.sizeBytes, 4096, params.pamt4kEntryBytes),
    pamt2mBytes: pamtLevelBytes(tdmr.sizeBytes, 2 ** 21, params.pamt2mEntryBytes),
    pamt1gBytes: pamtLevelBytes(tdmr.sizeBytes, 2 ** 30, params.pamt1gEntryBytes)
  }
}

/**
 * tdmr_get_pamt_bitmap_sz() (v6 02/11, dpamt-model.md §2.3):
 * PAGE_ALIGN(DIV_ROUND_UP((tdmr.size >> 12) * bits_per_entry, 8)).
 */
export function pamtBitmapBytes(tdmrSizeBytes: number, bitsPerPage: number): number {
  return pageAlign(divRoundUp(floorDiv(tdmrSizeBytes, 4096) * bitsPerPage, 8))
}

/** The Dynamic PAMT static part of one TDMR (dpamt-model.md §2.3). */
export function dpamtStaticBytes(tdmr: TdmrRange, params: TdxModuleParams): DpamtStaticBytes {
  const levels = staticPamtBytes(tdmr, params)
  return {
    bitmapBytes: pamtBitmapBytes(tdmr.sizeBytes, params.pamtBitmapBitsPerPage),
    pamt2mBytes: levels.pamt2mBytes,
    pamt1gBytes: levels.pamt1gBytes
  }
}

export function sumPamtLevels(levels: PamtLevelsBytes): number {
  return levels.pamt4kBytes + levels.pamt2mBytes + levels.pamt1gBytes
}

export function sumDpamtStatic(parts: DpamtStaticBytes): number {
  return parts.bitmapBytes + parts.pamt2mBytes + parts.pamt1gBytes
}
