import type { HostAnalysis } from '../host/analyzeHost'
import { pagesPerRegionVisit } from '../workload/regionPool'
import { PAIR_BYTES } from './replay'

export interface BreakEven {
  /** Regions with a pair at which Dynamic PAMT costs as much as static PAMT. */
  regions: number
  /** 4K-mapped TD memory that needs that many pairs on a fresh host (regions fill whole). */
  freshHostBytes: number
  /** The same at the scenario's fragmentation (fewer pages per region, so less memory). */
  atFragmentationBytes: number
  fragmentation: number
  /** False when even a pair on every region of TDX memory stays below static PAMT. */
  reachable: boolean
  /** Dynamic PAMT with a pair on every whole region, for comparison. */
  allRegionsPairedBytes: number
}

/**
 * Break-even (dpamt-model.md §2.9): static + refcounts + 8 KiB per paired region = static PAMT.
 * Pairs needed R = ceil((static PAMT − DPAMT static part − refcounts) / 8 KiB); the 4K-mapped memory
 * that brings R pairs is R × 2 MiB on a fresh host and R × (pages per region) × 4 KiB when
 * fragmented. Caches are left out: they are per vCPU, not per memory.
 */
export function breakEven(
  host: HostAnalysis,
  refcountBytes: number,
  fragmentation: number
): BreakEven {
  const gap = host.staticPamt.bytes - host.dynamicPamt.staticBytes - refcountBytes
  const regions = Math.max(0, Math.ceil(gap / PAIR_BYTES))
  const wholeRegions = host.memoryBlocks.reduce(
    (s, b) => s + Math.max(0, Math.floor(b.endPfn / 512) - Math.ceil(b.startPfn / 512)),
    0
  )
  return {
    regions,
    freshHostBytes: regions * 2 ** 21,
    atFragmentationBytes: regions * pagesPerRegionVisit(fragmentation) * 4096,
    fragmentation,
    reachable: regions <= wholeRegions,
    allRegionsPairedBytes: host.dynamicPamt.staticBytes + refcountBytes + wholeRegions * PAIR_BYTES
  }
}
