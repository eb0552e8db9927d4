import type { HostResult } from '@shared/api/contract'
import { formatBytes, formatInteger } from '@shared/charts/formatBytes'
import { describeModuleParamSet } from '@shared/model/host/moduleVersion'
import { describePhysAddrBits } from '@shared/model/host/physAddrBits'
import { toHex } from '@shared/model/host/units'

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
  const kernelSays =
    v.kernel === 'not in log'
      ? `not in log${v.tdxInLog ? '' : ' (no TDX lines)'}`
      : `${v.kernel.toUpperCase() === 'FAILED' ? 'FAILED' : 'succeeded'}${v.kernelLine !== null ? ` (line ${v.kernelLine})` : ''}`
  out.push(`  TDX init: kernel ${kernelSays}; model ${v.model === 'fails' ? 'FAILS' : 'succeeds'}`)
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
  out.push('Static PAMT:')
  row('PAMT_4K', a.staticPamt.levels.pamt4kBytes)
  row('PAMT_2M', a.staticPamt.levels.pamt2mBytes)
  row('PAMT_1G', a.staticPamt.levels.pamt1gBytes)
  row('total', a.staticPamt.bytes, `  = ${a.staticPamt.kb} KB`)
  out.push('Dynamic PAMT, static part:')
  row('4K bitmap', a.dynamicPamt.parts.bitmapBytes)
  row('PAMT_2M', a.dynamicPamt.parts.pamt2mBytes)
  row('PAMT_1G', a.dynamicPamt.parts.pamt1gBytes)
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
  if (a.calibration) {
    const c = a.calibration
    out.push('')
    out.push(
      `Kernel printed ${c.kernelPamtKb} KB allocated for PAMT${c.dynamicPamt ? ' (Dynamic PAMT)' : ''}; model ${c.modelKb} KB: ${c.matches ? 'match' : 'MISMATCH'}`
    )
  }
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
