import type { CustomSeriesOption, CustomSeriesRenderItem, EChartsOption } from 'echarts'
import { toCsv } from '../csv'
import {
  formatParameterValue,
  SENSITIVITY_METRICS,
  type SensitivityEnd,
  type SensitivityParameter,
  type SensitivityReport
} from '../../model/contention/sensitivity'
import { formatNs } from './labels'

/** The metrics a tornado chart can show: contentions, or the p99 latency DPAMT adds to a fault. */
export type TornadoMetric = 'contended' | 'p99AddedNs'

/** Series of a tornado chart, one colour each: the bar from the base to each end's value. */
export const TORNADO_SERIES = {
  low: { name: 'at ¼×', color: '#1f5fbf' },
  high: { name: 'at 4×', color: '#b3261e' },
  base: { name: 'base', color: '#333333' }
} as const

/** Each metric's axis name (units included) and value format. */
const METRIC_AXIS: Record<TornadoMetric, { name: string; format: (v: number) => string }> = {
  contended: {
    name: 'contended acquisitions (median over seeds)',
    format: (v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1))
  },
  p99AddedNs: { name: 'p99 added fault latency, ns (median over seeds)', format: formatNs }
}

/** One bar of a tornado: a parameter, its ends, and the metric's median at each end. */
export interface TornadoBar {
  parameter: SensitivityParameter
  /** "pamtAddNs 1,000–16,000 ns": the parameter's name and its low/high values. */
  label: string
  low: number
  high: number
  /** |high − low|: the bars are sorted by it, the widest on top. */
  swing: number
}

/**
 * One design's bars for a metric, widest swing first (ties keep the parameters' order): the
 * median over the seeds at the parameter's low end and at its high end.
 */
export function tornadoBars(
  report: SensitivityReport,
  label: string,
  metric: TornadoMetric
): TornadoBar[] {
  const bars = report.parameters.map((p) => {
    const at = p.perDesign[label]
    const low = at?.low[metric].median ?? 0
    const high = at?.high[metric].median ?? 0
    return {
      parameter: p.parameter,
      label: `${p.parameter} ${formatParameterValue(p.parameter, p.low)}–${formatParameterValue(p.parameter, p.high)}`,
      low,
      high,
      swing: Math.abs(high - low)
    }
  })
  // Array.prototype.sort is stable: equal swings stay in the parameters' order.
  return bars.sort((a, b) => b.swing - a.swing)
}

/** Bar thickness as a share of a category's band; each end takes one half. */
const BAND_SHARE = 0.7

/**
 * A horizontal bar in the upper (¼×) or lower (4×) half of its category's band, from the base
 * value (api.value(1)) to the end's value (api.value(2)).
 */
const renderHalfBar =
  (half: 'upper' | 'lower', color: string): CustomSeriesRenderItem =>
  (_params, api) => {
    const y = Number(api.value(0))
    const [x0, cy] = api.coord([Number(api.value(1)), y]) as [number, number]
    const [x1] = api.coord([Number(api.value(2)), y]) as [number, number]
    const band = (api.size?.([0, 1]) as number[] | undefined)?.[1] ?? 20
    const h = (band * BAND_SHARE) / 2
    return {
      type: 'rect',
      shape: {
        x: Math.min(x0, x1),
        y: half === 'upper' ? cy - h : cy,
        width: Math.abs(x1 - x0) || 1,
        height: h
      },
      style: { fill: color }
    }
  }

/** The vertical base line across the whole plot, at api.value(0). */
const renderBaseLine: CustomSeriesRenderItem = (params, api) => {
  const [x] = api.coord([Number(api.value(0)), 0]) as [number, number]
  const sys = params.coordSys as unknown as { y: number; height: number }
  return {
    type: 'line',
    shape: { x1: x, y1: sys.y, x2: x, y2: sys.y + sys.height },
    style: { stroke: TORNADO_SERIES.base.color, lineWidth: 1.5, lineDash: [4, 3] }
  }
}

/**
 * A tornado chart of one design (docs/contention-model.md, "Sensitivity"): one row per parameter,
 * sorted by swing (the widest on top), labelled with the parameter's name and its low–high values;
 * in each row a bar from the base value to the value at ¼× (upper half) and one to the value at 4×
 * (lower half), so the row spans the low end's value to the high end's; a dashed line at the base
 * value (the run's own outcome). Values are medians over the seeds; units in the axis name.
 */
