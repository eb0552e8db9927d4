/**
 * `/sys/firmware/memmap` importer (format `firmware-memmap`, memorySource `firmware-memmap`).
 *
 * Each `/sys/firmware/memmap/N/` directory holds `start`, `end` (inclusive) and `type` for one
 * entry of the firmware's memory map as the kernel first received it, before its own edits
 * (`Documentation/ABI/testing/sysfs-firmware-memmap`). Users dump it with
 * {@link FIRMWARE_MEMMAP_COMMAND}, one `0x0 0x9fbff System RAM` line per entry.
 */
import { emptyKernelTdxLog, type MemoryRange, type MemoryRangeType } from '../model/host/memoryMap'
import type { HostImportResult, ParseOptions } from './hostImport'
import {
  checkIsText,
  checkLineLength,
  fail,
  parseAddress,
  reportProgress,
  runImport,
  SkippedLines,
  sniffLines,
  sortAndCheckOverlaps,
  splitLines,
  stripBom
} from './textChecks'

/**
 * The one-liner that dumps /sys/firmware/memmap as `START END TYPE` lines, for the docs and the UI.
 * The glob lists entries in name order (0, 1, 10, 11, …, 2), so the lines are not in address
 * order; the importer sorts them.
 */
export const FIRMWARE_MEMMAP_COMMAND =
  'for d in /sys/firmware/memmap/*; do echo "$(cat $d/start) $(cat $d/end) $(cat $d/type)"; done'

const WHAT = '/sys/firmware/memmap dump'

/** `0x100000 0x7fffffff System RAM`. */
const MEMMAP_RE = /^\s*(0[xX][0-9a-fA-F]+)\s+(0[xX][0-9a-fA-F]+)\s+(\S.*?)\s*$/
/** A line that starts like an entry; if it then fails MEMMAP_RE it is malformed. */
const MEMMAP_START_RE = /^\s*0[xX][0-9a-fA-F]*(\s|$)/

/**
 * Type strings from `e820_type_to_string()` (x86), which fills the `type` files. Older kernels
 * printed `reserved` in lower case; matching is case-insensitive.
 */
const MEMMAP_TYPES: ReadonlyMap<string, MemoryRangeType> = new Map([
  ['system ram', 'ram'],
  ['reserved', 'reserved'],
  ['acpi tables', 'acpi-data'],
  ['acpi non-volatile storage', 'acpi-nvs'],
  ['unusable memory', 'unusable'],
  ['persistent memory', 'persistent'],
  ['persistent memory (legacy)', 'persistent'],
  ['soft reserved', 'soft-reserved'],
  ['unknown e820 type', 'other']
])

/** Our type for a /sys/firmware/memmap type string, or null when it is not one. */
export function firmwareMemmapType(text: string): MemoryRangeType | null {
  return MEMMAP_TYPES.get(text.trim().replace(/\s+/g, ' ').toLowerCase()) ?? null
}

/** Cheap check for auto-detection: most of the first non-empty lines are `0xSTART 0xEND type`. */
export function looksLikeFirmwareMemmap(text: string): boolean {
  const lines = sniffLines(text)
  const hits = lines.filter((l) => {
    const m = MEMMAP_RE.exec(l)
    return m !== null && firmwareMemmapType(m[3]!) !== null
  }).length
  return hits > 0 && hits * 2 >= lines.length
}

/**
 * Parse the output of {@link FIRMWARE_MEMMAP_COMMAND} into a HostInput. Comment and blank lines
 * are ignored, lines that do not start with `0x` (a pasted prompt) are skipped and quoted in the
 * summary, and a line that starts with `0x` but is not `0xSTART 0xEND type` is an error.
 */
export function parseFirmwareMemmap(
  text: string,
  fileName: string,
  options: ParseOptions = {}
): HostImportResult {
  return runImport(() => {
    text = stripBom(text)
    checkIsText(text, fileName, WHAT)
    const lines = splitLines(text)
    const ranges: MemoryRange[] = []
    const skipped = new SkippedLines()

    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1
      const raw = lines[i]!
      reportProgress(i, lines.length, options)
      checkLineLength(raw, lineNo, fileName, WHAT)
      if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue

      const m = MEMMAP_RE.exec(raw)
      if (!m) {
        if (MEMMAP_START_RE.test(raw)) {
          fail(
            {
              code: 'MALFORMED_LINE',
              line: lineNo,
              message: `line is not "0xSTART 0xEND type" as the /sys/firmware/memmap one-liner prints it: ${raw.trim().slice(0, 120)}`
            },
            fileName
          )
        }
        skipped.add(lineNo, raw)
        continue
      }
      const [, startHex, endHex, typeText] = m
      const type = firmwareMemmapType(typeText!)
      if (type === null) {
        fail(
          {
            code: 'MALFORMED_LINE',
            line: lineNo,
            message: `unknown memory type "${typeText!.slice(0, 60)}"; expected System RAM, Reserved, ACPI Tables, ACPI Non-volatile Storage, Unusable memory, Persistent Memory, Soft Reserved or Unknown E820 type`
          },
          fileName
        )
      }
      const base = parseAddress(startHex!, fileName, lineNo)
      const last = parseAddress(endHex!, fileName, lineNo)
      if (last < base) {
        fail(
          {
            code: 'REVERSED_RANGE',
            line: lineNo,
            message: `memmap entry ends (${endHex}) before it starts (${startHex})`
          },
          fileName
        )
      }
      ranges.push({ baseBytes: base, endBytes: last + 1, type, typeLabel: typeText!, line: lineNo })
    }
    options.onProgress?.(1)

    if (ranges.length === 0) {
      fail(
        {
          code: 'NO_MEMORY_LINES',
          message: `no memory map found: expected "0xSTART 0xEND type" lines from: ${FIRMWARE_MEMMAP_COMMAND}`
        },
        fileName
      )
    }
    const sorted = sortAndCheckOverlaps(ranges, 'memmap', fileName)
    const notes = [
      '/sys/firmware/memmap is the firmware map before the kernel edited it; the kernel may still reserve parts of it (e.g. the first 4 KiB).'
    ]
    if (sorted.some((r, i) => r.line !== ranges[i]!.line)) {
      notes.push(
        'Entries were sorted by address (the shell glob lists them as 0, 1, 10, 11, …, 2).'
      )
    }

    return {
      host: {
        name: fileName,
        ranges: sorted,
        memorySource: 'firmware-memmap' as const,
        numaMemblks: [],
        numaSource: 'none' as const,
        cmrs: [],
        kernelLog: emptyKernelTdxLog()
      },
      summary: {
        formats: ['firmware-memmap' as const],
        fileName,
        linesTotal: lines.length,
        recognised: [{ what: 'firmware memmap entries', count: sorted.length }],
        linesSkipped: skipped.count,
        skippedSamples: skipped.samples,
        notes
      }
    }
  })
}
