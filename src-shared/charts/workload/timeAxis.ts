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

/** Units a duration is written in, smallest first, with their length in seconds. */
const SUB_SECOND_UNITS = [
  { unit: 'ns', s: 1e-9 },
  { unit: 'µs', s: 1e-6 },
  { unit: 'ms', s: 1e-3 },
  { unit: 's', s: 1 }
] as const
/** The compound units of durations of a minute or more, largest first. */
const COMPOUND_UNITS = [
  { unit: 'd', s: 86_400 },
  { unit: 'h', s: 3_600 },
  { unit: 'min', s: 60 }
] as const

/** Decimals that resolve `step` in a unit of `unitS` seconds (0 when the step is a whole unit). */
function decimalsFor(step: number, unitS: number): number {
  if (!(step > 0)) return 3
  return Math.min(9, Math.max(0, Math.ceil(Math.log10(unitS / step) - 1e-9)))
}

/** `v` with at most `decimals` decimals, trailing zeros dropped ("1.5", "2", "0.0002"). */
function trimmed(v: number, decimals: number): string {
  return String(Number(v.toFixed(decimals)))
}

/**
 * A duration in the unit its size calls for (docs/workload-model.md, "Time axes"): "250 µs",
 * "12.5 ms", "2.5 s", "3 min 20 s", "5 h 33 min 20 s", "1 d 6 h". Below a minute it is one unit
 * (ns, µs, ms, s) with up to three decimals; from a minute on it is d/h/min/s with the zero parts
 * left out, whole seconds from an hour on.
 *
 * `step`, an axis's tick interval in seconds, sets the precision instead, so that neighbouring
 * ticks never read the same ("1.0002 s" next to "1.0004 s"), and a zero tick takes the step's unit
 * ("0 ms" on a millisecond axis).
 */
export function formatDuration(seconds: number, step?: number): string {
  if (!Number.isFinite(seconds)) return String(seconds)
  const sign = seconds < 0 ? '-' : ''
  const s = Math.abs(seconds)
  if (s === 0 || (step !== undefined && s < step / 2)) {
    const unit = step === undefined ? 's' : stepUnit(step)
    return `0 ${unit}`
  }
  if (s < 60) {
    const u =
      [...SUB_SECOND_UNITS].reverse().find((x) => s >= x.s * (1 - 1e-12)) ?? SUB_SECOND_UNITS[0]
    const d = step === undefined ? 3 : decimalsFor(step, u.s)
    const text = trimmed(s / u.s, d)
    // 999.9996 µs rounds to "1000 µs", 59.9999 s to "60 s": say "1 ms", "1 min" instead.
    const next = u.unit === 's' ? 60 : 1000
    if (Number(text) >= next) return formatDuration((seconds < 0 ? -next : next) * u.s, step)
    return `${sign}${text} ${u.unit}`
  }
  // Seconds are whole from an hour on (tooltips), or resolve the step (axes).
  const secDecimals = step === undefined ? (s < 3_600 ? 3 : 0) : decimalsFor(step, 1)
  const total = Number(s.toFixed(secDecimals))
  let rest = total
  const parts: string[] = []
  for (const u of COMPOUND_UNITS) {
    const n = Math.floor((rest + 1e-9) / u.s)
    if (n > 0) parts.push(`${n} ${u.unit}`)
    rest -= n * u.s
  }
  const sec = trimmed(Math.max(0, rest), secDecimals)
  if (Number(sec) > 0) parts.push(`${sec} s`)
  return sign + parts.join(' ')
}

/** "12.5 s", "3 min 20 s", "5 h 33 min 20 s", "250 µs": a duration in seconds, for tooltips and text. */
export function formatSeconds(s: number): string {
  return formatDuration(s)
}

/** The unit an axis with ticks every `step` seconds counts in ("ms" for 0.2 ms, "h" for 6 h). */
export function stepUnit(step: number): string {
  const compound = COMPOUND_UNITS.find((u) => step >= u.s)
  if (compound) return compound.unit
  return ([...SUB_SECOND_UNITS].reverse().find((u) => step >= u.s) ?? SUB_SECOND_UNITS[0]).unit
}

