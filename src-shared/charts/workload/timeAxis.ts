import type { EChartsOption } from 'echarts'
import type { SimulationResult } from '../../model/runtime/simulate'
import { formatBytes } from '../formatBytes'
import { bytesAxisScale, formatAxisBytes } from './bytesAxis'

/**
 * Sample times as seconds from the first sample. Simulations start at 0; a trace's clock has any
 * origin (boot time, epoch), so its series starts at its first event.
 */
export function sampleSeconds(result: SimulationResult): number[] {
  const t = result.replay.timeNs
  const origin = t.length ? t[0]! : 0
  return t.map((ns) => (ns - origin) / 1e9)
}

/** Seconds from the series origin for an absolute time in nanoseconds. */
export function secondsAt(result: SimulationResult, ns: number): number {
  const t = result.replay.timeNs
  return (ns - (t.length ? t[0]! : 0)) / 1e9
}

/** "12.5 s", "3 min 20 s" style axis label. */
export function formatSeconds(s: number): string {
  if (Math.abs(s) < 120) return `${Number(s.toFixed(3))} s`
  const m = Math.floor(s / 60)
  const rest = Math.round(s - m * 60)
  return rest ? `${m} min ${rest} s` : `${m} min`
}

/** Size with the exact byte count, for tooltips: "640.00 MiB (671,088,640 B)". */
export function bytesWithExact(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} B)`
}

/**
 * The zoom controls and axes every over-time chart shares: seconds from `startS` to `endS` along x
 * (wheel and slider zoom), bytes in binary units up to `maxBytes` along y.
 */
export function timeBytesAxes(
  startS: number,
  endS: number,
  maxBytes: number
): Pick<EChartsOption, 'dataZoom' | 'xAxis' | 'yAxis'> {
  return {
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 18, bottom: 8 }
    ],
    xAxis: {
      type: 'value',
      min: startS,
      max: endS,
      name: 'time (s)',
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { formatter: (v: number) => formatSeconds(v) }
    },
    yAxis: {
      type: 'value',
      ...bytesAxisScale(Math.max(maxBytes, 0)),
      axisLabel: { formatter: formatAxisBytes }
    }
  }
}
