import type { EChartsOption } from 'echarts'

/**
 * Chart exports (README "Chart exports"): an exported SVG or PNG is built from a fresh option, not
 * from the live chart, so it can differ from the screen where a file must stand alone: a background,
 * a title naming the host and scenario, the whole legend unpaged and no controls (no zoom slider,
 * toolbox or brush). The zoom window the user chose is kept as the x axis bounds. Pure: no DOM.
 */

/** Background of every export: white, so the image reads the same in any viewer or document. */
export const EXPORT_BACKGROUND = '#ffffff'
/** Height of the export's header band (host and scenario title, date subtitle), px. */
export const EXPORT_HEADER_PX = 44
/** One legend row's height, px (ECharts' 14 px icon, its text and the 10 px item gap). */
export const EXPORT_LEGEND_ROW_PX = 22

export interface ExportContext {
  /** Host name as the views show it. */
  hostName: string
  /** Scenario name, where the chart comes from a run (Workload, Contention). */
  scenarioName?: string
  /** Export date, `YYYY-MM-DD` (passed in: this module reads no clock). */
  date: string
  /** Width and height of the chart as shown, px; the export adds its header and legend rows. */
  width: number
  height: number
  /**
   * Zoom window in percent of the x axis (dataZoom `start` / `end`), when the chart's x axis is a
   * value axis with numeric `min`/`max` that the window should narrow (the address map). Charts
   * that already carry the window in their axis (time axes, `withTimeWindow`) leave it out.
   */
  zoom?: { start: number; end: number }
  /**
   * A colour key drawn into the export, for charts whose legend is HTML outside the chart (the
   * address map, `addressMapLegend`).
   */
  legendItems?: ReadonlyArray<{ label: string; color: string }>
}

export interface ExportChart {
  option: EChartsOption
  width: number
  height: number
}

/** Width of one legend entry: 14 px icon, 5 px gap, about 6.5 px a character, 10 px item gap. */
const legendItemPx = (name: string): number => 14 + 5 + name.length * 6.5 + 10

/** Rows `names` wrap into across `width` px, left to right as ECharts' plain legend lays them. */
export function legendRows(names: readonly string[], width: number): number {
  let rows = 1
  let used = 0
  for (const name of names) {
    const w = legendItemPx(name)
    if (used > 0 && used + w > width) {
      rows++
      used = 0
    }
    used += w
  }
  return rows
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : [])

/** The names a legend shows: its `data`, or else every named series once. */
function legendNames(option: Obj, legend: Obj): string[] {
  const data = legend['data']
  if (Array.isArray(data))
    return data
      .map((d) => (typeof d === 'string' ? d : isObj(d) ? String(d['name'] ?? '') : ''))
      .filter((n) => n !== '')
  const names = new Set<string>()
  for (const s of list(option['series'])) if (typeof s['name'] === 'string') names.add(s['name'])
  return [...names]
}

/** `top` moved down by `dy`: numbers shift; an unset top (0) becomes `dy`; others stay. */
const shiftTop = (top: unknown, dy: number): unknown =>
  typeof top === 'number' ? top + dy : top === undefined ? dy : top

/**
 * The option to export `option` with, and the image size: see the module comment. The chart's own
 * title, legend and plot move down under a header naming the host and scenario; each legend becomes
 * plain (wrapping into rows, never paged) with the plot moved down by its extra rows; `legendItems`
 * are drawn as a colour key under the plot.
 */
export function exportChartOption(option: EChartsOption, ctx: ExportContext): ExportChart {
  const o = option as Obj
  const width = ctx.width
  const legendWidth = width - 16
  const header = EXPORT_HEADER_PX

  // Extra legend rows beyond the one the live chart leaves room for.
  const legends = list(o['legend'])
  const extraRows = legends.reduce(
    (m, l) => Math.max(m, legendRows(legendNames(o, l), legendWidth) - 1),
    0
  )
  const legendExtra = extraRows * EXPORT_LEGEND_ROW_PX

  // The colour key of an HTML legend, in rows under the plot.
  const keyItems = ctx.legendItems ?? []
  const keyRows = keyItems.length
    ? legendRows(
        keyItems.map((k) => k.label),
        legendWidth
      )
    : 0
  const keyPx = keyRows ? keyRows * EXPORT_LEGEND_ROW_PX + 8 : 0
  const height = ctx.height + header + legendExtra + keyPx

  const title = [
    {
      text: ctx.scenarioName
        ? `Host ${ctx.hostName} · scenario ${ctx.scenarioName}`
        : `Host ${ctx.hostName}`,
      subtext: `PAMT Planner, exported ${ctx.date}`,
      left: 8,
      top: 4,
      textStyle: { fontSize: 14, fontWeight: 'bold' },
      subtextStyle: { fontSize: 11 },
      itemGap: 10
    },
    ...list(o['title']).map((t) => ({ ...t, top: shiftTop(t['top'], header) }))
  ]
  const legend = legends.map((l) => ({
    ...l,
    type: 'plain',
    top: shiftTop(l['top'], header),
    left: 8,
    right: 8,
    width: legendWidth
  }))
  const grid = list(o['grid']).map((g) => ({
    ...g,
    top: shiftTop(g['top'] ?? 60, header + legendExtra),
    bottom: typeof g['bottom'] === 'number' ? g['bottom'] + keyPx : g['bottom']
  }))

  // Keep the zoom window: the x axis shows just that span of its [min, max].
  let xAxis = o['xAxis']
  if (
    ctx.zoom &&
    isObj(xAxis) &&
    typeof xAxis['min'] === 'number' &&
    typeof xAxis['max'] === 'number'
  ) {
    const { min, max } = xAxis as { min: number; max: number }
    const span = max - min
    xAxis = {
      ...xAxis,
      min: min + (span * ctx.zoom.start) / 100,
      max: min + (span * ctx.zoom.end) / 100
    }
  }

  // Every series clipped to the (possibly narrowed) grid, as the live dataZoom's filter did.
  const series = list(o['series']).map((s) => ({ ...s, clip: true }))

  const graphic: Obj[] = []
  if (keyItems.length) {
    let x = 8
    let row = 0
    const top0 = height - keyPx + 4
    for (const k of keyItems) {
      const w = legendItemPx(k.label)
      if (x > 8 && x + w > 8 + legendWidth) {
        row++
        x = 8
      }
      const y = top0 + row * EXPORT_LEGEND_ROW_PX
      graphic.push(
        {
          type: 'rect',
          left: x,
          top: y + 2,
          shape: { width: 14, height: 10 },
          style: { fill: k.color }
        },
        {
          type: 'text',
          left: x + 19,
          top: y + 1,
          style: { text: k.label, fill: '#333', fontSize: 12 }
        }
      )
      x += w
    }
  }

  const rest = { ...o }
  // No controls in a file: the slider, the inside zoom, the brush and its toolbox go.
  delete rest['dataZoom']
  delete rest['toolbox']
  delete rest['brush']
  const exported: Obj = {
    ...rest,
    animation: false,
    backgroundColor: EXPORT_BACKGROUND,
    title,
    grid: grid.length ? grid : { top: 60 + header + legendExtra, bottom: 60 + keyPx },
    xAxis,
    series
  }
  if (legend.length) exported['legend'] = legend
  if (graphic.length) exported['graphic'] = graphic
  return { option: exported as EChartsOption, width, height }
}
