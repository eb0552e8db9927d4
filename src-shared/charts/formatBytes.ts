const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** Human byte size in binary units, e.g. "1.00 GiB"; exact below 1 KiB. */
export function formatBytes(bytes: number, digits = 2): string {
  if (!Number.isFinite(bytes)) return '—'
  let value = Math.abs(bytes)
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const sign = bytes < 0 ? '-' : ''
  return unit === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(digits)} ${UNITS[unit]}`
}

/** Exact integer with thin grouping, for tables where the byte count itself matters. */
export function formatInteger(value: number): string {
  return value.toLocaleString('en-US')
}

/** "12.3 %" style share, or "<0.01 %" when tiny but non-zero. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100
  if (pct > 0 && pct < 0.01) return '<0.01 %'
  return `${pct.toFixed(pct < 1 ? 3 : 2)} %`
}
