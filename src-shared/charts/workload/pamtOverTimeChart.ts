import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { SimulationResult } from '../../model/runtime/simulate'
import { formatBytes } from '../formatBytes'
import { lttbIndices, mergeIndices } from '../sampling/lttb'
import { WORKLOAD_COLORS } from './colors'
import { bytesAxisInterval } from './bytesAxis'
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

/** `pamtParts` at the samples `picked` only (the constant parts never built at full length). */
function sampledParts(result: SimulationResult, picked: Uint32Array): ReturnType<typeof pamtParts> {
  const r = result.replay
  const at = (values: number[]): number[] => Array.from(picked, (k) => values[k]!)
  return [
    {
      key: 'staticPart',
      name: 'Static part',
      values: new Array<number>(picked.length).fill(result.staticPartBytes)
    },
    {
      key: 'refcounts',
      name: `Refcounts (${result.refcountScheme})`,
      values: new Array<number>(picked.length).fill(result.refcountBytes)
    },
    { key: 'pairs', name: 'Page pairs', values: at(r.pairBytes) },
    { key: 'caches', name: 'pamt caches', values: at(r.cacheBytes) }
  ]
}

export const STATIC_PAMT_SERIES = 'Static PAMT'

/** How the over-time chart scales its byte axis. */
export interface PamtOverTimeOptions {
  /**
   * Scale the byte axis to Dynamic PAMT's own peak instead of to static PAMT, which can be 80
   * times larger (15 MiB against 1.25 GiB) and flatten Dynamic PAMT to the axis. Static PAMT then
   * stays on the chart as a dashed marker line at the top edge, labelled with its true size.
   */
  zoomToDynamic?: boolean
  /**
   * The visible time window, `[t0Ns, t1Ns]` in the run's own clock (`replay.timeNs`), for a long
   * run: the chart is drawn from a coarse overview of the whole run plus a fine sample inside the
   * window (docs/workload-model.md, "Long series"). Default: the whole run. Ignored for runs of
   * {@link SAMPLE_ABOVE} samples or fewer, which are drawn point for point.
   */
  window?: readonly [number, number]
}

/**
 * Runs with more samples than this are drawn sampled (docs/workload-model.md, "Long series"): a
 * few thousand points are what ECharts stacks and draws within a frame, and more than the plot's
 * width in pixels shows.
 */
export const SAMPLE_ABOVE = 4000
/**
 * Points of the whole-run overview: about the plot's width in pixels at the Workload view's size
 * (1360 px wide, less the grid's 76 + 110 px margins: 1174 px), so the zoom slider's data shadow
 * and the parts outside the window still draw. A display parameter of ours, not the model's.
 */
export const OVERVIEW_POINTS = 1200
/** Points inside the visible window: twice the plot's width, so LTTB keeps each pixel's extremes. */
export const WINDOW_POINTS = 2400

/** What sampling needs of a run, computed once per replay: sample seconds, overview, peak. */
interface Prepared {
  x: number[]
  total: number[]
  overview: Uint32Array
  /** The first and last sample at the total's largest sampled value. */
  peak: Uint32Array
}
const prepared = new WeakMap<SimulationResult['replay'], Prepared>()

function prepare(result: SimulationResult): Prepared {
  const r = result.replay
  const held = prepared.get(r)
  if (held) return held
  const x = sampleSeconds(result)
  const total = r.totalBytes
  let first = 0
  let last = 0
  for (let k = 1; k < total.length; k++) {
    if (total[k]! > total[first]!) first = last = k
    else if (total[k] === total[first]) last = k
  }
  const p: Prepared = {
    x,
    total,
    overview: lttbIndices(x, total, 0, total.length, OVERVIEW_POINTS),
    peak: mergeIndices([[first, last]])
  }
  prepared.set(r, p)
  return p
}

