import { describe, expect, it } from 'vitest'
import * as echarts from 'echarts'
import type { EChartsOption } from 'echarts'
import {
  formatDuration,
  formatSeconds,
  niceTimeInterval,
  timeBytesAxes,
  timeTicks,
  timeWindowPatch,
  dataZoomEventWindow,
  withTimeWindow
} from '@shared/charts/workload/timeAxis'

const MIN = 60
const HOUR = 3_600
const DAY = 86_400

/**
 * Render a bare chart with the shared time axis server-side (ECharts' SSR SVG, no DOM) and return
 * the x axis's tick labels as drawn: what a user reads, after ECharts' own layout.
 */
function drawnTimeLabels(startS: number, endS: number, zoomPct?: [number, number]): string[] {
  const option: EChartsOption = {
    animation: false,
    ...timeBytesAxes(startS, endS, 2 ** 30),
    series: [
      {
        type: 'line',
        data: [
          [startS, 0],
          [endS, 2 ** 29]
        ]
      }
    ]
  }
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 300 })
  try {
    chart.setOption(option)
    // What ChartPanel.vue shows after a datazoom event: the option at the zoom window.
    if (zoomPct) chart.setOption(withTimeWindow(option, zoomPct[0], zoomPct[1]))
    const texts = [...chart.renderToSVGString().matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(
      (m) => m[1]!
    )
    // The y labels are bytes; the axis name is not a tick.
    return texts.filter((t) => !/B$/.test(t) && t !== 'time since start')
  } finally {
    chart.dispose()
  }
}

describe('time axis units', () => {
  it('writes a duration in the unit its size calls for', () => {
    // Hand-derived: 200 s = 3 × 60 + 20; 20,000 s = 5 × 3,600 + 33 × 60 + 20 (the issue's
    // "333 min 20 s"); 80,000 s = 22 h 13 min 20 s ("1333 min 20 s"); 129,600 s = 86,400 + 12 × 3,600.
    expect(formatSeconds(2.5)).toBe('2.5 s')
    expect(formatSeconds(200)).toBe('3 min 20 s')
    expect(formatSeconds(20_000)).toBe('5 h 33 min 20 s')
    expect(formatSeconds(80_000)).toBe('22 h 13 min 20 s')
    expect(formatSeconds(DAY)).toBe('1 d')
    expect(formatSeconds(1.5 * DAY)).toBe('1 d 12 h')
    // Sub-second: 0.0005 s = 500 µs; 0.0123456 s = 12.3456 ms, three decimals → 12.346 ms.
    expect(formatSeconds(0.0005)).toBe('500 µs')
    expect(formatSeconds(0.0123456)).toBe('12.346 ms')
    expect(formatSeconds(2.5e-8)).toBe('25 ns')
    // Rounding up to the next unit says so: 999.9996 µs → "1 ms", 59.9999 s → "1 min".
    expect(formatSeconds(0.0009999996)).toBe('1 ms')
    expect(formatSeconds(59.9999)).toBe('1 min')
  })

  it('gives ticks the precision of their interval, so neighbours never read the same', () => {
    // A 1 ms window at 0.2 ms steps from 1 s: 1, 1.0002, …, 1.001 s. Three decimals (the
    // tooltip's) would print "1 s" five times.
    const ticks = timeTicks(1, 1.001, 0.0002)
    expect(ticks.map((t) => formatDuration(t, 0.0002))).toEqual([
      '1 s',
      '1.0002 s',
      '1.0004 s',
      '1.0006 s',
      '1.0008 s',
      '1.001 s'
    ])
    expect(formatDuration(0, 0.001)).toBe('0 ms')
  })

  it('picks round intervals in each unit: 6 h for a day, 0.5 ms for 3.1 ms, 1 min for 200 s', () => {
    // At most 6 intervals: 86,400 / 6 = 14,400 s (4 h) → the next round step, 6 h.
    expect(niceTimeInterval(DAY)).toBe(6 * HOUR)
    // 0.0031 / 6 = 0.000517 s → the next 1-2-5 step is 0.001 s (0.5 ms is below it).
    expect(niceTimeInterval(0.0031)).toBe(0.001)
    // 200 / 6 = 33.3 s → 1 min (30 s is below it).
    expect(niceTimeInterval(200)).toBe(MIN)
    // 3 days / 6 = 12 h; 40 days / 6 = 6.7 days → 7 days.
    expect(niceTimeInterval(3 * DAY)).toBe(12 * HOUR)
    expect(niceTimeInterval(40 * DAY)).toBe(7 * DAY)
  })
})

