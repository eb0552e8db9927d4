import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { SweepResult } from '../../model/runtime/sweep'
import { formatBytes } from '../formatBytes'
import { bytesAxisScale, formatAxisBytes } from './bytesAxis'
import { WORKLOAD_COLORS } from './colors'
import { SWEEP_PARAMETERS, formatSweepValue } from './sweepParameter'
import { bytesWithExact } from './timeAxis'
import { maxOf, minOf } from '../../util/arrays'

/** A sweep value on the chart's x axis: percent for fraction parameters. */
export function sweepAxisValue(sweep: SweepResult, value: number): number {
  return SWEEP_PARAMETERS[sweep.parameter].percent ? Number((value * 100).toFixed(4)) : value
}

/**
 * Where the peak Dynamic PAMT first reaches static PAMT, by linear interpolation between sweep
 * points (x in axis units); null when the curve stays on one side.
 */
export function sweepBreakEven(sweep: SweepResult): number | null {
  const pts = sweep.points
  const s = sweep.staticPamtBytes
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!
    if (p.peakTotalBytes === s) return sweepAxisValue(sweep, p.value)
    const q = pts[i + 1]
    if (!q) break
    if ((p.peakTotalBytes - s) * (q.peakTotalBytes - s) < 0) {
      const f = (s - p.peakTotalBytes) / (q.peakTotalBytes - p.peakTotalBytes)
      const a = sweepAxisValue(sweep, p.value)
      return a + f * (sweepAxisValue(sweep, q.value) - a)
    }
  }
  return null
}

export const SWEEP_SERIES = {
  peak: 'Dynamic PAMT peak',
  average: 'Dynamic PAMT average',
  staticPamt: 'Static PAMT',
  savings: 'Savings at peak (static − peak)'
} as const

interface AxisParam {
  seriesName?: string
  value?: unknown
  marker?: string
}

/**
 * The savings curve of a sweep: peak and time-weighted average Dynamic PAMT for each value of the
 * swept parameter, static PAMT as a dashed line, and the savings at peak (negative where Dynamic
 * PAMT costs more). The break-even point, where the peak meets static PAMT, is marked.
 */
export function sweepChart(sweep: SweepResult): EChartsOption {
  const meta = SWEEP_PARAMETERS[sweep.parameter]
  const xs = sweep.points.map((p) => sweepAxisValue(sweep, p.value))
  const line = (
    name: string,
    values: number[],
    color: string,
    extra: Partial<LineSeriesOption> = {}
  ): LineSeriesOption => ({
    name,
    type: 'line',
    data: values.map((v, i) => [xs[i]!, v]),
    color,
    symbol: 'circle',
    symbolSize: 5,
    showSymbol: values.length <= 60,
    ...extra
  })
  const crossing = sweepBreakEven(sweep)
  const peak = line(
    SWEEP_SERIES.peak,
    sweep.points.map((p) => p.peakTotalBytes),
    WORKLOAD_COLORS.pairs,
    {
      lineStyle: { width: 2.5 },
      ...(crossing !== null
        ? {
            markLine: {
              symbol: 'none',
              lineStyle: { type: 'dashed', color: WORKLOAD_COLORS.staticPamt },
              label: {
                formatter: `break-even ≈ ${Number(crossing.toFixed(2))}${meta.percent ? ' %' : ''}`,
                position: 'insideEndTop'
              },
              data: [{ name: 'Break-even', xAxis: crossing }]
            }
          }
        : {})
    }
  )
  const first = sweep.points[0]
  const lastPt = sweep.points[sweep.points.length - 1]
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: `Sweep: ${meta.label}`,
      subtext:
        first && lastPt
          ? `savings at peak from ${formatBytes(first.savingsAtPeakBytes)} (${formatSweepValue(sweep.parameter, first.value)}) to ${formatBytes(lastPt.savingsAtPeakBytes)} (${formatSweepValue(sweep.parameter, lastPt.value)})`
          : '',
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 46 },
    grid: { left: 76, right: 40, top: 80, bottom: 50 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as AxisParam[]
        const firstParam = params[0]
        const x = Array.isArray(firstParam?.value) ? Number(firstParam.value[0]) : 0
        return [
          `<b>${meta.axis.replace(/ \(%\)$/, '')}: ${Number(x.toFixed(2))}${meta.percent ? ' %' : ''}</b>`,
          ...params.map((p) => {
            const v = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
            return `${p.marker ?? ''}${p.seriesName}: ${bytesWithExact(v)}`
          })
        ].join('<br/>')
      }
    },
    xAxis: {
      type: 'value',
      name: meta.axis,
      nameLocation: 'middle',
      nameGap: 28,
      min: minOf(xs, 0),
      max: maxOf(xs, 1)
    },
    yAxis: {
      type: 'value',
      ...bytesAxisScale(
        Math.max(
          sweep.staticPamtBytes,
          maxOf(sweep.points.flatMap((p) => [p.peakTotalBytes, Math.abs(p.savingsAtPeakBytes)]))
        )
      ),
      axisLabel: { formatter: formatAxisBytes }
    },
    series: [
      peak,
      line(
        SWEEP_SERIES.average,
        sweep.points.map((p) => p.averageTotalBytes),
        WORKLOAD_COLORS.average
      ),
      line(
        SWEEP_SERIES.staticPamt,
        sweep.points.map(() => sweep.staticPamtBytes),
        WORKLOAD_COLORS.staticPamt,
        { lineStyle: { type: 'dashed', width: 2 }, showSymbol: false }
      ),
      line(
        SWEEP_SERIES.savings,
        sweep.points.map((p) => p.savingsAtPeakBytes),
        WORKLOAD_COLORS.savings,
        { lineStyle: { type: 'dotted', width: 2 }, areaStyle: { opacity: 0.08 } }
      )
    ]
  }
}
