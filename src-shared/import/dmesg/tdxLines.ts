/**
 * The TDX host lines the kernel prints (all `virt/tdx: `, dpamt-model.md §4), read into KernelTdxLog
 * for calibration. These lines never fail an import: a variant we do not know is counted as skipped.
 */
import type { KernelTdxLog } from '../../model/host/memoryMap'
import { MAX_PHYS_ADDR_BYTES } from '../../model/host/units'
import { MAX_LOG_TEXT_CHARS } from '../limits'

/** What one TDX line was, so the caller can count it and write notes. */
export type TdxLineKind =
  | 'tdx'
  /** §1.5: `TDMR [..): unable to find local NUMA node for PAMT allocation, fallback to use node 0.` */
  | 'pamt-node-fallback'
  /** §4: `initialization failed: too few private KeyIDs available.` / `... Hibernation ...`. */
  | 'tdx-disabled'
  /** §4 / §1.1: `frame pointer (RBP) clobber bug present, upgrade TDX module` (no NO_RBP_MOD). */
  | 'rbp-bug'
  | 'module-not-loaded'

/** Cheap test before any TDX regex runs: every §4 line has one of these words. */
export function mayBeTdxLine(raw: string): boolean {
  return (
    raw.includes('tdx') ||
    raw.includes('TDX') ||
    raw.includes('PAMT') ||
    raw.includes('TDMR') ||
    raw.includes('SEAMCALL')
  )
}

const HEX = String.raw`0x([0-9a-fA-F]+)`
/** §4: `BIOS enabled: private KeyID range [%u, %u)`; ML-doc shows a stray ':' after "range". */
const KEYID_RE = /BIOS enabled: private KeyID range:? \[(\d+), (\d+)\)/
/** §4, §1.7: `%lu KB allocated for PAMT`. */
const PAMT_KB_RE = /(\d+) KB allocated for PAMT/
const DPAMT_RE = /Enable Dynamic PAMT/
/** §4: `module initialized` (older mainline) / `TDX-Module initialized` (2026 trees). */
const INIT_OK_RE = /(?:module|TDX-Module) initiali[sz]ed\b/
/** §4: `module initialization failed (%d)` / `TDX-Module initialization failed (%d)`. */
const INIT_FAIL_RE = /(?:module|TDX-Module) initiali[sz]ation failed(?: \((-?\d+)\))?/
const TDMRS_EXHAUSTED_RE = /initiali[sz]ation failed: TDMRs exhausted\./
const TDMRS_LIMIT_RE = /consumed TDMRs reaching limit: (\d+) used out of (\d+)/
const RSVD_EXHAUSTED_RE = new RegExp(
  String.raw`initiali[sz]ation failed: TDMR \[${HEX}, ${HEX}\): reserved areas exhausted\.`
)
const NODE_FALLBACK_RE = new RegExp(
  String.raw`TDMR \[${HEX}, ${HEX}\): unable to find local NUMA node for PAMT allocation, fallback to use node 0\.`
)
const SEAMCALL_RE = /SEAMCALL \((0x[0-9a-fA-F]+)\) failed: (0x[0-9a-fA-F]+)/
/** The two register lines seamcall_err_ret() prints after a failed SEAMCALL. */
const SEAMCALL_REGS_RE =
  /\b(?:RCX 0x[0-9a-fA-F]+ RDX 0x[0-9a-fA-F]+ R08 0x|R09 0x[0-9a-fA-F]+ R10 0x[0-9a-fA-F]+ R11 0x)[0-9a-fA-F]+/
const RBP_RE = /frame pointer \(RBP\) clobber bug present, upgrade TDX module/
const S3_RE = /Disable ACPI S3\. Turn off TDX in the BIOS to use ACPI S3\./
const DISABLED_RE =
  /initiali[sz]ation failed: (too few private KeyIDs available|Hibernation support is enabled)/
const NOT_LOADED_RE = /virt\/tdx: module not loaded/
/** Pre-2025 downstream series: `%s module.` and `TDX_FEATURES0: 0x%llx` (§4). */
const MODULE_KIND_RE = /virt\/tdx: (?:[\w-]+ ){1,2}module\.\s*$/
const FEATURES0_RE = /TDX_FEATURES0: 0x[0-9a-fA-F]+/

/**
 * Module version variants (§4), each giving the text stored in KernelTdxLog.moduleVersion:
 * 2023 pre-merge `TDX module: attributes …, major_version M, minor_version m, build_date D,
 * build_num N` → "M.m build N (D)"; downstream `module version: a.b.cc.dd.eeee (build_date D).` and
 * `Module version: a.b.cc.dd.eeee, build_date: D` → "a.b.cc.dd.eeee (D)"; mainline 2026
 * `Module version: a.b.cc` (also "TDX module version:") → "a.b.cc"; ad hoc debug prints
 * `module verson: major 1, minor 5, internal 0` → "1.5.0" and `module verson: 1.5.1.0`.
 */
