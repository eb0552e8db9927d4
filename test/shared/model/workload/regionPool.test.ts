import { describe, expect, it } from 'vitest'
import type { TdxMemoryBlock } from '@shared/model/host/memoryBlocks'
import { pagesPerRegionVisit, RegionPool, type StreamKind } from '@shared/model/workload/regionPool'

/** A pool of `regions` whole 2 MiB regions from pfn 0 on node 0. */
const pool = (regions: number, fragmentation: number): RegionPool =>
  new RegionPool([{ startPfn: 0, endPfn: regions * 512, nid: 0 }], fragmentation)

/** Region numbers by pool position. */
const regionsOf = (p: RegionPool): number[] =>
  Array.from({ length: p.regionCount }, (_, pos) => p.regionAt(pos))

/** Free pages by pool position. */
const freeOf = (p: RegionPool): number[] =>
  Array.from({ length: p.regionCount }, (_, pos) => p.freeAt(pos))

/**
 * The (region, pages) visits of one allocation, and the pages left unplaced. The pools here start
 * at pfn 0, so a region's number is its index in address order (pool positions follow the walk).
 */
function take(
  p: RegionPool,
  stream: StreamKind,
  pages: number,
  slot = 0
): { visits: Array<[number, number]>; unplaced: number } {
  const visits: Array<[number, number]> = []
  const unplaced = p.allocate(stream, slot, pages, (pos, n) => visits.push([p.regionAt(pos), n]))
  return { visits, unplaced }
}

describe('pages per region visit: round(512^(1 − f)) (docs/workload-model.md)', () => {
  it('is 512 on a fresh host, 1 when fully fragmented, and log-linear between', () => {
    expect(pagesPerRegionVisit(0)).toBe(512)
    expect(pagesPerRegionVisit(1)).toBe(1)
    // 512^0.5 = 2^4.5 = 22.63 → 23.
    expect(pagesPerRegionVisit(0.5)).toBe(23)
    // 512^0.2 = 2^1.8 = 3.48 → 3.
    expect(pagesPerRegionVisit(0.8)).toBe(3)
    // 512^(2/3) = 2^6 = 64 and 512^(1/3) = 2^3 = 8: exact powers survive floating point.
    expect(pagesPerRegionVisit(1 / 3)).toBe(64)
    expect(pagesPerRegionVisit(2 / 3)).toBe(8)
    // 512^0.75 = 2^6.75 = 107.63 → 108.
    expect(pagesPerRegionVisit(0.25)).toBe(108)
  })
})

describe('RegionPool layout', () => {
  it('keeps only whole 2 MiB regions, per node in ascending node id', () => {
    const blocks: TdxMemoryBlock[] = [
      // pfn [100, 1636): regions ⌈100/512⌉ = 1 to ⌊1636/512⌋ = 3 (exclusive): 1 and 2.
      { startPfn: 100, endPfn: 1636, nid: 1 },
      // pfn [4096, 6144): regions 8, 9, 10, 11.
      { startPfn: 4096, endPfn: 6144, nid: 0 }
    ]
    const p = new RegionPool(blocks, 0)
    expect(regionsOf(p)).toEqual([8, 9, 10, 11, 1, 2])
    expect(p.nodes.map((n) => [n.nid, n.start, n.end])).toEqual([
      [0, 0, 4],
      [1, 4, 6]
    ])
    expect(p.nodeSlot(1)).toBe(1)
    // A node the pool does not have falls back to the first slice.
    expect(p.nodeSlot(7)).toBe(0)
    expect(freeOf(p)).toEqual([512, 512, 512, 512, 512, 512])
  })
})

