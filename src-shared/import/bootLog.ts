import type { CmrRange, HostInput, KernelTdxLog, MemoryRange } from '../model/host/memoryMap'
import { MAX_PHYS_ADDR_BYTES } from '../model/host/units'
import { parseE820Type } from './e820Types'
import { ImportFailure, type ImportError } from './importError'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS, formatLimitBytes } from './limits'

/** What an import recognised and skipped, shown to the user beside the results. */
export interface ImportSummary {
  format: 'dmesg'
  fileName: string
  linesTotal: number
  e820Lines: number
  cmrLines: number
  /** TDX lines recognised (`virt/tdx:` KB line, version, Enable Dynamic PAMT, init result). */
  tdxLines: number
  /** Lines that matched nothing the importer knows; they are ignored. */
  linesSkipped: number
  notes: string[]
}

export type HostImportResult =
  { ok: true; host: HostInput; summary: ImportSummary } | { ok: false; error: ImportError }

export interface ParseOptions {
  /** Called with the fraction of lines done, at most every few thousand lines. */
  onProgress?: (fraction: number) => void
}

// The optional size column (`  639   KB`, `    1.9 GB`) is printed by kernels carrying the 2025
// "x86/boot/e820: Print out sizes of E820 memory ranges" change; it is not part of the type.
const E820_RE =
  /BIOS-e820: \[mem (0x[0-9a-fA-F]+)-(0x[0-9a-fA-F]+)\]\s*(?:\d+(?:\.\d+)?\s+[KMGT]B\s+)?(.*)$/
const E820_GAP_RE = /BIOS-e820: \[gap /
const CMR_RE = /CMR(?:\[\d+\])?: \[(0x[0-9a-fA-F]+), (0x[0-9a-fA-F]+)\)/
const PAMT_KB_RE = /(\d+) KB allocated for PAMT/
const DPAMT_RE = /Enable Dynamic PAMT/
const VERSION_RES = [
  /[Mm]odule version: (\d+\.\d+\.\d+(?:\.\d+)*)/,
  /major_version (\d+), minor_version (\d+), build_date (\d+), build_num (\d+)/
]
const INIT_OK_RE = /(?:module|TDX-Module) initiali[sz]ed\b/
const INIT_FAIL_RE = /(?:module|TDX-Module) initiali[sz]ation failed/
const PROGRESS_EVERY_LINES = 1 << 16

function fail(detail: Omit<ImportError, 'fileName'>, fileName: string): never {
  throw new ImportFailure({ fileName, ...detail })
}

/**
 * Parse a "0x…" address, rejecting anything at or beyond 2^52 (x86-64 MAXPHYADDR). An exclusive end
 * (a CMR's `b` in `[a, b)`) may be exactly 2^52: its last byte is still within 52 bits.
 */
function parseAddress(hex: string, fileName: string, line: number, exclusiveEnd = false): number {
  const value = BigInt(hex)
  const limit = BigInt(MAX_PHYS_ADDR_BYTES)
  if (exclusiveEnd ? value > limit : value >= limit) {
    fail(
      {
        code: 'ADDRESS_TOO_LARGE',
        line,
        message: `address ${hex} is beyond 52 physical address bits (the x86-64 maximum)`
      },
      fileName
    )
  }
  return Number(value)
}

/** Reject files that are not text before looking for lines in them. */
function checkIsText(text: string, fileName: string): void {
  if (text.length > MAX_HOST_FILE_BYTES) {
    fail(
      {
        code: 'FILE_TOO_LARGE',
        message: `file is larger than the ${formatLimitBytes(MAX_HOST_FILE_BYTES)} limit for host logs`
      },
      fileName
    )
  }
  if (text.trim().length === 0) {
    fail({ code: 'EMPTY_FILE', message: 'file is empty' }, fileName)
  }
  // NUL bytes, or U+FFFD from decoding invalid UTF-8, never occur in a kernel log.
  // eslint-disable-next-line no-control-regex -- looking for NUL is the point
  const bad = text.search(/[\u0000\uFFFD]/)
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length
    fail(
      {
        code: 'BINARY_FILE',
        line,
        message: 'file is binary, not a text boot log (NUL or invalid UTF-8 byte)'
      },
      fileName
    )
  }
}

function checkRanges(ranges: MemoryRange[], what: string, fileName: string): void {
  const sorted = [...ranges].sort((a, b) => a.baseBytes - b.baseBytes)
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const cur = sorted[i]!
    if (cur.baseBytes < prev.endBytes) {
      fail(
        {
          code: 'OVERLAPPING_RANGES',
          line: Math.max(cur.line, prev.line),
          message: `${what} range on line ${Math.max(cur.line, prev.line)} overlaps the one on line ${Math.min(cur.line, prev.line)}`
        },
        fileName
      )
    }
  }
}

/**
 * Parse a kernel boot log (dmesg, journal or syslog) into a HostInput (dpamt-model.md §4):
 * `BIOS-e820: [mem a-b] type` lines (inclusive ends), TDX `CMR: [a, b)` lines (used as the memory
 * when there is no e820 table), and the TDX lines used for calibration. Timestamps and syslog
 * prefixes are ignored because every pattern is matched anywhere in the line.
 */
export function parseBootLog(
  text: string,
  fileName: string,
  options: ParseOptions = {}
): HostImportResult {
  try {
    return { ok: true, ...parseOrThrow(text, fileName, options) }
  } catch (e) {
    if (e instanceof ImportFailure) return { ok: false, error: e.detail }
    throw e
  }
}

