import type { NodeRange } from './numa'
import { pfnDown, pfnUp } from './units'

/**
 * Where alloc_contig_pages() puts a TDMR's PAMT chunk (dpamt-model.md §1.5). The kernel's scan is
 * exact; which candidate succeeds depends on run-time page state the log does not show, so that
 * choice is a named policy (dpamt-model.md §6 open question 5):
 * - `first-candidate` (default): the first candidate the kernel tries that lies wholly in RAM of
 *   one zone, i.e. no page in the way is unmovable. A freshly booted host.
 * - `last-candidate`: the last such candidate in the first zone that has one: every lower candidate
 *   held an unmovable page. A bracket for a long-running host.
 */
export type PamtPlacementPolicy = 'first-candidate' | 'last-candidate'

export interface PlacedChunk {
  startPfn: number
  nrPages: number
  nid: number
  zone: ZoneName
}

export type ZoneName = 'DMA' | 'DMA32' | 'Normal'

/** x86-64 zone bounds in page frames: DMA < 16 MiB ≤ DMA32 < 4 GiB ≤ Normal. */
const ZONES: ReadonlyArray<{ name: ZoneName; lowPfn: number; highPfn: number }> = [
  { name: 'Normal', lowPfn: 0x100000, highPfn: Number.MAX_SAFE_INTEGER },
  { name: 'DMA32', lowPfn: 0x1000, highPfn: 0x100000 },
  { name: 'DMA', lowPfn: 0, highPfn: 0x1000 }
]

/**
 * The kernel's `ALIGN(x, a)`: `(x + a - 1) & ~(a - 1)`, a bit mask even when `a` is not a power of two
 * (as it is for PAMT chunks), so candidates are not multiples of nr_pages in general.
 */
export function kernelAlign(x: number, a: number): number {
  const mask = BigInt(a - 1)
  return Number((BigInt(x) + mask) & ~mask)
}

interface PfnRange {
  startPfn: number
  endPfn: number
  nid: number
}

/**
 * Place PAMT chunks one TDMR after another as tdmrs_set_up_pamt_all() does: for each chunk, walk
 * the zonelist of its node (its zones Normal → DMA32 → DMA, then the other nodes in ascending id, a
 * simplification of distance order), scan candidates `pfn = ALIGN(zone_start_pfn, nr) + k·nr` while
 * the zone spans the last page, and take one that is wholly inside one RAM range of that zone and
 * does not overlap an earlier chunk. Returns null for a chunk that fits nowhere (-ENOMEM).
 */
export function placePamtChunks(
  requests: ReadonlyArray<{ nrPages: number; nid: number }>,
  regions: readonly NodeRange[],
  policy: PamtPlacementPolicy
): Array<PlacedChunk | null> {
  const ranges: PfnRange[] = regions
    .map((r) => ({ startPfn: pfnUp(r.baseBytes), endPfn: pfnDown(r.endBytes), nid: r.nid }))
    .filter((r) => r.startPfn < r.endPfn)
  const nids = [...new Set(ranges.map((r) => r.nid))].sort((a, b) => a - b)
  const placed: PlacedChunk[] = []
  return requests.map(({ nrPages, nid }) => {
    const order = [nid, ...nids.filter((n) => n !== nid)]
    for (const node of order) {
      const nodeRanges = ranges.filter((r) => r.nid === node)
      for (const zone of ZONES) {
        const chunk = scanZone(nodeRanges, zone, nrPages, placed, policy)
        // PFN 0 is a place too (a small chunk in ZONE_DMA): only null means none.
        if (chunk !== null) {
          const result = { startPfn: chunk, nrPages, nid: node, zone: zone.name }
          placed.push(result)
          return result
        }
      }
    }
    return null
  })
}

function scanZone(
  nodeRanges: readonly PfnRange[],
  zone: { lowPfn: number; highPfn: number },
  nrPages: number,
  placed: readonly PlacedChunk[],
  policy: PamtPlacementPolicy
): number | null {
  // The zone spans from the node's first to its last page inside the zone's bounds, holes included.
  const inZone = nodeRanges
    .map((r) => ({
      startPfn: Math.max(r.startPfn, zone.lowPfn),
      endPfn: Math.min(r.endPfn, zone.highPfn)
    }))
    .filter((r) => r.startPfn < r.endPfn)
  if (inZone.length === 0) return null
  // By start, with the furthest end among the ranges starting at or before each: a candidate lies
  // wholly in one range exactly when that furthest end reaches its last page. A binary search per
  // candidate keeps a memory map of 500,000 ranges fast (a linear scan per candidate was quadratic).
  inZone.sort((a, b) => a.startPfn - b.startPfn)
  const furthestEnd = new Float64Array(inZone.length)
  let reach = -Infinity
  inZone.forEach((r, i) => (furthestEnd[i] = reach = Math.max(reach, r.endPfn)))
  const zoneStart = inZone[0]!.startPfn
  const zoneEnd = reach
  /** Index of the last range starting at or before pfn, or -1. */
  const lastStartingBy = (pfn: number): number => {
    let lo = 0
    let hi = inZone.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (inZone[mid]!.startPfn <= pfn) lo = mid + 1
      else hi = mid
    }
    return lo - 1
  }
  let found: number | null = null
  for (let pfn = kernelAlign(zoneStart, nrPages); pfn + nrPages <= zoneEnd; pfn += nrPages) {
    const end = pfn + nrPages
    const i = lastStartingBy(pfn)
    const inRam = i >= 0 && furthestEnd[i]! >= end
    const free = !placed.some((c) => c.startPfn < end && pfn < c.startPfn + c.nrPages)
    if (inRam && free) {
      if (policy === 'first-candidate') return pfn
      found = pfn
    } else if (!inRam) {
      // Skip straight past a hole: every candidate until the next RAM range would fail the same way.
      const next = inZone[i + 1]
      if (!next) break
      const jump = Math.floor((next.startPfn - pfn) / nrPages) * nrPages
      if (jump > nrPages) pfn += jump - nrPages
    }
  }
  return found
}
