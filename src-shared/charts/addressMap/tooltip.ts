import { toHex } from '../../model/host/units'
import { formatBytes, formatInteger } from '../formatBytes'
import type { AddressMapItem } from './lanes'

/** Type labels come from imported files: never let them become markup. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
  )
}

/** `[0x100000, 0x80000000)` */
export function rangeHex(baseBytes: number, endBytes: number): string {
  return `[${toHex(baseBytes)}, ${toHex(endBytes)})`
}

/** Tooltip lines for one item, plain text (kind, range, size, type, source line, details). */
export function addressMapTooltipLines(item: AddressMapItem): string[] {
  const size = item.endBytes - item.baseBytes
  return [
    item.kind,
    rangeHex(item.baseBytes, item.endBytes),
    `${formatBytes(size)} (${formatInteger(size)} B)`,
    item.typeLabel,
    ...(item.line !== undefined ? [`source line ${item.line}`] : []),
    ...item.details
  ]
}

/** The same lines as escaped HTML, kind in bold and the range in monospace. */
export function addressMapTooltipHtml(item: AddressMapItem): string {
  const [kind, range, ...rest] = addressMapTooltipLines(item).map(escapeHtml)
  return [
    `<strong>${kind}</strong>`,
    `<span style="font-family:ui-monospace,Menlo,Consolas,monospace">${range}</span>`,
    ...rest
  ].join('<br/>')
}

/** Axis and zoom-handle labels: the true hex address, then its position in binary units. */
export function addressAxisLabel(address: number): string {
  return `${toHex(address)}\n${formatBytes(address, 1)}`
}