export function tornadoChart(
  report: SensitivityReport,
  label: string,
  metric: TornadoMetric
): EChartsOption {
  const bars = tornadoBars(report, label, metric)
  const base = report.base[label]?.[metric].median ?? 0
  const axis = METRIC_AXIS[metric]
  // Category 0 is drawn at the bottom: reverse so the widest swing is on top.
  const rows = [...bars].reverse()
  const half = (end: SensitivityEnd): CustomSeriesOption => ({
    name: TORNADO_SERIES[end].name,
    type: 'custom',
    color: TORNADO_SERIES[end].color,
    renderItem: renderHalfBar(end === 'low' ? 'upper' : 'lower', TORNADO_SERIES[end].color),
    encode: { y: 0, x: [1, 2], tooltip: [2] },
    data: rows.map((b, i) => [i, base, b[end]]),
    tooltip: { valueFormatter: (v) => axis.format(Number(v)) }
  })
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: `${label}: ${metric === 'contended' ? 'contentions' : 'p99 added latency'} per parameter at ¼× and 4×`,
      left: 'center',
      top: 4,
      textStyle: { fontSize: 13 }
    },
    legend: {
      top: 26,
      itemWidth: 14,
      data: [TORNADO_SERIES.low.name, TORNADO_SERIES.high.name, `base ${axis.format(base)}`]
    },
    tooltip: { trigger: 'item', confine: true },
    // ECharts 6 shrinks the grid so the parameter labels and the axis name fit (outerBounds).
    grid: { left: 8, right: 24, top: 56, bottom: 40 },
    xAxis: {
      type: 'value',
      name: axis.name,
      nameLocation: 'middle',
      nameGap: 26,
      // Round bounds around the data, not from 0: small swings stay visible.
      scale: true,
      axisLabel: { formatter: (v: number) => axis.format(v), hideOverlap: true }
    },
    yAxis: {
      type: 'category',
      data: rows.map((b) => b.label),
      axisLabel: { fontSize: 11 }
    },
    series: [
      half('low'),
      half('high'),
      {
        name: `base ${axis.format(base)}`,
        type: 'custom',
        color: TORNADO_SERIES.base.color,
        renderItem: renderBaseLine,
        encode: { x: 0 },
        data: [[base]],
        silent: true,
        z: 3
      }
    ]
  }
}

/**
 * The whole sensitivity as a CSV: one row per parameter, end and design with each metric's min,
 * median and max over the seeds, the base rows first (parameter "base").
 */
export function sensitivityCsv(report: SensitivityReport): string {
  const fields = ['parameter', 'end', 'value', 'design']
  for (const m of SENSITIVITY_METRICS) fields.push(`${m}_min`, `${m}_median`, `${m}_max`)
  fields.push('ranking_holds', 'p99_ranking_holds')
  const data: unknown[][] = []
  const cells = (m: Record<string, { min: number; median: number; max: number }>): number[] =>
    SENSITIVITY_METRICS.flatMap((k) => [m[k]!.min, m[k]!.median, m[k]!.max])
  for (const [label, m] of Object.entries(report.base))
    data.push(['base', 'base', '', label, ...cells(m), '', ''])
  for (const p of report.parameters)
    for (const end of ['low', 'high'] as const)
      for (const [label, at] of Object.entries(p.perDesign))
        data.push([
          p.parameter,
          end,
          p[end],
          label,
          ...cells(at[end]),
          p.rankingHolds === null ? '' : p.rankingHolds,
          p.p99RankingHolds === null ? '' : p.p99RankingHolds
        ])
  return toCsv({ fields, data })
}

/** The numbers behind one tornado chart, in its order: each parameter's ends and the metric there. */
export function tornadoCsv(
  report: SensitivityReport,
  label: string,
  metric: TornadoMetric
): string {
  const base = report.base[label]?.[metric].median ?? 0
  const ranges = new Map(report.parameters.map((p) => [p.parameter, p]))
  return toCsv({
    fields: [
      'design',
      'parameter',
      'low_value',
      'high_value',
      `${metric}_at_low`,
      `${metric}_at_base`,
      `${metric}_at_high`,
      'swing'
    ],
    data: tornadoBars(report, label, metric).map((b) => [
      label,
      b.parameter,
      ranges.get(b.parameter)!.low,
      ranges.get(b.parameter)!.high,
      b.low,
      base,
      b.high,
      b.swing
    ])
  })
}
