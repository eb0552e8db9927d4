import type { HostResult } from '../../api/contract'
import { formatBytes, formatInteger } from '../../charts/formatBytes'
import { describeModuleParamSet } from '../../model/host/moduleVersion'
import { describePhysAddrBits } from '../../model/host/physAddrBits'
import { toHex } from '../../model/host/units'
import { kernelPamtText, pamtLevelRows, tdxInitText } from './hostText'

/** The human-readable `pamt-planner analyze` report: the same numbers as the UI's host view. */
export function formatHostReport(r: HostResult): string {
  const a = r.analysis
  const out: string[] = []
  const row = (label: string, bytes: number, extra = ''): void => {
    out.push(
      `  ${label.padEnd(34)} ${formatInteger(bytes).padStart(16)} B  ${formatBytes(bytes).padStart(11)}${extra}`
    )
  }
  out.push(
    `${a.name}: ${a.memorySource} memory map (${r.summary.formats.join(' + ')}), ${r.summary.linesTotal} lines`
  )
  out.push(
    `  TDX memory ${formatBytes(a.tdxMemoryBytes)} in ${a.memoryBlocks.length} memory blocks on ${a.nodes.length} node(s) (NUMA: ${a.numaSource}); max_pfn ${toHex(a.maxPfn)}`
  )
  out.push(
    `  model: holes from ${a.options.holeSource === 'cmr' ? 'CMR gaps (KAI-CMR)' : 'memory blocks (mainline)'}, ${a.options.pamtMode} PAMT chunks, placement ${a.options.pamtPlacement} (modelled)`
  )
  const v = a.verdict
  out.push(`  ${tdxInitText(v)}`)
  if (v.explanation) out.push(`  ${v.explanation}`)
  const m = a.moduleParamSet
  out.push(`  TDX module parameters: ${describeModuleParamSet(m)}`)
  out.push(`  x86_phys_bits (Dynamic PAMT needs ≤ 48): ${describePhysAddrBits(a.physAddrBits)}`)
  out.push('')
  out.push(
    `TDMRs (${a.tdmrs.length} of max ${a.params.maxTdmrs}; reserved areas max ${a.params.maxReservedPerTdmr}):`
  )
  for (const [i, t] of a.tdmrs.entries()) {
    const chunk = t.pamtChunk
      ? `PAMT @${toHex(t.pamtChunk.baseBytes)} node ${t.pamtChunk.nid}`
      : 'PAMT: no room'
    out.push(
      `  #${String(i).padEnd(3)} [${toHex(t.baseBytes)}, ${toHex(t.baseBytes + t.sizeBytes)})  ${formatBytes(t.sizeBytes).padStart(10)}  reserved ${t.reservedAreas.length} (${t.holes.length} holes)${t.reservedAreasExhausted ? ' EXHAUSTED' : ''}  ${chunk}`
    )
  }
  if (a.nodes.length > 1) {
    out.push('')
    out.push('Nodes:')
    for (const n of a.nodes) {
      out.push(
        `  node ${String(n.nid).padEnd(3)} TDX memory ${formatBytes(n.tdxMemoryBytes).padStart(11)}  PAMT for ${n.tdmrIndexes.length} TDMRs: static ${formatBytes(n.staticPamtBytes)}, DPAMT static ${formatBytes(n.dynamicPamtStaticBytes)}`
      )
    }
  }
  out.push('')
  // The same level rows as "Copy as text" (hostText.ts).
  const levels = pamtLevelRows(a)
  out.push('Static PAMT:')
  for (const l of levels.static) row(l.label, l.bytes)
  row('total', a.staticPamt.bytes, `  = ${a.staticPamt.kb} KB`)
  out.push('Dynamic PAMT, static part:')
  for (const l of levels.dynamic) row(l.label, l.bytes)
  row('total', a.dynamicPamt.staticBytes, `  = ${a.dynamicPamt.staticKb} KB`)
  out.push('Refcount array:')
  row(
    'dense (v6)',
    a.refcounts.denseBytes,
    `  ${a.refcounts.densePages} pages (+${a.refcounts.densePageTablePages} page-table pages, modelled)`
  )
  row(
    'sparse (v4, seed 002)',
    a.refcounts.sparseBytes,
    `  ${a.refcounts.sparsePages} pages (+${a.refcounts.sparsePageTablePages} page-table pages, modelled)`
  )
  const printed = kernelPamtText(a)
  if (printed) out.push('', printed)
  if (a.problems.length) {
    out.push('')
    out.push('Problems:')
    for (const p of a.problems)
      out.push(
        `  ${p.severity.toUpperCase()} ${p.code}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`
      )
  }
  return out.join('\n')
}
