import type { ContentionRun } from '../api/contract'
import { capacityCaveat, capacitySentence } from '../charts/workload/capacityText'
import { designSummaries } from '../charts/contention/designSummary'
import { designComparisonChart } from '../charts/contention/designComparisonChart'
import { latencyCdfChart } from '../charts/contention/latencyCdfChart'
import { lockTimelineChart } from '../charts/contention/lockTimelineChart'
import { hasDemoteVariants, outcomeLabel } from '../charts/contention/labels'
import type { ReportBlock, ReportCell, ReportSection, ReportTable } from './reportBlocks'
import { reportChart, type ChartContext } from './reportChart'

/**
 * The contention section (docs/reports.md, "Contention"): capacity first, then the design table
 * (with the median [min–max] over seeds when there are several), a `perf lock contention` style
 * table per design and the Contention view's charts from charts/contention. Costs are modelled
 * estimates (docs/contention-model.md, "Parameters"); the section says so.
 */
export function buildContentionSection(run: ContentionRun, ctx: ChartContext): ReportSection {
  const r = run.report
  const chartCtx: ChartContext = { ...ctx, scenarioName: r.scenarioName }
  const lead = [
    `Capacity: ${capacitySentence(r.capacity)}.`,
    ...(capacityCaveat(r.capacity) ? [`NOT ALL TDs FIT: ${capacityCaveat(r.capacity)}`] : []),
    `Scenario "${r.scenarioName}" on ${run.hostName}, seed${r.seeds.length > 1 ? 's' : ''} ${r.seeds.join(', ')}; machine ${r.machine.sockets} sockets × ${r.machine.cpusPerSocket} CPUs (${r.machine.detail}).`,
    'Every SEAMCALL and lock cost is a modelled estimate (see "Modelled assumptions"): compare designs with each other, not with a measurement.'
  ]
  const blocks: ReportBlock[] = [
    { kind: 'text', paragraphs: lead },
    designTable(run),
    ...(r.outcomes.some((o) => o.spread) ? [spreadTable(run)] : []),
    perfTable(run),
    reportChart('Design comparison', designComparisonChart(r.outcomes), {
      ...chartCtx,
      height: 300
    }),
    reportChart('Added fault latency (CDF)', latencyCdfChart(r.outcomes), {
      ...chartCtx,
      height: 300
    })
  ]
  const first = r.outcomes.find((o) => o.locks.length > 0)
  if (first)
    blocks.push(
      reportChart(
        `Lock timeline: ${outcomeLabel(first, hasDemoteVariants(r.outcomes))}`,
        lockTimelineChart(first, outcomeLabel(first, hasDemoteVariants(r.outcomes))),
        { ...chartCtx, height: 240 }
      )
    )
  return {
    id: 'contention',
    title: `Contention: ${r.scenarioName}`,
    blocks
  }
}

function designTable(run: ContentionRun): ReportTable {
  const rows = designSummaries(run.report.outcomes)
  return {
    kind: 'table',
    title: `Designs (seed ${run.report.seed})`,
    columns: [
      { key: 'design', label: 'design' },
      { key: 'acq', label: 'acquired' },
      { key: 'contended', label: 'contended' },
      { key: 'pct', label: 'contended', unit: '%' },
      { key: 'wait', label: 'total wait', unit: 'ns' },
      { key: 'p99', label: 'p99 added', unit: 'ns' },
      { key: 'fps', label: 'faults/s' },
      { key: 'busy', label: 'BUSY' },
      { key: 'hazards', label: 'hazards' }
    ],
    rows: rows.map((d) => [
      d.label,
      d.acquisitions,
      d.contended,
      Number((d.contendedFraction * 100).toFixed(2)),
      Math.round(d.totalWaitNs),
      Math.round(d.addedP99Ns),
      Math.round(d.faultsPerSec),
      d.busy,
      d.hazards
    ])
  }
}

function spreadTable(run: ContentionRun): ReportTable {
  const r = run.report
  const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1))
  const s = (x: { min: number; median: number; max: number }, f = n): string =>
    `${f(x.median)} [${f(x.min)}–${f(x.max)}]`
  const ns = (v: number): string => String(Math.round(v))
  return {
    kind: 'table',
    title: `Over ${r.seeds.length} seeds (${r.seeds.join(', ')}): median [min–max]`,
    columns: [
      { key: 'design', label: 'design' },
      { key: 'contended', label: 'contended', align: 'right' },
      { key: 'wait', label: 'total wait', unit: 'ns', align: 'right' },
      { key: 'p99', label: 'p99 added', unit: 'ns', align: 'right' }
    ],
    rows: r.outcomes
      .filter((o) => o.spread)
      .map((o): ReportCell[] => [
        outcomeLabel(o, hasDemoteVariants(r.outcomes)),
        s(o.spread!.contended),
        s(o.spread!.totalWaitNs, ns),
        s(o.spread!.p99AddedNs, ns)
      ])
  }
}

/** perf lock contention's columns (contended, total wait, max wait, avg wait, type, caller). */
function perfTable(run: ContentionRun): ReportTable {
  const rows: ReportCell[][] = []
  for (const o of run.report.outcomes) {
    const label = outcomeLabel(o, hasDemoteVariants(run.report.outcomes))
    if (!o.locks.length) rows.push([label, null, null, null, null, 'no kernel lock', '—'])
    for (const l of o.locks)
      rows.push([
        label,
        l.contended,
        Math.round(l.totalWaitNs),
        Math.round(l.maxWaitNs),
        l.contended ? Math.round(l.totalWaitNs / l.contended) : 0,
        l.type,
        l.caller || l.name
      ])
  }
  return {
    kind: 'table',
    title: 'perf lock contention (per design)',
    columns: [
      { key: 'design', label: 'design' },
      { key: 'contended', label: 'contended' },
      { key: 'total', label: 'total wait', unit: 'ns' },
      { key: 'max', label: 'max wait', unit: 'ns' },
      { key: 'avg', label: 'avg wait', unit: 'ns' },
      { key: 'type', label: 'type', align: 'left' },
      { key: 'caller', label: 'caller', align: 'left' }
    ],
    rows,
    note: 'As `perf lock contention -b` prints it, in nanoseconds (docs/contention-model.md, "Output").'
  }
}
