import { describe, expect, it } from 'vitest'
import { placePamtChunks } from '@shared/model/host/placement'

describe('PAMT chunk placement at PFN 0', () => {
  it('places a chunk whose first candidate is PFN 0 (found by the placement property test)', () => {
    // One node, RAM [0, 1 MiB): only ZONE_DMA (PFN < 0x1000) holds it. A one-page chunk's first
    // candidate is ALIGN(0, 1) = 0, wholly in RAM. Before, "if (chunk)" took PFN 0 for "none".
    const [c] = placePamtChunks(
      [{ nrPages: 1, nid: 0 }],
      [{ baseBytes: 0, endBytes: 2 ** 20, nid: 0 }],
      'first-candidate'
    )
    expect(c).toEqual({ startPfn: 0, nrPages: 1, nid: 0, zone: 'DMA' })
  })
})
