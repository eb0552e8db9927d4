import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import Papa from 'papaparse'
import * as echarts from 'echarts'
import type { EChartsOption } from 'echarts'
import {
  OVERVIEW_POINTS,
  SAMPLE_ABOVE,
  STATIC_PAMT_SERIES,
  WINDOW_POINTS,
  pamtOverTimeChart,
  pamtOverTimeSampleIndices,
  pamtOverTimeWindowNs,
  pamtParts,
  zoomedAxisTop
} from '@shared/charts/workload/pamtOverTimeChart'
import { pamtOverTimeCsv } from '@shared/charts/workload/workloadCsv'
import {
  formatSeconds,
  sampleSeconds,
  windowDataPatch,
  withTimeWindow
} from '@shared/charts/workload/timeAxis'
import type { SimulationResult } from '@shared/model/runtime/simulate'
import { SMALL, simulate } from './support'

const seriesOf = (r: SimulationResult): LineSeriesOption[] =>
  pamtOverTimeChart(r).series as LineSeriesOption[]

describe('pamtOverTimeChart', () => {
  const result = simulate()

  it('stacks static part, refcounts, pairs and caches that add up to the total', () => {
    const parts = pamtParts(result)
    expect(parts.map((p) => p.key)).toEqual(['staticPart', 'refcounts', 'pairs', 'caches'])
    const r = result.replay
    for (let k = 0; k < r.timeNs.length; k++) {
      expect(parts.reduce((s, p) => s + p.values[k]!, 0)).toBe(r.totalBytes[k])
    }
    const areas = seriesOf(result).filter((s) => s.stack === 'dpamt')
    expect(areas).toHaveLength(4)
    expect(r.pairBytes.some((v) => v > 0)).toBe(true)
  })

  it('puts time on a time axis and draws static PAMT as a dashed reference', () => {
    const series = seriesOf(result)
    const pairs = series[2]!.data as number[][]
    expect(pairs[0]![0]).toBe(0)
    expect(pairs[pairs.length - 1]![0]).toBe(10)
    const ref = series.find((s) => s.name === STATIC_PAMT_SERIES)!
    expect(ref.stack).toBeUndefined()
    expect(ref.lineStyle?.type).toBe('dashed')
    expect((ref.data as number[][]).map((d) => d[1])).toEqual([
      result.staticPamtBytes,
      result.staticPamtBytes
    ])
  })

  it('marks the peak at its time and value, and the average', () => {
    const top = seriesOf(result)[3]!
    const peak = (top.markPoint!.data as Array<{ coord: number[] }>)[0]!
    expect(peak.coord).toEqual([result.replay.peakTimeNs / 1e9, result.replay.peakTotalBytes])
    const avg = (top.markLine!.data as Array<{ yAxis: number }>)[0]!
    expect(avg.yAxis).toBe(result.replay.averageTotalBytes)
  })

  it('is built for long series', () => {
    const option = pamtOverTimeChart(result)
    expect(option.animation).toBe(false)
    expect(Array.isArray(option.dataZoom) && option.dataZoom.length).toBe(2)
    for (const s of seriesOf(result).filter((x) => x.stack)) {
      expect(s.sampling).toBe('lttb')
      expect(s.showSymbol).toBe(false)
    }
  })

  it('shows exact bytes and the savings in the tooltip', () => {
    const option = pamtOverTimeChart(result)
    const tooltip = option.tooltip as { formatter: (p: unknown) => string }
    const k = result.replay.pairBytes.findIndex((v) => v > 0)
    const x = result.replay.timeNs[k]! / 1e9
    const params = pamtParts(result).map((p) => ({ seriesName: p.name, value: [x, p.values[k]] }))
    const html = tooltip.formatter(params)
    const total = result.replay.totalBytes[k]!
    expect(html).toContain(`${total.toLocaleString('en-US')} B`)
    const saved = result.staticPamtBytes - total
    expect(saved).toBeGreaterThan(0)
    expect(html).toMatch(new RegExp(`Saves .*\\(${saved.toLocaleString('en-US')} B\\) vs static`))
    expect(html).toContain(`${result.replay.pairBytes[k]!.toLocaleString('en-US')} B`)
  })

  it('starts a trace series at its first sample', () => {
    const shifted: SimulationResult = {
      ...result,
      replay: { ...result.replay, timeNs: result.replay.timeNs.map((t) => t + 5e12) }
    }
    expect(sampleSeconds(shifted)[0]).toBe(0)
    expect(formatSeconds(2.5)).toBe('2.5 s')
    expect(formatSeconds(200)).toBe('3 min 20 s')
  })

  it('exports every sample in raw bytes as CSV', () => {
    const rows = Papa.parse<string[]>(pamtOverTimeCsv(result).trim()).data
    expect(rows[0]).toEqual([
      'time_ns',
      'static_part_bytes',
      'refcount_bytes',
      'pair_bytes',
      'cache_bytes',
      'total_bytes',
      'static_pamt_bytes'
    ])
    expect(rows).toHaveLength(result.replay.timeNs.length + 1)
    const k = result.replay.pairBytes.findIndex((v) => v > 0)
    expect(rows[k + 1]!.map(Number)).toEqual([
      // Whole nanoseconds: the sample times are durationNs / samples apart, not always integers.
      Math.round(result.replay.timeNs[k]!),
      result.staticPartBytes,
      result.refcountBytes,
      result.replay.pairBytes[k],
      result.replay.cacheBytes[k],
      result.replay.totalBytes[k],
      result.staticPamtBytes
    ])
  })

  /**
   * The chart drawn by ECharts server-side (SVG, no DOM) at the view's size: each text with where
   * it is (the centre of its line box, from its translate and y offset).
   */
  function drawn(option: EChartsOption): Array<{ text: string; x: number; y: number }> {
    // A text drawn fully transparent is not on screen: leave it out.
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 860, height: 380 })
    try {
      chart.setOption(option)
      const shown = [...chart.renderToSVGString().matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].filter(
        (m) => !/(fill-)?opacity="0"/.test(m[1]!)
      )
      return shown.map((m) => {
        const t = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(m[1]!)
        const dy = /\by="([-\d.]+)"/.exec(m[1]!)
        return {
          text: m[2]!,
          x: Number(t?.[1] ?? 0),
          y: Number(t?.[2] ?? 0) + Number(dy?.[1] ?? 0)
        }
      })
    } finally {
      chart.dispose()
    }
  }

  // The case: static PAMT 80 times Dynamic PAMT. The run is the model's (peak 36,556,800 B,
  // the model's output); static PAMT is set to 1.25 GiB.
  const lopsided: SimulationResult = { ...result, staticPamtBytes: 1.25 * 2 ** 30 }

  it('keeps the average label above its line, clear of the time axis labels', () => {
    const top = seriesOf(lopsided)[3]!
    expect((top.markLine!.label as { position: string }).position).toBe('insideEndTop')
    // Drawn: the average (21.97 MiB on a 1.25 GiB axis) sits just above the axis; its label's
    // line box (12 px font) must end above the time labels' boxes.
    const texts = drawn(pamtOverTimeChart(lopsided))
    const avg = texts.find((t) => t.text.startsWith('average'))!
    const tick = texts.find((t) => t.text === '2 s')!
    expect(avg.y + 6).toBeLessThan(tick.y - 6)
  })

  it('zooms the byte axis to Dynamic PAMT, static PAMT a labelled marker at the top', () => {
    // Zoomed top: 1.2 × 36,556,800 = 43,868,160 B; / 6 = 7,311,360 → the power-of-two interval
    // 8 MiB (8,388,608); ⌈43,868,160 / 8,388,608⌉ = 6 intervals → 48 MiB = 50,331,648 B.
    // Static PAMT 1.25 GiB is over twice that: drawn at the top, labelled with its true size.
    expect(result.replay.peakTotalBytes).toBe(36_556_800)
    expect(zoomedAxisTop(result.replay.peakTotalBytes)).toBe(48 * 2 ** 20)
    const option = pamtOverTimeChart(lopsided, { zoomToDynamic: true })
    const ref = (option.series as LineSeriesOption[]).find((s) => s.name === STATIC_PAMT_SERIES)!
    expect((ref.data as number[][]).map((d) => d[1])).toEqual([48 * 2 ** 20, 48 * 2 ** 20])
    expect(ref.lineStyle?.type).toBe('dashed')
    const texts = drawn(option).map((t) => t.text)
    // The byte axis ends at 48 MiB (8 MiB steps), the marker says what it stands for.
    expect(texts).toContain('48 MiB')
    expect(texts).not.toContain('56 MiB')
    expect(texts).toContain('static 1.25 GiB')
    expect(texts).toContain('↑ off scale')
    // The marker's label stays at its line (the 48 MiB tick's height, its first of two 13 px
    // lines just above) when the time axis is zoomed to 37–67 %.
    const zoomed = drawn(withTimeWindow(option, 37, 67))
    const tick = zoomed.find((t) => t.text === '48 MiB')!
    const label = zoomed.find((t) => t.text === 'static 1.25 GiB')!
    expect(Math.abs(label.y + 6.5 - tick.y)).toBeLessThan(1)
    // The tooltip still compares with the true static PAMT.
    const tooltip = option.tooltip as { formatter: (p: unknown) => string }
    expect(tooltip.formatter([{ seriesName: 'Page pairs', value: [1, 0] }])).toContain(
      `Static PAMT: 1.25 GiB (${(1.25 * 2 ** 30).toLocaleString('en-US')} B)`
    )
    // Unzoomed, the axis runs to static PAMT: 1.25 GiB / 6 → 256 MiB steps up to 1.25 GiB.
    expect(drawn(pamtOverTimeChart(lopsided)).map((t) => t.text)).toContain('1.25 GiB')
  })

  it('draws a static PAMT within twice the zoomed top to scale, not off scale', () => {
    // Static 64 MiB ≤ 2 × 48 MiB: nothing gained by hiding it; the axis includes it.
    const near: SimulationResult = { ...result, staticPamtBytes: 64 * 2 ** 20 }
    const ref = (
      pamtOverTimeChart(near, { zoomToDynamic: true }).series as LineSeriesOption[]
    ).find((s) => s.name === STATIC_PAMT_SERIES)!
    expect((ref.data as number[][])[0]![1]).toBe(64 * 2 ** 20)
  })
})

