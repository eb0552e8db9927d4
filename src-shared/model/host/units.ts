/** Byte and page-frame units used throughout the model (dpamt-model.md header: KiB = 1024 B). */

export const PAGE_SHIFT = 12
export const PAGE_SIZE_BYTES = 1 << PAGE_SHIFT
export const SZ_1M_BYTES = 1 << 20
export const SZ_2M_BYTES = 1 << 21
export const SZ_1G_BYTES = 2 ** 30
export const SZ_1T_BYTES = 2 ** 40
/** Physical addresses are at most 52 bits on x86-64 (MAXPHYADDR). */
export const MAX_PHYS_ADDR_BITS = 52
export const MAX_PHYS_ADDR_BYTES = 2 ** MAX_PHYS_ADDR_BITS

/** floor(a / b) for non-negative integers that may exceed 2^32 (no bit ops). */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b)
}

/** DIV_ROUND_UP for non-negative integers below 2^53. */
export function divRoundUp(a: number, b: number): number {
  return Math.ceil(a / b)
}

/** ALIGN_DOWN to a power-of-two or any positive alignment. */
export function alignDown(value: number, alignment: number): number {
  return value - (value % alignment)
}

/** ALIGN_UP / PAGE_ALIGN style rounding. */
export function alignUp(value: number, alignment: number): number {
  const rem = value % alignment
  return rem === 0 ? value : value + (alignment - rem)
}

/** PAGE_ALIGN(bytes). */
export function pageAlign(bytes: number): number {
  return alignUp(bytes, PAGE_SIZE_BYTES)
}

/** PFN_UP(addr): first whole page frame at or above addr. */
export function pfnUp(addrBytes: number): number {
  return divRoundUp(addrBytes, PAGE_SIZE_BYTES)
}

/** PFN_DOWN(addr): page frame containing addr (truncating). */
export function pfnDown(addrBytes: number): number {
  return floorDiv(addrBytes, PAGE_SIZE_BYTES)
}

/** Physical address of a page frame. */
export function pfnToBytes(pfn: number): number {
  return pfn * PAGE_SIZE_BYTES
}

/** The kernel's "N KB" is bytes / 1024, truncated (dpamt-model.md §1.7). */
export function bytesToKernelKb(bytes: number): number {
  return floorDiv(bytes, 1024)
}

/** "0x..." lower-case hex, the form used in the JSON contract and the UI. */
export function toHex(value: number): string {
  return '0x' + value.toString(16)
}
