import type { HostAnalysis } from '../../model/host/analyzeHost'
import type { MemoryRangeType } from '../../model/host/memoryMap'
import { FOLDED_MMIO_COLOR } from './fold'
import { LANE_COLORS, MEMORY_TYPE_COLORS, RAM_OUTSIDE_MEMBLOCK_COLOR, nodeColor } from './colors'

/**
 * The colour key shown under the address map: nodes and types actually present first, each node in
 * its `nodeColor` (the per-node workload chart's too); `folded` adds the folded MMIO segment's key.
 */
export function addressMapLegend(
  a: HostAnalysis,
  opts: { folded?: boolean } = {}
): Array<{ label: string; color: string }> {
  const nids = [...new Set(a.memoryMap.nodeRanges.map((n) => n.nid))].sort((x, y) => x - y)
  const types = [...new Set(a.memoryMap.ranges.map((r) => r.type))].filter(
    (t): t is Exclude<MemoryRangeType, 'ram'> => t !== 'ram'
  )
  return [
    ...nids.map((nid) => ({ label: `RAM node ${nid}`, color: nodeColor(nid) })),
    { label: 'RAM not in memblock', color: RAM_OUTSIDE_MEMBLOCK_COLOR },
    ...types.map((t) => ({ label: t, color: MEMORY_TYPE_COLORS[t] })),
    ...(opts.folded ? [{ label: 'MMIO above RAM (folded)', color: FOLDED_MMIO_COLOR }] : []),
    ...(a.memoryMap.cmrs.length ? [{ label: 'CMR', color: LANE_COLORS.cmr }] : []),
    { label: 'TDMR (alternating)', color: LANE_COLORS.tdmrEven },
    { label: 'Hole area', color: LANE_COLORS.hole },
    { label: 'PAMT area', color: LANE_COLORS.pamtArea },
    { label: 'PAMT chunk', color: LANE_COLORS.pamtChunk },
    { label: 'Refcount pages', color: LANE_COLORS.refcount },
    ...(a.tdmrs.some((t) => t.reservedAreasExhausted)
      ? [{ label: 'Reserved areas exhausted (outline)', color: LANE_COLORS.exhausted }]
      : [])
  ]
}
