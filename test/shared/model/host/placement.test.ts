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
    const [c] = placePamtChunks([{ nrPages: 8, nid: 0 }], gappy, 'first-candidate')
    // First candidates at 0x100000 (5 pages of RAM only), then stepping 8 pages until 5 GiB.
    expect(c?.startPfn).toBe(kernelAlign(0x100000, 8) + Math.ceil((0x140000 - 0x100000) / 8) * 8)
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
