import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import type { BarSeriesOption, LineSeriesOption } from 'echarts'
import {
  cdfPoints,
  COMPARISON_SERIES,
  designComparisonChart,
  designComparisonCsv,
  designSummaries,
  formatCallers,
  formatNs,
  latencyCdfChart,
  latencyCdfCsv,
  lockTimelineChart,
  lockTimelineCsv,
  ninesLabel,
  outcomeLabels,
  TIMELINE_SERIES,
  toNines
} from '@shared/charts/contention'
import { contention, SMALL_DEMOTE } from './support'

const report = contention()
const demoting = contention(SMALL_DEMOTE, { designs: ['v6', 'module-only'] })

describe('labels and summaries', () => {
  it('names designs, and the DEMOTE variant only when the run has both', () => {
    expect(outcomeLabels(report.outcomes)).toEqual(['v6', 'per-2m', 'hashed:64', 'module-only'])
    expect(outcomeLabels(demoting.outcomes)).toEqual([
      'v6 · lock-around',
      'v6 · try-then-lock',
      'module-only · lock-around',
      'module-only · try-then-lock'
    ])
  })

  it('formats times with three significant figures', () => {
    expect(formatNs(20)).toBe('20 ns')
    expect(formatNs(4580)).toBe('4.58 µs')
    expect(formatNs(47_500)).toBe('47.5 µs')
    expect(formatNs(4.05e6)).toBe('4.05 ms')
    expect(formatNs(1.2e9)).toBe('1.20 s')
  })

  it('sums lock rows per design: contended %, perf avg wait, hold times, callers', () => {
    const [v6, , , moduleOnly] = designSummaries(report.outcomes)
    const lock = report.outcomes[0]!.locks[0]!
    expect(v6!.acquisitions).toBe(lock.acquisitions)
    expect(v6!.contended).toBe(lock.contended)
    expect(v6!.contendedFraction).toBeCloseTo(lock.contended / lock.acquisitions, 12)
    expect(v6!.avgWaitNs).toBeCloseTo(lock.totalWaitNs / lock.contended, 9)
    expect(v6!.meanHoldNs).toBeCloseTo(lock.totalHoldNs / lock.acquisitions, 9)
    expect(v6!.contendedByCaller).toEqual(lock.contendedByCaller)
    expect(v6!.addedP99Ns).toBe(report.outcomes[0]!.addedLatency.p99Ns)
    // module-only takes no kernel lock: zeros, not NaN.
    expect(moduleOnly!.acquisitions).toBe(0)
    expect(moduleOnly!.contendedFraction).toBe(0)
    expect(moduleOnly!.avgWaitNs).toBe(0)
    expect(moduleOnly!.busy).toBe(report.outcomes[3]!.busy)
  })

  it('lists callers most contended first', () => {
    expect(formatCallers({ tdx_pamt_put: 53, tdx_pamt_get: 701 })).toBe(
      'tdx_pamt_get 701, tdx_pamt_put 53'
    )
    expect(formatCallers({})).toBe('')
  })
})