describe('time axis as drawn', () => {
  it('labels a 24 h run in hours and days, not "333 min 20 s"', () => {
    expect(drawnTimeLabels(0, DAY)).toEqual(['0 h', '6 h', '12 h', '18 h', '1 d'])
  })

  it('re-ticks a zoomed window at round multiples of a finer interval', () => {
    // 37 %–67 % of a day = 31,968 s (8 h 52 min 48 s) to 57,888 s (16 h 4 min 48 s): a 7 h 12 min
    // window; / 6 = 1 h 12 min → 2 h steps, the multiples of 2 h inside: 10, 12, 14, 16 h.
    expect(drawnTimeLabels(0, DAY, [37, 67])).toEqual(['10 h', '12 h', '14 h', '16 h'])
  })

  it('labels a 3.1 ms trace in milliseconds, every tick distinct', () => {
    // 3.1 ms / 6 = 0.52 ms → 1 ms steps: 0, 1, 2, 3 ms (not "0 s" four times).
    const labels = drawnTimeLabels(0, 0.0031)
    expect(labels).toEqual(['0 ms', '1 ms', '2 ms', '3 ms'])
  })

  it('labels a 40 µs window 1 ms in at 10 µs steps, every tick distinct', () => {
    // 1 ms + [0, 40 µs]: 40 µs / 6 = 6.7 µs → 10 µs steps: 1 ms, 1.01 ms, …, 1.04 ms.
    const labels = drawnTimeLabels(0.001, 0.00104)
    expect(labels).toEqual(['1 ms', '1.01 ms', '1.02 ms', '1.03 ms', '1.04 ms'])
    expect(new Set(labels).size).toBe(labels.length)
  })

  it('leaves a chart without the shared time axis as it is when zoomed', () => {
    const other: EChartsOption = { xAxis: { type: 'category', data: ['a'] }, series: [] }
    expect(withTimeWindow(other, 10, 20)).toBe(other)
  })
})

describe('zoom patches', () => {
  const day: EChartsOption = { ...timeBytesAxes(0, DAY, 2 ** 30), series: [] }

  it('patches only the time axis, with its id, re-ticked for the window', () => {
    const patch = timeWindowPatch(day, 37, 67) as { xAxis: Record<string, unknown> }
    // 37 %–67 % of a day: 10, 12, 14, 16 h (the derivation above).
    expect(Object.keys(patch)).toEqual(['xAxis'])
    expect(patch.xAxis['id']).toBe((day.xAxis as { id: string }).id)
    expect((patch.xAxis['axisTick'] as { customValues: number[] }).customValues).toEqual([
      10 * HOUR,
      12 * HOUR,
      14 * HOUR,
      16 * HOUR
    ])
  })

  it('has no patch for a chart without the shared time axis', () => {
    expect(timeWindowPatch({ xAxis: { type: 'category', data: ['a'] }, series: [] }, 10, 20)).toBe(
      null
    )
  })

  it('reads the window from a datazoom event: its own, a batch’s first, or none for values', () => {
    expect(dataZoomEventWindow({ type: 'datazoom', start: 10, end: 20 })).toEqual({
      start: 10,
      end: 20
    })
    expect(dataZoomEventWindow({ batch: [{ start: 5, end: 7 }] })).toEqual({ start: 5, end: 7 })
    expect(dataZoomEventWindow({ startValue: 3, endValue: 9 })).toBe(null)
    expect(dataZoomEventWindow(undefined)).toBe(null)
  })
})
