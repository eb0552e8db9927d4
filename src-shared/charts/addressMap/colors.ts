import type { MemoryRangeType } from '../../model/host/memoryMap'

/**
 * Colours of the address map. RAM takes its NUMA node's colour (`nodeColor`, shared with the
 * workload charts); the non-RAM e820 types are muted earth and grey tones so they never read as a
 * node.
 */
export { nodeColor } from '../nodePalette'

/** RAM that is in the map but not in memblock (above MAXMEM, or trimmed by the kernel rules). */
export const RAM_OUTSIDE_MEMBLOCK_COLOR = '#b9c7b4'

export const MEMORY_TYPE_COLORS: Readonly<Record<MemoryRangeType, string>> = {
  ram: '#4e79a7',
  reserved: '#8a8f98',
  'soft-reserved': '#c4c8cf',
  'acpi-data': '#c2a878',
  'acpi-nvs': '#8f7a5c',
  unusable: '#6b2f2f',
  persistent: '#5f8f8a',
  other: '#a3a3a3'
}

export const LANE_COLORS = {
  cmr: '#2a9d8f',
  tdmrEven: '#3a66a8',
  tdmrOdd: '#86a9dc',
  hole: '#e3a43a',
  pamtArea: '#c0504d',
  pamtChunk: '#6a3d9a',
  refcount: '#1b9fb5',
  /** Outline of everything in a TDMR whose reserved areas are exhausted. */
  exhausted: '#d7191c'
} as const

/** White or near-black text, whichever reads better on the fill. */
export function labelColorOn(fill: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill)
  if (!m) return '#ffffff'
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16) / 255) as [
    number,
    number,
    number
  ]
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
  return luminance > 0.55 ? '#1d2330' : '#ffffff'
}
