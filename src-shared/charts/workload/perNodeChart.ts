import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { SimulationResult } from '../../model/runtime/simulate'
import { formatBytes } from '../formatBytes'
import { NODE_COLORS } from './colors'
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

/**
 * PAMT page-pair bytes per NUMA node over time, stacked: pairs come from the node whose memory the
 * TD pages use, so this shows where Dynamic PAMT memory is needed. Same large-series settings as
 * the over-time chart.
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
    color: NODE_COLORS[i % NODE_COLORS.length],
    emphasis: { disabled: true }
  }))
  const peaks = r.nodeIds.map((nid, i) => ({
    nid,
    peak: Math.max(0, maxOf(r.perNodePairBytes[i] ?? []))
  }))
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: 'PAMT page pairs per NUMA node',
      subtext: peaks.map((p) => `node ${p.nid} peak ${formatBytes(p.peak)}`).join(' · '),
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 46, type: 'scroll' },
    grid: { left: 76, right: 40, top: 80, bottom: 78 },
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
