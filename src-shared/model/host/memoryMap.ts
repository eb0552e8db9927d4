/**
 * The host's physical memory map as imported: typed ranges with half-open byte bounds and the
 * source line each came from. Shared by every importer (dpamt-model.md §1.2, §4).
 */
import type { TdxModuleParams } from './tdxModuleParams'

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

/** Where the memory list came from. */
export type MemorySource = 'e820' | 'cmr' | 'iomem' | 'firmware-memmap' | 'lsmem' | 'json'

/** Where the NUMA layout came from (`none`: one node, as the kernel's dummy NUMA init). */
export type NumaSource = 'srat' | 'numa-merge' | 'numactl' | 'lsmem' | 'json' | 'none'

export interface MemoryRange {
  /** First byte of the range. */
  baseBytes: number
  /** One past the last byte (half-open), so `[base, end)`; e820's inclusive end + 1. */
  endBytes: number
  type: MemoryRangeType
  /** The type text as the source printed it, e.g. "usable", "System RAM", "type 20". */
  typeLabel: string
  /** 1-based line in the imported file (0 when not from a line, e.g. JSON). */
  line: number
}

/**
 * One NUMA memory block as ACPI SRAT (or another source) describes it, before the kernel's
 * numa_cleanup_meminfo() merging (dpamt-model.md §1.2 step 1, "NUMA setup splits regions").
 */
export interface NumaMemblk {
  baseBytes: number
  endBytes: number
  nid: number
  /** SRAT "hotplug" flag. */
  hotplug: boolean
  line: number
}

/** A TDX Convertible Memory Region printed by downstream kernels (dpamt-model.md §4). */
export interface CmrRange {
  baseBytes: number
  endBytes: number
  line: number
}

/** What the kernel itself printed about TDX, kept for calibration against the model (§4). */
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
  /** The errno of `initialization failed (N)`, e.g. -28 (ENOSPC) or -5 (EIO). */
  initErrno: number | null
  /** The line of the first init outcome printed (success, failure or TDX disabled). */
  initLine: number | null
  /** What the kernel said failed, as printed (e.g. "TDMRs exhausted", "module initialization failed (-5)"). */
  initFailure: string | null
  /** TDX lines recognised in the log (0: the log says nothing about TDX). */
  tdxLines: number
  /** `BIOS enabled: private KeyID range [a, b)`. */
  keyIdRange: { first: number; end: number } | null
  /** `initialization failed: TDMRs exhausted.` */
  tdmrsExhausted: boolean
  /** `consumed TDMRs reaching limit: N used out of M`. */
  tdmrsReachingLimit: { used: number; max: number } | null
  /** `TDMR [a, b): reserved areas exhausted.` names the failing TDMR. */
  reservedAreasExhausted: { baseBytes: number; endBytes: number; line: number } | null
  /** `SEAMCALL (0x…) failed: 0x…` lines: leaf and status as printed. */
  seamcallFailures: Array<{ leaf: string; status: string; line: number }>
  /**
   * `boot_cpu_data.x86_phys_bits` from /proc/cpuinfo or lscpu `address sizes` in the same file
   * (the Dynamic PAMT 48-bit check, dpamt-model.md §2.2; import/dmesg/cpuLines.ts).
   */
  physAddrBits: { bits: number; line: number } | null
  /** The MKTME/TDX KeyID bits detect_tme_early() took off x86_phys_bits (`x86/mktme: …`). */
  keyIdBits: { bits: number; line: number } | null
}

/**
 * Logical CPUs per NUMA node as the boot log's ACPI SRAT CPU affinity lines list them
 * (`SRAT: PXM %u -> APIC 0x%02x -> Node %u`, `-> X2APIC`; arch/x86/mm/srat.c
 * acpi_numa_processor_affinity_init / acpi_numa_x2apic_affinity_init, which print only enabled
 * entries). Used as the contention model's machine; not used by the PAMT model.
 */
export interface CpuTopology {
  /** Distinct APIC ids (logical CPUs, SMT siblings included) per node, by node id. */
  nodes: Array<{ node: number; cpus: number }>
  /** The SRAT CPU affinity lines counted, and the first and last of them. */
  lines: number
  firstLine: number
  lastLine: number
}

/** A host as the model consumes it: the memory list plus what the sources said about NUMA and TDX. */
export interface HostInput {
  /** Display name, usually the file name. */
  name: string
  /** The memory map (e820 table after update/remove lines, or another source's ranges). */
  ranges: MemoryRange[]
  memorySource: MemorySource
  /** NUMA blocks; empty means a single node 0 (dummy NUMA init). */
  numaMemblks: NumaMemblk[]
  numaSource: NumaSource
  cmrs: CmrRange[]
  kernelLog: KernelTdxLog
  /** TDX module parameters carried by the input (canonical JSON host format), if any. */
  params?: Partial<TdxModuleParams>
  /** CPUs per NUMA node from SRAT CPU affinity lines (boot logs that print them), if any. */
  cpuTopology?: CpuTopology
}

/** An empty KernelTdxLog, for sources that print nothing about TDX. */
export function emptyKernelTdxLog(): KernelTdxLog {
  return {
    pamtKb: null,
    pamtKbLine: null,
    dynamicPamtEnabled: false,
    moduleVersion: null,
    initialized: null,
    initErrno: null,
    initLine: null,
    initFailure: null,
    tdxLines: 0,
    keyIdRange: null,
    tdmrsExhausted: false,
    tdmrsReachingLimit: null,
    reservedAreasExhausted: null,
    seamcallFailures: [],
    physAddrBits: null,
    keyIdBits: null
  }
}
