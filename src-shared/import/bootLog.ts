/**
 * The dmesg importer: a kernel boot log (dmesg, journal or syslog) to a HostInput
 * (dpamt-model.md §1.2, §4). One pass over the lines with cheap substring prefilters before any
 * regex, so a 64 MiB log parses in well under a second. The line kinds live in ./dmesg/.
 */
import type {
  CmrRange,
  CpuTopology,
  HostInput,
  MemoryRange,
  NumaMemblk,
  NumaSource
} from '../model/host/memoryMap'
import type { HostImportResult, ImportSummary, ParseOptions } from './hostImport'
import { ImportFailure } from './importError'
import { MAX_LINE_CHARS } from './limits'
import { checkIsText } from './textChecks'
import { hasMemoryMap, newBoot, type Boot } from './dmesg/boot'
import {
  BIOS_E820_RE,
  USER_E820_RE,
  applyEdits,
  checkOverlaps,
  parseRemoveLine,
  parseTableLine,
  parseUpdateLine,
  sameTable
} from './dmesg/e820Table'
import { mayBeCpuAddressLine, readCpuAddressLine } from './dmesg/cpuLines'
import { fail, parseAddress } from './dmesg/fail'
import {
  LAST_PFN_RE,
  MTRR_UPDATE_TEXT,
  ignoredEditsNote,
  readAfterMemblockLine,
  splitEditsAtMemblock
} from './dmesg/memblockOrder'
import {
  FAKE_NODE_RE,
  NO_NUMA_RE,
  NUMA_OTHER_RE,
  SRAT_CPU_RE,
  memblksFromMerges,
  parseMergeLine,
  parseSratCpuLine,
  parseSratLine
} from './dmesg/numaLines'
import { SummaryCounter } from './dmesg/summaryCounter'
import { mayBeTdxLine, readTdxLine } from './dmesg/tdxLines'

export type { HostImportResult, ImportSummary, ParseOptions } from './hostImport'

const CMR_RE = /CMR(?:\[\d+\])?: \[(0x[0-9a-fA-F]+), (0x[0-9a-fA-F]+)\)/
/**
 * Recognised e820 lines that change nothing we use (headers and informational tables). Two of them
 * place the e820 edits around memblock setup and are read first: `last_pfn` and the MTRR update.
 */
