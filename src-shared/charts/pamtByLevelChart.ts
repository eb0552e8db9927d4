import type { EChartsOption } from 'echarts'
import type { HostAnalysis } from '../model/host/analyzeHost'
import { formatBytes } from './formatBytes'

export const PAMT_LEVEL_CATEGORIES = [
  '4K level / bitmap',
  '2M level',
  '1G level',
  'Refcount array',
  'Total'
] as const

/** The bytes behind the "static vs Dynamic PAMT by level" chart, also used for its CSV export. */
export function pamtByLevelRows(
  a: HostAnalysis
): Array<{ category: string; staticBytes: number; dynamicBytes: number }> {
  const s = a.staticPamt.levels
  const d = a.dynamicPamt.parts
  const dynamicTotal = a.dynamicPamt.staticBytes + a.refcounts.denseBytes
  return [
    { category: PAMT_LEVEL_CATEGORIES[0], staticBytes: s.pamt4kBytes, dynamicBytes: d.bitmapBytes },
    { category: PAMT_LEVEL_CATEGORIES[1], staticBytes: s.pamt2mBytes, dynamicBytes: d.pamt2mBytes },
    { category: PAMT_LEVEL_CATEGORIES[2], staticBytes: s.pamt1gBytes, dynamicBytes: d.pamt1gBytes },
    { category: PAMT_LEVEL_CATEGORIES[3], staticBytes: 0, dynamicBytes: a.refcounts.denseBytes },
    {
      category: PAMT_LEVEL_CATEGORIES[4],
      staticBytes: a.staticPamt.bytes,
      dynamicBytes: dynamicTotal
    }
  ]
}

/**
 * Static PAMT (dpamt-model.md §1.4) against the Dynamic PAMT memory present with no TD running:
 * the static part (§2.3) plus the dense v6 refcount array (§2.5). Grouped bars on a log axis,
 * because the two differ by about 100x; each bar is labelled with its exact size.
 */
export function pamtByLevelChart(a: HostAnalysis): EChartsOption {
  const rows = pamtByLevelRows(a)
  // A log axis cannot show 0 (static PAMT has no refcount array): leave that bar out.
  const value = (v: number): number | null => (v > 0 ? v : null)
  const label = {
    show: true,
    position: 'right' as const,
    formatter: (p: { value: unknown }): string =>
      typeof p.value === 'number' ? formatBytes(p.value) : ''
  }
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: 'Static vs Dynamic PAMT, by level (no TDs running)',
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 28 },
    grid: { left: 130, right: 90, top: 60, bottom: 40 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v) =>
        typeof v === 'number' ? `${formatBytes(v)} (${v.toLocaleString('en-US')} B)` : '—'
    },
    xAxis: {
      type: 'log',
      // Powers of 1024 put the ticks on 1 KiB, 1 MiB, 1 GiB.
      logBase: 1024,
      min: (extent: { min: number }) => 1024 ** Math.floor(Math.log(extent.min) / Math.log(1024)),
      name: 'bytes (log scale)',
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { formatter: (v: number) => formatBytes(v, 0) }
    },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.category) },
    series: [
      { name: 'Static PAMT', type: 'bar', data: rows.map((r) => value(r.staticBytes)), label },
      { name: 'Dynamic PAMT', type: 'bar', data: rows.map((r) => value(r.dynamicBytes)), label }
    ]
  }
}
