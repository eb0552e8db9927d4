import type { ReportSection, ReportTable } from '../report/reportBlocks'
import { fleetHistogramChart } from '../charts/fleet/fleetHistograms'
import type { FleetRow } from './fleetRow'
import type { FleetSummary } from './fleetSummary'

/** Shapes the report's table lists (largest total savings first, as the summary orders them). */
export const REPORT_SHAPES = 20
/** Failing and unreadable hosts the report's table lists. */
export const REPORT_PROBLEM_ROWS = 50

/**
 * The fleet section of a report (docs/fleet.md, "Report"): the summary's words, its totals, the
 * shapes gaining most, the hosts that cannot enable TDX or could not be read, and the two
 * histograms. Pure: every figure is the summary's or a row's own; `rows` may be the Fleet view's
 * capped list (the histograms then cover those rows, and the note says so).
 */
export function fleetReportSection(
  summary: FleetSummary,
  rows: readonly FleetRow[]
): ReportSection {
  const totals: ReportTable = {
    kind: 'table',
    title: 'Fleet totals (hosts that can enable TDX)',
    columns: [
      { key: 'what', label: 'what', align: 'left' },
      { key: 'value', label: 'value', unit: 'bytes' }
    ],
    rows: [
      ['static PAMT', summary.staticPamtBytes],
      ['Dynamic PAMT, static part', summary.dynamicPamt.staticBytes],
      ['Dynamic PAMT, dense refcounts', summary.dynamicPamt.denseRefcountBytes],
      ...(summary.scenario && summary.scenario.hosts > 0
        ? ([
            [`"${summary.scenario.name}": sum of peaks`, summary.scenario.peakTotalBytes],
            [`"${summary.scenario.name}": sum of averages`, summary.scenario.averageTotalBytes]
          ] as Array<[string, number]>)
        : []),
      ['Dynamic PAMT keeps', summary.keptBytes],
      ['savings', summary.savingsBytes]
    ],
    note: `${summary.files} files: ${summary.hostsRead} hosts read, ${summary.tdxCapable} can enable TDX, ${summary.unreadable} not read.`
  }
  const shapes: ReportTable = {
    kind: 'table',
    title: 'Shapes gaining most',
    columns: [
      { key: 'example', label: 'example host', align: 'left' },
      { key: 'count', label: 'hosts' },
      { key: 'nodes', label: 'nodes' },
      { key: 'tdx', label: 'TDX memory', unit: 'bytes' },
      { key: 'static', label: 'static PAMT per host', unit: 'bytes' },
      { key: 'dynamic', label: 'Dynamic PAMT per host', unit: 'bytes' },
      { key: 'each', label: 'savings per host', unit: 'bytes' },
      { key: 'all', label: 'savings in all', unit: 'bytes' }
    ],
    rows: summary.shapes.list
      .slice(0, REPORT_SHAPES)
      .map((s) => [
        s.exampleFile,
        s.count,
        s.nodeCount,
        s.tdxMemoryBytes,
        s.staticPamtBytes,
        s.dynamicPamtBytes,
        s.savingsPerHostBytes,
        s.savingsBytes
      ]),
    note: `${summary.shapes.distinct} distinct shapes${summary.shapes.list.length > REPORT_SHAPES ? `; the ${REPORT_SHAPES} with the largest total savings are listed` : ''}.`
  }
  const problems: ReportTable = {
    kind: 'table',
    title: 'Hosts that cannot enable TDX, and files not read',
    columns: [
      { key: 'file', label: 'file', align: 'left' },
      { key: 'code', label: 'code', align: 'left' },
      { key: 'message', label: 'why', align: 'left' }
    ],
    rows: [],
    note: 'Every host and file; the summary groups them by code.'
  }
  for (const r of rows) {
    if (problems.rows.length >= REPORT_PROBLEM_ROWS) {
      problems.note = `The first ${REPORT_PROBLEM_ROWS}; the summary groups all of them by code.`
      break
    }
    if (r.type === 'error')
      problems.rows.push([r.line !== null ? `${r.file}:${r.line}` : r.file, r.code, r.message])
    else if (r.failure) problems.rows.push([r.file, r.failure.code, r.failure.message])
  }
  const workload = summary.scenario?.name ?? null
  const blocks: ReportSection['blocks'] = [
    { kind: 'text', paragraphs: summary.words },
    totals,
    shapes,
    ...(problems.rows.length > 0 ? [problems] : []),
    {
      kind: 'chart',
      title: 'Savings per host',
      option: fleetHistogramChart(rows, 'savings', workload),
      widthPx: 800,
      heightPx: 320
    },
    {
      kind: 'chart',
      title: 'Static PAMT per host',
      option: fleetHistogramChart(rows, 'staticPamt'),
      widthPx: 800,
      heightPx: 320
    }
  ]
  if (rows.length < summary.files)
    blocks.push({
      kind: 'text',
      paragraphs: [
        `The histograms and the list above cover the ${rows.length.toLocaleString('en-US')} rows kept of ${summary.files.toLocaleString('en-US')} files (a workspace keeps the failing ones first, then the largest savings); the totals and words cover all.`
      ]
    })
  return { id: 'fleet', title: 'Fleet', blocks }
}