const E820_OTHER_RE =
  /BIOS-provided physical RAM map:|extended physical RAM map:|modified physical RAM map:|reserve setup_data: \[mem |modified: \[mem |e820: reserve RAM buffer \[mem |e820: \[mem [^\]]*\] available for PCI devices/
const USER_HEADER = 'user-defined physical RAM map:'
/** The kernel's first line, `Linux version 6.8.0-… (…)`: a new boot in a journal. */
const BANNER_RE = /\bLinux version \d/
const PROGRESS_EVERY_LINES = 1 << 16

/**
 * Parse a kernel boot log into a HostInput (dpamt-model.md §4). Memory: the `BIOS-e820:` table in
 * both vocabularies, or the `user:` table of mem=/memmap= which replaces it, with the kernel's
 * `e820: update` / `e820: remove` lines applied in log order up to e820__memblock_setup() (later ones
 * do not change memblock, so TDX: dmesg/memblockOrder.ts); TDX `CMR: [a, b)` lines are the memory
 * when there is no e820 table. NUMA: SRAT memory affinity lines, else the numa_cleanup_meminfo()
 * merge lines, else one node. TDX: every §4 line, kept in `kernelLog` for calibration. Timestamps
 * and syslog prefixes are ignored because every pattern is matched anywhere in the line. When the
 * log holds several boots, the last boot with a memory map is used (a summary note says so).
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
  checkIsText(text, fileName, 'boot log')
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()

  const counter = new SummaryCounter()
  const boots: Boot[] = [newBoot(1)]
  let boot = boots[0]!
  const startBoot = (lineNo: number): void => {
    boot = newBoot(lineNo)
    boots.push(boot)
  }
  /** A recognised line that is not a BIOS-e820 entry: the BIOS table (if any) has ended. */
  const other = (kind: Parameters<SummaryCounter['add']>[0]): void => {
    counter.add(kind)
    boot.hasContent = true
    if (boot.bios.length > 0) boot.biosClosed = true
  }
  /** A line the kernel prints only after e820__memblock_setup() (NUMA, SRAT, TDX, ESRT, …). */
  const afterMemblock = (lineNo: number, what: string): void => {
    const order = boot.memblockOrder
    const hasTable = boot.bios.length > 0 || boot.userTables.length > 0
    if (hasTable && order.firstAfterLine === null) {
      order.firstAfterLine = lineNo
      order.firstAfterWhat = what
    }
  }

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const raw = lines[i]!
    if (i % PROGRESS_EVERY_LINES === 0 && i > 0) options.onProgress?.(i / lines.length)
    if (raw.length > MAX_LINE_CHARS) {
      fail(fileName, {
        code: 'MALFORMED_LINE',
        line: lineNo,
        message: `line is longer than ${MAX_LINE_CHARS} characters; this is not a boot log`
      })
    }
    if (raw.startsWith('#') || raw.trim() === '') continue

    const hasE820 = raw.includes('e820')
    const hasMem = raw.includes('[mem ')
    // `last_pfn = …`: `e820: ` before it until the e820 code lost its prefix, bare on 6.x kernels.
    if (raw.includes('last_pfn = ') && LAST_PFN_RE.test(raw)) {
      boot.memblockOrder.lastPfnLines.push(lineNo)
      other('e820Other')
      continue
    }
    if (hasE820) {
      if (raw.includes('BIOS-e820: [gap')) {
        counter.add('e820Gap')
        continue
      }
      if (raw.includes('BIOS-e820:')) {
        // A second table after the first ended: another boot in the same journal.
        if (boot.biosClosed) startBoot(lineNo)
        boot.bios.push(parseTableLine(BIOS_E820_RE, 'BIOS-e820', raw, fileName, lineNo))
        boot.hasContent = true
        counter.add('biosE820')
        continue
      }
      if (raw.includes('e820: update')) {
        boot.edits.push(parseUpdateLine(raw, fileName, lineNo))
        other('e820Update')
        continue
      }
      if (raw.includes('e820: remove')) {
        boot.edits.push(parseRemoveLine(raw, fileName, lineNo))
        other('e820Remove')
        continue
      }
      if (raw.includes(MTRR_UPDATE_TEXT)) {
        boot.memblockOrder.mtrrUpdateLine = lineNo
        other('e820Other')
        continue
      }
    }
    if (hasMem) {
      if (raw.includes('user: [mem')) {
        if (boot.userTable) {
          boot.userTable.push(parseTableLine(USER_E820_RE, 'user', raw, fileName, lineNo))
        } else {
          boot.headerlessUserLines++
        }
        other('userE820')
        continue
      }
      if (raw.includes('Faking a node at') && FAKE_NODE_RE.test(raw)) {
        boot.noNuma = true
        afterMemblock(lineNo, 'NUMA init')
        other('noNuma')
        continue
      }
    }
    if (raw.includes('SRAT: Node ')) {
      const { memblk, nonVolatile } = parseSratLine(raw, fileName, lineNo)
      if (nonVolatile) boot.sratNonVolatileLines.push(lineNo)
      else boot.srat.push(memblk)
      afterMemblock(lineNo, 'SRAT, NUMA init')
      other('srat')
      continue
    }
    if (raw.includes('NUMA: Node ')) {
      boot.merges.push(parseMergeLine(raw, fileName, lineNo))
      afterMemblock(lineNo, 'NUMA init')
      other('numaMerge')
      continue
    }
    if (raw.includes(USER_HEADER)) {
      const table: MemoryRange[] = []
      boot.userTable = table
      boot.userTables.push(table)
      boot.edits.push({ kind: 'user-table', table, line: lineNo })
      other('e820Other')
      continue
    }
    if ((hasE820 || hasMem || raw.includes('RAM map:')) && E820_OTHER_RE.test(raw)) {
      // The header of a second BIOS table starts the next boot (when no banner did).
      if (boot.bios.length > 0 && raw.includes('BIOS-provided')) startBoot(lineNo)
      other('e820Other')
      continue
    }
    if (raw.includes('NUMA') && NO_NUMA_RE.test(raw)) {
      boot.noNuma = true
      afterMemblock(lineNo, 'NUMA init')
      other('noNuma')
      continue
    }
    if (raw.includes('NUMA: Init') && NUMA_OTHER_RE.test(raw)) {
      afterMemblock(lineNo, 'NUMA init')
      other('numaOther')
      continue
    }
    if (raw.includes('SRAT: PXM ') && SRAT_CPU_RE.test(raw)) {
      const cpu = parseSratCpuLine(raw)
      if (cpu) {
        const ids = boot.sratCpus.perNode.get(cpu.node) ?? new Set<number>()
        boot.sratCpus.perNode.set(cpu.node, ids.add(cpu.apicId))
        boot.sratCpus.lines.push(lineNo)
      }
      afterMemblock(lineNo, 'SRAT, NUMA init')
      other('sratCpu')
      continue
    }
    if (raw.includes('CMR')) {
      const cmr = CMR_RE.exec(raw)
      if (cmr) {
        boot.cmrs.push(parseCmr(cmr, fileName, lineNo))
        afterMemblock(lineNo, 'TDX init')
        other('cmr')
        continue
      }
    }
    if (mayBeTdxLine(raw)) {
      const kind = readTdxLine(raw, lineNo, boot.kernelLog)
      if (kind !== null) {
        const seen = boot.tdxKinds.get(kind) ?? []
        seen.push(lineNo)
        boot.tdxKinds.set(kind, seen)
        afterMemblock(lineNo, 'TDX init')
        other(kind === 'pamt-node-fallback' ? 'pamtNodeFallback' : 'tdx')
        continue
      }
    }
    if (mayBeCpuAddressLine(raw) && readCpuAddressLine(raw, lineNo, boot.kernelLog)) {
      other('cpuAddressBits')
      continue
    }
    const afterWhat = readAfterMemblockLine(raw)
    if (afterWhat !== null) {
      afterMemblock(lineNo, afterWhat)
      other('memblockAfter')
      continue
    }
    if (raw.includes('Linux version') && BANNER_RE.test(raw)) {
      if (boot.hasContent) startBoot(lineNo)
      counter.add('banner')
      continue
    }
    counter.skip(lineNo, raw)
  }
  options.onProgress?.(1)

  // Overlaps are checked after the scan, so a malformed line is reported first.
  for (const b of boots) {
    checkOverlaps(b.bios, 'e820', fileName)
    for (const t of b.userTables) checkOverlaps(t, 'user e820', fileName)
    checkOverlaps(b.cmrs.map(cmrAsRange), 'CMR', fileName)
  }

  const withMap = boots.filter(hasMemoryMap)
  const chosen = withMap[withMap.length - 1]
  if (chosen === undefined) {
    fail(fileName, {
      code: 'NO_MEMORY_LINES',
      message:
        'no memory map found: expected "BIOS-e820: [mem …]" lines or TDX "CMR: [0x…, 0x…)" lines'
    })
  }

  const notes: string[] = []
  noteBoots(boots, withMap, chosen, notes)
  const { ranges, memorySource } = memoryOf(chosen, fileName, notes)
  const { numaMemblks, numaSource } = numaOf(chosen, notes)
  noteTdx(chosen, notes)

  return {
    host: {
      name: fileName,
      ranges,
      memorySource,
      numaMemblks,
      numaSource,
      cmrs: chosen.cmrs,
      kernelLog: chosen.kernelLog,
      ...cpuTopologyOf(chosen)
    },
    summary: {
      formats: ['dmesg'],
      fileName,
      linesTotal: lines.length,
      recognised: counter.recognised(),
      linesSkipped: counter.skipped,
      skippedSamples: counter.skippedSamples,
      notes
    }
  }
}

