import { describe, expect, it } from 'vitest'
import { kernelAlign, placePamtChunks } from '@shared/model/host/placement'

const G = 2 ** 30

describe('kernel ALIGN with a non-power-of-two size (dpamt-model.md §1.5)', () => {
  it('is a bit mask, not rounding to a multiple', () => {
    expect(kernelAlign(0x100000, 4096)).toBe(0x100000)
    expect(kernelAlign(0x100001, 4096)).toBe(0x101000)
    // mask 2052 = 0x804: (0x100000 + 0x804) & ~0x804
    expect(kernelAlign(0x100000, 2053)).toBe(0x100000)
    // mask 0xc0602; 0xe000001 & 0xc0602 = 0 except bit 0, so it stays put
    expect(kernelAlign(0xe000001, 787971)).toBe(0xe000001)
    // (3 + 2) & ~2 = 5: not a multiple of 3 at all.
    expect(kernelAlign(3, 3)).toBe(5)
  })
})

describe('PAMT chunk placement', () => {
  const node0 = [
    { baseBytes: 0x100000, endBytes: 2 * G, nid: 0 },
    { baseBytes: 4 * G, endBytes: 8 * G, nid: 0 }
  ]

  it('prefers ZONE_NORMAL and skips candidates overlapping earlier chunks', () => {
    const placed = placePamtChunks(
      [
        { nrPages: 100, nid: 0 },
        { nrPages: 100, nid: 0 }
      ],
      node0,
      'first-candidate'
    )
    expect(placed).toEqual([
      { startPfn: 0x100000, nrPages: 100, nid: 0, zone: 'Normal' },
      { startPfn: 0x100000 + 100, nrPages: 100, nid: 0, zone: 'Normal' }
    ])
  })

  it('takes the last candidate of the zone under last-candidate', () => {
    const [c] = placePamtChunks([{ nrPages: 0x40000, nid: 0 }], node0, 'last-candidate')
    // Candidates from 0x100000 in steps of 0x40000 while the chunk fits below 8 GiB (pfn 0x200000).
    expect(c).toEqual({ startPfn: 0x1c0000, nrPages: 0x40000, nid: 0, zone: 'Normal' })
  })

  it('never spans a hole', () => {
    const gappy = [
      { baseBytes: 4 * G, endBytes: 4 * G + 0x5000, nid: 0 },
      { baseBytes: 5 * G, endBytes: 6 * G, nid: 0 }
    ]
    // RAM pfn [0x100000, 0x100005) and [0x140000, 0x180000), one ZONE_NORMAL spanning both.
    // 8 pages: candidates ALIGN(0x100000, 8) = 0x100000 + k·8. The first (0x100000..0x100008)
    // runs past the 5 pages of RAM; 0x40000 = 8·0x8000 is a multiple of 8, so candidate
    // k = 0x8000 starts exactly at 0x140000 (5 GiB), the first wholly in RAM.
    const [c] = placePamtChunks([{ nrPages: 8, nid: 0 }], gappy, 'first-candidate')
    expect(c?.startPfn).toBe(0x140000)
    // 6 pages: ALIGN(0x100000, 6) = (0x100000 + 5) & ~5 = 0x100000 (bits 0 and 2 clear), so
    // candidates are 0x100000 + k·6. 0x40000 = 262144 = 6·43690 + 4, so k = 43690 gives
    // 0x13fffc (straddles the hole) and k = 43691 gives 0x140002: not 2 MiB- or 6-aligned, but
    // the first candidate wholly in RAM.
    const [d] = placePamtChunks([{ nrPages: 6, nid: 0 }], gappy, 'first-candidate')
    expect(d?.startPfn).toBe(0x140002)
  })

  it('falls back to ZONE_DMA32, then to other nodes', () => {
    const lowOnly = [{ baseBytes: 0x100000, endBytes: 2 * G, nid: 0 }]
    expect(placePamtChunks([{ nrPages: 16, nid: 0 }], lowOnly, 'first-candidate')[0]?.zone).toBe(
      'DMA32'
    )
    const twoNodes = [...lowOnly, { baseBytes: 4 * G, endBytes: 8 * G, nid: 1 }]
    const [c] = placePamtChunks([{ nrPages: 0x80000, nid: 0 }], twoNodes, 'first-candidate')
    expect(c).toMatchObject({ nid: 1, zone: 'Normal' })
  })

  it('returns null when no node has room', () => {
    expect(
      placePamtChunks([{ nrPages: 0x100000, nid: 0 }], node0.slice(0, 1), 'first-candidate')
    ).toEqual([null])
  })
})