describe('latencyCdfChart', () => {
  const option = latencyCdfChart(report.outcomes)
  const series = option.series as LineSeriesOption[]

  it('draws one line per design on a log axis in ns', () => {
    expect(series.map((s) => s.name)).toEqual(outcomeLabels(report.outcomes))
    expect((option.xAxis as { type: string }).type).toBe('log')
    const fmt = (option.xAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel
      .formatter
    expect(fmt(1000)).toBe('1.00 µs')
  })

  it('puts the CDF on a percentile scale: 90 %, 99 %, 99.9 % equally spaced', () => {
    expect(toNines(0.9, 1000)).toBeCloseTo(1, 9)
    expect(toNines(0.999, 1e6)).toBeCloseTo(3, 9)
    // 100 % lands half a fault beyond the run's resolution, not at infinity.
    expect(toNines(1, 1000)).toBeCloseTo(Math.log10(2000), 6)
    expect(ninesLabel(0)).toBe('0 %')
    expect(ninesLabel(2)).toBe('99 %')
    expect(ninesLabel(3)).toBe('99.9 %')
    expect(ninesLabel(4)).toBe('99.99 %')
    const y = option.yAxis as { axisLabel: { formatter: (v: number) => string }; interval: number }
    expect(y.interval).toBe(1)
    expect(y.axisLabel.formatter(1)).toBe('90 %')
  })

  it('rises from 0 % to all faults and never puts 0 on the log axis', () => {
    for (const o of report.outcomes) {
      const pts = cdfPoints(o)
      expect(pts[0]![1]).toBe(0)
      expect(pts[pts.length - 1]![1]).toBeCloseTo(toNines(1, o.faults), 6)
      expect(pts.every(([x]) => x >= 1)).toBe(true)
      for (let i = 1; i < pts.length; i++) expect(pts[i]![1]).toBeGreaterThanOrEqual(pts[i - 1]![1])
    }
  })

  it('has the CSV of every point', () => {
    const rows = Papa.parse<string[]>(latencyCdfCsv(report.outcomes).trim()).data
    expect(rows[0]).toEqual(['design', 'demote', 'added_latency_ns', 'cumulative_fraction'])
    expect(rows.length - 1).toBe(report.outcomes.reduce((s, o) => s + o.latencyCdf.length, 0))
  })
})

describe('designComparisonChart', () => {
  const option = designComparisonChart(report.outcomes)
  const series = option.series as BarSeriesOption[]

  it('groups contended %, BUSY and retries, and the added-latency percentiles', () => {
    expect(series.map((s) => s.name)).toEqual(Object.values(COMPARISON_SERIES).map((s) => s.name))
    expect((option.xAxis as Array<{ data: string[] }>)[0]!.data).toEqual(
      outcomeLabels(report.outcomes)
    )
    const rows = designSummaries(report.outcomes)
    expect(series[0]!.data).toEqual(rows.map((r) => Number((r.contendedFraction * 100).toFixed(4))))
    expect(series[1]!.data).toEqual(report.outcomes.map((o) => o.busy))
    expect(series[2]!.data).toEqual(report.outcomes.map((o) => o.retries))
    expect(series[4]!.data).toEqual(report.outcomes.map((o) => o.addedLatency.p99Ns))
    expect(series.slice(3).every((s) => s.xAxisIndex === 2 && s.yAxisIndex === 2)).toBe(true)
  })

  it('exports the comparison as CSV with raw ns, one row per design', () => {
    const parsed = Papa.parse<Record<string, string>>(designComparisonCsv(report.outcomes), {
      header: true
    })
    expect(parsed.data.map((r) => r.design)).toEqual(['v6', 'per-2m', 'hashed:64', 'module-only'])
    const v6 = parsed.data[0]!
    const lock = report.outcomes[0]!.locks[0]!
    expect(Number(v6.contended)).toBe(lock.contended)
    expect(Number(v6.total_wait_ns)).toBe(Math.round(lock.totalWaitNs))
    expect(Number(v6.busy)).toBe(0)
    expect(v6.contended_by_caller).toMatch(/^tdx_pamt_get \d+, tdx_pamt_put \d+$/)
    expect(parsed.meta.fields).toContain('added_p999_ns')
  })
})

describe('lockTimelineChart', () => {
  const o = report.outcomes[0]!
  const option = lockTimelineChart(o)
  const series = option.series as LineSeriesOption[]

  it('draws occupancy and max waiters over time, waiters on the second axis', () => {
    expect(series.map((s) => s.name)).toEqual([TIMELINE_SERIES.occupancy, TIMELINE_SERIES.waiters])
    expect(series[0]!.data).toHaveLength(o.timeline.occupancy.length)
    expect(series[1]!.yAxisIndex).toBe(1)
    const [x, y] = (series[0]!.data as Array<[number, number]>)[1]!
    expect(x).toBeCloseTo(o.timeline.binNs / 1e9, 12)
    expect(y).toBe(o.timeline.occupancy[1])
    expect(Math.max(...o.timeline.occupancy)).toBeLessThanOrEqual(1)
  })

  it('has a CSV row per bin', () => {
    const rows = Papa.parse<string[]>(lockTimelineCsv(o).trim()).data
    expect(rows[0]).toEqual(['bin_start_ns', 'bin_ns', 'mean_locks_held', 'max_waiters'])
    expect(rows).toHaveLength(o.timeline.occupancy.length + 1)
  })
})
