import type {
  BarSeriesOption,
  CustomSeriesOption,
  CustomSeriesRenderItem,
  EChartsOption,
  XAXisComponentOption
} from 'echarts'
import type { ContentionOutcome } from '../../model/contention/simulateContention'
import { designSummaries } from './designSummary'
import { formatNs } from './labels'

/** Series names of the comparison chart, one colour each. */
export const COMPARISON_SERIES = {
  contended: { name: 'contended %', color: '#1f5fbf' },
  busy: { name: 'TDX_OPERAND_BUSY', color: '#b3261e' },
  retries: { name: 'retries', color: '#e0803a' },
  p50: { name: 'added p50', color: '#8c9bb5' },
  p99: { name: 'added p99', color: '#9b6fc6' },
  p999: { name: 'added p99.9', color: '#3d2a73' }
} as const

/** The whiskers of a run over several seeds: min to max of a metric, over its bar. */
export const RANGE_SERIES = {
  contended: { name: 'contended % min–max over seeds', color: '#0b2f66' },
  p99: { name: 'added p99 min–max over seeds', color: '#000000' }
} as const

/** Half the width of a whisker's caps, in px. */
export const WHISKER_CAP_PX = 5

/**
 * A vertical line from api.value(1) to api.value(2) at category api.value(0), with caps: the
 * category's centre, where the bar is when it is alone (contended %) or the middle of three (p99).
 */
export const renderWhisker =
  (color: string): CustomSeriesRenderItem =>
  (_params, api) => {
    const x = Number(api.value(0))
    const [cx, lo] = api.coord([x, Number(api.value(1))]) as [number, number]
    const [, hi] = api.coord([x, Number(api.value(2))]) as [number, number]
    const style = { stroke: color, lineWidth: 1.5 }
    const line = (
      x1: number,
      y1: number,
      x2: number,
      y2: number
    ): { type: 'line'; shape: object; style: object } => ({
      type: 'line',
      shape: { x1, y1, x2, y2 },
      style
    })
    return {
      type: 'group',
      children: [
        line(cx, lo, cx, hi),
        line(cx - WHISKER_CAP_PX, lo, cx + WHISKER_CAP_PX, lo),
        line(cx - WHISKER_CAP_PX, hi, cx + WHISKER_CAP_PX, hi)
      ]
    }
  }

/** The three panels' left edges and widths, in percent of the width (the compare overlay's too). */
export const COMPARISON_PANELS = [
  { left: 5, width: 24 },
  { left: 38, width: 24 },
  { left: 71, width: 27 }
] as const

/**
 * Designs side by side in three panels sharing the design axis: contended % of kernel lock
 * acquisitions; TDX_OPERAND_BUSY returns and retries; and the latency Dynamic PAMT adds to a fault
 * at p50, p99 and p99.9 (log axis). The bars are the first seed's; a run over several seeds adds
 * whiskers from the min to the max over the seeds for contended % and p99 (the bars that sit at
 * their category's centre; BUSY is left of centre beside retries, and its spread is in the table).
 */
export function designComparisonChart(outcomes: readonly ContentionOutcome[]): EChartsOption {
  const rows = designSummaries(outcomes)
  const labels = rows.map((r) => r.label)
  const bar = (
    key: keyof typeof COMPARISON_SERIES,
    values: number[],
    axis: number,
    format: (v: number) => string
  ): BarSeriesOption => ({
    name: COMPARISON_SERIES[key].name,
    type: 'bar',
    xAxisIndex: axis,
    yAxisIndex: axis,
    color: COMPARISON_SERIES[key].color,
    barMaxWidth: 26,
    data: values,
    tooltip: { valueFormatter: (v) => format(Number(v)) }
  })
  const count = (v: number): string => v.toLocaleString('en-US')
  const pct = (v: number): string => `${Number(v.toFixed(3))} %`
  // A log axis cannot show 0: latencies are at least the atomic fast path, clamp to 1 ns anyway.
  const ns = (v: number): number => Math.max(1, v)
  const category = (i: number): XAXisComponentOption => ({
    type: 'category',
    gridIndex: i,
    data: labels,
    axisLabel: { interval: 0, rotate: labels.length > 3 ? 30 : 0, fontSize: 11 }
  })
  const range = (
    key: keyof typeof RANGE_SERIES,
    values: Array<{ min: number; max: number } | undefined>,
    axis: number,
    format: (v: number) => string
  ): CustomSeriesOption => ({
    name: RANGE_SERIES[key].name,
    type: 'custom',
    xAxisIndex: axis,
    yAxisIndex: axis,
    color: RANGE_SERIES[key].color,
    renderItem: renderWhisker(RANGE_SERIES[key].color),
    encode: { x: 0, y: [1, 2], tooltip: [1, 2] },
    data: values.flatMap((v, i) => (v ? [[i, v.min, v.max]] : [])),
    tooltip: {
      valueFormatter: (v) =>
        Array.isArray(v)
          ? v
              .slice(-2)
              .map((x) => format(Number(x)))
              .join(' – ')
          : format(Number(v))
    },
    z: 3
  })
  const withSpread = outcomes.some((o) => o.spread)
  const ranges: CustomSeriesOption[] = withSpread
    ? [
        range(
          'contended',
          outcomes.map((o) =>
            o.spread
              ? {
                  min: Number((o.spread.contendedFraction.min * 100).toFixed(4)),
                  max: Number((o.spread.contendedFraction.max * 100).toFixed(4))
                }
              : undefined
          ),
          0,
          pct
        ),
        range(
          'p99',
          outcomes.map((o) =>
            o.spread
              ? { min: ns(o.spread.p99AddedNs.min), max: ns(o.spread.p99AddedNs.max) }
              : undefined
          ),
          2,
          formatNs
        )
      ]
    : []
  const titles = ['Contended acquisitions', 'BUSY and retries', 'Added fault latency']
  return {
    animation: false,
    aria: { enabled: true },
    title: titles.map((text, i) => ({
      text,
      left: `${COMPARISON_PANELS[i]!.left + COMPARISON_PANELS[i]!.width / 2}%`,
      textAlign: 'center',
      top: 4,
      textStyle: { fontSize: 13 }
    })),
    legend: { top: 30, itemWidth: 14 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid: COMPARISON_PANELS.map((p) => ({
      left: `${p.left}%`,
      width: `${p.width}%`,
      top: 74,
      bottom: labels.length > 3 ? 70 : 40,
      containLabel: false
    })),
    xAxis: [category(0), category(1), category(2)],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, axisLabel: { formatter: '{value} %' } },
      { type: 'value', gridIndex: 1, min: 0, minInterval: 1 },
      {
        type: 'log',
        gridIndex: 2,
        logBase: 10,
        axisLabel: { formatter: (v: number) => formatNs(v) }
      }
    ],
    series: [
      bar(
        'contended',
        rows.map((r) => Number((r.contendedFraction * 100).toFixed(4))),
        0,
        pct
      ),
      bar(
        'busy',
        rows.map((r) => r.busy),
        1,
        count
      ),
      bar(
        'retries',
        rows.map((r) => r.retries),
        1,
        count
      ),
      bar(
        'p50',
        rows.map((r) => ns(r.addedP50Ns)),
        2,
        formatNs
      ),
      bar(
        'p99',
        rows.map((r) => ns(r.addedP99Ns)),
        2,
        formatNs
      ),
      bar(
        'p999',
        rows.map((r) => ns(r.addedP999Ns)),
        2,
        formatNs
      ),
      ...ranges
    ]
  }
}
