/**
 * TDX module global metadata that shapes PAMT (dpamt-model.md §1.1). The kernel reads these with
 * TDH.SYS.RD (TDX module 1.5 and later; the 1.0-era kernels read the TDH.SYS.INFO structure); the
 * planner takes them as editable inputs, preset from the module the boot log names
 * (moduleVersion.ts): TDX module 1.0, 1.5, or the Dynamic PAMT module. TDX 1.5 is the default.
 */
export interface TdxModuleParams {
  /** `max_tdmrs`; `MAX_TDMRS 64` in every module source checked. */
  maxTdmrs: number
  /** `max_reserved_per_tdmr`; `MAX_RESERVED_AREAS 16U` in every module source checked. */
  maxReservedPerTdmr: number
  /** `pamt_4k_entry_size` in bytes; `PAMT_ENTRY_SIZE_IN_BYTES 16`. */
  pamt4kEntryBytes: number
  /** `pamt_2m_entry_size` in bytes. */
  pamt2mEntryBytes: number
  /** `pamt_1g_entry_size` in bytes. */
  pamt1gEntryBytes: number
  /** `pamt_page_bitmap_entry_bits` (Dynamic PAMT only): "currently it is 1" (v2, RFCv1; v6 02/11). */
  pamtBitmapBitsPerPage: number
  /** `tdr_base_size` in bytes; `sizeof(tdr_t)` = 4096 (the TDR is one page). */
  tdrBaseBytes: number
  /** `tdcs_base_size` in bytes: 4 pages (1.0), 6 (1.5), 9 (Dynamic PAMT module). */
  tdcsBaseBytes: number
  /** `tdvps_base_size` in bytes; 6 pages in every module source checked. */
  tdvpsBaseBytes: number
}

/**
 * Each parameter's kernel name: the global metadata field the kernel reads (struct
 * tdx_sys_info_tdmr / _td_ctrl in arch/x86/virt/vmx/tdx/tdx_global_metadata.h), shown by the GUI
 * and accepted, like the key, by the CLI's `--param` (dpamt-model.md §1.1).
 */
export const TDX_PARAM_NAMES: Readonly<Record<keyof TdxModuleParams, string>> = Object.freeze({
  maxTdmrs: 'max_tdmrs',
  maxReservedPerTdmr: 'max_reserved_per_tdmr',
  pamt4kEntryBytes: 'pamt_4k_entry_size',
  pamt2mEntryBytes: 'pamt_2m_entry_size',
  pamt1gEntryBytes: 'pamt_1g_entry_size',
  pamtBitmapBitsPerPage: 'pamt_page_bitmap_entry_bits',
  tdrBaseBytes: 'tdr_base_size',
  tdcsBaseBytes: 'tdcs_base_size',
  tdvpsBaseBytes: 'tdvps_base_size'
})

/** The parameter a user named, by its kernel name (`max_tdmrs`) or its key (`maxTdmrs`). */
export function tdxParamKey(name: string): keyof TdxModuleParams | null {
  for (const [key, kernel] of Object.entries(TDX_PARAM_NAMES) as Array<
    [keyof TdxModuleParams, string]
  >)
    if (name === key || name === kernel) return key
  return null
}

const PAGE_BYTES = 4096

/**
 * TDX module 1.5: tag `TDX_1.5.01` of intel/tdx-module (branch `tdx_1.5`). `metadata_sys.c`
 * (md_sys_get_elements) returns MAX_TDMRS (`tdx_global_data.h` 64), MAX_RESERVED_AREAS
 * (`include/tdx_api_defs.h` 16U), `sizeof(pamt_entry_t)` for all three entry sizes
 * (`pamt_manager.h` PAMT_ENTRY_SIZE_IN_BYTES 16), `sizeof(tdr_t)` (static-asserted 4096),
 * MIN_NUM_TDCS_PAGES × 4 KiB (`td_control_structures.h` 6) and MIN_TDVPS_PAGES × 4 KiB
 * (`tdx_tdvps.h` 6). 1.5 has no `pamt_page_bitmap_entry_bits`; the Dynamic PAMT module's 1 is kept
 * (it only matters for the DPAMT static part).
 */
export const TDX_MODULE_1_5_PARAMS: Readonly<TdxModuleParams> = Object.freeze({
  maxTdmrs: 64,
  maxReservedPerTdmr: 16,
  pamt4kEntryBytes: 16,
  pamt2mEntryBytes: 16,
  pamt1gEntryBytes: 16,
  pamtBitmapBitsPerPage: 1,
  tdrBaseBytes: PAGE_BYTES,
  tdcsBaseBytes: 6 * PAGE_BYTES,
  tdvpsBaseBytes: 6 * PAGE_BYTES
})

