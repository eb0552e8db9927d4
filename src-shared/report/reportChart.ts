import type { EChartsOption } from 'echarts'
import { exportChartOption, type ExportContext } from '../charts/exportOption'
import type { ReportChart } from './reportBlocks'

/** Width of every report chart, px: an A4 or Letter page's text width at 96 dpi, less a margin. */
export const REPORT_CHART_WIDTH_PX = 680

/** What a report chart's export header names, and its size (docs/reports.md, "Charts"). */
export interface ChartContext {
  hostName: string
  scenarioName?: string
  /** `YYYY-MM-DD` of the report's generated time (injected: this module reads no clock). */
  date: string
  /** Plot height before the export's header and legend rows, px (default 280). */
  height?: number
  legendItems?: ExportContext['legendItems']
}

/**
 * A chart block: the GUI's option passed through the same export function as SVG and PNG exports
 * (charts/exportOption.ts: white background, host and scenario title, plain legend, no controls),
 * so a report's chart is the exported chart.
 */
export function reportChart(title: string, option: EChartsOption, ctx: ChartContext): ReportChart {
  const ex = exportChartOption(option, {
    hostName: ctx.hostName,
    ...(ctx.scenarioName !== undefined ? { scenarioName: ctx.scenarioName } : {}),
    date: ctx.date,
    width: REPORT_CHART_WIDTH_PX,
    height: ctx.height ?? 280,
    ...(ctx.legendItems ? { legendItems: ctx.legendItems } : {})
  })
  return {
    kind: 'chart',
    title,
    option: { ...ex.option, animation: false },
    widthPx: ex.width,
    heightPx: ex.height
  }
}
