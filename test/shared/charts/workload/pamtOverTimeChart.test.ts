import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import Papa from 'papaparse'
import {
  STATIC_PAMT_SERIES,
  pamtOverTimeChart,
  pamtParts
} from '@shared/charts/workload/pamtOverTimeChart'
import { pamtOverTimeCsv } from '@shared/charts/workload/workloadCsv'
import { formatSeconds, sampleSeconds } from '@shared/charts/workload/timeAxis'
import type { SimulationResult } from '@shared/model/runtime/simulate'
import { simulate } from './support'

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

  it('puts time on a seconds axis and draws static PAMT as a dashed reference', () => {
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
      result.replay.timeNs[k],
      result.staticPartBytes,
      result.refcountBytes,
      result.replay.pairBytes[k],
      result.replay.cacheBytes[k],
      result.replay.totalBytes[k],
      result.staticPamtBytes
    ])
  })
})
