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
export function addressAxisLabel(address: number, digits = 1): string {
  return `${toHex(address)}\n${formatBytes(address, digits)}`
}

/** Most decimals a tick's binary-unit line gets before neighbours are told apart by hex alone. */
const MAX_TICK_DIGITS = 3

/**
 * Labels for ascending tick addresses whose binary-unit lines never repeat a neighbour's (docs/
 * host-model.md, "Address map"): each tick gets the fewest decimals (1 to 3) that set it apart from
 * the ticks on both sides ("15.86 TiB" beside "15.9 TiB" rather than "15.9 TiB" twice); ticks still
 * alike at 3 decimals (closer than about 1 GiB at the TiB scale) show their hex address only.
 */
export function distinctAddressLabels(addresses: readonly number[]): string[] {
  return addresses.map((a, i) => {
    const prev = addresses[i - 1]
    const next = addresses[i + 1]
    for (let d = 1; d <= MAX_TICK_DIGITS; d++) {
      const own = formatBytes(a, d)
      if (
        (prev === undefined || formatBytes(prev, d) !== own) &&
        (next === undefined || formatBytes(next, d) !== own)
      )
        return addressAxisLabel(a, d)
    }
    return toHex(a)
  })
}
