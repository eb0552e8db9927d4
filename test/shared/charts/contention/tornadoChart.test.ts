import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import type { CustomSeriesOption } from 'echarts'
import {
  sensitivityCsv,
  TORNADO_SERIES,
  tornadoBars,
  tornadoChart,
  tornadoCsv
} from '@shared/charts/contention'
import {
  SENSITIVITY_METRICS,
  type PointMetrics,
  type SensitivityReport
} from '@shared/model/contention/sensitivity'

/** Metrics with the given contended and p99 medians (one seed: min = median = max), 0 elsewhere. */
function pm(contended: number, p99AddedNs: number): PointMetrics {
  const at = (v: number): { min: number; median: number; max: number } => ({
    min: v,
    median: v,
    max: v
  })
  const zero = Object.fromEntries(SENSITIVITY_METRICS.map((m) => [m, at(0)])) as PointMetrics
  return { ...zero, contended: at(contended), p99AddedNs: at(p99AddedNs) }
}

/**
 * v6 at base: 100 contentions, p99 20 ns. Swings on contentions: pamtAddNs 40 → 300 (260),
 * serviceCv 120 → 90 (30), kernelWindowRegions 95 → 105 (10). On p99: pamtAddNs 20 → 20 (0),
 * serviceCv 20 → 25 (5), kernelWindowRegions 10 → 30 (20).
 */
const report: SensitivityReport = {
  factor: 4,
  base: { v6: pm(100, 20) },
  parameters: [
    {
      parameter: 'kernelWindowRegions',
      base: 8,
      low: 2,
      high: 32,
      perDesign: { v6: { low: pm(95, 10), high: pm(105, 30) } },
      rankingHolds: null,
      p99RankingHolds: null
    },
    {
      parameter: 'pamtAddNs',
      base: 4000,
      low: 1000,
      high: 16000,
      perDesign: { v6: { low: pm(40, 20), high: pm(300, 20) } },
      rankingHolds: true,
      p99RankingHolds: null
    },
    {
      parameter: 'serviceCv',
      base: 0.3,
      low: 0.075,
      high: 1.2,
      perDesign: { v6: { low: pm(120, 20), high: pm(90, 25) } },
      rankingHolds: false,
      p99RankingHolds: null
    }
  ],
  skipped: [],
  conclusions: [],
  indistinguishable: [],
  events: 0
}

describe('tornado chart of one design', () => {
  it('sorts the parameters by swing, widest first, and labels each with its low–high values', () => {
    const bars = tornadoBars(report, 'v6', 'contended')
    expect(bars.map((b) => [b.parameter, b.swing])).toEqual([
      ['pamtAddNs', 260],
      ['serviceCv', 30],
      ['kernelWindowRegions', 10]
    ])
    expect(bars.map((b) => b.label)).toEqual([
      'pamtAddNs 1,000 ns–16,000 ns',
      'serviceCv 0.075–1.2',
      'kernelWindowRegions 2 regions–32 regions'
    ])
    // p99 sorts on its own swings: 20, 5, 0.
    expect(tornadoBars(report, 'v6', 'p99AddedNs').map((b) => b.parameter)).toEqual([
      'kernelWindowRegions',
      'serviceCv',
      'pamtAddNs'
    ])
  })

  it('puts the widest swing on top: ECharts draws category 0 at the bottom', () => {
    const o = tornadoChart(report, 'v6', 'contended')
    const y = o.yAxis as { type: string; data: string[] }
    expect(y.type).toBe('category')
    expect(y.data.at(-1)).toBe('pamtAddNs 1,000 ns–16,000 ns')
    expect(y.data[0]).toBe('kernelWindowRegions 2 regions–32 regions')
  })

  it('draws each end from the base value: ¼× and 4× bars, and the base line', () => {
    const o = tornadoChart(report, 'v6', 'contended')
    const series = o.series as CustomSeriesOption[]
    expect(series.map((s) => s.name)).toEqual([
      TORNADO_SERIES.low.name,
      TORNADO_SERIES.high.name,
      'base 100'
    ])
    // Rows bottom-up: kernelWindowRegions, serviceCv, pamtAddNs; each [row, base, value at end].
    expect(series[0]!.data).toEqual([
      [0, 100, 95],
      [1, 100, 120],
      [2, 100, 40]
    ])
    expect(series[1]!.data).toEqual([
      [0, 100, 105],
      [1, 100, 90],
      [2, 100, 300]
    ])
    expect(series[2]!.data).toEqual([[100]])
  })

  it('names the metric and its unit on the value axis', () => {
    const x = (o: ReturnType<typeof tornadoChart>): string => (o.xAxis as { name: string }).name
    expect(x(tornadoChart(report, 'v6', 'contended'))).toBe(
      'contended acquisitions (median over seeds)'
    )
    expect(x(tornadoChart(report, 'v6', 'p99AddedNs'))).toBe(
      'p99 added fault latency, ns (median over seeds)'
    )
  })

  it('a half bar spans the base to the end value in its half of the band', () => {
    const o = tornadoChart(report, 'v6', 'contended')
    const render = (o.series as CustomSeriesOption[])[0]!.renderItem as unknown as (
      p: unknown,
      a: unknown
    ) => { type: string; shape: { x: number; y: number; width: number; height: number } }
    // x = 2 px per contention; row r centred at y = 100 + 40 r; bands 40 px tall.
    const api = {
      value: (i: number) => [1, 100, 120][i],
      coord: ([v, r]: [number, number]) => [2 * v, 100 + 40 * r],
      size: () => [0, 40]
    }
    const out = render({}, api)
    // From x = 200 (base) to 240 (120 at ¼×), the upper half: 0.7 × 40 / 2 = 14 px above y = 140.
    expect(out.type).toBe('rect')
    expect(out.shape.x).toBe(200)
    expect(out.shape.width).toBe(40)
    expect(out.shape.y).toBeCloseTo(126, 9)
    expect(out.shape.height).toBeCloseTo(14, 9)
  })

  it('exports the bars as CSV in the chart’s order, raw values', () => {
    const rows = Papa.parse<Record<string, string>>(tornadoCsv(report, 'v6', 'contended'), {
      header: true,
      skipEmptyLines: true
    }).data
    expect(rows[0]).toEqual({
      design: 'v6',
      parameter: 'pamtAddNs',
      low_value: '1000',
      high_value: '16000',
      contended_at_low: '40',
      contended_at_base: '100',
      contended_at_high: '300',
      swing: '260'
    })
  })
})

describe('sensitivity CSV', () => {
  it('has the base rows, then a row per parameter, end and design with min, median, max', () => {
    const parsed = Papa.parse<Record<string, string>>(sensitivityCsv(report), {
      header: true,
      skipEmptyLines: true
    })
    expect(parsed.errors).toEqual([])
    // 1 base row + 3 parameters × 2 ends × 1 design.
    expect(parsed.data).toHaveLength(7)
    expect(parsed.data[0]).toMatchObject({
      parameter: 'base',
      design: 'v6',
      contended_median: '100'
    })
    expect(parsed.data[3]).toMatchObject({
      parameter: 'pamtAddNs',
      end: 'low',
      value: '1000',
      contended_min: '40',
      ranking_holds: 'true',
      p99_ranking_holds: ''
    })
  })

  it('a label a spreadsheet would run as a formula is escaped (toCsv)', () => {
    const evil = { ...report, base: { '=cmd()': pm(1, 1) } }
    expect(sensitivityCsv(evil)).toContain(`"'=cmd()"`)
  })
})