describe('RegionPool on a fresh host (f = 0)', () => {
  it('fills regions whole: guest pages from the low end up, kernel pages from the high end down', () => {
    const p = pool(8, 0)
    // 1000 = 512 + 488: region 0 whole, then 488 of region 1.
    expect(take(p, 'guest', 1000)).toEqual({
      visits: [
        [0, 512],
        [1, 488]
      ],
      unplaced: 0
    })
    // 600 = 512 + 88 from the top: region 7, then region 6.
    expect(take(p, 'kernel', 600)).toEqual({
      visits: [
        [7, 512],
        [6, 88]
      ],
      unplaced: 0
    })
    // Each stream continues in the region it left partly filled: region 1 has 512 − 488 = 24
    // pages left, so 30 = 24 there + 6 in region 2; region 6 has 424 left, room for all 10.
    expect(take(p, 'guest', 30).visits).toEqual([
      [1, 24],
      [2, 6]
    ])
    expect(take(p, 'kernel', 10).visits).toEqual([[6, 10]])
    // Free: region 2 512 − 6 = 506; region 6 512 − 88 − 10 = 414.
    expect(freeOf(p)).toEqual([0, 0, 506, 512, 512, 512, 414, 0])
  })

  it('returns the pages it could not place when the host is full', () => {
    // Two regions hold 1024 pages: 1030 leaves 6.
    expect(take(pool(2, 0), 'guest', 1030).unplaced).toBe(6)
  })

  it('starts on the TD’s node and spills to the next one', () => {
    const p = new RegionPool(
      [
        { startPfn: 0, endPfn: 512, nid: 0 },
        { startPfn: 512, endPfn: 1024, nid: 1 }
      ],
      0
    )
    // Slot 1 (node 1, pool position 1) first: 512 there, the other 88 on node 0 (position 0).
    expect(take(p, 'guest', 600, 1).visits).toEqual([
      [1, 512],
      [0, 88]
    ])
  })
})

describe('RegionPool on a fragmented host', () => {
  // 8 regions: scramble stride ⌊8 · 0.618⌋ = 4, gcd(4, 8) = 4, so 5 (coprime with 8). The node's
  // permutation is k·5 mod 8 for k = 0..7: 0, 5, 2, 7, 4, 1, 6, 3. The guest stream walks it from
  // its first entry forward, the kernel stream from its last entry backward: 3, 6, 1, 4, 7, 2, 5, 0.
  it('takes 23 pages per visit at f = 0.5, in the scrambled order', () => {
    // 100 = 4·23 + 8.
    expect(take(pool(8, 0.5), 'guest', 100).visits).toEqual([
      [0, 23],
      [5, 23],
      [2, 23],
      [7, 23],
      [4, 8]
    ])
    // 50 = 2·23 + 4.
    expect(take(pool(8, 0.5), 'kernel', 50).visits).toEqual([
      [3, 23],
      [6, 23],
      [1, 4]
    ])
  })

  it('lets the two streams meet only when the node has no untouched region left', () => {
    // Before the fix the kernel stream walked the same offsets from the top (position 7 − 5j mod
    // 8: 7, 2, 5, …), so guest visit i and kernel visit j met when 5(i + j) ≡ −1 (mod 8), i.e.
    // i + j ≡ 3: guest visit 2 and kernel visit 1 both landed on position 2. Now guest visits 3
    // (positions 0, 5, 2) and kernel visits 5 (3, 6, 1, 4, 7) cover the 8 regions once each.
    const p = pool(8, 0.5)
    const guest = take(p, 'guest', 3 * 23).visits.map(([pos]) => pos)
    const kernel = take(p, 'kernel', 5 * 23).visits.map(([pos]) => pos)
    expect(guest).toEqual([0, 5, 2])
    expect(kernel).toEqual([3, 6, 1, 4, 7])
    expect(new Set([...guest, ...kernel]).size).toBe(8)
    // The sixth kernel visit is the permutation's entry 2 (position 2): the guest's region.
    expect(take(p, 'kernel', 1).visits).toEqual([[2, 1]])
  })

  it('takes one page per visit at f = 1, each in the next region of the cycle', () => {
    expect(take(pool(8, 1), 'guest', 3).visits).toEqual([
      [0, 1],
      [5, 1],
      [2, 1]
    ])
  })

  it('moves on after a partial visit even when the allocation ends there', () => {
    const p = pool(8, 0.5)
    take(p, 'guest', 10)
    // The first call took 10 pages of region 0 and moved on: the next starts at offset 5.
    expect(take(p, 'guest', 5).visits).toEqual([[5, 5]])
  })
})

