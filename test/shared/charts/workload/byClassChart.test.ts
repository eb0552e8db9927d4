import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import Papa from 'papaparse'
import { byClassChart, classSeriesName } from '@shared/charts/workload/byClassChart'
import { byClassCsv, classSummaryCsv, tdTableCsv } from '@shared/charts/workload/whoPaysCsv'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { simulateTrace } from '@shared/model/runtime/simulate'
import { simulate, workedHost } from './support'

/** Two classes on the worked host: 'a' (one 4 GiB TD, 2 vCPUs) from 1 s, 'b' (two 2 GiB TDs, 1 vCPU) from 2 s. */
const result = simulate({
  name: 'two classes',
  durationNs: 10e9,
  samples: 32,
  tdClasses: [
    {
      name: 'a',
      count: 1,
      memoryBytes: 4 * 2 ** 30,
      vcpus: 2,
      lifetimeNs: 6e9,
      arrival: { mode: 'staggered', startNs: 1e9, intervalNs: 1e9 }
    },
    {
      name: 'b',
      count: 2,
      memoryBytes: 2 * 2 ** 30,
      vcpus: 1,
      lifetimeNs: 4e9,
      arrival: { mode: 'staggered', startNs: 2e9, intervalNs: 1e9 }
    }
  ]
})
const r = result.replay

describe('byClassChart', () => {
  it('stacks one series per class that adds up to pairs + caches at every sample', () => {
    const series = byClassChart(result).series as LineSeriesOption[]
    expect(series.map((s) => s.name)).toEqual(['a (1 TD)', 'b (2 TDs)'])
    for (let k = 0; k < r.timeNs.length; k++) {
      const sum = series.reduce((s, x) => s + (x.data as number[][])[k]![1]!, 0)
      expect(sum).toBe(r.pairBytes[k]! + r.cacheBytes[k]!)
    }
    expect(series.every((s) => s.stack === 'classes' && s.sampling === 'lttb')).toBe(true)
  })

  it('in pairs mode adds up to the pair bytes alone', () => {
    const series = byClassChart(result, 'pairs').series as LineSeriesOption[]
    for (let k = 0; k < r.timeNs.length; k++) {
      const sum = series.reduce((s, x) => s + (x.data as number[][])[k]![1]!, 0)
      expect(sum).toBe(r.pairBytes[k])
    }
  })

  it('names each class with its peak and average in the subtitle', () => {
    const title = byClassChart(result).title as { subtext: string }
    expect(title.subtext).toMatch(/^a: peak .+, average .+ · b: peak .+, average .+$/)
    expect(classSeriesName({ name: 'x', tds: 1 })).toBe('x (1 TD)')
  })

  it('says a trace has no classes instead of drawing an empty stack', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 1, 1, 3)
    const t = simulateTrace(workedHost(), ev, 'trace', { refcounts: 'dense', samples: 16 })
    const option = byClassChart(t)
    expect(option.series).toEqual([])
    expect((option.title as { subtext: string }).subtext).toContain('per-TD table')
  })
})

describe('who-pays CSVs', () => {
  it('exports a pair and a cache column per class, one row per sample', () => {
    const rows = Papa.parse<string[]>(byClassCsv(result).trim()).data
    expect(rows[0]).toEqual([
      'time_ns',
      'a pair_bytes',
      'a cache_bytes',
      'b pair_bytes',
      'b cache_bytes'
    ])
    expect(rows).toHaveLength(r.timeNs.length + 1)
    // Pair columns add up to the total pairs at each sample.
    rows.slice(1).forEach((row, k) => expect(Number(row[1]) + Number(row[3])).toBe(r.pairBytes[k]))
  })

  it('writes a class name a spreadsheet would run as a formula as text', () => {
    const evil = simulate({
      name: 'formula',
      durationNs: 4e9,
      samples: 16,
      tdClasses: [{ name: '=HYPERLINK("x")', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }]
    })
    const header = Papa.parse<string[]>(byClassCsv(evil).trim()).data[0]!
    expect(header[1]).toBe(`'=HYPERLINK("x") pair_bytes`)
    const row = Papa.parse<string[]>(classSummaryCsv(evil).trim()).data[1]!
    expect(row[0]).toBe(`'=HYPERLINK("x")`)
  })

  it('exports the class summary and the TD table', () => {
    const classes = Papa.parse<string[]>(classSummaryCsv(result).trim()).data
    expect(classes.map((c) => [c[0], c[1]])).toEqual([
      ['class', 'tds'],
      ['a', '1'],
      ['b', '2']
    ])
    const tds = Papa.parse<string[]>(tdTableCsv(result).trim()).data
    expect(tds[0]).toEqual([
      'td',
      'class',
      'peak_pair_bytes',
      'peak_time_ns',
      'pair_bytes_at_end',
      'peak_cache_bytes',
      'pairs_charged'
    ])
    // TD 0 is class a's 4 GiB TD, the largest: listed first. Caches: a 2 vCPUs × 10 pages.
    expect(tds[1]!.slice(0, 2)).toEqual(['0', 'a'])
    expect(tds[1]![5]).toBe(String(20 * 4096))
    expect(tds).toHaveLength(4)
  })
})