describe('pamtOverTimeChart on a long run (sampled)', () => {
  // The worked scenario sampled 10,001 times over its 10 s: one sample a millisecond, sample k
  // at k ms (replay.ts spaces `samples` points evenly over [start, end]). Over SAMPLE_ABOVE
  // (4,000), so it is drawn sampled.
  const long = simulate({ ...SMALL, samples: 10_001 })
  const n = long.replay.timeNs.length
  /** The sample index of a drawn x (seconds), k ms. */
  const indexOf = (s: number): number => Math.round(s * 1000)
  const areasOf = (o: EChartsOption): LineSeriesOption[] =>
    (o.series as LineSeriesOption[]).filter((s) => s.stack === 'dpamt')
  // The first sample at the total's largest sampled value: the model's output, found by a scan.
  let peakK = 0
  for (let k = 1; k < n; k++)
    if (long.replay.totalBytes[k]! > long.replay.totalBytes[peakK]!) peakK = k

  it('leaves a short run point for point', () => {
    const result = simulate()
    expect(result.replay.timeNs).toHaveLength(64)
    expect(pamtOverTimeSampleIndices(result)).toBeNull()
    expect((seriesOf(result)[2]!.data as unknown[]).length).toBe(64)
  })

  it('draws every stacked part at the same samples, each value the model’s own', () => {
    expect(n).toBe(10_001)
    const areas = areasOf(pamtOverTimeChart(long))
    const xs = areas.map((a) => (a.data as number[][]).map((d) => d[0]))
    for (const other of xs.slice(1)) expect(other).toEqual(xs[0])
    // Whole run as the window: WINDOW_POINTS by LTTB (both ends among them), plus the peak's
    // first and last sample when LTTB did not pick them.
    const drawn = xs[0]!.length
    expect(drawn).toBeGreaterThanOrEqual(WINDOW_POINTS)
    expect(drawn).toBeLessThanOrEqual(WINDOW_POINTS + 2)
    expect(xs[0]![0]).toBe(0)
    expect(xs[0]![drawn - 1]).toBe(10)
    // The four parts add up to the model's total at each drawn sample.
    for (let j = 0; j < drawn; j += 97) {
      const k = indexOf(xs[0]![j]!)
      const sum = areas.reduce((s, a) => s + (a.data as number[][])[j]![1]!, 0)
      expect([k, sum]).toEqual([k, long.replay.totalBytes[k]])
    }
    // ECharts' own sampling is off: it would thin the samples again, each part differently.
    for (const a of areas) expect(a.sampling).toBeUndefined()
  })

  it('keeps the peak sample whatever the window', () => {
    for (const w of [undefined, [8e9, 9e9] as const, [0, 1e6] as const]) {
      const k = Array.from(pamtOverTimeSampleIndices(long, w)!)
      expect(k).toContain(peakK)
    }
  })

  it('draws every sample inside a narrow window and an overview outside it', () => {
    // The window 2 s to 3 s holds samples 2,000 to 3,000: 1,001 samples, under WINDOW_POINTS,
    // so each is drawn. Outside it, at most OVERVIEW_POINTS of the overview (and the peak).
    const window = pamtOverTimeWindowNs(long, 20, 30)
    expect(window).toEqual([2e9, 3e9])
    const k = Array.from(pamtOverTimeSampleIndices(long, window)!)
    const inside = k.filter((i) => i >= 2000 && i <= 3000)
    expect(inside).toHaveLength(1001)
    const outside = k.filter((i) => i < 2000 || i > 3000)
    expect(outside.length).toBeGreaterThan(0)
    expect(outside.length).toBeLessThanOrEqual(OVERVIEW_POINTS + 2)
    // The run's first and last samples stay, so the slider's data shadow spans the whole run.
    expect([k[0], k[k.length - 1]]).toEqual([0, n - 1])
    // A window between two samples reaches out to the samples around it: 2.0005 s to 2.0015 s
    // lies between samples 2,000 and 2,002.
    const between = Array.from(pamtOverTimeSampleIndices(long, [2.0005e9, 2.0015e9])!)
    expect(between).toEqual(expect.arrayContaining([2000, 2001, 2002]))
  })

  it('keeps every sample in the CSV', () => {
    expect(Papa.parse<string[]>(pamtOverTimeCsv(long).trim()).data).toHaveLength(n + 1)
  })

  it('patches only the series data and the time axis for a new window', () => {
    const windowed = pamtOverTimeChart(long, { window: pamtOverTimeWindowNs(long, 20, 30) })
    const patch = windowDataPatch(windowed, 20, 30)!
    expect(Object.keys(patch)).toEqual(['xAxis', 'series'])
    const series = patch.series as Array<Record<string, unknown>>
    expect(series).toHaveLength(5)
    for (const s of series) expect(Object.keys(s)).toEqual(['data'])
    expect(series[2]!['data']).toBe(areasOf(windowed)[2]!.data)
    // Without our time axis there is nothing to patch.
    expect(windowDataPatch({ series: [] }, 20, 30)).toBeNull()
    expect(SAMPLE_ABOVE).toBeLessThan(n)
  })
})
