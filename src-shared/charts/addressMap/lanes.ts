import type { HostAnalysis } from '../../model/host/analyzeHost'
import type { MemoryRange } from '../../model/host/memoryMap'
import type { NodeRange } from '../../model/host/numa'
import { SZ_1G_BYTES } from '../../model/host/units'
import { LANE_COLORS, MEMORY_TYPE_COLORS, RAM_OUTSIDE_MEMBLOCK_COLOR, nodeColor } from './colors'
import { pushAll } from '../../util/arrays'

/** One row of the address map, top to bottom. */
export const ADDRESS_MAP_LANES = [
  { id: 'memory', label: 'e820 / memory map' },
  { id: 'cmr', label: 'CMRs' },
  { id: 'tdmr', label: 'TDMRs' },
  { id: 'reserved', label: 'Reserved areas' },
  { id: 'pamt', label: 'PAMT chunks' },
  { id: 'refcount', label: 'Refcount pages (sparse)' }
] as const

export type LaneId = (typeof ADDRESS_MAP_LANES)[number]['id']

/** Physical address space one sparse refcount page covers: 1024 entries × 2 MiB (§2.5). */
export const REFCOUNT_PAGE_COVERS_BYTES = 2 * SZ_1G_BYTES

/** One drawn range. Half-open `[baseBytes, endBytes)`. */
export interface AddressMapItem {
  lane: LaneId
  baseBytes: number
  endBytes: number
  /** What it is, e.g. "RAM", "Reserved area (hole)", "TDMR #3". Shown first in the tooltip. */
  kind: string
  /** Short text drawn inside the bar when it fits, e.g. "N3", "#12". */
  label: string
  /** A shorter text drawn when `label` does not fit. */
  shortLabel?: string
  /** The type as the source printed it (e820 types), or a short description. */
  typeLabel: string
  /** 1-based source line, when the range came from one. */
  line?: number
  /** Extra facts for the tooltip (one line each). */
  details: string[]
  color: string
  /** Drawn with a warning outline (a TDMR out of reserved areas, and its areas). */
  alert?: boolean
}

function ramPieces(
  r: MemoryRange,
  nodeRanges: readonly NodeRange[],
  startIndex: number
): { pieces: AddressMapItem[]; next: number } {
  const pieces: AddressMapItem[] = []
  const base = (baseBytes: number, endBytes: number, nid: number | null): AddressMapItem => ({
    lane: 'memory',
    baseBytes,
    endBytes,
    kind: nid === null ? 'RAM (not in memblock)' : `RAM, node ${nid}`,
    label: nid === null ? 'RAM' : `N${nid}`,
    typeLabel: r.typeLabel,
    ...(r.line > 0 ? { line: r.line } : {}),
    details:
      nid === null
        ? ['Not in the kernel memblock (below the 1 MiB/page trim, or above MAXMEM).']
        : [],
    color: nid === null ? RAM_OUTSIDE_MEMBLOCK_COLOR : nodeColor(nid)
  })
  // Skip node ranges that end before this RAM range; both lists are ascending.
  let j = startIndex
  while (j < nodeRanges.length && nodeRanges[j]!.endBytes <= r.baseBytes) j++
  let cursor = r.baseBytes
  let k = j
  while (k < nodeRanges.length && nodeRanges[k]!.baseBytes < r.endBytes) {
    const n = nodeRanges[k]!
    const lo = Math.max(n.baseBytes, r.baseBytes)
    const hi = Math.min(n.endBytes, r.endBytes)
    if (lo > cursor) pieces.push(base(cursor, lo, null))
    if (hi > lo) {
      const prev = pieces[pieces.length - 1]
      if (prev && prev.endBytes === lo && prev.kind === `RAM, node ${n.nid}`) prev.endBytes = hi
      else pieces.push(base(lo, hi, n.nid))
    }
    cursor = Math.max(cursor, hi)
    if (n.endBytes > r.endBytes) break
    k++
  }
  if (cursor < r.endBytes) pieces.push(base(cursor, r.endBytes, null))
  return { pieces, next: j }
}

/** The "e820 / memory map" lane: every range by type, RAM split and coloured by NUMA node. */
export function memoryLane(a: HostAnalysis): AddressMapItem[] {
  const nodeRanges = [...a.memoryMap.nodeRanges].sort((x, y) => x.baseBytes - y.baseBytes)
  const ranges = [...a.memoryMap.ranges].sort((x, y) => x.baseBytes - y.baseBytes)
  const out: AddressMapItem[] = []
  let j = 0
  for (const r of ranges) {
    if (r.endBytes <= r.baseBytes) continue
    if (r.type === 'ram') {
      const { pieces, next } = ramPieces(r, nodeRanges, j)
      j = next
      pushAll(out, pieces)
    } else {
      out.push({
        lane: 'memory',
        baseBytes: r.baseBytes,
        endBytes: r.endBytes,
        kind: `Memory map: ${r.type}`,
        label: r.type === 'reserved' ? 'res' : r.type,
        typeLabel: r.typeLabel,
        ...(r.line > 0 ? { line: r.line } : {}),
        details: [],
        color: MEMORY_TYPE_COLORS[r.type]
      })
    }
  }
  return out
}

