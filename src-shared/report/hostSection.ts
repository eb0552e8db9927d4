import type { HostAnalysis } from '../model/host/analyzeHost'
import type { ImportSummary } from '../import/hostImport'
import { describeModuleParamSet } from '../model/host/moduleVersion'
import { describePhysAddrBits } from '../model/host/physAddrBits'
import { TDX_PARAM_NAMES } from '../model/host/tdxModuleParams'
import { toHex } from '../model/host/units'
import { formatInteger } from '../charts/formatBytes'
import { pamtByLevelChart } from '../charts/pamtByLevelChart'
import { refcountChart } from '../charts/refcountChart'
import { addressMapChart, addressMapLegend, addressMapModel } from '../charts/addressMap'
import type { ReportBlock, ReportSection, ReportTable } from './reportBlocks'
import { reportChart, type ChartContext } from './reportChart'

/**
 * The host section of a report (docs/reports.md, "Host"): the verdicts (the kernel's printed init
 * outcome first, the model's beside it, never contradicting the log), static vs Dynamic PAMT, PAMT
 * per level, refcounts dense and sparse, the TDMRs and the problems. Every number is the
 * analysis's own (`analyzeHost`); nothing is recomputed here.
 */
export function buildHostSection(
  a: HostAnalysis,
  summary: ImportSummary,
  ctx: ChartContext,
  id = 'host'
): ReportSection {
  const blocks: ReportBlock[] = [
    verdictText(a),
    verdictTable(a),
    staticVsDynamicTable(a),
    pamtLevelsTable(a),
    reportChart('PAMT by level', pamtByLevelChart(a), { ...ctx, height: 260 }),
    refcountTable(a),
    reportChart('Refcount array', refcountChart(a), { ...ctx, height: 220 }),
    tdmrTable(a),
    ...(a.nodes.length > 1 ? [nodeTable(a)] : []),
    addressMap(a, ctx),
    moduleTable(a),
    problemTable(a),
    importText(summary)
  ]
  return { id, title: `Host ${a.name}`, blocks }
}

function kernelSays(a: HostAnalysis): string {
  const v = a.verdict
  if (v.kernel === 'not in log')
    return v.tdxInLog ? 'not in log' : 'not in log (the log has no TDX lines)'
  const at = v.kernelLine !== null ? ` (line ${v.kernelLine})` : ''
  return v.kernel === 'failed'
    ? `failed${at}${v.kernelFailure ? `: ${v.kernelFailure}` : ''}`
    : `succeeded${at}`
}

/** The headline: what the log says leads, then the model (verdict.ts: never contradicts the log). */
function verdictText(a: HostAnalysis): ReportBlock {
  const v = a.verdict
  const paragraphs = [
    `TDX init: kernel log ${kernelSays(a)}; model ${v.model === 'fails' ? 'predicts it FAILS' : 'predicts it succeeds'}.`
  ]
  if (v.explanation) paragraphs.push(v.explanation)
  paragraphs.push(
    `TDX memory ${formatInteger(a.tdxMemoryBytes)} bytes in ${a.memoryBlocks.length} memory blocks on ${a.nodes.length} node(s) (NUMA: ${a.numaSource}); ${a.tdmrs.length} TDMRs; max_pfn ${toHex(a.maxPfn)}; memory map from ${a.memorySource}.`
  )
  return { kind: 'text', paragraphs }
}

function verdictTable(a: HostAnalysis): ReportTable {
  const v = a.verdict
  return {
    kind: 'table',
    title: 'Verdicts',
    columns: [
      { key: 'who', label: 'source' },
      { key: 'says', label: 'TDX init' }
    ],
    rows: [
      ['kernel log', kernelSays(a)],
      ['model', v.model === 'fails' ? 'fails' : 'succeeds']
    ],
    note: 'The kernel log is what the kernel printed; the model reproduces its TDMR and PAMT rules from the memory map (docs/host-model.md, "Kernel-exact steps").'
  }
}

