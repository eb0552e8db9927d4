/**
 * The CPU physical address bits that the Dynamic PAMT 48-bit check compares (dpamt-model.md §2.2).
 * The v6 series (10/11 "x86/virt/tdx: Enable Dynamic PAMT") has tdx_supports_dynamic_pamt() return
 * `tdx_features0 & TDX_FEATURES0_DYNAMIC_PAMT && boot_cpu_data.x86_phys_bits <= 48`, "The TDX
 * Module's internal Dynamic PAMT tree structure can't handle physical addresses with more than 48
 * bits". (In review, Kiryl Shutsemau asked whether to warn above 48 and Chao Gao whether to drop the
 * check and have the module stop advertising DPAMT instead: the check may change.)
 *
 * x86_phys_bits is CPUID 0x80000008 EAX[7:0] (MAXPHYADDR) less the MKTME/TDX KeyID bits
 * (detect_tme_early(), arch/x86/kernel/cpu/intel.c). Where it comes from, best first:
 *
 * 1. `parameter`: KernelParams.physAddrBits (CLI `--phys-bits`, the model options panel): exact.
 * 2. `log-address-sizes`: /proc/cpuinfo or lscpu `address sizes: N bits physical` in the file: exact.
 * 3. `log-keyid-bits`: the KeyID bits K of an `x86/mktme:` line: at most 52 − K, because
 *    MAXPHYADDR is at most 52 (Intel SDM Vol. 3A §4.1.4; Ice Lake-SP and Sapphire Rapids Xeons
 *    report 52 when no KeyID bits are taken).
 * 4. `log-tdx-keyids`: TDX's `private KeyID range [a, b)`: KeyIDs live in the top K address bits,
 *    so b ≤ 2^K, K ≥ ⌈log2 b⌉ and x86_phys_bits ≤ 52 − ⌈log2 b⌉ (record_keyid_partitioning(),
 *    arch/x86/virt/vmx/tdx/tdx.c: the TDX KeyIDs follow the MKTME ones).
 * 5. `memory`: RAM up to byte X needs x86_phys_bits ≥ bit length of X; with none of the above, that
 *    lower bound is all there is (it decides only when the memory reaches past 2^48).
 */
import type { KernelTdxLog } from './memoryMap'
import type { Problem } from './problem'
import { toHex } from './units'

/** DPAMT needs x86_phys_bits ≤ 48 (v6 10/11, dpamt-model.md §2.2). */
export const DPAMT_MAX_PHYS_ADDR_BITS = 48
/** MAXPHYADDR is at most 52 bits (Intel SDM Vol. 3A §4.1.4). */
export const MAX_PHYS_ADDR_BITS_ARCH = 52

export type PhysAddrBitsSource =
  'parameter' | 'log-address-sizes' | 'log-keyid-bits' | 'log-tdx-keyids' | 'memory'

/** What the model knows of x86_phys_bits: a value, an upper bound, or a lower bound. */
export interface PhysAddrBitsEstimate {
  bits: number
  /** `exact`: the value; `at-most` / `at-least`: a bound. */
  kind: 'exact' | 'at-most' | 'at-least'
  source: PhysAddrBitsSource
  /** The log line it came from (null for the parameter, the TDX KeyID range and memory). */
  line: number | null
  /** Where the number comes from, in words, for problem messages and the UI. */
  origin: string
}

/** Bit length of the highest byte: the fewest address bits that reach it. */
function bitsToReach(highestByte: number): number {
  return highestByte <= 0 ? 0 : Math.floor(Math.log2(highestByte)) + 1
}

const at = (line: number | null): string => (line === null ? '' : `, line ${line}`)

