import type { EChartsOption } from 'echarts'
import type { HostAnalysis } from '../../model/host/analyzeHost'
import { formatBytes } from '../formatBytes'
import { pamtByLevelRows } from '../pamtByLevelChart'
import { pinColor } from './pinColors'

/** One compared host: its pin label and analysis. */
export interface ComparedHost {
  label: string
  analysis: HostAnalysis
  /** Its position in the whole selection (its colour); default: its position here. */
  colorIndex?: number
}

/**
 * Static vs Dynamic PAMT per level for two to four hosts, or one host under two module parameter
 * sets or hole sources (docs/workspaces.md, "Compare"): the Host view's "by level" rows
 * (`pamtByLevelRows`: static PAMT §1.4 against the Dynamic PAMT static part §2.3 plus the dense
 * refcount array §2.5) for each pin, on the same log axis in powers of 1024. Each pin has its
 * colour; its static PAMT bar is solid, its Dynamic PAMT bar the same hue, lighter and striped.
 */
export function hostPamtCompareChart(hosts: readonly ComparedHost[]): EChartsOption {
  const perHost = hosts.map((h) => pamtByLevelRows(h.analysis))
  const categories = perHost[0]?.map((r) => r.category) ?? []
  // A log axis cannot show 0 (static PAMT has no refcount array): leave that bar out.
  const value = (v: number): number | null => (v > 0 ? v : null)
  const label = {
    show: true,
    position: 'right' as const,
    fontSize: 10,
    formatter: (p: { value: unknown }): string =>
      typeof p.value === 'number' ? formatBytes(p.value) : ''
  }
  const series = hosts.flatMap((h, i) => {
    const rows = perHost[i]!
    const color = pinColor(h.colorIndex ?? i)
    return [
      {
        name: `${h.label} — static`,
        type: 'bar' as const,
        color,
        data: rows.map((r) => value(r.staticBytes)),
        label
      },
      {
        name: `${h.label} — Dynamic`,
        type: 'bar' as const,
        color,
        itemStyle: {
          opacity: 0.55,
          decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -Math.PI / 4 }
        },
        data: rows.map((r) => value(r.dynamicBytes)),
        label
      }
    ]
  })
  return {
    animation: false,
    aria: { enabled: true, decal: { show: false } },
    title: {
      text: 'Static vs Dynamic PAMT by level, per pinned host (no TDs running)',
      left: 'center',
      textStyle: { fontSize: 14 }
    },
    legend: { top: 28, type: 'plain' },
    grid: { left: 130, right: 90, top: 40 + 22 * Math.ceil(hosts.length), bottom: 40 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      valueFormatter: (v) =>
        typeof v === 'number' ? `${formatBytes(v)} (${v.toLocaleString('en-US')} B)` : '—'
    },
    xAxis: {
      type: 'log',
      logBase: 1024,
      min: (extent: { min: number }) => 1024 ** Math.floor(Math.log(extent.min) / Math.log(1024)),
      // The axis ends at the power of 1024 at or above the largest bar (no empty decade of TiB).
      max: (extent: { max: number }) =>
        1024 ** Math.ceil(Math.log(extent.max) / Math.log(1024) - 1e-9),
      name: 'bytes (log scale)',
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { formatter: (v: number) => formatBytes(v, 0) }
    },
    yAxis: { type: 'category', inverse: true, data: categories },
    series
  }
}

/** Height that gives each bar room: 2 bars per pin in each of the five level rows. */
export function hostPamtCompareHeight(pins: number): number {
  return 120 + 22 * pins + 5 * (2 * pins * 12 + 16)
}