function parseOrThrow(
  text: string,
  fileName: string,
  options: ParseOptions
): { host: HostInput; summary: ImportSummary } {
  checkIsText(text, fileName)
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()

  const e820: MemoryRange[] = []
  const cmrs: CmrRange[] = []
  const kernelLog: KernelTdxLog = {
    pamtKb: null,
    pamtKbLine: null,
    dynamicPamtEnabled: false,
    moduleVersion: null,
    initialized: null
  }
  let tdxLines = 0
  let skipped = 0

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const raw = lines[i]!
    if (i % PROGRESS_EVERY_LINES === 0 && i > 0) options.onProgress?.(i / lines.length)
    if (raw.length > MAX_LINE_CHARS) {
      fail(
        {
          code: 'MALFORMED_LINE',
          line: lineNo,
          message: `line is longer than ${MAX_LINE_CHARS} characters; this is not a boot log`
        },
        fileName
      )
    }
    if (raw.startsWith('#') || raw.trim() === '') continue

    if (raw.includes('BIOS-e820:')) {
      if (E820_GAP_RE.test(raw)) continue
      const m = E820_RE.exec(raw)
      const type = m ? parseE820Type(m[3]!) : null
      if (m && type === null && m[3]!.trim() !== '') {
        fail(
          {
            code: 'MALFORMED_LINE',
            line: lineNo,
            message: `BIOS-e820 line has an unknown memory type "${m[3]!.trim().slice(0, 60)}"; expected e.g. usable, reserved, ACPI data, ACPI NVS or type N`
          },
          fileName
        )
      }
      if (!m || type === null) {
        fail(
          {
            code: 'MALFORMED_LINE',
            line: lineNo,
            message: `BIOS-e820 line is not "BIOS-e820: [mem 0xSTART-0xEND] type": ${raw.trim().slice(0, 120)}`
          },
          fileName
        )
      }
      const base = parseAddress(m[1]!, fileName, lineNo)
      const last = parseAddress(m[2]!, fileName, lineNo)
      if (last < base) {
        fail(
          {
            code: 'REVERSED_RANGE',
            line: lineNo,
            message: `e820 range ends (${m[2]}) before it starts (${m[1]})`
          },
          fileName
        )
      }
      e820.push({
        baseBytes: base,
        endBytes: last + 1,
        type,
        typeLabel: m[3]!.trim(),
        nid: 0,
        line: lineNo
      })
      continue
    }

    const cmr = CMR_RE.exec(raw)
    if (cmr) {
      const base = parseAddress(cmr[1]!, fileName, lineNo)
      const end = parseAddress(cmr[2]!, fileName, lineNo, true)
      if (end <= base) {
        fail(
          {
            code: 'REVERSED_RANGE',
            line: lineNo,
            message: `CMR ends (${cmr[2]}) at or before it starts (${cmr[1]})`
          },
          fileName
        )
      }
      cmrs.push({ baseBytes: base, endBytes: end, line: lineNo })
      tdxLines++
      continue
    }

    const kb = PAMT_KB_RE.exec(raw)
    if (kb) {
      kernelLog.pamtKb = Number(kb[1])
      kernelLog.pamtKbLine = lineNo
      tdxLines++
      continue
    }
    if (DPAMT_RE.test(raw)) {
      kernelLog.dynamicPamtEnabled = true
      tdxLines++
      continue
    }
    const version = VERSION_RES.map((re) => re.exec(raw)).find((m) => m !== null)
    if (version) {
      kernelLog.moduleVersion =
        version.length > 2
          ? `${version[1]}.${version[2]} build ${version[4]} (${version[3]})`
          : version[1]!
      tdxLines++
      continue
    }
    if (INIT_FAIL_RE.test(raw)) {
      kernelLog.initialized = false
      tdxLines++
      continue
    }
    if (INIT_OK_RE.test(raw)) {
      kernelLog.initialized = true
      tdxLines++
      continue
    }
    skipped++
  }
  options.onProgress?.(1)

  const cmrRanges: MemoryRange[] = cmrs.map((c) => ({
    baseBytes: c.baseBytes,
    endBytes: c.endBytes,
    type: 'ram',
    typeLabel: 'CMR',
    nid: 0,
    line: c.line
  }))
  checkRanges(e820, 'e820', fileName)
  checkRanges(cmrRanges, 'CMR', fileName)

  if (e820.length === 0 && cmrs.length === 0) {
    fail(
      {
        code: 'NO_MEMORY_LINES',
        message:
          'no memory map found: expected "BIOS-e820: [mem …]" lines or TDX "CMR: [0x…, 0x…)" lines'
      },
      fileName
    )
  }

  const notes: string[] = []
  const memorySource = e820.length > 0 ? 'e820' : 'cmr'
  if (memorySource === 'cmr') {
    notes.push(
      'No e820 table in the log: the TDX CMRs are used as the memory map (each CMR as RAM).'
    )
  } else if (cmrs.length > 0) {
    notes.push('The e820 table is used as the memory map (mainline); CMRs are shown for reference.')
  }

  return {
    host: {
      name: fileName,
      ranges: memorySource === 'e820' ? e820 : cmrRanges,
      memorySource,
      cmrs,
      kernelLog
    },
    summary: {
      format: 'dmesg',
      fileName,
      linesTotal: lines.length,
      e820Lines: e820.length,
      cmrLines: cmrs.length,
      tdxLines,
      linesSkipped: skipped,
      notes
    }
  }
}