/**
 * Tick intervals a time axis may use, in seconds: 1-2-5 steps below a second, then steps that are
 * round in their own unit (15 s, 30 s, 5 min, 15 min, 1 h, 6 h, 12 h, 1 d, 7 d), then 1-2-5 days.
 */
const SECOND_STEPS = [1, 2, 5, 10, 15, 30]
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30].map((m) => m * 60)
const HOUR_STEPS = [1, 2, 3, 6, 12].map((h) => h * 3_600)

/**
 * The smallest round interval that puts at most `maxTicks` intervals across `spanS` seconds
 * (docs/workload-model.md, "Time axes"): e.g. 24 h → 6 h, 3.1 ms → 0.5 ms, 200 s → 30 s.
 */
export function niceTimeInterval(spanS: number, maxTicks = 6): number {
  if (!(spanS > 0)) return 1
  const raw = spanS / Math.max(1, maxTicks)
  if (raw < 1) {
    const p = 10 ** Math.floor(Math.log10(raw))
    for (const m of [1, 2, 5, 10]) if (m * p >= raw * (1 - 1e-12)) return m * p
  }
  for (const step of [...SECOND_STEPS, ...MINUTE_STEPS, ...HOUR_STEPS]) if (step >= raw) return step
  const days = raw / 86_400
  if (days <= 1) return 86_400
  if (days <= 2) return 2 * 86_400
  if (days <= 7) return 7 * 86_400
  const p = 10 ** Math.floor(Math.log10(days))
  for (const m of [1, 2, 5, 10]) if (m * p >= days) return m * p * 86_400
  return 10 * p * 86_400
}

/** Every tick of a time axis from `startS` to `endS` at multiples of `interval`. */
export function timeTicks(startS: number, endS: number, interval: number): number[] {
  const out: number[] = []
  const first = Math.ceil(startS / interval - 1e-9)
  for (let k = first; k * interval <= endS * (1 + 1e-12) + 1e-15; k++) {
    // Multiply, never accumulate, so 0.1 ms steps do not drift.
    out.push(Number((k * interval).toPrecision(12)))
    if (out.length > 1000) break
  }
  return out
}

/** The x axis id of every over-time chart, so the chart panel can re-tick it when zoomed. */
export const TIME_AXIS_ID = 'time'

/** The part of a time x axis that depends on the visible window (`timeAxisWindow`). */
export interface TimeAxisWindow {
  id: string
  axisTick: { customValues: number[] }
  axisLabel: { customValues: number[]; formatter: (v: number) => string; hideOverlap: boolean }
}

/**
 * The ticks of a time x axis for the visible window `[startS, endS]` (docs/workload-model.md, "Time
 * axes"): at whole multiples of a round interval (`niceTimeInterval`), labelled at that interval's
 * precision, grid lines on the same ticks. Given as custom values, not as ECharts' `interval`,
 * because ECharts counts a fixed interval from the window's left edge ("8 h 52 min 48 s", "10 h 52
 * min 48 s") once zoomed. The chart panel applies it again after every zoom (`timeWindowPatch`).
 */
export function timeAxisWindow(startS: number, endS: number): TimeAxisWindow {
  const interval = niceTimeInterval(endS - startS)
  const ticks = timeTicks(startS, endS, interval)
  return {
    id: TIME_AXIS_ID,
    axisTick: { customValues: ticks },
    axisLabel: {
      customValues: ticks,
      formatter: (v: number) => formatDuration(v, interval),
      hideOverlap: true
    }
  }
}

/**
 * `option` shown zoomed to `[startPct, endPct]` of its time axis (ECharts' dataZoom `start` and
 * `end`): the dataZoom components at that window and the time axis re-ticked for it
 * (`timeAxisWindow`). The chart panel passes every over-time chart through this after a zoom, so
 * a day zoomed to two hours reads "10 h, 10 h 30 min, …", not the day's 6 h steps. An option
 * without our time axis (`TIME_AXIS_ID`) comes back unchanged.
 */
