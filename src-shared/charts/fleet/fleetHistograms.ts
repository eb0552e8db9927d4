import type { EChartsOption } from 'echarts'
import type { FleetHostRow, FleetRow } from '../../fleet/fleetRow'
import { fleetHostSavingsBytes } from '../../fleet/fleetSummary'
import { maxOf, minOf } from '../../util/arrays'
import { toCsv } from '../csv'
import { formatBytes } from '../formatBytes'

/** One bin: [lowBytes, highBytes) and the hosts in it. */
export interface FleetBin {
  lowBytes: number
  highBytes: number
  hosts: number
}

/** What a fleet histogram counts (docs/fleet.md, "Fleet view"). */
export type FleetHistogramKind = 'savings' | 'staticPamt'

const TITLES: Record<FleetHistogramKind, string> = {
  savings: 'Dynamic PAMT savings per host (static PAMT minus what Dynamic PAMT keeps)',
  staticPamt: 'Static PAMT per host'
}

/**
 * The value a histogram counts for one host: its savings (fleetHostSavingsBytes: against the
 * workload's peak, or idle without one) or its static PAMT. Only hosts that can enable TDX are
 * counted, as in the summary's totals.
 */
export function fleetHistogramValues(
  rows: readonly FleetRow[],
  kind: FleetHistogramKind
): number[] {
  const out: number[] = []
  for (const r of rows) {
    if (r.type !== 'host' || r.failure) continue
    out.push(kind === 'savings' ? fleetHostSavingsBytes(r) : (r as FleetHostRow).staticPamt.bytes)
  }
  return out
}

/** The power of two at or below v (v > 0), exact where Math.log2 rounds across it. */
function binExponent(v: number): number {
  let k = Math.floor(Math.log2(v))
  if (2 ** k > v) k--
  if (2 ** (k + 1) <= v) k++
  return k
}

/**
 * Bins by powers of two, [2^k, 2^(k+1)) bytes, from the smallest value's to the largest's (empty
 * ones between kept, so the axis is even): a fleet spans laptops to 12 TiB servers, whose PAMT
 * differs by three orders of magnitude, and equal-width bins would put all but the largest host in
 * the first bar. Values of 0 or less (a workload that keeps more than static PAMT) share a first
 * bin, [smallest value, 1).
 */
export function fleetBins(values: readonly number[]): FleetBin[] {
  if (values.length === 0) return []
  const positive = values.filter((v) => v >= 1)
  const bins: FleetBin[] = []
  if (positive.length < values.length)
    bins.push({ lowBytes: Math.min(0, minOf(values)), highBytes: 1, hosts: 0 })
  const offset = bins.length
  const first = positive.length > 0 ? binExponent(minOf(positive)) : 0
  const last = positive.length > 0 ? binExponent(maxOf(positive)) : -1
  for (let k = first; k <= last; k++)
    bins.push({ lowBytes: 2 ** k, highBytes: 2 ** (k + 1), hosts: 0 })
  for (const v of values) bins[v >= 1 ? offset + binExponent(v) - first : 0]!.hosts++
  return bins
}

const binLabel = (b: FleetBin): string =>
  b.highBytes <= 1 ? '≤ 0 B' : `${formatBytes(b.lowBytes, 0)} – ${formatBytes(b.highBytes, 0)}`

/** A histogram of hosts per bin (bars), from fleetBins over fleetHistogramValues. */
export function fleetHistogramChart(
  rows: readonly FleetRow[],
  kind: FleetHistogramKind,
  workloadName: string | null = null
): EChartsOption {
  const bins = fleetBins(fleetHistogramValues(rows, kind))
  const subtitle =
    kind === 'savings'
      ? workloadName
        ? 'against the workload’s peak on each host; hosts that can enable TDX; bins by powers of two'
        : 'no workload: Dynamic PAMT before any TD runs; hosts that can enable TDX; bins by powers of two'
      : 'hosts that can enable TDX; bins by powers of two'
  return {
    animation: false,
    aria: { enabled: true },
    title: {
      text: TITLES[kind],
      subtext: subtitle,
      left: 'center',
      textStyle: { fontSize: 14 },
      subtextStyle: { fontSize: 11 }
    },
    grid: { left: 60, right: 24, top: 64, bottom: 80 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v) => `${String(v)} host${v === 1 ? '' : 's'}`
    },
    xAxis: {
      type: 'category',
      name: kind === 'savings' ? 'savings per host' : 'static PAMT per host',
      nameLocation: 'middle',
      nameGap: 62,
      data: bins.map(binLabel),
      axisLabel: { rotate: 30, fontSize: 10, hideOverlap: true }
    },
    yAxis: { type: 'value', name: 'hosts', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: 'hosts',
        data: bins.map((b) => b.hosts),
        itemStyle: { color: kind === 'savings' ? '#2e8b57' : '#4c6ef5' },
        barCategoryGap: '8%'
      }
    ]
  }
}

/** The histogram's numbers: bin edges in bytes and the hosts in each. */
export function fleetHistogramCsv(rows: readonly FleetRow[], kind: FleetHistogramKind): string {
  return toCsv({
    fields: ['bin_low_bytes', 'bin_high_bytes', 'hosts'],
    data: fleetBins(fleetHistogramValues(rows, kind)).map((b) => [b.lowBytes, b.highBytes, b.hosts])
  })
}
