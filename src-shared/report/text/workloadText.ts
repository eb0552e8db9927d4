import { capacityCaveat, capacitySentence } from '../../charts/workload/capacityText'
import { formatBytes, formatInteger } from '../../charts/formatBytes'
import type { TraceSummary } from '../../import/trace/traceFormat'
import type { SimulationResult } from '../../model/runtime/simulate'
import type { ReportTable } from '../reportBlocks'
import { addLines, renderTextTable, textHeader, wrapText } from './textTable'

/** A share of static PAMT in percent with two decimals (a string: the table prints it as given). */
const ofStatic = (bytes: number, staticBytes: number): string =>
  staticBytes > 0 ? ((100 * bytes) / staticBytes).toFixed(2) : '—'

/**
 * Dynamic PAMT against static PAMT (docs/workload-model.md): the static reference, the parts Dynamic
 * PAMT always holds, its peak and its time-weighted average, in bytes and as a share of static PAMT,
 * with the names `pamt-planner simulate` prints.
 */
export function dynamicVsStaticTable(r: SimulationResult): ReportTable {
  const s = r.staticPamtBytes
  const rp = r.replay
  // Whole bytes: the time-weighted average is fractional, and a bytes column holds integers.
  const row = (label: string, bytes: number): [string, number, string, string] => [
    label,
    Math.round(bytes),
    formatBytes(bytes),
    ofStatic(bytes, s)
  ]
  return {
    kind: 'table',
    title: 'Dynamic PAMT vs static PAMT',
    columns: [
      { key: 'what', label: 'quantity' },
      { key: 'bytes', label: 'size', unit: 'bytes' },
      { key: 'size', label: 'size', align: 'right' },
      { key: 'share', label: 'of static', unit: '%', align: 'right' }
    ],
    rows: [
      row('static PAMT (reference)', s),
      row('Dynamic PAMT static part', r.staticPartBytes),
      row(`refcount array (${r.refcountScheme})`, r.refcountBytes),
      row('Dynamic PAMT peak', rp.peakTotalBytes),
      row('Dynamic PAMT average', rp.averageTotalBytes),
      row('savings vs static at peak', r.savingsAtPeakBytes)
    ],
    note: `Peak at ${(rp.peakTimeNs / 1e9).toFixed(3)} s with ${formatInteger(rp.peakPairs)} PAMT page pairs (8 KiB per 2 MiB region holding 4K-mapped pages).`
  }
}

/**
 * The peak under each modelled kernel-page placement (model/runtime/placementRange.ts,
 * docs/workload-model.md "Where pages land"), this run's first; null for a trace or when the
 * repeats were not run.
 */
export function placementTable(r: SimulationResult): ReportTable | null {
  const p = r.placementRange
  if (!p?.computed) return null
  return {
    kind: 'table',
    title: `Peak by kernel placement (${p.parameter}, modelled)`,
    columns: [
      { key: 'placement', label: 'placement' },
      { key: 'pairs', label: 'peak pairs' },
      { key: 'bytes', label: 'peak Dynamic PAMT', unit: 'bytes' },
      { key: 'share', label: 'of static', unit: '%', align: 'right' }
    ],
    rows: p.runs.map((x) => [
      x.placement === p.placement ? `${x.placement} (this run)` : x.placement,
      x.peakPairs,
      Math.round(x.peakTotalBytes),
      ofStatic(x.peakTotalBytes, r.staticPamtBytes)
    ])
  }
}

/**
 * "Copy as text" on the Workload view (docs/copy-as-text.md): the run, its capacity ("N of M TDs fit")
 * first, then Dynamic PAMT against static and the per-placement spread as fixed-width tables, every
 * line at most 78 columns.
 */
export function workloadCopyText(
  hostName: string,
  r: SimulationResult,
  trace: TraceSummary | null,
  version: string
): string {
  const out: string[] = [textHeader(version)]
  addLines(
    out,
    wrapText(
      trace
        ? `Trace: ${r.scenarioName} on ${hostName} (${trace.format}, ${formatInteger(trace.events)} events, ${trace.tds} TDs, ${trace.cpus} CPUs)`
        : `Workload: ${r.scenarioName} on ${hostName} (seed ${r.seed})`
    )
  )
  if (r.capacity) {
    addLines(out, wrapText(`Capacity: ${capacitySentence(r.capacity)}`))
    const caveat = capacityCaveat(r.capacity)
    if (caveat) addLines(out, wrapText(`NOT ALL TDs FIT: ${caveat}`))
  }
  addLines(out, '', renderTextTable(dynamicVsStaticTable(r)))
  const placement = placementTable(r)
  if (placement) addLines(out, '', renderTextTable(placement))
  else if (r.placementRange)
    addLines(
      out,
      '',
      wrapText(
        `Peak by kernel placement: not computed (${r.placementRange.assumptions.at(-1) ?? ''})`
      )
    )
  return `${out.join('\n')}\n`
}