/** The first index of ascending `t` with `t[k] >= v` (t.length when none). */
function lowerBound(t: readonly number[], v: number): number {
  let lo = 0
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The samples a long run is drawn with for the window `[t0Ns, t1Ns]` (docs/workload-model.md,
 * "Long series"): LTTB on the stack's total, so every stacked part is drawn at the same samples
 * and the areas stay aligned point by point; {@link OVERVIEW_POINTS} across the whole run outside
 * the window, {@link WINDOW_POINTS} inside it (from the last sample at or before its start to the
 * first at or after its end, so the line meets both edges), and the sample(s) at the total's peak
 * always. Null when the run has {@link SAMPLE_ABOVE} samples or fewer: those are drawn whole.
 */
export function pamtOverTimeSampleIndices(
  result: SimulationResult,
  window?: readonly [number, number]
): Uint32Array | null {
  const t = result.replay.timeNs
  if (t.length <= SAMPLE_ABOVE) return null
  const p = prepare(result)
  const [t0, t1] = window ?? [t[0]!, t[t.length - 1]!]
  // The last sample at or before t0 (the first one when t0 is before the run).
  const a = lowerBound(t, t0)
  const lo = Math.min(t.length - 1, Math.max(0, t[a] === t0 ? a : a - 1))
  const hi = Math.max(lo, Math.min(t.length - 1, lowerBound(t, t1)))
  const inside = lttbIndices(p.x, p.total, lo, hi + 1, WINDOW_POINTS)
  const outside = p.overview.filter((k) => k < lo || k > hi)
  return mergeIndices([outside, inside, p.peak])
}

/**
 * `[t0Ns, t1Ns]` of the window `[startPct, endPct]` of the chart's time axis (ECharts' dataZoom
 * `start` and `end`; the axis runs from the first sample to the last), for `window`: how the
 * Workload view turns a zoom into the window it re-samples (docs/workload-model.md, "Long series").
 */
export function pamtOverTimeWindowNs(
  result: SimulationResult,
  startPct: number,
  endPct: number
): [number, number] {
  const t = result.replay.timeNs
  const t0 = t.length ? t[0]! : 0
  const span = t.length ? t[t.length - 1]! - t0 : 0
  return [t0 + (span * startPct) / 100, t0 + (span * endPct) / 100]
}

/** Headroom above Dynamic PAMT's peak when zoomed, so the peak pin stays inside the plot. */
const ZOOM_HEADROOM = 1.2
/** Static PAMT within this factor of the zoomed top is drawn to scale: nothing to gain by hiding it. */
const OFF_SCALE_FACTOR = 2

/**
 * The top of the byte axis when zoomed to Dynamic PAMT: 1.2 × the peak rounded up to the axis's
 * power-of-two interval (bytesAxis.ts), so the axis ends on a tick, the peak's pin fits below it
 * and an off-scale static PAMT's marker sits on that last tick.
 */
export function zoomedAxisTop(peakBytes: number): number {
  const want = peakBytes * ZOOM_HEADROOM
  const interval = bytesAxisInterval(want)
  if (interval === undefined) return 0
  return Math.max(interval, Math.ceil(want / interval) * interval)
}

/**
 * Whether `zoomToDynamic` puts static PAMT off scale: only when it is more than twice the zoomed
 * top; a static PAMT closer than that stays on the axis, drawn to scale.
 */
export function staticPamtOffScale(result: SimulationResult, zoomToDynamic: boolean): boolean {
  return (
    zoomToDynamic &&
    result.staticPamtBytes > OFF_SCALE_FACTOR * zoomedAxisTop(result.replay.peakTotalBytes)
  )
}

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
 * average as a dotted line (its label above the line, clear of the time axis). Built for long
 * series: no symbols, no animation, zoom; a run of more than {@link SAMPLE_ABOVE} samples is drawn
 * at the samples {@link pamtOverTimeSampleIndices} picks for `opts.window` (one set for every
 * stacked part, peak kept), a shorter one point for point with ECharts' own LTTB
 * (docs/workload-model.md, "Long series"). With `zoomToDynamic` the byte axis ends at Dynamic
 * PAMT's peak and an off-scale static PAMT is a labelled marker at the top edge.
 */
export function pamtOverTimeChart(
  result: SimulationResult,
  opts: PamtOverTimeOptions = {}
): EChartsOption {
  const r = result.replay
  const top = zoomedAxisTop(r.peakTotalBytes)
  const staticOffScale = staticPamtOffScale(result, opts.zoomToDynamic === true)
  const staticY = staticOffScale ? top : result.staticPamtBytes
  const x = r.timeNs.length > SAMPLE_ABOVE ? prepare(result).x : sampleSeconds(result)
  const xEnd = x.length ? x[x.length - 1]! : 1
  const picked = pamtOverTimeSampleIndices(result, opts.window)
  const parts = picked ? sampledParts(result, picked) : pamtParts(result)
  const last = parts.length - 1
  const areas: LineSeriesOption[] = parts.map((p, i) => ({
    name: p.name,
    type: 'line',
    stack: 'dpamt',
    data: picked ? p.values.map((v, j) => [x[picked[j]!]!, v]) : p.values.map((v, k) => [x[k]!, v]),
    showSymbol: false,
    symbol: 'none',
    // Sampled already: ECharts' own LTTB would thin the whole run again to the plot's width,
    // leaving a zoomed window a tenth of its points, and each part at different samples.
    ...(picked ? {} : { sampling: 'lttb' as const }),
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
              // Above the line: below it, a small average sits on the time axis's labels.
              position: 'insideEndTop'
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
      [x.length ? x[0]! : 0, staticY],
      [xEnd, staticY]
    ],
    showSymbol: false,
    symbol: 'none',
    color: WORKLOAD_COLORS.staticPamt,
    lineStyle: { type: 'dashed', width: 2 },
    emphasis: { disabled: true },
    // The label is a mark line's, not an endLabel: an endLabel follows the line's last visible
    // point and drifts off the line once the time axis is zoomed. The mark line itself is not
    // drawn (the series is the dashed line); its label sits right of the plot at static PAMT.
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      label: {
        position: 'end',
        formatter: staticOffScale
          ? `static ${formatBytes(result.staticPamtBytes)}\n↑ off scale`
          : `static ${formatBytes(result.staticPamtBytes)}`,
        color: WORKLOAD_COLORS.staticPamt,
        // Labels inherit their mark line's opacity: this one must show where the line does not.
        opacity: 1,
        fontSize: 11,
        lineHeight: 13
      },
      data: [{ name: STATIC_PAMT_SERIES, yAxis: staticY }]
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
    aria: {
      enabled: true,
      label: {
        description:
          (staticOffScale
            ? `Byte axis zoomed to Dynamic PAMT (peak ${formatBytes(r.peakTotalBytes)}); static PAMT, ${formatBytes(result.staticPamtBytes)}, is off scale and marked at the top edge.`
            : `Dynamic PAMT (peak ${formatBytes(r.peakTotalBytes)}) against static PAMT (${formatBytes(result.staticPamtBytes)}) over time.`) +
          (picked
            ? ` Drawn from ${picked.length.toLocaleString('en-US')} of ${r.timeNs.length.toLocaleString('en-US')} samples (LTTB, peak kept); the CSV has every sample.`
            : '')
      }
    },
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
      staticOffScale ? top : Math.max(result.staticPamtBytes, r.peakTotalBytes)
    ),
    series: [...areas, staticLine]
  }
}