function staticVsDynamicTable(a: HostAnalysis): ReportTable {
  const c = a.calibration
  const rows: ReportTable['rows'] = [
    ['Static PAMT', a.staticPamt.bytes, a.staticPamt.kb],
    ['Dynamic PAMT, static part', a.dynamicPamt.staticBytes, a.dynamicPamt.staticKb]
  ]
  const marks: ReportTable['rowMarks'] = ['kernel-exact', 'kernel-exact']
  if (c) {
    rows.push([
      `Kernel log: "${c.kernelPamtKb} KB allocated for PAMT"${c.dynamicPamt ? ' (Dynamic PAMT)' : ''}`,
      c.kernelPamtKb * 1024,
      c.kernelPamtKb
    ])
    marks.push(null)
  }
  return {
    kind: 'table',
    title: 'Static vs Dynamic PAMT',
    columns: [
      { key: 'what', label: 'what' },
      { key: 'bytes', label: 'size', unit: 'bytes' },
      { key: 'kb', label: 'size', unit: 'KiB, as the kernel prints "KB"' }
    ],
    rows,
    rowMarks: marks,
    note: c
      ? `The kernel printed ${c.kernelPamtKb} KB; the model gives ${c.modelKb} KB: ${c.matches ? 'they match' : 'they DIFFER'}.`
      : 'The log prints no PAMT size to check against.'
  }
}

function pamtLevelsTable(a: HostAnalysis): ReportTable {
  const s = a.staticPamt.levels
  const d = a.dynamicPamt.parts
  return {
    kind: 'table',
    title: 'PAMT per level',
    columns: [
      { key: 'level', label: 'level' },
      { key: 'static', label: 'static PAMT', unit: 'bytes' },
      { key: 'dynamic', label: 'Dynamic PAMT static part', unit: 'bytes' }
    ],
    rows: [
      ['PAMT_4K (Dynamic PAMT: 4K bitmap)', s.pamt4kBytes, d.bitmapBytes],
      ['PAMT_2M', s.pamt2mBytes, d.pamt2mBytes],
      ['PAMT_1G', s.pamt1gBytes, d.pamt1gBytes],
      ['total', a.staticPamt.bytes, a.dynamicPamt.staticBytes]
    ],
    note: 'Sums over the TDMRs of each level, sized as the kernel sizes them (docs/host-model.md).'
  }
}

function refcountTable(a: HostAnalysis): ReportTable {
  const r = a.refcounts
  return {
    kind: 'table',
    title: 'Refcount array',
    columns: [
      { key: 'scheme', label: 'scheme' },
      { key: 'bytes', label: 'size', unit: 'bytes' },
      { key: 'pages', label: 'pages' },
      { key: 'pt', label: 'page-table pages' }
    ],
    rows: [
      ['dense (v6)', r.denseBytes, r.densePages, r.densePageTablePages],
      ['sparse (v4, seed 002)', r.sparseBytes, r.sparsePages, r.sparsePageTablePages]
    ],
    note: 'Page-table pages are modelled, assuming a 2 MiB-aligned vmalloc start (dpamt-model.md §2.5).'
  }
}

function tdmrTable(a: HostAnalysis): ReportTable {
  return {
    kind: 'table',
    title: `TDMRs (${a.tdmrs.length} of max ${a.params.maxTdmrs}; reserved areas max ${a.params.maxReservedPerTdmr})`,
    columns: [
      { key: 'i', label: '#' },
      { key: 'base', label: 'base', align: 'left' },
      { key: 'end', label: 'end', align: 'left' },
      { key: 'size', label: 'size', unit: 'bytes' },
      { key: 'reserved', label: 'reserved areas' },
      { key: 'holes', label: 'holes' },
      { key: 'pamt', label: 'static PAMT', unit: 'bytes' },
      { key: 'chunk', label: 'PAMT chunk', align: 'left' }
    ],
    rows: a.tdmrs.map((t, i) => [
      i,
      toHex(t.baseBytes),
      toHex(t.baseBytes + t.sizeBytes),
      t.sizeBytes,
      `${t.reservedAreas.length}${t.reservedAreasExhausted ? ' (EXHAUSTED)' : ''}`,
      t.holes.length,
      t.staticPamt.pamt4kBytes + t.staticPamt.pamt2mBytes + t.staticPamt.pamt1gBytes,
      t.pamtChunk ? `${toHex(t.pamtChunk.baseBytes)} node ${t.pamtChunk.nid}` : 'no room'
    ]),
    note: `PAMT chunk placement is modelled (${a.options.pamtPlacement}); holes from ${a.options.holeSource === 'cmr' ? 'CMR gaps (KAI-CMR)' : 'memory blocks (mainline)'}.`
  }
}

