import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import Papa from 'papaparse'
import { SWEEP_SERIES, sweepBreakEven, sweepChart } from '@shared/charts/workload/sweepChart'
import { formatSweepValue, sweepValues } from '@shared/charts/workload/sweepParameter'
import { sweepCsv } from '@shared/charts/workload/workloadCsv'
import type { SweepResult } from '@shared/model/runtime/sweep'
import { sweep } from './support'

describe('sweepChart', () => {
  const result = sweep('share4k', [0, 0.5, 1])

  it('plots peak, average, static and savings against the parameter in percent', () => {
    const series = sweepChart(result).series as LineSeriesOption[]
    expect(series.map((s) => s.name)).toEqual([
      SWEEP_SERIES.peak,
      SWEEP_SERIES.average,
      SWEEP_SERIES.staticPamt,
      SWEEP_SERIES.savings
    ])
    const peak = series[0]!.data as number[][]
    expect(peak.map((d) => d[0])).toEqual([0, 50, 100])
    expect(peak.map((d) => d[1])).toEqual(result.points.map((p) => p.peakTotalBytes))
    // More 4K-mapped memory, more pairs.
    expect(peak[2]![1]).toBeGreaterThan(peak[0]![1]!)
    const savings = series[3]!.data as number[][]
    expect(savings.map((d) => d[1])).toEqual(
      result.points.map((p) => result.staticPamtBytes - p.peakTotalBytes)
    )
    expect(series[2]!.lineStyle?.type).toBe('dashed')
  })

  it('interpolates the break-even where the peak meets static PAMT', () => {
    const synthetic: SweepResult = {
      parameter: 'tdCount',
      staticPamtBytes: 100,
      points: [1, 2, 3].map((value, i) => ({
        value,
        peakTotalBytes: [40, 80, 120][i]!,
        averageTotalBytes: 0,
        savingsAtPeakBytes: 100 - [40, 80, 120][i]!,
        peakPairs: 0
      }))
    }
    expect(sweepBreakEven(synthetic)).toBe(2.5)
    const peak = (sweepChart(synthetic).series as LineSeriesOption[])[0]!
    expect((peak.markLine!.data as Array<{ xAxis: number }>)[0]!.xAxis).toBe(2.5)
    expect(sweepBreakEven({ ...synthetic, staticPamtBytes: 1000 })).toBeNull()
  })

  it('turns the user range into model values', () => {
    expect(sweepValues('share4k', 0, 100, 5)).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(sweepValues('tdCount', 1, 3, 5)).toEqual([1, 2, 3])
    expect(formatSweepValue('fragmentation', 0.3)).toBe('30 %')
  })

  it('exports one row per value', () => {
    const rows = Papa.parse<string[]>(sweepCsv(result).trim()).data
    expect(rows[0]![0]).toBe('share4k')
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual([0, 0.5, 1])
    expect(Number(rows[1]![4])).toBe(result.points[0]!.savingsAtPeakBytes)
  })
})
