import type { SimulationResult } from '../../model/runtime/simulate'
import type { SweepResult } from '../../model/runtime/sweep'
import type { TraceSummary } from '../../import/trace/traceFormat'
import { formatBytes, formatPercent } from '../../charts/formatBytes'
import { capacityCaveat, capacitySentence } from '../../charts/workload/capacityText'
import { conversionNoteText } from '../../charts/workload/conversionText'
import { maxOf } from '../../util/arrays'

/** The human-readable `pamt-planner simulate` report: the numbers the Workload view shows. */
export function formatSimulationReport(
  hostName: string,
  r: SimulationResult,
  sweep: SweepResult | null,
  trace: TraceSummary | null
): string {
  const out: string[] = []
  const rp = r.replay
  const line = (label: string, value: string): void => {
    out.push(`  ${label.padEnd(38)} ${value}`)
  }
  out.push(`${r.scenarioName} on ${hostName}${trace ? '' : ` (seed ${r.seed})`}`)
  if (trace) {
    out.push(
      `  trace: ${trace.format}, ${trace.rows} rows, ${trace.events} events, ${trace.tds} TDs, ${trace.cpus} CPUs`
    )
  }
  if (r.capacity) {
    // Capacity before savings: a figure for TDs that did not start would mislead.
    out.push(`  capacity: ${capacitySentence(r.capacity)}`)
    const caveat = capacityCaveat(r.capacity)
    if (caveat) out.push(`  NOT ALL TDs FIT: ${caveat}`)
  }
  out.push('')
  line('static PAMT (reference)', formatBytes(r.staticPamtBytes))
  line('Dynamic PAMT static part', formatBytes(r.staticPartBytes))
  line(`refcount array (${r.refcountScheme})`, formatBytes(r.refcountBytes))
  line(
    'Dynamic PAMT peak',
    `${formatBytes(rp.peakTotalBytes)} at ${(rp.peakTimeNs / 1e9).toFixed(3)} s (${rp.peakPairs} pairs)`
  )
  // Where kernel-page placement decides the pair count, its range (placementRange.ts, modelled).
  const pr = r.placementRange
  if (pr)
    line(
      'peak by kernel placement (modelled)',
      pr.computed
        ? `${pr.bestPairs}–${pr.worstPairs} pairs, ${formatBytes(pr.bestPeakBytes)}–${formatBytes(pr.worstPeakBytes)} (${pr.parameter}: fewest '${pr.bestPlacement}', most '${pr.worstPlacement}'; this run '${pr.placement}')`
        : `not computed (${pr.parameter} '${pr.placement}'): ${pr.assumptions.at(-1) ?? ''}`
    )
  line('Dynamic PAMT average', formatBytes(rp.averageTotalBytes))
  line(
    r.capacity && !r.capacity.fits
      ? `savings vs static at peak (${r.capacity.tdsStarted} TDs started)`
      : 'savings vs static at peak',
    `${formatBytes(r.savingsAtPeakBytes)} (${formatPercent(r.savingsAtPeakFraction)})`
  )
  line('PAMT.ADD / PAMT.REMOVE / DEMOTE', `${rp.addCount} / ${rp.removeCount} / ${rp.demoteCount}`)
  line('page gets / puts (4K)', `${rp.getPageOps} / ${rp.putPageOps}`)
  line('pairs at end', `${rp.pairsAtEnd}`)
  const be = r.breakEven
  line(
    'break-even 4K-mapped memory',
    be.reachable
      ? `${formatBytes(be.freshHostBytes)} on a fresh host; ${formatBytes(be.atFragmentationBytes)} at fragmentation ${be.fragmentation} (modelled)`
      : `never: a pair on every region gives ${formatBytes(be.allRegionsPairedBytes)}, below static PAMT`
  )
  if (rp.nodeIds.length > 1) {
    out.push('')
    out.push('Per node (peak pair memory):')
    rp.nodeIds.forEach((nid, i) => line(`node ${nid}`, formatBytes(maxOf(rp.perNodePairBytes[i]!))))
  }
  // Who pays (docs/workload-model.md): per TD class; a trace has none, so its top TDs.
  out.push('')
  if (rp.perClass) {
    out.push('Who pays, per TD class (pairs to the TD whose get allocated them, until freed):')
    for (const c of rp.perClass) {
      line(
        c.tds ? `${c.name} (${c.tds} TD${c.tds === 1 ? '' : 's'})` : c.name,
        `pairs peak ${formatBytes(c.peakPairBytes)}, average ${formatBytes(c.averagePairBytes)}; with pamt caches peak ${formatBytes(c.peakBytes)}; at the total's peak ${formatBytes(c.pairBytesAtPeak + c.cacheBytesAtPeak)}`
      )
    }
  } else {
    const t = rp.perTd
    const shown = t.rows.slice(0, 5)
    out.push(
      `Who pays, per TD (pairs to the TD whose get allocated them, until freed; top ${shown.length} of ${t.tdCount}):`
    )
    for (const x of shown) {
      line(
        x.td < 0 ? 'no TD id' : `TD ${x.td}`,
        `pairs peak ${formatBytes(x.peakPairBytes)}, ${x.pairsCharged} allocated, ${formatBytes(x.pairBytesAtEnd)} at end`
      )
    }
  }
  if (r.generation) {
    const g = r.generation
    if (g.unplacedPages || g.unplacedRegions || g.leakedPages || g.leakedPairs) {
      out.push('')
      line(
        'not placed (host full)',
        `${g.unplacedPages} 4K pages, ${g.unplacedRegions} huge regions`
      )
      line('leaked by failed reclaim', `${g.leakedPages} pages (their regions keep their pairs)`)
      line('leaked by failed PAMT.REMOVE', `${g.leakedPairs} pairs (refcount left at 1)`)
    }
    // The inputs a conversion-driven result depends on (docs/workload-model.md).
    if (g.conversions?.length) {
      out.push('')
      out.push('Private/shared conversions:')
      for (const n of g.conversions) out.push(`  ${conversionNoteText(n)}`)
    }
  }
  if (sweep) {
    out.push('')
    out.push(`Sweep over ${sweep.parameter}:`)
    out.push(
      `  ${'value'.padStart(10)} ${'peak'.padStart(12)} ${'average'.padStart(12)} ${'savings'.padStart(12)}`
    )
    for (const p of sweep.points) {
      out.push(
        `  ${String(p.value).padStart(10)} ${formatBytes(p.peakTotalBytes).padStart(12)} ${formatBytes(p.averageTotalBytes).padStart(12)} ${formatBytes(p.savingsAtPeakBytes).padStart(12)}`
      )
    }
  }
  const counts = Object.entries(rp.findingCounts)
  if (counts.length) {
    out.push('')
    out.push('Findings:')
    for (const f of rp.findings.slice(0, 20))
      out.push(`  ${f.code}${f.line ? ` (line ${f.line})` : ''}: ${f.message}`)
    out.push(`  totals: ${counts.map(([k, v]) => `${k} ${v}`).join(', ')}`)
  }
  return out.join('\n')
}