/** The best estimate of x86_phys_bits the inputs give, by the order in the file comment. */
export function estimatePhysAddrBits(
  parameter: number | null,
  log: KernelTdxLog,
  highestTdxByte: number
): PhysAddrBitsEstimate {
  if (parameter !== null) {
    return {
      bits: parameter,
      kind: 'exact',
      source: 'parameter',
      line: null,
      origin: 'the physAddrBits parameter'
    }
  }
  if (log.physAddrBits !== null) {
    const { bits, line } = log.physAddrBits
    return {
      bits,
      kind: 'exact',
      source: 'log-address-sizes',
      line,
      origin: `"address sizes: ${bits} bits physical"${at(line)}`
    }
  }
  if (log.keyIdBits !== null) {
    const { bits, line } = log.keyIdBits
    return {
      bits: MAX_PHYS_ADDR_BITS_ARCH - bits,
      kind: 'at-most',
      source: 'log-keyid-bits',
      line,
      origin: `MAXPHYADDR ≤ ${MAX_PHYS_ADDR_BITS_ARCH} less ${bits} MKTME/TDX KeyID bits (x86/mktme${at(line)})`
    }
  }
  if (log.keyIdRange !== null && log.keyIdRange.end > 1) {
    const keyIdBits = Math.ceil(Math.log2(log.keyIdRange.end))
    return {
      bits: MAX_PHYS_ADDR_BITS_ARCH - keyIdBits,
      kind: 'at-most',
      source: 'log-tdx-keyids',
      line: null,
      origin: `MAXPHYADDR ≤ ${MAX_PHYS_ADDR_BITS_ARCH} less at least ${keyIdBits} KeyID bits (TDX private KeyID range [${log.keyIdRange.first}, ${log.keyIdRange.end}))`
    }
  }
  return {
    bits: bitsToReach(highestTdxByte),
    kind: 'at-least',
    source: 'memory',
    line: null,
    origin: `TDX memory reaching ${toHex(highestTdxByte)}`
  }
}

/**
 * The 48-bit check as a problem, or null when it passes: a warning when x86_phys_bits is over 48
 * for certain (a value, or memory past 2^48), information when only a bound above 48 is known, or
 * nothing is known and the analysis is for Dynamic PAMT.
 */
export function physAddrBitsProblem(
  estimate: PhysAddrBitsEstimate,
  highestTdxByte: number,
  dynamicPamt: boolean
): Problem | null {
  const max = DPAMT_MAX_PHYS_ADDR_BITS
  const line = estimate.line !== null ? { line: estimate.line } : {}
  const over = (how: string): Problem => ({
    code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
    severity: 'warning',
    message: `x86_phys_bits is ${how} (${estimate.origin}), over ${max}: v6 kernels do not enable Dynamic PAMT on this host (tdx_supports_dynamic_pamt(), §2.2). Static PAMT sizes apply.`,
    ...line
  })
  const reach = bitsToReach(highestTdxByte)
  if (estimate.kind === 'exact') return estimate.bits > max ? over(`${estimate.bits}`) : null
  // Memory past 2^48 settles it whatever bound the log gives.
  if (reach > max) {
    return {
      code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
      severity: 'warning',
      message: `TDX memory reaches ${toHex(highestTdxByte)}, so x86_phys_bits is at least ${reach}, over ${max}: v6 kernels do not enable Dynamic PAMT on this host (tdx_supports_dynamic_pamt(), §2.2). Static PAMT sizes apply.`
    }
  }
  if (estimate.kind === 'at-most') {
    if (estimate.bits <= max) return null
    return {
      code: 'DPAMT_PHYS_ADDR_BITS_UNCERTAIN',
      severity: 'info',
      message: `x86_phys_bits is at most ${estimate.bits} (${estimate.origin}); v6 kernels enable Dynamic PAMT only at ${max} or fewer. Set physAddrBits (--phys-bits) to the host's "address sizes" from /proc/cpuinfo to decide.`,
      ...line
    }
  }
  if (!dynamicPamt) return null
  return {
    code: 'DPAMT_PHYS_ADDR_BITS_UNKNOWN',
    severity: 'info',
    message: `The input does not give x86_phys_bits (no /proc/cpuinfo "address sizes", x86/mktme or TDX KeyID line), so the ${max}-bit check of v6 kernels is not made. Set physAddrBits (--phys-bits) to the host's "address sizes" from /proc/cpuinfo.`
  }
}

/** "46 (…)", "at most 45 (…)" or "at least 37 (…)": the estimate in words, for reports and the UI. */
export function describePhysAddrBits(e: PhysAddrBitsEstimate): string {
  const bound = e.kind === 'exact' ? '' : e.kind === 'at-most' ? 'at most ' : 'at least '
  return `${bound}${e.bits} (${e.origin})`
}
