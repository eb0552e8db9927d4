import { formatBytes } from '../formatBytes'
import { rangeHex } from './tooltip'
import type { AddressMapItem } from './lanes'

/** Colour of the folded MMIO segment: lighter than a reserved range, so it reads as "many". */
export const FOLDED_MMIO_COLOR = '#b8bdc6'
/** Folded ranges the tooltip lists one by one; the CSV always has every one. */
export const FOLDED_TOOLTIP_RANGES = 8

/** Non-RAM ranges of the memory lane above the last RAM byte, folded into one segment. */
export interface MmioFold {
  /** The drawn segment: from the end of everything else (the last RAM byte) to the last range's end. */
  item: AddressMapItem
  /** The ranges it stands for, in address order (exact addresses, for tests and tooltips). */
  ranges: AddressMapItem[]
}

/**
 * Fold the memory-map ranges above everything else the map draws (RAM, CMRs, TDMRs, their areas,
 * refcount pages) into one item (docs/host-model.md, "Address map"). On the 16-socket 12 TiB host
 * its 17 reserved (MMIO) ranges from 15.875 to 15.906 TiB otherwise take 37.5 % of the compressed
 * axis's width and stack their tick labels ("15.9 TiB" five times); folded, the segment from the
 * last RAM byte (12.125 TiB) up is one bar of 1/6 of the width. Nothing is folded when fewer than
 * two ranges lie there. Pure: returns the items to draw and the fold, if any.
 */
export function foldMmioAboveRam(items: readonly AddressMapItem[]): {
  items: AddressMapItem[]
  fold: MmioFold | null
} {
  let lastEnd = 0
  for (const i of items) {
    const isRam = i.lane === 'memory' && i.kind.startsWith('RAM')
    if ((isRam || i.lane !== 'memory') && i.endBytes > lastEnd) lastEnd = i.endBytes
  }
  const above = items.filter((i) => i.lane === 'memory' && i.baseBytes >= lastEnd)
  if (lastEnd <= 0 || above.length < 2) return { items: [...items], fold: null }
  const ranges = [...above].sort((a, b) => a.baseBytes - b.baseBytes)
  // The gap between the last RAM byte and the first range is part of the fold: one segment.
  const base = lastEnd
  let end = base
  for (const r of ranges) if (r.endBytes > end) end = r.endBytes
  const span = end - base
  const listed = ranges
    .slice(0, FOLDED_TOOLTIP_RANGES)
    .map(
      (r) =>
        `${rangeHex(r.baseBytes, r.endBytes)} ${r.typeLabel}${r.line ? `, line ${r.line}` : ''}`
    )
  const more = ranges.length - listed.length
  const item: AddressMapItem = {
    lane: 'memory',
    baseBytes: base,
    endBytes: end,
    kind: `MMIO above RAM, folded: ${ranges.length} ranges above the last RAM byte`,
    label: `MMIO above RAM, ${formatBytes(span, 1)}, folded`,
    shortLabel: 'MMIO above RAM, folded',
    typeLabel: 'Drawn as one segment; the ranges (the CSV lists each):',
    details: [...listed, ...(more > 0 ? [`… and ${more} more (the CSV lists every range)`] : [])],
    color: FOLDED_MMIO_COLOR
  }
  const folded = new Set<AddressMapItem>(above)
  return { items: [...items.filter((i) => !folded.has(i)), item], fold: { item, ranges } }
}

/**
 * The folded segment's display width on the compressed axis: its own log2 width, but at least
 * `FOLD_MIN_SHARE` of the rest of the axis (1/6 of the whole), so its short label fits inside it on
 * a full-width map.
 */
export const FOLD_MIN_SHARE = 0.2
