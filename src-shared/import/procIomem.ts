/**
 * `/proc/iomem` importer (format `proc-iomem`, memorySource `iomem`).
 *
 * /proc/iomem is the kernel's resource tree, one resource a line:
 * `00100000-3fffffff : System RAM` (hex without `0x`, end **inclusive**), children indented by
 * two spaces per level. The top level holds the e820 ranges the kernel registered
 * (`e820__reserve_resources()`, names from `e820_type_to_string()`) next to device windows (`PCI Bus
 * 0000:00`, `Video ROM`, `HPET 0` …). Only top-level e820 names form the memory map; nested lines
 * (`Kernel code`, `Crash kernel`, device claims, `System RAM (kmem)` under a dax device) are
 * recognised and skipped.
 *
 * Unlike /sys/firmware/memmap, this is the e820 table **after** the kernel's own edits (e.g. the
 * first 4 KiB turned into `Reserved`, `memmap=` overrides), which is what memblock and so TDX see
 * (dpamt-model.md §1.2 step 1).
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

const WHAT = '/proc/iomem dump'

/** `  00100000-3fffffff : System RAM`: indent, start, inclusive end, name. */
const IOMEM_RE = /^( *)([0-9a-fA-F]+)-([0-9a-fA-F]+) : ?(.*)$/
/** A line that starts like a resource line; if it then fails IOMEM_RE it is malformed. */
const IOMEM_START_RE = /^ *[0-9a-fA-F]+-/

/**
 * e820 type names as `e820_type_to_string()` prints them in /proc/iomem. "Unusable memory" is the
 * name for E820_TYPE_UNUSABLE there, so it is part of the map too.
 */
const IOMEM_TYPES: ReadonlyMap<string, MemoryRangeType> = new Map([
  ['system ram', 'ram'],
  ['reserved', 'reserved'],
  ['acpi tables', 'acpi-data'],
  ['acpi non-volatile storage', 'acpi-nvs'],
  ['soft reserved', 'soft-reserved'],
  ['persistent memory', 'persistent'],
  ['persistent memory (legacy)', 'persistent'],
  ['unusable memory', 'unusable'],
  ['unknown e820 type', 'other']
])

/** Our type for an iomem resource name, or null when the name is no e820 type (a device). */
export function iomemType(name: string): MemoryRangeType | null {
  return IOMEM_TYPES.get(name.trim().replace(/\s+/g, ' ').toLowerCase()) ?? null
}

/**
 * Cheap check for auto-detection: most of the first non-empty lines are `start-end : name`
 * resource lines with bare hex (no `0x`), at least one of them at the top level.
 */
export function looksLikeProcIomem(text: string): boolean {
  const lines = sniffLines(text)
  let hits = 0
  let topLevel = 0
  for (const l of lines) {
    const m = IOMEM_RE.exec(l)
    if (!m) continue
    hits++
    if (m[1] === '') topLevel++
  }
  return topLevel > 0 && hits * 2 >= lines.length
}

/**
 * Parse a /proc/iomem dump (`sudo cat /proc/iomem`) into a HostInput. Comment lines (`#`) and
 * blank lines are ignored; lines that do not look like resource lines (a pasted shell prompt) are
 * skipped and quoted in the summary; a line that starts like a resource line but is not one is an
 * error. Every address being zero means the file was read without root and fails.
 */
export function parseProcIomem(
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
    let nonMemoryTop = 0
    let nested = 0
    let nestedRam = 0
    let anyNonZero = false
    let resourceLines = 0

    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1
      const raw = lines[i]!
      reportProgress(i, lines.length, options)
      checkLineLength(raw, lineNo, fileName, WHAT)
      if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue

      const m = IOMEM_RE.exec(raw.trimEnd())
      if (!m) {
        if (IOMEM_START_RE.test(raw)) {
          fail(
            {
              code: 'MALFORMED_LINE',
              line: lineNo,
              message: `line is not a /proc/iomem resource line "START-END : name" (hex, no 0x): ${raw.trim().slice(0, 120)}`
            },
            fileName
          )
        }
        skipped.add(lineNo, raw)
        continue
      }
      resourceLines++
      const [, indent, startHex, endHex, rawName] = m
      const name = rawName!.trim()
      const base = parseAddress(startHex!, fileName, lineNo)
      const last = parseAddress(endHex!, fileName, lineNo)
      if (base !== 0 || last !== 0) anyNonZero = true
      if (last < base) {
        fail(
          {
            code: 'REVERSED_RANGE',
            line: lineNo,
            message: `resource range ends (${endHex}) before it starts (${startHex})`
          },
          fileName
        )
      }
      if (indent !== '') {
        nested++
        if (/^system ram\b/i.test(name)) nestedRam++
        continue
      }
      const type = iomemType(name)
      if (type === null) {
        nonMemoryTop++
        continue
      }
      ranges.push({ baseBytes: base, endBytes: last + 1, type, typeLabel: name, line: lineNo })
    }
    options.onProgress?.(1)

    if (resourceLines > 0 && !anyNonZero) {
      fail(
        {
          code: 'NO_MEMORY_LINES',
          message:
            'every address in the file is zero: /proc/iomem hides addresses from non-root users; run "sudo cat /proc/iomem" and import that output'
        },
        fileName
      )
    }
    if (ranges.length === 0) {
      fail(
        {
          code: 'NO_MEMORY_LINES',
          message:
            'no memory map found: expected top-level /proc/iomem lines such as "00100000-7fffffff : System RAM"'
        },
        fileName
      )
    }
    const sorted = sortAndCheckOverlaps(ranges, 'memory-map', fileName)

    const notes = [
      '/proc/iomem shows the e820 table after the kernel edited it (e.g. the first 4 KiB reserved), the table memblock is built from.',
      'Only top-level entries form the memory map; nested entries (kernel code, device claims) are skipped.'
    ]
    if (nestedRam > 0) {
      notes.push(
        `${nestedRam} nested "System RAM" entr${nestedRam === 1 ? 'y was' : 'ies were'} skipped: memory added after boot (e.g. dax kmem, CXL) is not boot-time memory and is not TDX memory.`
      )
    }
    if (!sorted.some((r) => r.type === 'ram')) {
      notes.push('The map has no "System RAM" entry.')
    }

    return {
      host: {
        name: fileName,
        ranges: sorted,
        memorySource: 'iomem' as const,
        numaMemblks: [],
        numaSource: 'none' as const,
        cmrs: [],
        kernelLog: emptyKernelTdxLog()
      },
      summary: {
        formats: ['proc-iomem' as const],
        fileName,
        linesTotal: lines.length,
        recognised: [
          { what: 'top-level memory-map lines', count: sorted.length },
          { what: 'top-level device and bus windows (not memory)', count: nonMemoryTop },
          { what: 'nested resource lines (skipped)', count: nested }
        ],
        linesSkipped: skipped.count,
        skippedSamples: skipped.samples,
        notes
      }
    }
  })
}