/**
 * TDX module 1.0: the published 1.0 source, commit "TDX_1.0_V1.00" (2022-02-03; the qizhangz/tdx-module
 * copy of Intel's release). `tdh_sys_info.c` (tdh_sys_info) fills TDHSYSINFO_STRUCT: `max_tdmrs =
 * MAX_TDMRS` (64, defined in that file), `max_reserved_per_tdmr = MAX_RESERVED_AREAS`
 * (`include/tdx_api_defs.h` 16U), one `pamt_entry_size = sizeof(pamt_entry_t)` for all three levels
 * (`pamt_manager.h` PAMT_ENTRY_SIZE_IN_BYTES 16), `tdcs_base_size = 4 KiB × MAX_NUM_TDCS_PAGES`
 * (`td_control_structures.h` 4) and `tdvps_base_size = 4 KiB × MAX_TDVPS_PAGES` (`tdx_tdvps.h` 6).
 * 1.0 reports no TDR size: the TDR is one 4 KiB page (TDH.MNG.CREATE takes one page;
 * `sizeof(tdr_t) <= TDX_PAGE_SIZE_IN_BYTES`). 1.0 has no Dynamic PAMT, so the bitmap bits are not
 * applicable and keep the 1.5 value (unverified, unused by static PAMT). Later 1.0 builds (e.g.
 * build 457, 2023) were not published as source: that they keep these values is unverified.
 */
export const TDX_MODULE_1_0_PARAMS: Readonly<TdxModuleParams> = Object.freeze({
  ...TDX_MODULE_1_5_PARAMS,
  tdcsBaseBytes: 4 * PAGE_BYTES
})

/**
 * The Dynamic PAMT module: intel/tdx-module commit 1666adc494dbea5db99895f37125a338c20bec5a (DPAMT
 * and TDX-IO). `metadata_sys.c` (md_sys_get_elements) returns MAX_TDMRS (`tdx_global_data.h` 64),
 * MAX_RESERVED_AREAS (`include/tdx_api_defs.h` 16U), `sizeof(pamt_entry_t)` for all three entry sizes
 * (`pamt_manager.h` 16; `pamt_non_leaf_entry_t` is static-asserted to the same 16 bytes), 1 for
 * `pamt_page_bitmap_entry_bits`, `sizeof(tdr_t)` (4096), MIN_NUM_TDCS_PAGES × 4 KiB
 * (`td_control_structures.h` **9**) and MIN_TDVPS_PAGES × 4 KiB (`tdx_tdvps.h` 6).
 */
export const TDX_MODULE_DPAMT_PARAMS: Readonly<TdxModuleParams> = Object.freeze({
  ...TDX_MODULE_1_5_PARAMS,
  tdcsBaseBytes: 9 * PAGE_BYTES
})

/** The named parameter sets, in the order the UI lists them. */
export const MODULE_PARAM_SET_IDS = ['1.0', '1.5', 'dpamt'] as const
export type ModuleParamSetId = (typeof MODULE_PARAM_SET_IDS)[number]

export interface ModuleParamSet {
  id: ModuleParamSetId
  label: string
  /** The module source the values come from. */
  source: string
  params: Readonly<TdxModuleParams>
  /** Per parameter: the file and constant the value comes from (shown as the input's tooltip). */
  citations: Readonly<Record<keyof TdxModuleParams, string>>
  /** Parameters this module's source does not give: the 1.5 value is kept and marked unverified. */
  unverified: ReadonlyArray<keyof TdxModuleParams>
}

const ENTRY = 'pamt_manager.h PAMT_ENTRY_SIZE_IN_BYTES 16'

