import type { EChartsOption, LineSeriesOption } from 'echarts'
import { UNATTRIBUTED_CLASS, type ClassPamt } from '../../model/runtime/replay'
import type { SimulationResult } from '../../model/runtime/simulate'
import { maxOf } from '../../util/arrays'
import { formatBytes } from '../formatBytes'
import { CLASS_COLORS, UNATTRIBUTED_COLOR } from './colors'
import { bytesWithExact, formatSeconds, sampleSeconds, timeBytesAxes } from './timeAxis'

/**
 * What the by-class chart stacks: `'charged'` is everything Dynamic PAMT charges a TD's memory
 * cgroup (its pairs and its vCPUs' pamt caches), `'pairs'` the pairs alone (they add up to the
 * pairs of the over-time chart).
 */
export type ByClassMode = 'charged' | 'pairs'

export const BY_CLASS_MODES: ReadonlyArray<{ value: ByClassMode; label: string }> = [
  { value: 'charged', label: 'Pairs and pamt caches' },
  { value: 'pairs', label: 'Pairs only' }
]

/** Legend name of a class's series. */
export function classSeriesName(c: Pick<ClassPamt, 'name' | 'tds'>): string {
  return c.name === UNATTRIBUTED_CLASS ? c.name : `${c.name} (${c.tds} TD${c.tds === 1 ? '' : 's'})`
}

/** A class's value at sample k in the chosen mode. */
export function classValueAt(c: ClassPamt, k: number, mode: ByClassMode): number {
  return mode === 'pairs' ? c.pairBytes[k]! : c.pairBytes[k]! + c.cacheBytes[k]!
}

interface AxisParam {
  seriesName?: string
  seriesIndex?: number
  dataIndex?: number
  value?: unknown
  marker?: string
}

/**
 * PAMT memory charged per TD class over time, stacked (docs/workload-model.md, "Who pays"): a pair
 * is charged to the TD whose get allocated it, until it is freed; a pamt cache to its vCPU's TD.
 * The stack adds up to the pairs (mode `'pairs'`) or pairs + caches (`'charged'`) of the over-time
 * chart at every sample. A trace has no classes: the option then only says so.
 */
export function byClassChart(
  result: SimulationResult,
  mode: ByClassMode = 'charged'
): EChartsOption {
  const classes = result.replay.perClass
  const title =
    mode === 'pairs' ? 'PAMT page pairs per TD class' : 'PAMT memory charged per TD class'
  if (!classes) {
    return {
      animation: false,
      title: {
        text: title,
        subtext: 'A trace has no TD classes: see the per-TD table.',
        left: 'center',
        textStyle: { fontSize: 14 }
      },
      series: []
    }
  }
  const x = sampleSeconds(result)
  let colour = 0
  const series: LineSeriesOption[] = classes.map((c) => ({
    name: classSeriesName(c),
    type: 'line',
    stack: 'classes',
    data: x.map((sec, k) => [sec, classValueAt(c, k, mode)]),
    showSymbol: false,
    symbol: 'none',
    sampling: 'lttb',
    lineStyle: { width: 1 },
    areaStyle: { opacity: 0.6 },
    color:
      c.name === UNATTRIBUTED_CLASS
        ? UNATTRIBUTED_COLOR
        : CLASS_COLORS[colour++ % CLASS_COLORS.length],
    emphasis: { disabled: true }
  }))
  const peakOf = (c: ClassPamt): number => (mode === 'pairs' ? c.peakPairBytes : c.peakBytes)
  const avgOf = (c: ClassPamt): number => (mode === 'pairs' ? c.averagePairBytes : c.averageBytes)
  const stackTop = x.map((_, k) => classes.reduce((s, c) => s + classValueAt(c, k, mode), 0))
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: title,
      subtext: classes
        .map((c) => `${c.name}: peak ${formatBytes(peakOf(c))}, average ${formatBytes(avgOf(c))}`)
        .join(' · '),
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
        const k = first?.dataIndex ?? 0
        let total = 0
        const lines = params.map((p) => {
          const c = classes[p.seriesIndex ?? 0]
          if (!c) return ''
          const v = classValueAt(c, k, mode)
          total += v
          const parts =
            mode === 'pairs'
              ? `${(c.pairBytes[k]! / 8192).toLocaleString('en-US')} pairs`
              : `pairs ${formatBytes(c.pairBytes[k]!)} + caches ${formatBytes(c.cacheBytes[k]!)}`
          return `${p.marker ?? ''}${p.seriesName}: ${bytesWithExact(v)} (${parts})`
        })
        return [
          `<b>${formatSeconds(sec)}</b>`,
          ...lines,
          `All classes: ${bytesWithExact(total)}`
        ].join('<br/>')
      }
    },
    ...timeBytesAxes(x.length ? x[0]! : 0, x.length ? x[x.length - 1]! : 1, maxOf(stackTop)),
    series
  }
}
