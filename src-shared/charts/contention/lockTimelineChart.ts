import type { EChartsOption } from 'echarts'
import type { ContentionOutcome } from '../../model/contention/simulateContention'
import { formatSeconds } from '../workload/timeAxis'
import { designColor } from './labels'
import { maxOf } from '../../util/arrays'

export const TIMELINE_SERIES = {
  occupancy: 'locks held (mean)',
  waiters: 'waiters (max)'
} as const

/** Bin start times in seconds. */
export function timelineSeconds(o: ContentionOutcome): number[] {
  return o.timeline.occupancy.map((_, i) => (i * o.timeline.binNs) / 1e9)
}

/**
 * Lock occupancy over time for one design: the mean number of its kernel locks held in each bin
 * (1.0 = a global lock held the whole bin) and the most CPUs waiting at once, on a second axis.
 */
export function lockTimelineChart(o: ContentionOutcome, label: string = o.design): EChartsOption {
  const xs = timelineSeconds(o)
  const color = designColor(o.design)
  const maxOcc = Math.max(0, maxOf(o.timeline.occupancy))
  const maxWait = Math.max(0, maxOf(o.timeline.maxWaiters))
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: `Lock occupancy and waiters: ${label}`,
      subtext: `bins of ${formatSeconds(o.timeline.binNs / 1e9)}; peak ${Number(maxOcc.toFixed(3))} locks held, ${maxWait} waiting`,
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 46 },
    grid: { left: 64, right: 64, top: 80, bottom: 56 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v) => String(Number(Number(v).toFixed(4)))
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: xs.length ? (xs.length * o.timeline.binNs) / 1e9 : 1,
      axisLabel: { formatter: (v: number) => formatSeconds(v) }
    },
    yAxis: [
      { type: 'value', name: TIMELINE_SERIES.occupancy, min: 0, nameTextStyle: { align: 'left' } },
      {
        type: 'value',
        name: TIMELINE_SERIES.waiters,
        min: 0,
        minInterval: 1,
        splitLine: { show: false },
        nameTextStyle: { align: 'right' }
      }
    ],
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'slider', xAxisIndex: 0, height: 16, bottom: 6 }
    ],
    series: [
      {
        name: TIMELINE_SERIES.occupancy,
        type: 'line',
        step: 'start',
        showSymbol: false,
        color,
        areaStyle: { opacity: 0.25 },
        lineStyle: { width: 1.5 },
        data: o.timeline.occupancy.map((v, i) => [xs[i]!, v])
      },
      {
        name: TIMELINE_SERIES.waiters,
        type: 'line',
        step: 'start',
        showSymbol: false,
        yAxisIndex: 1,
        color: '#b3261e',
        lineStyle: { width: 1.2 },
        data: o.timeline.maxWaiters.map((v, i) => [xs[i]!, v])
      }
    ]
  }
}