/** CPUs per node from the boot's SRAT CPU affinity lines (none: no field, as before). */
function cpuTopologyOf(boot: Boot): { cpuTopology?: CpuTopology } {
  const { perNode, lines } = boot.sratCpus
  if (lines.length === 0) return {}
  return {
    cpuTopology: {
      nodes: [...perNode]
        .sort((a, b) => a[0] - b[0])
        .map(([node, ids]) => ({ node, cpus: ids.size })),
      lines: lines.length,
      firstLine: lines[0]!,
      lastLine: lines[lines.length - 1]!
    }
  }
}

function parseCmr(m: RegExpExecArray, fileName: string, line: number): CmrRange {
  const base = parseAddress(m[1]!, fileName, line)
  const end = parseAddress(m[2]!, fileName, line, true)
  if (end <= base) {
    fail(fileName, {
      code: 'REVERSED_RANGE',
      line,
      message: `CMR ends (${m[2]}) at or before it starts (${m[1]})`
    })
  }
  return { baseBytes: base, endBytes: end, line }
}

function cmrAsRange(c: CmrRange): MemoryRange {
  return {
    baseBytes: c.baseBytes,
    endBytes: c.endBytes,
    type: 'ram',
    typeLabel: 'CMR',
    line: c.line
  }
}

function noteBoots(boots: Boot[], withMap: Boot[], chosen: Boot, notes: string[]): void {
  if (boots.length < 2) return
  const tables = boots.filter((b) => b.bios.length > 0)
  if (tables.length >= 2) {
    const lines = tables.map((b) => b.bios[0]!.line).join(', ')
    if (tables.every((b) => sameTable(b.bios, chosen.bios))) {
      notes.push(
        `The log holds ${tables.length} boots with identical BIOS-e820 tables (from lines ${lines}); the table is used once, with the lines of the last boot (from line ${chosen.firstLine}).`
      )
    } else {
      notes.push(
        `The log holds ${tables.length} boots whose BIOS-e820 tables differ (from lines ${lines}); the last boot's table is used, with the e820 edits, NUMA and TDX lines that follow it (from line ${chosen.firstLine}).`
      )
    }
  } else if (withMap.length >= 1) {
    notes.push(
      `The log holds ${boots.length} boots; the last one with a memory map (from line ${chosen.firstLine}) is used.`
    )
  }
}