const VERSION_PARSERS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [
    /major_version (\d+), minor_version (\d+), build_date (\d+), build_num (\d+)/,
    (m) => `${m[1]}.${m[2]} build ${m[4]} (${m[3]})`
  ],
  [
    /[Mm]odule version: (\d+(?:\.\d+)+)(?: \(build_date (\d+)\)\.?|, build_date: (\d+))/,
    (m) => `${m[1]} (${m[2] ?? m[3]})`
  ],
  [/[Mm]odule version: (\d+(?:\.\d+)+)/, (m) => m[1]!],
  [/module verson: major (\d+), minor (\d+), internal (\d+)/, (m) => `${m[1]}.${m[2]}.${m[3]}`],
  [/module verson: (\d+(?:\.\d+)+)/, (m) => m[1]!]
]

/**
 * Read one line into `log` if it is a TDX line; returns its kind, or null when it is not one we
 * know (the caller counts it as skipped). Call only when mayBeTdxLine(raw).
 */
export function readTdxLine(raw: string, line: number, log: KernelTdxLog): TdxLineKind | null {
  const kind = readKnownTdxLine(raw, line, log)
  if (kind !== null) log.tdxLines += 1
  return kind
}

/** Text from a log line kept as a value, at most MAX_LOG_TEXT_CHARS (what host JSON holds). */
function logText(s: string): string {
  return s.length > MAX_LOG_TEXT_CHARS ? `${s.slice(0, MAX_LOG_TEXT_CHARS - 1)}…` : s
}

/** Record the kernel's init outcome; the first failure printed is the cause, later ones follow it. */
function initOutcome(log: KernelTdxLog, line: number, failure: string | null): void {
  if (failure === null) {
    log.initialized ??= true
  } else {
    log.initialized = false
    log.initFailure ??= logText(failure)
  }
  log.initLine ??= line
}

function readKnownTdxLine(raw: string, line: number, log: KernelTdxLog): TdxLineKind | null {
  let m: RegExpExecArray | null
  // A size past 2^53 KB is no PAMT any kernel allocated (nor one a number here can hold exactly).
  if ((m = PAMT_KB_RE.exec(raw)) && Number.isSafeInteger(Number(m[1]))) {
    log.pamtKb = Number(m[1])
    log.pamtKbLine = line
    return 'tdx'
  }
  if (DPAMT_RE.test(raw)) {
    log.dynamicPamtEnabled = true
    return 'tdx'
  }
  if ((m = KEYID_RE.exec(raw))) {
    const first = Number(m[1])
    const end = Number(m[2])
    if (end < first) return null
    log.keyIdRange = { first, end }
    return 'tdx'
  }
  // Before the init-result patterns: these also say "initialization failed".
  if (TDMRS_EXHAUSTED_RE.test(raw)) {
    log.tdmrsExhausted = true
    initOutcome(log, line, 'TDMRs exhausted')
    return 'tdx'
  }
  if ((m = RSVD_EXHAUSTED_RE.exec(raw))) {
    const range = tdmrRange(m[1]!, m[2]!)
    if (range === null) return null
    log.reservedAreasExhausted = { ...range, line }
    initOutcome(log, line, `TDMR [0x${m[1]!}, 0x${m[2]!}): reserved areas exhausted`)
    return 'tdx'
  }
  if ((m = DISABLED_RE.exec(raw))) {
    initOutcome(log, line, m[1]!)
    return 'tdx-disabled'
  }
  if ((m = INIT_FAIL_RE.exec(raw))) {
    if (m[1] !== undefined) log.initErrno = Number(m[1])
    initOutcome(log, line, m[0])
    return 'tdx'
  }
  if (INIT_OK_RE.test(raw)) {
    initOutcome(log, line, null)
    return 'tdx'
  }
  if ((m = TDMRS_LIMIT_RE.exec(raw))) {
    log.tdmrsReachingLimit = { used: Number(m[1]), max: Number(m[2]) }
    return 'tdx'
  }
  if ((m = SEAMCALL_RE.exec(raw))) {
    log.seamcallFailures.push({ leaf: m[1]!, status: m[2]!, line })
    return 'tdx'
  }
  if (SEAMCALL_REGS_RE.test(raw)) return 'tdx'
  if (NODE_FALLBACK_RE.test(raw)) return 'pamt-node-fallback'
  if (RBP_RE.test(raw)) return 'rbp-bug'
  if (S3_RE.test(raw)) return 'tdx'
  if (NOT_LOADED_RE.test(raw)) {
    initOutcome(log, line, 'module not loaded')
    return 'module-not-loaded'
  }
  for (const [re, text] of VERSION_PARSERS) {
    if ((m = re.exec(raw))) {
      log.moduleVersion = logText(text(m))
      return 'tdx'
    }
  }
  if (FEATURES0_RE.test(raw) || MODULE_KIND_RE.test(raw)) return 'tdx'
  return null
}

/** A TDMR `[a, b)` as printed, or null when it is not a valid range below 2^52. */
function tdmrRange(
  baseHex: string,
  endHex: string
): { baseBytes: number; endBytes: number } | null {
  const base = Number.parseInt(baseHex, 16)
  const end = Number.parseInt(endHex, 16)
  return end > base && end <= MAX_PHYS_ADDR_BYTES ? { baseBytes: base, endBytes: end } : null
}