export const MODULE_PARAM_SETS: Readonly<Record<ModuleParamSetId, ModuleParamSet>> = {
  '1.0': {
    id: '1.0',
    label: 'TDX module 1.0',
    source: 'TDX module 1.0 source (TDX_1.0_V1.00), TDH.SYS.INFO',
    params: TDX_MODULE_1_0_PARAMS,
    citations: {
      maxTdmrs: '1.0 tdh_sys_info.c MAX_TDMRS 64',
      maxReservedPerTdmr: '1.0 tdx_api_defs.h MAX_RESERVED_AREAS 16U',
      pamt4kEntryBytes: `1.0 ${ENTRY} (one pamt_entry_size for all levels)`,
      pamt2mEntryBytes: `1.0 ${ENTRY} (one pamt_entry_size for all levels)`,
      pamt1gEntryBytes: `1.0 ${ENTRY} (one pamt_entry_size for all levels)`,
      pamtBitmapBitsPerPage: 'not in 1.0 (no Dynamic PAMT): 1.5 value kept, unverified',
      tdrBaseBytes: '1.0: the TDR is one 4 KiB page (td_control_structures.h tdr_t)',
      tdcsBaseBytes: '1.0 td_control_structures.h MAX_NUM_TDCS_PAGES 4 × 4 KiB',
      tdvpsBaseBytes: '1.0 tdx_tdvps.h MAX_TDVPS_PAGES 6 × 4 KiB'
    },
    unverified: ['pamtBitmapBitsPerPage']
  },
  '1.5': {
    id: '1.5',
    label: 'TDX module 1.5',
    source: 'TDX module 1.5 source (TDX_1.5.01)',
    params: TDX_MODULE_1_5_PARAMS,
    citations: {
      maxTdmrs: '1.5 tdx_global_data.h MAX_TDMRS 64',
      maxReservedPerTdmr: '1.5 tdx_api_defs.h MAX_RESERVED_AREAS 16U',
      pamt4kEntryBytes: `1.5 ${ENTRY}`,
      pamt2mEntryBytes: `1.5 ${ENTRY}`,
      pamt1gEntryBytes: `1.5 ${ENTRY}`,
      pamtBitmapBitsPerPage:
        'not in 1.5: the Dynamic PAMT module value (DPAMT v6 02/11, "currently it is 1")',
      tdrBaseBytes: '1.5 metadata_sys.c sizeof(tdr_t) = 4096',
      tdcsBaseBytes: '1.5 td_control_structures.h MIN_NUM_TDCS_PAGES 6 × 4 KiB',
      tdvpsBaseBytes: '1.5 tdx_tdvps.h MIN_TDVPS_PAGES 6 × 4 KiB'
    },
    unverified: []
  },
  dpamt: {
    id: 'dpamt',
    label: 'Dynamic PAMT module',
    source: 'intel/tdx-module 1666adc4 (Dynamic PAMT, TDX-IO)',
    params: TDX_MODULE_DPAMT_PARAMS,
    citations: {
      maxTdmrs: 'DPAMT module tdx_global_data.h MAX_TDMRS 64',
      maxReservedPerTdmr: 'DPAMT module tdx_api_defs.h MAX_RESERVED_AREAS 16U',
      pamt4kEntryBytes: `DPAMT module ${ENTRY}`,
      pamt2mEntryBytes: `DPAMT module ${ENTRY}`,
      pamt1gEntryBytes: `DPAMT module ${ENTRY}`,
      pamtBitmapBitsPerPage: 'DPAMT module metadata_sys.c pamt_page_bitmap_entry_bits = 1',
      tdrBaseBytes: 'DPAMT module metadata_sys.c sizeof(tdr_t) = 4096',
      tdcsBaseBytes: 'DPAMT module td_control_structures.h MIN_NUM_TDCS_PAGES 9 × 4 KiB',
      tdvpsBaseBytes: 'DPAMT module tdx_tdvps.h MIN_TDVPS_PAGES 6 × 4 KiB'
    },
    unverified: []
  }
}

/** Names and bounds for validating user-edited parameters (CLI --param, the UI, host JSON). */
export const TDX_MODULE_PARAM_LIMITS: Readonly<
  Record<keyof TdxModuleParams, { min: number; max: number }>
> = {
  maxTdmrs: { min: 1, max: 1024 },
  maxReservedPerTdmr: { min: 1, max: 1024 },
  pamt4kEntryBytes: { min: 1, max: 4096 },
  pamt2mEntryBytes: { min: 1, max: 4096 },
  pamt1gEntryBytes: { min: 1, max: 4096 },
  pamtBitmapBitsPerPage: { min: 1, max: 64 },
  tdrBaseBytes: { min: 4096, max: 1 << 24 },
  tdcsBaseBytes: { min: 4096, max: 1 << 24 },
  tdvpsBaseBytes: { min: 4096, max: 1 << 24 }
}

/** Kernel-side parameters the kernel (not the module) fixes, exposed because they vary by config. */
export interface KernelParams {
  /**
   * MAXMEM: RAM at or above it is skipped by e820__memblock_setup (dpamt-model.md §1.2 step 1).
   * Default 64 TiB = 4-level paging (`MAXMEM = 1 << MAX_PHYSMEM_BITS`, MAX_PHYSMEM_BITS 46).
   */
  maxMemBytes: number
  /**
   * `boot_cpu_data.x86_phys_bits`: CPUID 0x80000008 EAX[7:0] less the MKTME/TDX KeyID bits; the
   * Dynamic PAMT series (v6) enables DPAMT only when it is at most 48 (physAddrBits.ts). Default
   * null: taken from the log, else bounded (see physAddrBits.ts); a number given here wins.
   */
  physAddrBits: number | null
}

export const DEFAULT_KERNEL_PARAMS: Readonly<KernelParams> = Object.freeze({
  maxMemBytes: 2 ** 46,
  physAddrBits: null
})

/** Bounds for a given physAddrBits (CLI --phys-bits, the UI, requests): x86-64 CPUs have 36-52. */
export const PHYS_ADDR_BITS_LIMITS = Object.freeze({ min: 32, max: 52 })
