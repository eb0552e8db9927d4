import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import Papa from 'papaparse'
import { nodeSeriesName, perNodeChart } from '@shared/charts/workload/perNodeChart'
import { perNodeCsv } from '@shared/charts/workload/workloadCsv'
import { simulate } from './support'

describe('perNodeChart', () => {
  const result = simulate()
  const r = result.replay

  it('draws one stacked series per node that sums to the pair bytes', () => {
    const series = perNodeChart(result).series as LineSeriesOption[]
    expect(series.map((s) => s.name)).toEqual(r.nodeIds.map(nodeSeriesName))
    for (let k = 0; k < r.timeNs.length; k++) {
      const sum = series.reduce((s, x) => s + (x.data as number[][])[k]![1]!, 0)
      expect(sum).toBe(r.pairBytes[k])
    }
    expect(series.every((s) => s.stack === 'nodes' && s.sampling === 'lttb')).toBe(true)
  })

  it('exports one column per node', () => {
    const rows = Papa.parse<string[]>(perNodeCsv(result).trim()).data
    expect(rows[0]).toEqual(['time_ns', ...r.nodeIds.map((n) => `node${n}_pair_bytes`)])
    expect(rows).toHaveLength(r.timeNs.length + 1)
  })
})
