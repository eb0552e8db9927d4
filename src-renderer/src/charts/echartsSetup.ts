import { use } from 'echarts/core'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
import { BarChart, CustomChart, LineChart } from 'echarts/charts'
import {
  AriaComponent,
  BrushComponent,
  DataZoomComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent
} from 'echarts/components'

// Tree-shaken ECharts: only what the charts/ builders use. SVG renders crisply at any zoom, exports
// as vector graphics, and runs in the component-test DOM. The address map needs the custom series,
// dataZoom (inside + slider), the lineX brush and the toolbox that switches brushing on; the
// workload charts mark the peak (markPoint), the average and the break-even (markLine). Exports
// (charts/exportChart.ts) draw the address map's colour key as graphics and render PNG on a canvas.
use([
  CanvasRenderer,
  SVGRenderer,
  BarChart,
  CustomChart,
  LineChart,
  AriaComponent,
  BrushComponent,
  DataZoomComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent
])
