/**
 * TDX module global metadata that shapes PAMT (dpamt-model.md §1.1). The kernel reads these with
 * TDH.SYS.RD; the planner takes them as editable inputs with the TDX module 1.5 values as defaults.
 */
export interface TdxModuleParams {
  /** `max_tdmrs`; MOD-1.5 `MAX_TDMRS 64`. */
  maxTdmrs: number
  /** `max_reserved_per_tdmr`; MOD-1.5 `MAX_RESERVED_AREAS 16U`. */
  maxReservedPerTdmr: number
  /** `pamt_4k_entry_size` in bytes; MOD-1.5 `PAMT_ENTRY_SIZE_IN_BYTES 16`. */
  pamt4kEntryBytes: number
  /** `pamt_2m_entry_size` in bytes. */
  pamt2mEntryBytes: number
  /** `pamt_1g_entry_size` in bytes. */
  pamt1gEntryBytes: number
  /** `pamt_page_bitmap_entry_bits` (Dynamic PAMT only): "currently it is 1" (v2, RFCv1; v6 02/11). */
  pamtBitmapBitsPerPage: number
  /** `tdr_base_size` in bytes; MOD-1.5 `sizeof(tdr_t)` = 4096. */
  tdrBaseBytes: number
  /** `tdcs_base_size` in bytes; MOD-1.5 `MIN_NUM_TDCS_PAGES = 6` (9 in the MOD-DP source). */
  tdcsBaseBytes: number
  /** `tdvps_base_size` in bytes; `MIN_TDVPS_PAGES = 6` in both module versions. */
  tdvpsBaseBytes: number
}

/** Defaults: TDX module 1.5 (MOD-1.5 sources, dpamt-model.md §1.1 table). */
export const TDX_MODULE_1_5_PARAMS: Readonly<TdxModuleParams> = Object.freeze({
  maxTdmrs: 64,
  maxReservedPerTdmr: 16,
  pamt4kEntryBytes: 16,
  pamt2mEntryBytes: 16,
  pamt1gEntryBytes: 16,
  pamtBitmapBitsPerPage: 1,
  tdrBaseBytes: 4096,
  tdcsBaseBytes: 6 * 4096,
  tdvpsBaseBytes: 6 * 4096
})

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
}

export const DEFAULT_KERNEL_PARAMS: Readonly<KernelParams> = Object.freeze({
  maxMemBytes: 2 ** 46
})
