import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { SimulationResult } from '../../model/runtime/simulate'
import { formatBytes } from '../formatBytes'
import { WORKLOAD_COLORS } from './colors'
import { bytesWithExact, formatSeconds, sampleSeconds, secondsAt, timeBytesAxes } from './timeAxis'

/** The stacked parts of Dynamic PAMT, bottom to top, with their legend names. */
export function pamtParts(
  result: SimulationResult
): Array<{ key: keyof typeof WORKLOAD_COLORS; name: string; values: number[] }> {
  const r = result.replay
  const n = r.timeNs.length
  return [
    {
      key: 'staticPart',
      name: 'Static part',
      values: new Array<number>(n).fill(result.staticPartBytes)
    },
    {
      key: 'refcounts',
      name: `Refcounts (${result.refcountScheme})`,
      values: new Array<number>(n).fill(result.refcountBytes)
    },
    { key: 'pairs', name: 'Page pairs', values: r.pairBytes },
    { key: 'caches', name: 'pamt caches', values: r.cacheBytes }
  ]
}

export const STATIC_PAMT_SERIES = 'Static PAMT'

interface AxisParam {
  seriesName?: string
  value?: unknown
  axisValue?: unknown
  marker?: string
}

/**
 * Dynamic PAMT memory over time against static PAMT (dpamt-model.md §2.9): stacked areas for the
 * constant static part and refcount array, then the page pairs and pamt caches that come and go
 * with TD pages; static PAMT as a dashed reference line; the peak marked and the time-weighted
 * average as a dotted line. Built for long series: LTTB sampling, no symbols, no animation, zoom.
 */
export function pamtOverTimeChart(result: SimulationResult): EChartsOption {
  const r = result.replay
  const x = sampleSeconds(result)
  const xEnd = x.length ? x[x.length - 1]! : 1
  const parts = pamtParts(result)
  const last = parts.length - 1
  const areas: LineSeriesOption[] = parts.map((p, i) => ({
    name: p.name,
    type: 'line',
    stack: 'dpamt',
    data: p.values.map((v, k) => [x[k]!, v]),
    showSymbol: false,
    symbol: 'none',
    sampling: 'lttb',
    lineStyle: { width: i >= 2 ? 1.2 : 0.6 },
    areaStyle: { opacity: i >= 2 ? 0.75 : 0.55 },
    color: WORKLOAD_COLORS[p.key],
    emphasis: { disabled: true },
    ...(i === last
      ? {
          markPoint: {
            symbol: 'pin',
            symbolSize: 44,
            itemStyle: { color: WORKLOAD_COLORS.staticPamt },
            label: { formatter: 'peak', fontSize: 10 },
            tooltip: {
              formatter: () =>
                `Peak ${bytesWithExact(r.peakTotalBytes)} at ${formatSeconds(secondsAt(result, r.peakTimeNs))}`
            },
            data: [
              {
                name: 'Peak',
                coord: [secondsAt(result, r.peakTimeNs), r.peakTotalBytes],
                value: r.peakTotalBytes
              }
            ]
          },
          markLine: {
            silent: false,
            symbol: 'none',
            lineStyle: { type: 'dotted', color: WORKLOAD_COLORS.average, width: 1.5 },
            label: {
              formatter: `average ${formatBytes(r.averageTotalBytes)}`,
              position: 'insideEndBottom'
            },
            tooltip: {
              formatter: () => `Time-weighted average ${bytesWithExact(r.averageTotalBytes)}`
            },
            data: [{ name: 'Average', yAxis: r.averageTotalBytes }]
          }
        }
      : {})
  }))
  const staticLine: LineSeriesOption = {
    name: STATIC_PAMT_SERIES,
    type: 'line',
    data: [
      [x.length ? x[0]! : 0, result.staticPamtBytes],
      [xEnd, result.staticPamtBytes]
    ],
    showSymbol: false,
    symbol: 'none',
    color: WORKLOAD_COLORS.staticPamt,
    lineStyle: { type: 'dashed', width: 2 },
    emphasis: { disabled: true },
    endLabel: {
      show: true,
      formatter: `static ${formatBytes(result.staticPamtBytes)}`,
      color: WORKLOAD_COLORS.staticPamt,
      fontSize: 11
    },
    z: 5
  }
  const tooltipFormatter = (raw: unknown): string => {
    const params = (Array.isArray(raw) ? raw : [raw]) as AxisParam[]
    const first = params[0]
    const sec = Array.isArray(first?.value) ? Number(first.value[0]) : Number(first?.axisValue)
    let total = 0
    const lines: string[] = []
    for (const p of params) {
      if (p.seriesName === STATIC_PAMT_SERIES) continue
      const v = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
      total += v
      lines.push(`${p.marker ?? ''}${p.seriesName}: ${bytesWithExact(v)}`)
    }
    const saved = result.staticPamtBytes - total
    return [
      `<b>${formatSeconds(sec)}</b>`,
      ...lines,
      `<b>Dynamic PAMT total: ${bytesWithExact(total)}</b>`,
      `Static PAMT: ${bytesWithExact(result.staticPamtBytes)}`,
      `${saved >= 0 ? 'Saves' : 'Costs'} ${bytesWithExact(Math.abs(saved))} vs static`
    ].join('<br/>')
  }
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: 'PAMT memory over time: Dynamic PAMT vs static',
      subtext: `peak ${formatBytes(r.peakTotalBytes)} · average ${formatBytes(r.averageTotalBytes)} · static PAMT ${formatBytes(result.staticPamtBytes)} · saves ${formatBytes(result.savingsAtPeakBytes)} at peak`,
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 46, type: 'scroll' },
    grid: { left: 76, right: 110, top: 80, bottom: 78 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'line' },
      formatter: tooltipFormatter,
      confine: true
    },
    ...timeBytesAxes(
      x.length ? x[0]! : 0,
      xEnd,
      Math.max(result.staticPamtBytes, r.peakTotalBytes)
    ),
    series: [...areas, staticLine]
  }
}
