import type { BarSeriesOption, EChartsOption, XAXisComponentOption } from 'echarts'
import type { DesignMetrics } from '../../compare/compareItems'
import { formatNs } from '../contention/labels'
import { COMPARISON_PANELS } from '../contention/designComparisonChart'
import { pinColor } from './pinColors'

/** One compared contention run: its pin label and per-design metrics (compareItems.ts). */
export interface ComparedContention {
  label: string
  designs: readonly DesignMetrics[]
  /** Its position in the whole selection (its colour); default: its position here. */
  colorIndex?: number
}

/** The same three panels as the Contention view's design comparison. */
const PANELS = COMPARISON_PANELS

/**
 * The contention design comparison across two to four pinned runs (docs/workspaces.md,
 * "Compare"): for every design in any run, contended % of kernel lock acquisitions, the total
 * wait on the design's kernel locks and the p99 latency Dynamic PAMT adds to a fault (log axes
 * for the two times), one bar per pin in its colour. Bars are the first seed's, as in the
 * Contention view; the seed spread is in the comparison table.
 */
export function contentionCompareChart(runs: readonly ComparedContention[]): EChartsOption {
  const labels: string[] = []
  for (const r of runs)
    for (const d of r.designs) if (!labels.includes(d.label)) labels.push(d.label)
  const at = (r: ComparedContention, design: string, key: string): number | null =>
    r.designs.find((d) => d.label === design)?.values[key] ?? null
  // A log axis cannot show 0: a design with no wait has no bar there (the table shows the 0).
  const positive = (v: number | null): number | null => (v !== null && v > 0 ? v : null)
  const category = (i: number): XAXisComponentOption => ({
    type: 'category',
    gridIndex: i,
    data: labels,
    axisLabel: { interval: 0, rotate: labels.length > 3 ? 30 : 0, fontSize: 11 }
  })
  const pct = (v: number): string => `${Number(v.toFixed(3))} %`
  const bars = (
    key: string,
    axis: number,
    map: (v: number | null) => number | null,
    format: (v: number) => string
  ): BarSeriesOption[] =>
    runs.map((r, i) => ({
      name: r.label,
      type: 'bar',
      xAxisIndex: axis,
      yAxisIndex: axis,
      color: pinColor(r.colorIndex ?? i),
      barMaxWidth: 18,
      data: labels.map((d) => map(at(r, d, key))),
      tooltip: { valueFormatter: (v) => (v === null || v === undefined ? '—' : format(Number(v))) }
    }))
  const titles = ['Contended acquisitions', 'Total wait (kernel locks)', 'Added fault latency p99']
  return {
    animation: false,
    aria: { enabled: true },
    title: titles.map((text, i) => ({
      text,
      left: `${PANELS[i]!.left + PANELS[i]!.width / 2}%`,
      textAlign: 'center',
      top: 4,
      textStyle: { fontSize: 13 }
    })),
    legend: { top: 30, type: 'plain' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid: PANELS.map((p) => ({
      left: `${p.left}%`,
      width: `${p.width}%`,
      top: 50 + 22 * Math.ceil(runs.length / 2),
      bottom: labels.length > 3 ? 70 : 40,
      containLabel: false
    })),
    xAxis: [category(0), category(1), category(2)],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, axisLabel: { formatter: '{value} %' } },
      {
        type: 'log',
        gridIndex: 1,
        logBase: 10,
        axisLabel: { formatter: (v: number) => formatNs(v) }
      },
      {
        type: 'log',
        gridIndex: 2,
        logBase: 10,
        axisLabel: { formatter: (v: number) => formatNs(v) }
      }
    ],
    series: [
      ...bars('contendedFraction', 0, (v) => v, pct),
      ...bars('totalWaitNs', 1, positive, formatNs),
      ...bars('p99AddedNs', 2, positive, formatNs)
    ]
  }
}
