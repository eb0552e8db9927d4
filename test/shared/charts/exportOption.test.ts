import { describe, expect, it } from 'vitest'
import type { EChartsOption } from 'echarts'
import { exportChartOption } from '@shared/charts/exportOption'

type Obj = Record<string, unknown>

/** A live chart as the views show it: a scrolling legend of 16 nodes, zoom slider, toolbox, brush. */
function liveOption(): EChartsOption {
  return {
    title: { text: 'PAMT per node', left: 'center' },
    legend: { type: 'scroll', top: 30 },
    grid: { left: 60, right: 20, top: 80, bottom: 60 },
    toolbox: { feature: { brush: { type: ['lineX'] } } },
    brush: { xAxisIndex: 0 },
    dataZoom: [{ type: 'inside' }, { type: 'slider', start: 25, end: 75 }],
    xAxis: { type: 'value', min: 0, max: 200 },
    yAxis: { type: 'value' },
    series: Array.from({ length: 16 }, (_, i) => ({
      type: 'line' as const,
      name: `Node ${i}`,
      data: [
        [0, i],
        [200, i]
      ]
    }))
  }
}

const ctx = { hostName: 'spr-2s', scenarioName: 'mixed fleet', date: '2026-11-29' }

describe('exportChartOption', () => {
  it('sets a white background and drops the slider, inside zoom, toolbox and brush', () => {
    const o = exportChartOption(liveOption(), { ...ctx, width: 800, height: 320 }).option as Obj
    expect(o['backgroundColor']).toBe('#ffffff')
    expect(o['dataZoom']).toBeUndefined()
    expect(o['toolbox']).toBeUndefined()
    expect(o['brush']).toBeUndefined()
  })

  it('leads with a title naming the host and the scenario, and moves the chart title under it', () => {
    const o = exportChartOption(liveOption(), { ...ctx, width: 800, height: 320 }).option as Obj
    const titles = o['title'] as Obj[]
    expect(titles[0]!['text']).toBe('Host spr-2s · scenario mixed fleet')
    expect(titles[0]!['subtext']).toContain('2026-11-29')
    // The chart's own title had no top (0): it moves under the 44 px header.
    expect(titles[1]).toMatchObject({ text: 'PAMT per node', top: 44 })
  })

  it('names only the host for a chart without a scenario', () => {
    const o = exportChartOption(liveOption(), {
      hostName: 'h',
      date: '2026-11-29',
      width: 800,
      height: 320
    }).option as Obj
    expect((o['title'] as Obj[])[0]!['text']).toBe('Host h')
  })

  it('shows all 16 nodes in a plain legend and makes room for its second row', () => {
    // Legend width 800 − 16 = 792 px. An entry is 14 + 5 + 6.5 × characters + 10 px:
    // "Node 0".."Node 9" (6 chars) 68 px each, 680 in all; "Node 10" (7 chars) 74.5 → 754.5 fits;
    // "Node 11" would reach 829 > 792, so it starts row 2 (Node 11..15). Two rows: one extra, 22 px.
    const ex = exportChartOption(liveOption(), { ...ctx, width: 800, height: 320 })
    const o = ex.option as Obj
    const legend = (o['legend'] as Obj[])[0]!
    expect(legend['type']).toBe('plain')
    expect(legend['top']).toBe(30 + 44)
    // No legend.data: ECharts lists every series, so all 16 nodes are in it.
    expect(legend['data']).toBeUndefined()
    expect((o['series'] as Obj[]).map((s) => s['name'])).toHaveLength(16)
    // Height 320 + 44 header + 22 extra legend row; grid top 80 + 44 + 22.
    expect(ex.height).toBe(386)
    expect(ex.width).toBe(800)
    expect((o['grid'] as Obj[])[0]!['top']).toBe(146)
  })

  it('keeps the zoom window as the x axis bounds', () => {
    // [0, 200] at 25 %–75 %: 0 + 200 × 0.25 = 50 to 0 + 200 × 0.75 = 150.
    const o = exportChartOption(liveOption(), {
      ...ctx,
      width: 800,
      height: 320,
      zoom: { start: 25, end: 75 }
    }).option as Obj
    expect(o['xAxis']).toMatchObject({ min: 50, max: 150 })
  })

  it('draws an HTML colour key (the address map) as graphics under the plot', () => {
    const items = [
      { label: 'RAM node 0', color: '#111111' },
      { label: 'RAM node 1', color: '#222222' },
      { label: 'PAMT area', color: '#333333' }
    ]
    // Width 400, key width 392: entries 94 + 94 + 87.5 = 275.5 px, one row: 22 + 8 = 30 px.
    const ex = exportChartOption(
      { title: { text: 'Physical address map' }, grid: { top: 58, bottom: 92 }, series: [] },
      { ...ctx, width: 400, height: 300, legendItems: items }
    )
    const o = ex.option as Obj
    expect(ex.height).toBe(300 + 44 + 30)
    expect((o['grid'] as Obj[])[0]!['bottom']).toBe(92 + 30)
    const graphic = o['graphic'] as Obj[]
    // A swatch and a label per entry.
    expect(graphic).toHaveLength(6)
    expect(
      graphic.filter((g) => g['type'] === 'text').map((g) => (g['style'] as Obj)['text'])
    ).toEqual(['RAM node 0', 'RAM node 1', 'PAMT area'])
    expect(
      graphic.filter((g) => g['type'] === 'rect').map((g) => (g['style'] as Obj)['fill'])
    ).toEqual(['#111111', '#222222', '#333333'])
  })
})
