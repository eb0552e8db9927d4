import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import Papa from 'papaparse'
import * as echarts from 'echarts'
import {
  nodeSeriesName,
  perNodeChart,
  perNodeChartHeight,
  perNodeLegendRows,
  perNodeSubtitle
} from '@shared/charts/workload/perNodeChart'
import { perNodeCsv } from '@shared/charts/workload/workloadCsv'
import { addressMapItems } from '@shared/charts/addressMap'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { readHostFixture } from '../../../support/fixtures'
import { SMALL, simulate } from './support'

function sixteenNodeHost(): HostAnalysis {
  const name = 'hp-superdome2-16s-12tb.txt'
  const parsed = parseBootLog(readHostFixture(name), name)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return analyzeHost(parsed.host)
}

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

describe('perNodeChart on the 16-node, 12 TiB host', () => {
  const host = sixteenNodeHost()
  // Two 4 GiB TDs are enough: the chart draws a series for every node of the host.
  const result = simulateScenario(host, scenarioSchema.parse(SMALL))
  const r = result.replay

  it('draws each node in its address-map colour, 16 different colours', () => {
    expect(r.nodeIds).toEqual(Array.from({ length: 16 }, (_, i) => i))
    const series = perNodeChart(result).series as LineSeriesOption[]
    const colours = series.map((s) => s.color as string)
    expect(new Set(colours).size).toBe(16)
    const ramColour = new Map(
      addressMapItems(host)
        .filter((i) => i.kind.startsWith('RAM, node '))
        .map((i) => [Number(i.kind.slice('RAM, node '.length)), i.color])
    )
    r.nodeIds.forEach((nid, i) => expect(colours[i]).toBe(ramColour.get(nid)))
  })

  it('wraps the legend into two rows instead of paging, and starts the plot below them', () => {
    // A legend entry is 14 px icon + 5 px gap + 6.5 px a character + 8 px item gap: "Node 0" to
    // "Node 9" (6 characters) 66 px, "Node 10" to "Node 15" 72.5 px. In the 600 px the view gives it
    // at least: nodes 0–8 take 9 × 66 = 594 px; node 9 starts row 2 (66 + 6 × 72.5 = 501 px).
    expect(perNodeLegendRows(r.nodeIds)).toBe(2)
    const option = perNodeChart(result)
    expect((option.legend as { type: string }).type).toBe('plain')
    // Plot top: 58 px + 2 rows × 22 px = 102 px; the chart is one row (22 px) taller than 280 px.
    expect((option.grid as { top: number }).top).toBe(102)
    expect(perNodeChartHeight(r.nodeIds)).toBe(302)
    // Drawn (ECharts SSR, the view's 860 px width): all 16 entries, no "1/2" pager.
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 860, height: 302 })
    try {
      chart.setOption(option)
      const texts = [...chart.renderToSVGString().matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(
        (m) => m[1]!
      )
      for (const nid of r.nodeIds) expect(texts).toContain(nodeSeriesName(nid))
      expect(texts.some((t) => /^\d+\/\d+$/.test(t))).toBe(false)
    } finally {
      chart.dispose()
    }
  })

  it('sums up many nodes in a subtitle that fits, instead of listing all 16', () => {
    const GiB = 2 ** 30
    // Hand-made peaks: node 5 highest (3 GiB), node 9 lowest (1 GiB), the rest 2 GiB.
    const peaks = Array.from({ length: 16 }, (_, nid) => ({
      nid,
      peak: nid === 5 ? 3 * GiB : nid === 9 ? GiB : 2 * GiB
    }))
    expect(perNodeSubtitle(peaks)).toBe(
      '16 nodes · highest peak node 5, 3.00 GiB · lowest node 9, 1.00 GiB'
    )
    // Up to 4 nodes every node is named.
    expect(perNodeSubtitle(peaks.slice(0, 2))).toBe('node 0 peak 2.00 GiB · node 1 peak 2.00 GiB')
  })
})
