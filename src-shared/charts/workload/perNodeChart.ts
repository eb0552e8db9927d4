import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { SimulationResult } from '../../model/runtime/simulate'
import { formatBytes } from '../formatBytes'
import { nodeColor } from './colors'
import { bytesWithExact, formatSeconds, sampleSeconds, timeBytesAxes } from './timeAxis'
import { maxOf } from '../../util/arrays'

export function nodeSeriesName(nid: number): string {
  return `Node ${nid}`
}

interface AxisParam {
  seriesName?: string
  value?: unknown
  marker?: string
}

/** Chart width the legend's row count assumes: the narrowest the Workload view lays it out. */
const LEGEND_ASSUMED_WIDTH_PX = 600
/** One "Node 15" legend entry: 14 px icon, 5 px gap, about 6.5 px a character, 8 px item gap. */
const legendItemPx = (name: string): number => 14 + 5 + name.length * 6.5 + 8
const LEGEND_ROW_PX = 22
/** Up to this many nodes the subtitle names every node's peak; above it, the extremes. */
const SUBTITLE_NODES = 4

/** Rows the per-node legend wraps into (it never pages: every node stays visible). */
export function perNodeLegendRows(nodeIds: readonly number[]): number {
  let rows = 1
  let used = 0
  for (const nid of nodeIds) {
    const w = legendItemPx(nodeSeriesName(nid))
    if (used > 0 && used + w > LEGEND_ASSUMED_WIDTH_PX) {
      rows++
      used = 0
    }
    used += w
  }
  return rows
}

/** Chart height for `nodeIds`: the base height plus one legend row's height per extra row. */
export function perNodeChartHeight(nodeIds: readonly number[], baseHeight = 280): number {
  return baseHeight + (perNodeLegendRows(nodeIds) - 1) * LEGEND_ROW_PX
}

/**
 * The subtitle: every node's peak for a few nodes; for many (a 16-socket host) the node count and
 * the highest and lowest peaks, so the line fits the chart instead of being clipped on both sides.
 */
export function perNodeSubtitle(peaks: ReadonlyArray<{ nid: number; peak: number }>): string {
  if (peaks.length <= SUBTITLE_NODES)
    return peaks.map((p) => `node ${p.nid} peak ${formatBytes(p.peak)}`).join(' · ')
  let hi = peaks[0]!
  let lo = peaks[0]!
  for (const p of peaks) {
    if (p.peak > hi.peak) hi = p
    if (p.peak < lo.peak) lo = p
  }
  return `${peaks.length} nodes · highest peak node ${hi.nid}, ${formatBytes(hi.peak)} · lowest node ${lo.nid}, ${formatBytes(lo.peak)}`
}

/**
 * PAMT page-pair bytes per NUMA node over time, stacked: pairs come from the node whose memory the
 * TD pages use, so this shows where Dynamic PAMT memory is needed. Same large-series settings as
 * the over-time chart. Each node keeps its address-map colour (`nodeColor`); the legend wraps into
 * rows (`perNodeLegendRows`) rather than paging, and the plot starts below its last row.
 */
export function perNodeChart(result: SimulationResult): EChartsOption {
  const r = result.replay
  const x = sampleSeconds(result)
  const series: LineSeriesOption[] = r.nodeIds.map((nid, i) => ({
    name: nodeSeriesName(nid),
    type: 'line',
    stack: 'nodes',
    data: (r.perNodePairBytes[i] ?? []).map((v, k) => [x[k]!, v]),
    showSymbol: false,
    symbol: 'none',
    sampling: 'lttb',
    lineStyle: { width: 1 },
    areaStyle: { opacity: 0.6 },
    color: nodeColor(nid),
    emphasis: { disabled: true }
  }))
  const peaks = r.nodeIds.map((nid, i) => ({
    nid,
    peak: Math.max(0, maxOf(r.perNodePairBytes[i] ?? []))
  }))
  const legendRows = perNodeLegendRows(r.nodeIds)
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: 'PAMT page pairs per NUMA node',
      subtext: perNodeSubtitle(peaks),
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { type: 'plain', top: 46, left: 16, right: 16, itemGap: 8, itemWidth: 14 },
    grid: { left: 76, right: 40, top: 58 + legendRows * LEGEND_ROW_PX, bottom: 78 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as AxisParam[]
        const first = params[0]
        const sec = Array.isArray(first?.value) ? Number(first.value[0]) : 0
        let total = 0
        const lines = params.map((p) => {
          const v = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
          total += v
          return `${p.marker ?? ''}${p.seriesName}: ${bytesWithExact(v)} (${(v / 8192).toLocaleString('en-US')} pairs)`
        })
        return [
          `<b>${formatSeconds(sec)}</b>`,
          ...lines,
          `All nodes: ${bytesWithExact(total)}`
        ].join('<br/>')
      }
    },
    ...timeBytesAxes(x.length ? x[0]! : 0, x.length ? x[x.length - 1]! : 1, maxOf(r.pairBytes)),
    series
  }
}
