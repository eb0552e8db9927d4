import { init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { BarChart, CustomChart, LineChart } from 'echarts/charts'
import {
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent
} from 'echarts/components'
import type { EChartsOption } from 'echarts'
import type { ChartSvgRenderer } from '@shared/report/reportHtml'

// What the report's charts draw: the export option (charts/exportOption.ts) has no zoom, brush or
// toolbox. ECharts' server-side SVG renderer needs no DOM, so this
// runs in the model worker (and inline in the CLI and tests).
use([
  SVGRenderer,
  BarChart,
  CustomChart,
  LineChart,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  // Registered only so a GUI option's tooltip settings are accepted quietly; SSR draws none.
  TooltipComponent
])

/**
 * A report chart as an SVG string (docs/reports.md, "Charts"): ECharts' SSR SVG renderer,
 * `init(null, null, { renderer: 'svg', ssr: true })`, one instance per chart, disposed at once.
 */
export const renderChartSvg: ChartSvgRenderer = (
  option: EChartsOption,
  width: number,
  height: number
): string => {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ ...option, animation: false })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