export function cmrLane(a: HostAnalysis): AddressMapItem[] {
  return a.memoryMap.cmrs.map((c, i) => ({
    lane: 'cmr',
    baseBytes: c.baseBytes,
    endBytes: c.endBytes,
    kind: `CMR ${i}`,
    label: `CMR${i}`,
    typeLabel: 'TDX Convertible Memory Region',
    ...(c.line > 0 ? { line: c.line } : {}),
    details: [],
    color: LANE_COLORS.cmr
  }))
}

export function tdmrLane(a: HostAnalysis): AddressMapItem[] {
  return a.tdmrs.map((t, i) => ({
    lane: 'tdmr',
    baseBytes: t.baseBytes,
    endBytes: t.baseBytes + t.sizeBytes,
    kind: `TDMR #${i}`,
    label: `#${i}`,
    typeLabel: 'Trust Domain Memory Region (1 GiB aligned)',
    details: [
      `PAMT asked of node ${t.pamtNid}`,
      `${t.reservedAreas.length} of ${a.params.maxReservedPerTdmr} reserved areas (${t.holes.length} holes)`,
      ...(t.reservedAreasExhausted ? ['Reserved areas exhausted: TDX init fails here'] : [])
    ],
    color: i % 2 === 0 ? LANE_COLORS.tdmrEven : LANE_COLORS.tdmrOdd,
    ...(t.reservedAreasExhausted ? { alert: true } : {})
  }))
}

export function reservedLane(a: HostAnalysis): AddressMapItem[] {
  return a.tdmrs.flatMap((t, i) =>
    t.reservedAreas.map((r, k) => ({
      lane: 'reserved' as const,
      baseBytes: r.baseBytes,
      endBytes: r.baseBytes + r.sizeBytes,
      kind: r.kind === 'hole' ? 'Reserved area (hole)' : 'Reserved area (PAMT)',
      label: r.kind === 'hole' ? 'hole' : 'PAMT',
      typeLabel:
        r.kind === 'hole'
          ? `TDMR #${i}, area ${k + 1} of ${t.reservedAreas.length}`
          : `TDMR #${i}, area ${k + 1} of ${t.reservedAreas.length}: PAMT of TDMR #${r.pamtOfTdmr ?? '?'}`,
      details: t.reservedAreasExhausted
        ? [
            `TDMR #${i} needs ${t.reservedAreas.length} areas, the module allows ${a.params.maxReservedPerTdmr}`
          ]
        : [],
      color: r.kind === 'hole' ? LANE_COLORS.hole : LANE_COLORS.pamtArea,
      ...(t.reservedAreasExhausted ? { alert: true } : {})
    }))
  )
}

export function pamtLane(a: HostAnalysis): AddressMapItem[] {
  return a.tdmrs.flatMap((t, i) =>
    t.pamtChunk
      ? [
          {
            lane: 'pamt' as const,
            baseBytes: t.pamtChunk.baseBytes,
            endBytes: t.pamtChunk.baseBytes + t.pamtChunk.sizeBytes,
            kind: `PAMT chunk of TDMR #${i}`,
            label: `P#${i}`,
            typeLabel: `${a.options.pamtMode} PAMT, node ${t.pamtChunk.nid}, zone ${t.pamtChunk.zone}`,
            details: [`Placement modelled (${a.options.pamtPlacement}, dpamt-model.md §1.5)`],
            color: LANE_COLORS.pamtChunk
          }
        ]
      : []
  )
}

export function refcountLane(a: HostAnalysis): AddressMapItem[] {
  return a.refcounts.sparsePageRanges.map((r) => {
    const pages = r.lastPage - r.firstPage + 1
    return {
      lane: 'refcount' as const,
      baseBytes: r.firstPage * REFCOUNT_PAGE_COVERS_BYTES,
      endBytes: (r.lastPage + 1) * REFCOUNT_PAGE_COVERS_BYTES,
      kind:
        pages === 1
          ? `Refcount page ${r.firstPage}`
          : `Refcount pages ${r.firstPage}–${r.lastPage}`,
      label: pages === 1 ? `p${r.firstPage}` : `p${r.firstPage}–${r.lastPage}`,
      typeLabel: `${pages} populated ${pages === 1 ? 'page' : 'pages'} (4 KiB each, 2 GiB of PA per page)`,
      details: [],
      color: LANE_COLORS.refcount
    }
  })
}

/** Every lane's items, in lane order. */
export function addressMapItems(a: HostAnalysis): AddressMapItem[] {
  return [
    ...memoryLane(a),
    ...cmrLane(a),
    ...tdmrLane(a),
    ...reservedLane(a),
    ...pamtLane(a),
    ...refcountLane(a)
  ]
}