export function withTimeWindow(
  option: EChartsOption,
  startPct: number,
  endPct: number
): EChartsOption {
  const patch = timeWindowPatch(option, startPct, endPct)
  if (!patch) return option
  const zooms = Array.isArray(option.dataZoom) ? option.dataZoom : []
  return {
    ...option,
    xAxis: { ...(option.xAxis as object), ...(patch.xAxis as object) } as EChartsOption['xAxis'],
    dataZoom: zooms.map((z) => ({ ...z, start: startPct, end: endPct }))
  }
}

/**
 * Only what a zoom to `[startPct, endPct]` changes in `option`: its time axis's ticks and labels
 * (`timeAxisWindow`, with the axis id so ECharts merges it into that axis), or null when the option
 * has no time axis of ours. The chart panel merges this into the live chart after a zoom instead
 * of setting the whole option again: a whole option carries every series' data, which ECharts
 * would take in afresh on every pan step (a million points: seconds a step; docs/ARCHITECTURE.md,
 * "Renderer measurements").
 */
export function timeWindowPatch(
  option: EChartsOption,
  startPct: number,
  endPct: number
): EChartsOption | null {
  const x = (Array.isArray(option.xAxis) ? undefined : option.xAxis) as
    (Record<string, unknown> & { id?: unknown; min?: unknown; max?: unknown }) | undefined
  if (!x || x.id !== TIME_AXIS_ID || typeof x.min !== 'number' || typeof x.max !== 'number')
    return null
  const span = x.max - x.min
  const window = timeAxisWindow(x.min + (span * startPct) / 100, x.min + (span * endPct) / 100)
  return { xAxis: window as EChartsOption['xAxis'] }
}

/** A zoom window in percent of the x axis, as ECharts' dataZoom `start` and `end`. */
export interface ZoomWindow {
  start: number
  end: number
}

/**
 * What a zoom to `[startPct, endPct]` changes in a chart whose series are sampled for the
 * visible window (docs/workload-model.md, "Long series"): the time axis's ticks
 * (`timeWindowPatch`) and every series' data from `windowed`, the option built for that window,
 * merged by series index. Nothing else: the dataZoom components keep their state, so the slider
 * does not jump, and mark points, styles and tooltips stay as they are. Null without our time axis.
 */
export function windowDataPatch(
  windowed: EChartsOption,
  startPct: number,
  endPct: number
): EChartsOption | null {
  const axis = timeWindowPatch(windowed, startPct, endPct)
  if (!axis) return null
  const series = Array.isArray(windowed.series) ? windowed.series : []
  return { ...axis, series: series.map((s) => ({ data: s.data })) } as EChartsOption
}

/**
 * The zoom window, in percent, that an ECharts `datazoom` event reports: its own `start`/`end`
 * (a slider drag, a dispatched action) or its first batch entry's (the inside zoom: wheel, drag).
 * Null when it gives only values (`startValue`/`endValue`): the caller reads the chart then.
 */
export function dataZoomEventWindow(params: unknown): ZoomWindow | null {
  type Window = { start?: unknown; end?: unknown }
  const p = (params ?? {}) as Window & { batch?: Window[] }
  const w = typeof p.start === 'number' ? p : Array.isArray(p.batch) ? p.batch[0] : undefined
  return w && typeof w.start === 'number' && typeof w.end === 'number'
    ? { start: w.start, end: w.end }
    : null
}

/** Size with the exact byte count, for tooltips: "640.00 MiB (671,088,640 B)". */
export function bytesWithExact(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} B)`
}

/** The x axis name of every over-time chart: its ticks carry their own units. */
export const TIME_AXIS_NAME = 'time since start'

/**
 * The zoom controls and axes every over-time chart shares: seconds from `startS` to `endS` along x
 * (wheel and slider zoom) with round ticks in the unit the span calls for (`timeAxisWindow`), bytes
 * in binary units up to `maxBytes` along y.
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
      ...timeAxisWindow(startS, endS),
      type: 'value',
      min: startS,
      max: endS,
      name: TIME_AXIS_NAME,
      nameLocation: 'middle',
      nameGap: 26
    },
    yAxis: {
      type: 'value',
      ...bytesAxisScale(Math.max(maxBytes, 0)),
      axisLabel: { formatter: formatAxisBytes }
    }
  }
}
