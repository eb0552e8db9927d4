import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { ContentionOutcome } from '../../model/contention/simulateContention'
import { designColor, formatNs, outcomeLabels } from './labels'
import { maxOf, minOf } from '../../util/arrays'

/** Smallest x on the log axis: a zero-latency bin is drawn here (1 ns). */
export const CDF_MIN_NS = 1

/**
 * A cumulative fraction on the percentile ("nines") scale: −log10(1 − F), so 90 % is 1, 99 % is 2
 * and 99.9 % is 3. F = 1 is drawn one step beyond the run's resolution (half a fault out of all).
 */
export function toNines(fraction: number, faults: number): number {
  const floor = 0.5 / Math.max(1, faults)
  return Number((-Math.log10(Math.max(floor, 1 - fraction))).toFixed(6))
}

/** The percentile a nines value stands for: 0 → "0 %", 2 → "99 %", 3 → "99.9 %". */
export function ninesLabel(nines: number): string {
  const pct = (1 - 10 ** -nines) * 100
  return `${Number(pct.toFixed(Math.max(0, Math.ceil(nines) - 2)))} %`
}

/**
 * The CDF points of an outcome: x on the log axis (zero moves to 1 ns), y on the nines scale; the
 * line starts at 0 % on the first latency so the fast-path step shows.
 */
export function cdfPoints(o: ContentionOutcome): Array<[number, number]> {
  const pts = o.latencyCdf.map(([ns, f]): [number, number] => [
    Math.max(CDF_MIN_NS, ns),
    toNines(f, o.faults)
  ])
  const first = pts[0]
  if (first && first[1] > 0) pts.unshift([first[0], 0])
  return pts
}

interface AxisParam {
  seriesName?: string
  value?: unknown
  marker?: string
}

/**
 * Latency Dynamic PAMT adds to a fault, as a cumulative distribution: one line per design (and
 * DEMOTE variant), log x in ns, y the share of faults that took at most that long on a percentile
 * scale (90 %, 99 %, 99.9 % equally spaced), since designs differ only in the tail.
 */
export function latencyCdfChart(outcomes: readonly ContentionOutcome[]): EChartsOption {
  const labels = outcomeLabels(outcomes)
  const withVariants = new Set(outcomes.map((o) => o.demote)).size > 1
  const series: LineSeriesOption[] = outcomes.map((o, i) => ({
    name: labels[i]!,
    type: 'line',
    step: 'end',
    showSymbol: false,
    color: designColor(o.design),
    lineStyle: {
      width: 2,
      type: withVariants && o.demote === 'try-then-lock' ? 'dashed' : 'solid'
    },
    data: cdfPoints(o)
  }))
  const positive = outcomes.flatMap((o) => o.latencyCdf.map(([ns]) => ns).filter((ns) => ns > 0))
  const minNs = minOf(positive, CDF_MIN_NS)
  const maxNs = maxOf(positive, 10 * CDF_MIN_NS)
  const maxNines = Math.max(
    3,
    maxOf(series.flatMap((s) => (s.data as number[][]).map((p) => p[1]!)))
  )
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: 'Latency Dynamic PAMT adds to a fault',
      subtext:
        'cumulative share of faults on a percentile scale; fast path, lock waits, PAMT.ADD, retries',
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 46, type: 'scroll' },
    grid: { left: 70, right: 30, top: 84, bottom: 50 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as AxisParam[]
        const x = Array.isArray(params[0]?.value) ? Number(params[0].value[0]) : 0
        return [
          `<b>≤ ${formatNs(x)}</b>`,
          ...params.map((p) => {
            const v = Array.isArray(p.value) ? Number(p.value[1]) : Number(p.value)
            return `${p.marker ?? ''}${p.seriesName}: ${ninesLabel(v)} of faults`
          })
        ].join('<br/>')
      }
    },
    xAxis: {
      type: 'log',
      logBase: 10,
      name: 'added latency (log)',
      nameLocation: 'middle',
      nameGap: 28,
      min: 10 ** Math.floor(Math.log10(Math.max(CDF_MIN_NS, minNs))),
      max: 10 ** Math.ceil(Math.log10(Math.max(10 * CDF_MIN_NS, maxNs))),
      axisLabel: { formatter: (v: number) => formatNs(v) }
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: Math.ceil(maxNines),
      interval: 1,
      name: 'faults ≤ x',
      axisLabel: { formatter: (v: number) => ninesLabel(v) }
    },
    series
  }
}
