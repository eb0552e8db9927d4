import type { TdmrRange } from './tdmrs'

/** Where the kernel takes the memory holes from (dpamt-model.md §1.2 step 5, §1.6). */
export type HoleSource = 'e820' | 'cmr'

/** One TDMR reserved area: a hole in TDX memory, or (part of) a PAMT chunk (§1.6). */
export interface ReservedArea {
  baseBytes: number
  sizeBytes: number
  kind: 'hole' | 'pamt'
  /** For `pamt`: the index of the TDMR whose PAMT this is (chunks of any TDMR count). */
  pamtOfTdmr?: number
}

/** A half-open byte span: a TDX memory block (mainline) or a CMR (KAI-CMR) for hole finding. */
export interface ByteSpan {
  baseBytes: number
  endBytes: number
}

/**
 * tdmr_populate_rsvd_holes() (dpamt-model.md §1.6 step 1): the gaps between the spans inside the
 * TDMR, including a leading gap (the first 1 MiB in the TDMR at 0) and the tail to the 1 GiB edge.
 * Mainline walks the TDX memory blocks; the KAI-CMR variant walks the CMRs.
 */
export function tdmrHoles(tdmr: TdmrRange, spans: readonly ByteSpan[]): ReservedArea[] {
  const tdmrEnd = tdmr.baseBytes + tdmr.sizeBytes
  const holes: ReservedArea[] = []
  let prevEnd = tdmr.baseBytes
  for (const s of spans) {
    if (s.baseBytes >= tdmrEnd) break
    if (s.endBytes < tdmr.baseBytes) continue
    if (s.baseBytes <= prevEnd) {
      prevEnd = s.endBytes
      continue
    }
    holes.push({ baseBytes: prevEnd, sizeBytes: s.baseBytes - prevEnd, kind: 'hole' })
    prevEnd = s.endBytes
  }
  if (prevEnd < tdmrEnd)
    holes.push({ baseBytes: prevEnd, sizeBytes: tdmrEnd - prevEnd, kind: 'hole' })
  return holes
}

/**
 * tdmr_populate_rsvd_pamts() (dpamt-model.md §1.6 step 2): every PAMT chunk, of this TDMR or any
 * other, that overlaps this TDMR becomes one area, clipped to the TDMR; chunks are never merged.
 */
export function tdmrPamtAreas(
  tdmr: TdmrRange,
  chunks: ReadonlyArray<{ baseBytes: number; sizeBytes: number; tdmrIndex: number }>
): ReservedArea[] {
  const tdmrEnd = tdmr.baseBytes + tdmr.sizeBytes
  const areas: ReservedArea[] = []
  for (const c of chunks) {
    const lo = Math.max(c.baseBytes, tdmr.baseBytes)
    const hi = Math.min(c.baseBytes + c.sizeBytes, tdmrEnd)
    if (lo < hi)
      areas.push({ baseBytes: lo, sizeBytes: hi - lo, kind: 'pamt', pamtOfTdmr: c.tdmrIndex })
  }
  return areas
}

/** All reserved areas of a TDMR, sorted ascending as the module requires (§1.6 step 3). */
export function tdmrReservedAreas(
  holes: readonly ReservedArea[],
  pamt: readonly ReservedArea[]
): ReservedArea[] {
  return [...holes, ...pamt].sort((a, b) => a.baseBytes - b.baseBytes)
}
