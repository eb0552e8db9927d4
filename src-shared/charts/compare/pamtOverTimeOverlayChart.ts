import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { SimulationResult } from '../../model/runtime/simulate'
import { maxOf } from '../../util/arrays'
import { formatBytes } from '../formatBytes'
import { WORKLOAD_COLORS } from '../workload/colors'
import { zoomedAxisTop } from '../workload/pamtOverTimeChart'
import { bytesWithExact, formatSeconds, sampleSeconds, timeBytesAxes } from '../workload/timeAxis'
import { pinColor } from './pinColors'

/** One compared workload run: its pin label and result. */
export interface ComparedRun {
  label: string
  result: SimulationResult
  /** Its position in the whole selection (its colour); default: its position here. */
  colorIndex?: number
}

/** Static PAMT further than this factor above the zoomed top is named, not drawn (as the Workload view). */
const OFF_SCALE_FACTOR = 2

/**
 * Dynamic PAMT over time for two to four workload runs on one time axis (docs/workspaces.md,
 * "Compare"): each run's total (static part + refcounts + pairs + caches, dpamt-model.md §2.9)
 * as a line in its pin's colour, seconds from each run's start, ticks in the unit of the span
 * (timeAxis.ts). The byte axis is scaled to the highest Dynamic PAMT peak (`zoomedAxisTop`, as
 * the Workload view's "zoom to Dynamic PAMT"); each run's static PAMT is a dashed line in its
 * colour when it is on that scale, and is named in the subtitle when it is off it.
 */
export function pamtOverTimeOverlayChart(runs: readonly ComparedRun[]): EChartsOption {
  const xs = runs.map((r) => sampleSeconds(r.result))
  const end = Math.max(
    1e-9,
    maxOf(
      xs.map((x) => (x.length ? x[x.length - 1]! : 0)),
      0
    )
  )
  const top = zoomedAxisTop(
    maxOf(
      runs.map((r) => r.result.replay.peakTotalBytes),
      0
    )
  )
  const onScale = (r: ComparedRun): boolean => r.result.staticPamtBytes <= OFF_SCALE_FACTOR * top
  const maxStaticOnScale = maxOf(
    runs.filter(onScale).map((r) => r.result.staticPamtBytes),
    0
  )
  const totals: LineSeriesOption[] = runs.map((r, i) => ({
    name: r.label,
    type: 'line',
    data: r.result.replay.totalBytes.map((v, k) => [xs[i]![k]!, v]),
    showSymbol: false,
    symbol: 'none',
    sampling: 'lttb',
    color: pinColor(r.colorIndex ?? i),
    lineStyle: { width: 1.8 },
    emphasis: { disabled: true }
  }))
  // One dashed line per distinct static PAMT on the scale: in the run's colour when one run has
  // it, in the Workload view's static PAMT red when several share it (the same host).
  const levels: Array<{ bytes: number; runs: number[] }> = []
  runs.forEach((r, i) => {
    if (!onScale(r)) return
    const same = levels.find((l) => l.bytes === r.result.staticPamtBytes)
    if (same) same.runs.push(i)
    else levels.push({ bytes: r.result.staticPamtBytes, runs: [i] })
  })
  const statics: LineSeriesOption[] = levels.map((l) => {
    const shared = l.runs.length > 1
    const color = shared
      ? WORKLOAD_COLORS.staticPamt
      : pinColor(runs[l.runs[0]!]!.colorIndex ?? l.runs[0]!)
    return {
      name: shared
        ? `static PAMT (${l.runs.length === runs.length ? 'all' : l.runs.map((i) => runs[i]!.label).join(', ')})`
        : `${runs[l.runs[0]!]!.label} — static PAMT`,
      type: 'line' as const,
      data: [
        [0, l.bytes],
        [end, l.bytes]
      ],
      showSymbol: false,
      symbol: 'none',
      color,
      lineStyle: { type: 'dashed' as const, width: 1.5 },
      emphasis: { disabled: true },
      tooltip: { show: false },
      // As the Workload view: the size right of the plot, at the line.
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { opacity: 0 },
        label: {
          position: 'end',
          formatter: `static ${formatBytes(l.bytes)}`,
          color,
          opacity: 1,
          fontSize: 11
        },
        data: [{ yAxis: l.bytes }]
      }
    }
  })
  const offScale = runs.filter((r) => !onScale(r))
  const subtext = [
    runs.map((r) => `${r.label}: peak ${formatBytes(r.result.replay.peakTotalBytes)}`).join(' · '),
    offScale.length
      ? `static PAMT off scale: ${offScale.map((r) => `${r.label} ${formatBytes(r.result.staticPamtBytes)}`).join(', ')}`
      : ''
  ]
    .filter(Boolean)
    .join('\n')
  return {
    animation: false,
    aria: {
      enabled: true,
      label: {
        description: `Dynamic PAMT total over time for ${runs.length} pinned workload runs; ${subtext}`
      }
    },
    title: {
      text: 'Dynamic PAMT over time, per pinned run',
      subtext,
      left: 'center',
      textStyle: { fontSize: 14 },
      subtextStyle: { fontSize: 11, lineHeight: 14 }
    },
    legend: { top: offScale.length ? 62 : 48, type: 'plain' },
    grid: { left: 76, right: 110, top: offScale.length ? 110 : 96, bottom: 78 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'line' },
      confine: true,
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as Array<{
          seriesName?: string
          value?: unknown
          marker?: string
        }>
        const first = params[0]
        const sec = Array.isArray(first?.value) ? Number(first.value[0]) : 0
        return [
          `<b>${formatSeconds(sec)}</b>`,
          ...params.map((p) => {
            const v = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
            return `${p.marker ?? ''}${p.seriesName}: ${bytesWithExact(v)}`
          })
        ].join('<br/>')
      }
    },
    ...timeBytesAxes(0, end, Math.max(top, maxStaticOnScale)),
    series: [...totals, ...statics]
  }
}
