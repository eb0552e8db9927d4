import type { NumaMemblk } from './memoryMap'
import { PAGE_SIZE_BYTES, SZ_1M_BYTES, pfnToBytes } from './units'

/** A half-open byte range with a node, as memblock holds it after NUMA setup. */
export interface NodeRange {
  baseBytes: number
  endBytes: number
  nid: number
}

export type NumaCleanupResult =
  { ok: true; blocks: NodeRange[]; merges: number } | { ok: false; reason: string }

/**
 * numa_cleanup_meminfo() (mm/numa_memblks.c), dpamt-model.md §1.2 step 1 "NUMA setup": drop blocks
 * with no RAM, clip the rest to [0, PFN_PHYS(max_pfn)), then join blocks of the same node whose
 * joined span overlaps no other node's block. Overlapping blocks of different nodes make the kernel
 * fail NUMA init (-EINVAL), which falls back to one dummy node.
 */
export function numaCleanupMeminfo(
  memblks: readonly NumaMemblk[],
  ram: readonly { baseBytes: number; endBytes: number }[],
  maxPfn: number
): NumaCleanupResult {
  const high = pfnToBytes(maxPfn)
  const overlapsRam = (b: { baseBytes: number; endBytes: number }): boolean =>
    ram.some((r) => r.baseBytes < b.endBytes && b.baseBytes < r.endBytes)
  const blks: NodeRange[] = []
  for (const m of memblks) {
    if (!overlapsRam(m)) continue // moved to numa_reserved_meminfo
    const b = {
      baseBytes: Math.max(m.baseBytes, 0),
      endBytes: Math.min(m.endBytes, high),
      nid: m.nid
    }
    if (b.baseBytes < b.endBytes) blks.push(b)
  }

  let merges = 0
  for (let i = 0; i < blks.length; i++) {
    const bi = blks[i]!
    for (let j = i + 1; j < blks.length; j++) {
      const bj = blks[j]!
      if (bi.endBytes > bj.baseBytes && bi.baseBytes < bj.endBytes && bi.nid !== bj.nid) {
        return {
          ok: false,
          reason: `node ${bi.nid} [mem ${hex(bi.baseBytes)}-${hex(bi.endBytes - 1)}] overlaps with node ${bj.nid} [mem ${hex(bj.baseBytes)}-${hex(bj.endBytes - 1)}]`
        }
      }
      if (bi.nid !== bj.nid) continue
      const start = Math.min(bi.baseBytes, bj.baseBytes)
      const end = Math.max(bi.endBytes, bj.endBytes)
      const blocked = blks.some(
        (bk) => bk.nid !== bi.nid && start < bk.endBytes && end > bk.baseBytes
      )
      if (blocked) continue
      bi.baseBytes = start
      bi.endBytes = end
      blks.splice(j--, 1)
      merges++
    }
  }
  return { ok: true, blocks: blks, merges }
}

function hex(v: number): string {
  return '0x' + v.toString(16).padStart(8, '0')
}

/** numa_meminfo_cover_memory(): NUMA is dropped when its blocks miss 1 MiB or more of RAM. */
export const NUMA_MAX_UNCOVERED_BYTES = SZ_1M_BYTES

/** RAM bytes (page granular) not covered by any NUMA block. */
export function uncoveredRamBytes(
  ram: readonly { baseBytes: number; endBytes: number }[],
  blocks: readonly NodeRange[]
): number {
  let uncovered = 0
  for (const r of ram) {
    let covered = 0
    for (const b of blocks) {
      const lo = Math.max(r.baseBytes, b.baseBytes)
      const hi = Math.min(r.endBytes, b.endBytes)
      if (lo < hi) covered += hi - lo
    }
    uncovered += Math.max(0, r.endBytes - r.baseBytes - covered)
  }
  return Math.floor(uncovered / PAGE_SIZE_BYTES) * PAGE_SIZE_BYTES
}

/**
 * memblock_set_node() for every NUMA block: split the RAM regions at node boundaries, label each
 * piece with its node, and merge adjacent pieces of the same node (memblock_merge_regions). A piece
 * no block covers (less than 1 MiB in total, or NUMA would have been dropped) joins the node of the
 * nearest block, and is counted in `orphanBytes` (modelled: the kernel leaves it NUMA_NO_NODE).
 */
export function assignNodes(
  ram: readonly { baseBytes: number; endBytes: number }[],
  blocks: readonly NodeRange[]
): { regions: NodeRange[]; orphanBytes: number } {
  const sortedBlocks = [...blocks].sort((a, b) => a.baseBytes - b.baseBytes)
  const pieces: NodeRange[] = []
  let orphanBytes = 0
  const nearestNid = (addr: number): number => {
    let best = sortedBlocks[0]?.nid ?? 0
    let bestDist = Infinity
    for (const b of sortedBlocks) {
      const d =
        addr < b.baseBytes ? b.baseBytes - addr : addr >= b.endBytes ? addr - b.endBytes + 1 : 0
      if (d < bestDist) {
        bestDist = d
        best = b.nid
      }
    }
    return best
  }
  for (const r of ram) {
    let cursor = r.baseBytes
    for (const b of sortedBlocks) {
      if (b.endBytes <= cursor || b.baseBytes >= r.endBytes) continue
      if (b.baseBytes > cursor) {
        pieces.push({ baseBytes: cursor, endBytes: b.baseBytes, nid: nearestNid(cursor) })
        orphanBytes += b.baseBytes - cursor
        cursor = b.baseBytes
      }
      const end = Math.min(b.endBytes, r.endBytes)
      pieces.push({ baseBytes: cursor, endBytes: end, nid: b.nid })
      cursor = end
      if (cursor >= r.endBytes) break
    }
    if (cursor < r.endBytes) {
      pieces.push({ baseBytes: cursor, endBytes: r.endBytes, nid: nearestNid(cursor) })
      orphanBytes += r.endBytes - cursor
    }
  }
  const merged: NodeRange[] = []
  for (const p of pieces) {
    const last = merged[merged.length - 1]
    if (last && last.nid === p.nid && last.endBytes === p.baseBytes) last.endBytes = p.endBytes
    else merged.push({ ...p })
  }
  return { regions: merged, orphanBytes }
}