describe('kernel placement (docs/workload-model.md, "Where pages land")', () => {
  it('separate: consecutive kernel allocations pack into one region at the top', () => {
    const p = new RegionPool([{ startPfn: 0, endPfn: 8 * 512, nid: 0 }], 0, 'separate')
    expect(take(p, 'kernel', 10).visits).toEqual([[7, 10]])
    expect(take(p, 'kernel', 10).visits).toEqual([[7, 10]])
  })

  it('scattered: each kernel allocation starts in a region of its own', () => {
    const p = new RegionPool([{ startPfn: 0, endPfn: 8 * 512, nid: 0 }], 0, 'scattered')
    // The first leaves region 7 with 502 free pages and moves on; the second starts at 6. A
    // 600-page allocation fills region 5 and takes 88 of region 4, then moves on as well.
    expect(take(p, 'kernel', 10).visits).toEqual([[7, 10]])
    expect(take(p, 'kernel', 10).visits).toEqual([[6, 10]])
    expect(take(p, 'kernel', 600).visits).toEqual([
      [5, 512],
      [4, 88]
    ])
    expect(take(p, 'kernel', 1).visits).toEqual([[3, 1]])
    // Guest pages are not affected: they keep filling the region they are in.
    expect(take(p, 'guest', 10).visits).toEqual([[0, 10]])
    expect(take(p, 'guest', 10).visits).toEqual([[0, 10]])
  })

  it('interleaved: kernel pages take the next pages of the guest walk', () => {
    const p = new RegionPool([{ startPfn: 0, endPfn: 8 * 512, nid: 0 }], 0, 'interleaved')
    // Guest 600 = 512 in region 0 + 88 in region 1; kernel 10 follow in region 1 (88..97), and
    // the next guest pages after them.
    expect(take(p, 'guest', 600).visits).toEqual([
      [0, 512],
      [1, 88]
    ])
    expect(take(p, 'kernel', 10).visits).toEqual([[1, 10]])
    expect(take(p, 'guest', 420).visits).toEqual([
      [1, 414],
      [2, 6]
    ])
    // Region 7, where separate kernel pages would start, is untouched.
    expect(p.freeAt(7)).toBe(512)
  })
})

describe('whole-region allocations (2M and 1G mappings)', () => {
  it('take entirely free regions from the middle of the node down, then up, and count the rest', () => {
    const p = pool(8, 0)
    take(p, 'guest', 1) // region 0 is no longer entirely free
    const got: number[] = []
    // Middle = 0 + ⌊8/2⌋ = 4: 4, 3, 2.
    expect(p.allocateWhole(0, 3, (pos) => got.push(pos))).toBe(0)
    expect(got).toEqual([4, 3, 2])
    got.length = 0
    // Down from 4: 4, 3, 2 taken, 1 free, 0 partly used; then up: 5, 6, 7. Five asked, four
    // found: one unplaced.
    expect(p.allocateWhole(0, 5, (pos) => got.push(pos))).toBe(1)
    expect(got).toEqual([1, 5, 6, 7])
  })

  it('take them in address order on a fragmented host too, whatever the walk order', () => {
    const p = pool(8, 0.5)
    // The guest walk (permutation 0, 5, 2, 7, …) takes 23 pages each of regions 0 and 5.
    take(p, 'guest', 2 * 23)
    const got: number[] = []
    // Down from region 4: 4, 3, 2, 1 (0 partly used); then up: 5 partly used, 6, 7. Seven asked,
    // six found.
    expect(p.allocateWhole(0, 7, (pos) => got.push(p.regionAt(pos)))).toBe(1)
    expect(got).toEqual([4, 3, 2, 1, 6, 7])
  })

  it('skip a free region whose pair a failed PAMT.REMOVE left installed', () => {
    const p = pool(8, 0)
    p.markDangling(4)
    const got: number[] = []
    // Down from the middle, 4: dangling, skipped; then 3, 2, 1.
    expect(p.allocateWhole(0, 3, (pos) => got.push(pos))).toBe(0)
    expect(got).toEqual([3, 2, 1])
    // 4K pages may still use it: the guest stream fills region 0, skips 1-3 (taken whole) and
    // takes region 4.
    expect(take(p, 'guest', 1024).visits).toEqual([
      [0, 512],
      [4, 512]
    ])
  })

  it('can take a region again once it is released', () => {
    const p = pool(8, 0)
    const got: number[] = []
    p.allocateWhole(0, 8, (pos) => got.push(pos))
    p.release(3, 512)
    expect(p.allocateWhole(0, 2, (pos) => got.push(pos))).toBe(1)
    expect(got.at(-1)).toBe(3)
  })
})
