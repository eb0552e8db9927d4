import { formatBytes } from '../formatBytes'

/**
 * Tick interval for a byte axis: a power of two, about six ticks up to `maxAbsBytes`, so ticks land
 * on round binary sizes (128 MiB, 256 MiB, 1 GiB) rather than ECharts' decimal steps.
 */
export function bytesAxisInterval(maxAbsBytes: number): number | undefined {
  if (!(maxAbsBytes > 0)) return undefined
  return 2 ** Math.max(0, Math.ceil(Math.log2(maxAbsBytes / 6)))
}

/**
 * Interval plus min/max rounded out to whole intervals, so the axis ends on a tick (ECharts would
 * otherwise label the data extent, e.g. "1.12 GiB", at the top).
 */
export function bytesAxisScale(maxAbsBytes: number): {
  interval?: number
  min?: (e: { min: number }) => number
  max?: (e: { max: number }) => number
} {
  const interval = bytesAxisInterval(maxAbsBytes)
  if (interval === undefined) return {}
  return {
    interval,
    min: (e) => Math.min(0, Math.floor(e.min / interval) * interval),
    max: (e) => Math.max(interval, Math.ceil(e.max / interval) * interval)
  }
}

/** Axis label: "768 MiB", "1.25 GiB" (no trailing zeros). */
export function formatAxisBytes(v: number): string {
  return formatBytes(v, 2)
    .replace(/(\.\d*?[1-9])0+ /, '$1 ')
    .replace(/\.0+ /, ' ')
}
