/** The two closed forms of the kernel's KB line (dpamt-model.md §1.7). */
export const STATIC_KB_PER_GIB = 4104
export const DPAMT_KB_PER_GIB = 40
/** PAMT_1G is one page per TDMR while TDMRs are at most 256 GiB. */
export const KB_PER_TDMR = 4

export interface DecodedPamtKb {
  tdmrGiB: number
  tdmrCount: number
  /** DPAMT values fit several (G, N) pairs (40·G + 4·N): the smallest N is reported. */
  ambiguous: boolean
}

/**
 * Decode a kernel "N KB allocated for PAMT" value into TDMR GiB and TDMR count with
 * KB = 4104·G + 4·N (static) or 40·G + 4·N (Dynamic PAMT), dpamt-model.md §1.7. Exact for 16-byte
 * entries and TDMRs ≤ 256 GiB; null when the value does not fit the form for 1..max_tdmrs TDMRs.
 */
export function decodeKernelPamtKb(
  kb: number,
  dynamicPamt: boolean,
  maxTdmrs: number
): DecodedPamtKb | null {
  const perGiB = dynamicPamt ? DPAMT_KB_PER_GIB : STATIC_KB_PER_GIB
  const fits: Array<{ tdmrGiB: number; tdmrCount: number }> = []
  for (let n = 1; n <= maxTdmrs; n++) {
    const rest = kb - KB_PER_TDMR * n
    if (rest <= 0) break
    if (rest % perGiB === 0) fits.push({ tdmrGiB: rest / perGiB, tdmrCount: n })
  }
  const first = fits[0]
  return first ? { ...first, ambiguous: fits.length > 1 } : null
}
