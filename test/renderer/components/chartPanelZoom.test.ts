import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { getInstanceByDom, type ECharts } from 'echarts/core'
import type { EChartsOption } from 'echarts'
import ChartPanel from '@renderer/components/ChartPanel.vue'
import { timeBytesAxes, type ZoomWindow } from '@shared/charts/workload/timeAxis'

const DAY = 86_400
const HOUR = 3_600

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

/** A day on the shared time axis, one line across it. */
function dayOption(): EChartsOption {
  return {
    animation: false,
    ...timeBytesAxes(0, DAY, 2 ** 30),
    series: [
      {
        type: 'line',
        name: 'a',
        data: [
          [0, 0],
          [DAY, 2 ** 29]
        ]
      }
    ]
  }
}

async function mountDay(optionAt?: (z: ZoomWindow) => EChartsOption): Promise<ECharts> {
  wrapper = mount(ChartPanel, {
    props: { chartId: 'day', hostName: 'spr-2s', option: dayOption(), optionAt, csv: 'a\n' },
    attachTo: document.body
  })
  await flushPromises()
  const el = (wrapper.element as HTMLElement).querySelector('[_echarts_instance_]')
  const chart = el instanceof HTMLElement ? getInstanceByDom(el) : undefined
  if (!chart) throw new Error('no chart')
  return chart
}

type HeldAxis = { axisTick?: { customValues?: number[] } }

describe('ChartPanel zoom', () => {
  it('re-ticks the time axis after a zoom by merging the axis alone, not the data again', async () => {
    const chart = await mountDay()
    const setOption = vi.spyOn(chart, 'setOption')
    chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 37, end: 67 })
    await flushPromises()
    // Hand-derived (as in timeAxis.test.ts): 37 %–67 % of a day is 31,968 s to 57,888 s, a
    // 7 h 12 min window; / 6 = 1 h 12 min → 2 h steps: the multiples of 2 h inside are 10, 12, 14
    // and 16 h = 36,000, 43,200, 50,400, 57,600 s.
    const ticks = [10 * HOUR, 12 * HOUR, 14 * HOUR, 16 * HOUR]
    expect(setOption).toHaveBeenCalledTimes(1)
    const patch = setOption.mock.calls[0]![0] as EChartsOption & { xAxis: HeldAxis }
    expect(Object.keys(patch)).toEqual(['xAxis'])
    expect(patch.xAxis.axisTick?.customValues).toEqual(ticks)
    const held = chart.getOption() as { xAxis: HeldAxis[]; dataZoom: Array<{ start: number }> }
    expect(held.xAxis[0]!.axisTick?.customValues).toEqual(ticks)
    expect(held.dataZoom[0]!.start).toBe(37)
  })

  it('keeps the zoom window when a new option arrives', async () => {
    const chart = await mountDay()
    chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 37, end: 67 })
    await flushPromises()
    await wrapper!.setProps({ option: dayOption() })
    await flushPromises()
    const held = chart.getOption() as {
      xAxis: HeldAxis[]
      dataZoom: Array<{ start: number; end: number }>
    }
    expect([held.dataZoom[0]!.start, held.dataZoom[0]!.end]).toEqual([37, 67])
    // The same window's ticks as above.
    expect(held.xAxis[0]!.axisTick?.customValues).toEqual([
      10 * HOUR,
      12 * HOUR,
      14 * HOUR,
      16 * HOUR
    ])
  })

  /** The day option with its one line drawn at the points a window-aware builder gives. */
  function windowed(z: ZoomWindow): EChartsOption {
    const o = dayOption()
    // A stand-in for a sampled series: one point at each edge of the window and one between.
    const at = (pct: number): number[] => [(DAY * pct) / 100, 2 ** 20]
    return { ...o, series: [{ type: 'line', name: 'a', data: [at(z.start), at(50), at(z.end)] }] }
  }

  it('redraws the series for the new window with optionAt, once a frame, the slider kept', async () => {
    const optionAt = vi.fn(windowed)
    const chart = await mountDay(optionAt)
    const setOption = vi.spyOn(chart, 'setOption')
    // Three zoom events in one frame (a wheel spin): one redraw, for the last window.
    for (const [start, end] of [
      [10, 90],
      [20, 80],
      [37, 67]
    ])
      chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start, end })
    expect(setOption).not.toHaveBeenCalled()
    await flushPromises()
    expect(setOption).toHaveBeenCalledTimes(1)
    expect(optionAt).toHaveBeenLastCalledWith({ start: 37, end: 67 })
    const patch = setOption.mock.calls[0]![0] as EChartsOption & { xAxis: HeldAxis }
    expect(Object.keys(patch)).toEqual(['xAxis', 'series'])
    // 37 % and 67 % of 86,400 s: 31,968 s and 57,888 s; 50 %: 43,200 s.
    const held = chart.getOption() as {
      series: Array<{ data: number[][] }>
      xAxis: HeldAxis[]
      dataZoom: Array<{ start: number; end: number }>
    }
    expect(held.series[0]!.data.map((d) => d[0])).toEqual([31_968, 43_200, 57_888])
    expect(held.xAxis[0]!.axisTick?.customValues).toEqual([
      10 * HOUR,
      12 * HOUR,
      14 * HOUR,
      16 * HOUR
    ])
    expect([held.dataZoom[0]!.start, held.dataZoom[0]!.end]).toEqual([37, 67])
  })

  it('draws a new option at the zoom window with optionAt', async () => {
    const chart = await mountDay(windowed)
    chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 37, end: 67 })
    await flushPromises()
    await wrapper!.setProps({ option: dayOption(), optionAt: windowed })
    await flushPromises()
    const held = chart.getOption() as {
      series: Array<{ data: number[][] }>
      dataZoom: Array<{ start: number; end: number }>
    }
    expect(held.series[0]!.data.map((d) => d[0])).toEqual([31_968, 43_200, 57_888])
    expect([held.dataZoom[0]!.start, held.dataZoom[0]!.end]).toEqual([37, 67])
  })
})
