/**
 * The host's physical memory map as imported: typed ranges with half-open byte bounds and the
 * source line each came from. Shared by every importer (dpamt-model.md §1.2, §4).
 */

/** e820 entry types after normalising both kernel vocabularies (classic and 2025+). */
export type MemoryRangeType =
  | 'ram'
  | 'reserved'
  | 'soft-reserved'
  | 'acpi-data'
  | 'acpi-nvs'
  | 'unusable'
  | 'persistent'
  | 'other'

/** Where the memory list came from: an e820 table, or TDX CMR lines standing in for it. */
export type MemorySource = 'e820' | 'cmr'

export interface MemoryRange {
  /** First byte of the range. */
  baseBytes: number
  /** One past the last byte (half-open), so `[base, end)`; e820's inclusive end + 1. */
  endBytes: number
  type: MemoryRangeType
  /** The type text as the log printed it, e.g. "usable", "System RAM", "type 20". */
  typeLabel: string
  /** NUMA node; 0 until NUMA import exists. */
  nid: number
  /** 1-based line in the imported file. */
  line: number
}

/** A TDX Convertible Memory Region printed by downstream kernels (dpamt-model.md §4). */
export interface CmrRange {
  baseBytes: number
  endBytes: number
  line: number
}

/** What the kernel itself printed about TDX, kept for calibration against the model. */
export interface KernelTdxLog {
  /** `N KB allocated for PAMT` (dpamt-model.md §1.7), with its line. */
  pamtKb: number | null
  pamtKbLine: number | null
  /** `Enable Dynamic PAMT` was printed (dpamt-model.md §2.2). */
  dynamicPamtEnabled: boolean
  /** Module version text as printed, when any variant was found. */
  moduleVersion: string | null
  /** `module initialized` / `TDX-Module initialized` (true), `... failed (N)` (false), or unknown. */
  initialized: boolean | null
}

/** A host as the model consumes it: the memory list plus what the log said about TDX. */
export interface HostInput {
  /** Display name, usually the file name. */
  name: string
  /** The e820 table (or the CMRs turned into RAM ranges when there is no e820 table). */
  ranges: MemoryRange[]
  memorySource: MemorySource
  cmrs: CmrRange[]
  kernelLog: KernelTdxLog
}
