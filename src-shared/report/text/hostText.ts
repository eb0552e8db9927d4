import { formatBytes, formatInteger } from '../../charts/formatBytes'
import type { HostAnalysis } from '../../model/host/analyzeHost'
import type { HostVerdict } from '../../model/host/verdict'
import { PAGE_SIZE_BYTES } from '../../model/host/units'
import type { ReportTable } from '../reportBlocks'
import { addLines, renderTextTable, textHeader, wrapText } from './textTable'

/** One level of a PAMT: its name as the CLI and GUI print it, and its bytes. */
export interface PamtLevelRow {
  label: string
  bytes: number
}

/**
 * The levels of static PAMT (PAMT_4K, PAMT_2M, PAMT_1G) and of Dynamic PAMT's static part (the 4K
 * bitmap, PAMT_2M, PAMT_1G), in the order `pamt-planner analyze` and "Copy as text" print them
 * (docs/host-model.md; dpamt-model.md §1.4, §2.3).
 */
export function pamtLevelRows(a: HostAnalysis): {
  static: PamtLevelRow[]
  dynamic: PamtLevelRow[]
} {
  return {
    static: [
      { label: 'PAMT_4K', bytes: a.staticPamt.levels.pamt4kBytes },
      { label: 'PAMT_2M', bytes: a.staticPamt.levels.pamt2mBytes },
      { label: 'PAMT_1G', bytes: a.staticPamt.levels.pamt1gBytes }
    ],
    dynamic: [
      { label: '4K bitmap', bytes: a.dynamicPamt.parts.bitmapBytes },
      { label: 'PAMT_2M', bytes: a.dynamicPamt.parts.pamt2mBytes },
      { label: 'PAMT_1G', bytes: a.dynamicPamt.parts.pamt1gBytes }
    ]
  }
}

/**
 * "TDX init: kernel succeeded (line 812); model succeeds": the kernel's printed outcome beside the
 * model's (model/host/verdict.ts), as the CLI and "Copy as text" print it.
 */
export function tdxInitText(v: HostVerdict): string {
  const kernelSays =
    v.kernel === 'not in log'
      ? `not in log${v.tdxInLog ? '' : ' (no TDX lines)'}`
      : `${v.kernel.toUpperCase() === 'FAILED' ? 'FAILED' : 'succeeded'}${v.kernelLine !== null ? ` (line ${v.kernelLine})` : ''}`
  return `TDX init: kernel ${kernelSays}; model ${v.model === 'fails' ? 'FAILS' : 'succeeds'}`
}

/** The kernel's printed PAMT size beside the model's, or null when the log printed none. */
export function kernelPamtText(a: HostAnalysis): string | null {
  const c = a.calibration
  if (!c) return null
  return `Kernel printed ${c.kernelPamtKb} KB allocated for PAMT${c.dynamicPamt ? ' (Dynamic PAMT)' : ''}; model ${c.modelKb} KB: ${c.matches ? 'match' : 'MISMATCH'}`
}

/**
 * PAMT per level, static beside Dynamic PAMT's static part, in bytes (docs/copy-as-text.md, "Copy as
 * text"): static PAMT has PAMT_4K where Dynamic PAMT has the 4K bitmap, so each leaves the other's
 * cell empty ("—").
 */
export function pamtLevelTable(a: HostAnalysis): ReportTable {
  const { static: s, dynamic: d } = pamtLevelRows(a)
  return {
    kind: 'table',
    title: 'PAMT per level, no TD running',
    columns: [
      { key: 'level', label: 'level' },
      { key: 'static', label: 'static PAMT', unit: 'bytes' },
      { key: 'dynamic', label: 'Dynamic PAMT', unit: 'bytes' }
    ],
    rows: [
      [s[0]!.label, s[0]!.bytes, null],
      [d[0]!.label, null, d[0]!.bytes],
      [s[1]!.label, s[1]!.bytes, d[1]!.bytes],
      [s[2]!.label, s[2]!.bytes, d[2]!.bytes],
      ['total', a.staticPamt.bytes, a.dynamicPamt.staticBytes]
    ],
    note: `In KB as the kernel prints it: static PAMT ${a.staticPamt.kb} KB, Dynamic PAMT ${a.dynamicPamt.staticKb} KB. A running TD adds a PAMT page pair (8 KiB) per 2 MiB region holding 4K-mapped pages.`
  }
}

/** The refcount array in both layouts: bytes, pages, and the page tables that map them (modelled). */
export function refcountTable(a: HostAnalysis): ReportTable {
  const r = a.refcounts
  return {
    kind: 'table',
    title: 'Refcount array (4 B per 2 MiB region)',
    columns: [
      { key: 'layout', label: 'layout' },
      { key: 'bytes', label: 'size', unit: 'bytes' },
      { key: 'pages', label: 'pages' },
      { key: 'pt', label: 'page tables', unit: 'bytes' }
    ],
    rows: [
      ['dense (v6)', r.denseBytes, r.densePages, r.densePageTablePages * PAGE_SIZE_BYTES],
      [
        'sparse (v4, seed 002)',
        r.sparseBytes,
        r.sparsePages,
        r.sparsePageTablePages * PAGE_SIZE_BYTES
      ]
    ],
    note: 'Page tables: PTE and PMD pages of the vmalloc area, assuming a 2 MiB-aligned start (modelled).'
  }
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

/**
 * "Copy as text" on the Host view (docs/copy-as-text.md): the host, its TDX memory, the kernel's and the
 * model's verdicts, then PAMT per level and the refcount array as fixed-width tables, every line at
 * most 78 columns.
 */
export function hostCopyText(a: HostAnalysis, version: string): string {
  const idle = a.dynamicPamt.staticBytes + a.refcounts.denseBytes
  const out: string[] = [textHeader(version)]
  addLines(
    out,
    wrapText(
      `Host: ${a.name} (${a.memorySource === 'cmr' ? 'memory from TDX CMR lines' : `${a.memorySource} memory map`})`
    ),
    wrapText(
      `TDX memory: ${formatBytes(a.tdxMemoryBytes)} (${formatInteger(a.tdxMemoryBytes)} bytes), ${plural(a.memoryBlocks.length, 'block')}, ${plural(a.nodes.length, 'node')}, ${plural(a.tdmrs.length, 'TDMR')}`
    ),
    wrapText(tdxInitText(a.verdict))
  )
  if (a.verdict.explanation) addLines(out, wrapText(a.verdict.explanation, undefined, '  ', '  '))
  const printed = kernelPamtText(a)
  if (printed) addLines(out, wrapText(printed))
  addLines(out, '', renderTextTable(pamtLevelTable(a)), '', renderTextTable(refcountTable(a)), '')
  addLines(
    out,
    wrapText(
      `Dynamic PAMT with no TD running (static part + dense refcounts): ${formatInteger(idle)} bytes (${formatBytes(idle)}), ${formatBytes(a.staticPamt.bytes - idle)} less than static PAMT.`
    )
  )
  return `${out.join('\n')}\n`
}