function memoryOf(
  boot: Boot,
  fileName: string,
  notes: string[]
): { ranges: MemoryRange[]; memorySource: 'e820' | 'cmr' } {
  if (boot.headerlessUserLines > 0) {
    notes.push(
      `${boot.headerlessUserLines} "user: [mem …]" lines without the "${USER_HEADER}" header were ignored.`
    )
  }
  if (boot.bios.length === 0 && boot.userTables.length === 0) {
    notes.push(
      'No e820 table in the log: the TDX CMRs are used as the memory map (each CMR as RAM).'
    )
    return { ranges: boot.cmrs.map(cmrAsRange), memorySource: 'cmr' }
  }
  const userTable = boot.edits.filter((e) => e.kind === 'user-table').pop()
  if (userTable !== undefined) {
    notes.push(
      `The user-defined e820 table (mem=/memmap=, line ${userTable.line}) replaces the BIOS table as the memory map.`
    )
  }
  const split = splitEditsAtMemblock(boot.edits, boot.memblockOrder)
  const applied = split.applied.filter((e) => e.kind !== 'user-table').length
  if (applied > 0) {
    const unplaced =
      split.rule === 'none'
        ? ' (no line of the log places them before or after memblock setup)'
        : ''
    notes.push(
      `${applied} e820 update/remove lines were applied to the table in log order${unplaced}.`
    )
  }
  const ignoredNote = ignoredEditsNote(split, boot.memblockOrder)
  if (ignoredNote !== null) notes.push(ignoredNote)
  const ranges = applyEdits(boot.bios, split.applied)
  if (ranges.length === 0) {
    fail(fileName, {
      code: 'NO_MEMORY_LINES',
      message: 'no memory map found: the e820 table is empty after its update and remove lines'
    })
  }
  if (boot.cmrs.length > 0) {
    notes.push('The e820 table is used as the memory map (mainline); CMRs are shown for reference.')
  }
  return { ranges, memorySource: 'e820' }
}

function numaOf(
  boot: Boot,
  notes: string[]
): { numaMemblks: NumaMemblk[]; numaSource: NumaSource } {
  if (boot.noNuma) {
    if (boot.srat.length > 0) {
      notes.push(
        'The kernel fell back to one fake NUMA node ("No NUMA configuration found"), so the SRAT lines are not used.'
      )
    }
    return { numaMemblks: [], numaSource: 'none' }
  }
  if (boot.sratNonVolatileLines.length > 0) {
    notes.push(
      `${boot.sratNonVolatileLines.length} non-volatile SRAT ranges (persistent memory, lines ${boot.sratNonVolatileLines.join(', ')}) are not used as NUMA memory blocks.`
    )
  }
  if (boot.srat.length > 0) return { numaMemblks: boot.srat, numaSource: 'srat' }
  if (boot.merges.length > 0) {
    notes.push(
      'No SRAT lines: the NUMA blocks come from the "NUMA: Node N … -> …" merge lines, which name only nodes with several blocks.'
    )
    return { numaMemblks: memblksFromMerges(boot.merges), numaSource: 'numa-merge' }
  }
  return { numaMemblks: [], numaSource: 'none' }
}

function noteTdx(boot: Boot, notes: string[]): void {
  const lines = (kind: Parameters<Boot['tdxKinds']['get']>[0]): number[] =>
    boot.tdxKinds.get(kind) ?? []
  const fallback = lines('pamt-node-fallback')
  if (fallback.length > 0) {
    notes.push(
      `The kernel found no local NUMA node for ${fallback.length} TDMR PAMT allocations and used node 0 (line ${fallback[0]}).`
    )
  }
  if (lines('rbp-bug').length > 0) {
    notes.push(
      `The TDX module has the frame pointer (RBP) clobber bug (line ${lines('rbp-bug')[0]}): the kernel does not use it.`
    )
  }
  if (lines('tdx-disabled').length > 0) {
    notes.push(`The kernel did not enable TDX (line ${lines('tdx-disabled')[0]}).`)
  }
  if (lines('module-not-loaded').length > 0) {
    notes.push(`The TDX module was not loaded (line ${lines('module-not-loaded')[0]}).`)
  }
}
