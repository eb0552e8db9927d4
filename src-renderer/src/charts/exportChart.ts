import { init } from 'echarts/core'
import type { EChartsOption } from 'echarts'
import {
  EXPORT_BACKGROUND,
  exportChartOption,
  type ExportContext
} from '@shared/charts/exportOption'
import './echartsSetup'

/**
 * Off-screen rendering of a chart export (README "Chart exports"): the export option from
 * `exportChartOption`, drawn by a fresh ECharts instance of the export's size that is disposed
 * at once, so the live chart (its zoom, theme and controls) is untouched. Exports always use the
 * light theme on a white background.
 */

/** The export as an SVG document (ECharts' server-side SVG rendering: no DOM needed). */
export function exportSvg(option: EChartsOption, ctx: ExportContext): string {
  const ex = exportChartOption(option, ctx)
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: ex.width, height: ex.height })
  try {
    chart.setOption(ex.option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** PNG at twice the export's size (device pixel ratio 2), as bytes; needs a real canvas. */
export function exportPng(option: EChartsOption, ctx: ExportContext): Uint8Array<ArrayBuffer> {
  const ex = exportChartOption(option, ctx)
  const div = document.createElement('div')
  const chart = init(div, null, {
    renderer: 'canvas',
    width: ex.width,
    height: ex.height,
    devicePixelRatio: 2
  })
  try {
    chart.setOption(ex.option)
    const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: EXPORT_BACKGROUND })
    // Decoded here, not fetched: the CSP's connect-src does not allow data: URLs.
    const bin = atob(url.slice(url.indexOf(',') + 1))
    const bytes = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
    return bytes
  } finally {
    chart.dispose()
  }
}