function nodeTable(a: HostAnalysis): ReportTable {
  return {
    kind: 'table',
    title: 'Nodes',
    columns: [
      { key: 'nid', label: 'node' },
      { key: 'tdx', label: 'TDX memory', unit: 'bytes' },
      { key: 'tdmrs', label: 'TDMRs' },
      { key: 'static', label: 'static PAMT', unit: 'bytes' },
      { key: 'dpamt', label: 'Dynamic PAMT static part', unit: 'bytes' }
    ],
    rows: a.nodes.map((n) => [
      n.nid,
      n.tdxMemoryBytes,
      n.tdmrIndexes.length,
      n.staticPamtBytes,
      n.dynamicPamtStaticBytes
    ])
  }
}

/** The address map as the Host view draws it (compressed axis), with its colour key drawn in. */
function addressMap(a: HostAnalysis, ctx: ChartContext): ReportBlock {
  const { fold } = addressMapModel(a, 'compressed')
  return reportChart('Address map', addressMapChart(a, { scale: 'compressed' }), {
    ...ctx,
    height: 300,
    legendItems: addressMapLegend(a, { folded: fold !== null })
  })
}

function moduleTable(a: HostAnalysis): ReportTable {
  const m = a.moduleParamSet
  const p = a.params
  const names = TDX_PARAM_NAMES as Record<string, string>
  const rows: ReportTable['rows'] = [
    ['parameter set', `${m.id} (${m.label})`, `${m.source}: ${describeModuleParamSet(m)}`],
    ...Object.entries(p).map(([k, v]): ReportTable['rows'][number] => [
      names[k] ?? k,
      v,
      m.overridden.includes(k as keyof typeof p) ? 'set by the user' : `parameter set ${m.id}`
    ]),
    ['x86_phys_bits', a.physAddrBits.bits, describePhysAddrBits(a.physAddrBits)],
    ['MAXMEM', a.kernel.maxMemBytes, 'model option (default 2^46, MAX_PHYSMEM_BITS)'],
    ['hole source', a.options.holeSource, 'model option'],
    ['PAMT placement', a.options.pamtPlacement, 'model option'],
    ['PAMT mode', a.options.pamtMode, 'model option']
  ]
  return {
    kind: 'table',
    title: 'TDX module parameters and model options',
    columns: [
      { key: 'name', label: 'name' },
      { key: 'value', label: 'value', align: 'right' },
      { key: 'source', label: 'source', align: 'left' }
    ],
    rows
  }
}

function problemTable(a: HostAnalysis): ReportBlock {
  if (!a.problems.length) return { kind: 'text', paragraphs: ['Problems: none found.'] }
  return {
    kind: 'table',
    title: 'Problems',
    columns: [
      { key: 'severity', label: 'severity' },
      { key: 'code', label: 'code' },
      { key: 'line', label: 'line' },
      { key: 'message', label: 'message', align: 'left' }
    ],
    rows: a.problems.map((p) => [p.severity, p.code, p.line ?? null, p.message])
  }
}

function importText(s: ImportSummary): ReportBlock {
  const paragraphs = [
    `Imported ${s.fileName}: ${s.formats.join(' + ')}, ${s.linesTotal} lines, ${s.linesSkipped} skipped.`
  ]
  for (const n of s.notes) paragraphs.push(n)
  return { kind: 'text', paragraphs }
}
