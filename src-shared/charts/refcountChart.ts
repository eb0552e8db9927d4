import type { EChartsOption } from 'echarts'
import type { HostAnalysis } from '../model/host/analyzeHost'
import { formatBytes } from './formatBytes'

/**
 * Dense (v6: every 2 MiB up to max_pfn) against sparse (seed 002: only refcount pages that back TDX
 * memory) refcount memory, dpamt-model.md §2.5. Linear axis: they are the same order of magnitude.
 */
export function refcountChart(a: HostAnalysis): EChartsOption {
  const r = a.refcounts
  const saved = r.denseBytes - r.sparseBytes
  const savedPages = r.densePages - r.sparsePages
  // Ticks on whole pages, a power of two of them, about five ticks up the axis.
  const tickPages = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, r.densePages) / 5)))
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: 'Refcount memory: dense (v6) vs sparse (v4)',
      subtext: `sparse saves ${formatBytes(saved)} (${savedPages} ${savedPages === 1 ? 'page' : 'pages'})`,
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    grid: { left: 70, right: 30, top: 70, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const v = (p as { value: number }).value
        return `${(p as { name: string }).name}: ${formatBytes(v)} = ${(v / 4096).toLocaleString('en-US')} pages`
      }
    },
    xAxis: { type: 'category', data: ['Dense (v6)', 'Sparse (v4 / seed 002)'] },
    yAxis: {
      type: 'value',
      interval: tickPages * 4096,
      name: 'bytes',
      axisLabel: { formatter: (v: number) => formatBytes(v, 0) }
    },
    series: [
      {
        name: 'Refcount memory',
        type: 'bar',
        barMaxWidth: 80,
        data: [
          { value: r.denseBytes, itemStyle: { color: '#c0504d' } },
          { value: r.sparseBytes, itemStyle: { color: '#4f81bd' } }
        ],
        label: {
          show: true,
          position: 'top',
          formatter: (p) => formatBytes((p as { value: number }).value)
        }
      }
    ]
  }
}
