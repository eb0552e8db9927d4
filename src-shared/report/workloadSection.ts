import type { SimulationRun } from '../api/contract'
import { capacityCaveat, capacitySentence } from '../charts/workload/capacityText'
import { conversionNoteText } from '../charts/workload/conversionText'
import { pamtOverTimeChart, pamtOverTimeSampleIndices } from '../charts/workload/pamtOverTimeChart'
import { perNodeChart, perNodeChartHeight } from '../charts/workload/perNodeChart'
import { byClassChart } from '../charts/workload/byClassChart'
import { sweepChart } from '../charts/workload/sweepChart'
import { maxOf } from '../util/arrays'
import { formatInteger } from '../charts/formatBytes'
import type { ReportBlock, ReportSection, ReportTable } from './reportBlocks'
import { reportChart, type ChartContext } from './reportChart'

/**
 * The workload section (docs/reports.md, "Workload"): the capacity sentence first ("N of M TDs
 * fit": every figure after it is for the TDs that started), the Dynamic PAMT peak and average
 * against static PAMT, the peak under each modelled kernel-page placement, then the Workload view's
 * charts from charts/workload. Numbers are the simulation's own (`simulateScenario`).
 */
export function buildWorkloadSection(run: SimulationRun, ctx: ChartContext): ReportSection {
  const r = run.result
  const rp = r.replay
  const chartCtx: ChartContext = { ...ctx, scenarioName: run.scenario.name }
  const lead: string[] = []
  if (r.capacity) lead.push(`Capacity: ${capacitySentence(r.capacity)}.`)
  const caveat = capacityCaveat(r.capacity)
  if (caveat) lead.push(`NOT ALL TDs FIT: ${caveat}`)
  lead.push(
    `Scenario "${run.scenario.name}" (seed ${r.seed}, ${run.scenario.tdClasses.length} TD classes, refcounts ${r.refcountScheme}) on host ${run.hostName}.`
  )
  const blocks: ReportBlock[] = [
    { kind: 'text', paragraphs: lead },
    summaryTable(run),
    ...(r.placementRange ? [placementTable(run)] : []),
    reportChart('PAMT over time', pamtOverTimeChart(r), { ...chartCtx, height: 300 }),
    ...sampledNote(r)
  ]
  if (rp.nodeIds.length > 1)
    blocks.push(
      reportChart('Dynamic PAMT pairs per node', perNodeChart(r), {
        ...chartCtx,
        height: perNodeChartHeight(rp.nodeIds)
      }),
      {
        kind: 'table',
        title: 'Per node',
        columns: [
          { key: 'nid', label: 'node' },
          { key: 'peak', label: 'peak pair memory', unit: 'bytes' }
        ],
        rows: rp.nodeIds.map((nid, i) => [nid, maxOf(rp.perNodePairBytes[i] ?? [])])
      }
    )
  if (rp.perClass && rp.perClass.length)
    blocks.push(
      reportChart('Who pays, per TD class', byClassChart(r), { ...chartCtx, height: 280 }),
      {
        kind: 'table',
        title: 'Who pays, per TD class',
        columns: [
          { key: 'class', label: 'TD class' },
          { key: 'tds', label: 'TDs' },
          { key: 'peak', label: 'pairs peak', unit: 'bytes' },
          { key: 'avg', label: 'pairs average', unit: 'bytes' },
          { key: 'withCaches', label: 'peak with pamt caches', unit: 'bytes' }
        ],
        rows: rp.perClass.map((c) => [
          c.name,
          c.tds,
          c.peakPairBytes,
          c.averagePairBytes,
          c.peakBytes
        ]),
        note: 'Pairs are charged to the TD whose get allocated them, until freed (docs/workload-model.md, "Who pays").'
      }
    )
  if (run.sweep)
    blocks.push(
      reportChart(`Sweep over ${run.sweep.parameter}`, sweepChart(run.sweep), {
        ...chartCtx,
        height: 280
      })
    )
  const notes = r.generation?.conversions?.map(conversionNoteText) ?? []
  if (notes.length) blocks.push({ kind: 'text', paragraphs: notes })
  return {
    id: 'workload',
    title: `Workload: ${run.scenario.name}`,
    blocks
  }
}

function summaryTable(run: SimulationRun): ReportTable {
  const r = run.result
  const rp = r.replay
  const be = r.breakEven
  return {
    kind: 'table',
    title: 'Static vs Dynamic PAMT under this workload',
    columns: [
      { key: 'what', label: 'what' },
      { key: 'bytes', label: 'value', unit: 'bytes' },
      { key: 'detail', label: 'detail', align: 'left' }
    ],
    rows: [
      ['Static PAMT (reference)', r.staticPamtBytes, 'allocated at init whatever runs'],
      ['Dynamic PAMT static part', r.staticPartBytes, '4K bitmap, PAMT_2M and PAMT_1G'],
      [`Refcount array (${r.refcountScheme})`, r.refcountBytes, null],
      [
        'Dynamic PAMT peak',
        rp.peakTotalBytes,
        `at ${(rp.peakTimeNs / 1e9).toFixed(3)} s, ${rp.peakPairs} pairs`
      ],
      ['Dynamic PAMT average', rp.averageTotalBytes, 'time-weighted'],
      [
        'Savings vs static at peak',
        r.savingsAtPeakBytes,
        `${(r.savingsAtPeakFraction * 100).toFixed(2)} %`
      ],
      [
        'Break-even 4K-mapped memory',
        be.reachable ? be.freshHostBytes : null,
        be.reachable
          ? `fresh host; ${formatInteger(be.atFragmentationBytes)} bytes at fragmentation ${be.fragmentation} (modelled)`
          : `never: a pair on every region gives ${formatInteger(be.allRegionsPairedBytes)} bytes, below static PAMT`
      ]
    ],
    note: `PAMT.ADD ${rp.addCount}, PAMT.REMOVE ${rp.removeCount}, DEMOTE ${rp.demoteCount}; 4K page gets ${rp.getPageOps}, puts ${rp.putPageOps}.`
  }
}

/** The peak under each modelled kernel-page placement (placementRange.ts). */
function placementTable(run: SimulationRun): ReportTable {
  const pr = run.result.placementRange!
  return {
    kind: 'table',
    title: 'Peak by kernel-page placement (modelled)',
    columns: [
      { key: 'placement', label: 'host.kernelPlacement' },
      { key: 'pairs', label: 'peak pairs' },
      { key: 'bytes', label: 'Dynamic PAMT peak', unit: 'bytes' }
    ],
    rows: pr.runs.map((x) => [
      x.placement === pr.placement ? `${x.placement} (this run)` : x.placement,
      x.peakPairs,
      x.peakTotalBytes
    ]),
    note: pr.computed
      ? `Spread ${pr.bestPairs}–${pr.worstPairs} pairs: fewest with '${pr.bestPlacement}', most with '${pr.worstPlacement}'.`
      : `Not computed: ${pr.assumptions.at(-1) ?? ''}`
  }
}

/**
 * A long run's over-time chart is drawn from a sample of its points, as on screen
 * (docs/workload-model.md, "Long series"): the report says so, and where every sample is.
 */
function sampledNote(r: SimulationRun['result']): ReportBlock[] {
  const picked = pamtOverTimeSampleIndices(r)
  if (!picked) return []
  return [
    {
      kind: 'text',
      paragraphs: [
        `The chart is drawn from ${formatInteger(picked.length)} of the run's ${formatInteger(r.replay.timeNs.length)} samples (LTTB on the total, the peak kept); the Workload view's CSV export has every sample.`
      ]
    }
  ]
}
