/**
 * Lines that give the CPU's physical address bits, `boot_cpu_data.x86_phys_bits`, which the Dynamic
 * PAMT series (v6 10/11, tdx_supports_dynamic_pamt()) requires to be at most 48. The kernel sets it
 * from CPUID 0x80000008 EAX[7:0] (get_cpu_address_sizes(), arch/x86/kernel/cpu/common.c) and
 * detect_tme_early() (arch/x86/kernel/cpu/intel.c) lowers it by the MKTME/TDX KeyID bits the BIOS
 * enabled. dmesg never prints the result, only the reduction:
 *
 * - v6.11 and later (commit 98b83cf0c1e2, "x86/cpu: Remove useless work in detect_tme_early()"):
 *   `x86/mktme: BIOS enabled: x86_phys_bits reduced by %d` when the KeyID bits are not 0;
 * - v4.19 to v6.10 (commit cb06d8e3d020): `x86/mktme: %d KeyIDs available` (2^bits − 1 KeyIDs), or
 *   `x86/mktme: disabled by BIOS` for 0 bits; `x86/tme: not enabled by BIOS` (both) means TME is
 *   off and nothing is subtracted.
 *
 * The value itself appears only in /proc/cpuinfo (`address sizes\t: %u bits physical, %u bits
 * virtual`, show_cpuinfo() in arch/x86/kernel/cpu/proc.c) and in lscpu's `Address sizes:`, read
 * here when such output is in the same file as the log.
 */
import type { KernelTdxLog } from '../../model/host/memoryMap'

/** /proc/cpuinfo `address sizes\t: 46 bits physical, 57 bits virtual`; lscpu `Address sizes: …`. */
const ADDRESS_SIZES_RE = /\b[Aa]ddress sizes\s*:\s*(\d+) bits physical, \d+ bits virtual/
/** v6.11+: `x86/mktme: BIOS enabled: x86_phys_bits reduced by %d` (the commit text says "enable"). */
const REDUCED_RE = /x86\/mktme: BIOS enabled?: x86_phys_bits reduced by (\d+)/
/** v4.19-v6.10: `x86/mktme: %d KeyIDs available`, %d = 2^keyid_bits − 1. */
const KEYIDS_RE = /x86\/mktme: (\d+) KeyIDs available/
/** v4.19-v6.10 `x86/mktme: disabled by BIOS`; all versions `x86/tme: not enabled by BIOS`. */
const NO_KEYIDS_RE = /x86\/mktme: disabled by BIOS|x86\/tme: not enabled by BIOS/

/** Cheap test before the regexes. */
export function mayBeCpuAddressLine(raw: string): boolean {
  return raw.includes('tme: ') || raw.includes('ddress sizes')
}

/**
 * Read one line into `log` if it gives x86_phys_bits or the KeyID bits; returns whether it did.
 * The first line of each kind wins (/proc/cpuinfo repeats per CPU; the kernel checks the boot CPU,
 * listed first).
 */
export function readCpuAddressLine(raw: string, line: number, log: KernelTdxLog): boolean {
  let m: RegExpExecArray | null
  if ((m = ADDRESS_SIZES_RE.exec(raw))) {
    const bits = Number(m[1])
    if (bits < 32 || bits > 64) return false
    log.physAddrBits ??= { bits, line }
    return true
  }
  if ((m = REDUCED_RE.exec(raw))) {
    const bits = Number(m[1])
    if (bits > 15) return false // TME_ACTIVATE_KEYID_BITS() is a 4-bit field
    log.keyIdBits ??= { bits, line }
    return true
  }
  if ((m = KEYIDS_RE.exec(raw))) {
    // nr_keyids = (1 << keyid_bits) - 1: a count that is not one less than a power of two is no
    // line this kernel printed.
    const bits = Math.log2(Number(m[1]) + 1)
    if (!Number.isInteger(bits) || bits > 15) return false
    log.keyIdBits ??= { bits, line }
    return true
  }
  if (NO_KEYIDS_RE.test(raw)) {
    log.keyIdBits ??= { bits: 0, line }
    return true
  }
  return false
}
