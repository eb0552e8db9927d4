import type { TdxMemoryBlock } from '../host/memoryBlocks'

/** 4 KiB pages in a 2 MiB region. */
export const PAGES_PER_REGION = 512

/**
 * Pages one allocation stream takes from each 2 MiB region it visits, for host fragmentation f:
 * round(512^(1-f)) — 512 on a fresh host (regions fill whole), 1 when fully fragmented, and
 * log-linear between (e.g. f = 0.5: 23 pages, f = 0.8: 3). Modelled (docs/workload-model.md).
 */
export function pagesPerRegionVisit(fragmentation: number): number {
  return Math.max(
    1,
    Math.min(PAGES_PER_REGION, Math.round(PAGES_PER_REGION ** (1 - fragmentation)))
  )
}

/** One allocation stream's choice of where its next pages go. */
export type StreamKind = 'guest' | 'kernel'

/**
 * Where a TD's kernel pages (control pages, S-EPT pages) land relative to its guest pages. guest_memfd
 * pages and these kernel pages are the same migratetype (both unmovable: guest_memfd's mapping is
 * GFP_HIGHUSER, without __GFP_MOVABLE, virt/kvm/guest_memfd.c __kvm_gmem_create(); the kernel pages
 * are GFP_KERNEL_ACCOUNT), so the page allocator may put them in the same pageblocks. Modelled
 * (docs/workload-model.md, "Where pages land"):
 *
 * - `separate`: kernel pages pack into regions of their own, walking each node from the other end
 *   than guest memory; consecutive kernel allocations share a region until it is full.
 * - `interleaved`: kernel allocations take the next pages of the guest walk, so they share regions
 *   with guest pages (one per-CPU free list feeding a fault's guest page and its S-EPT page).
 * - `scattered`: every kernel allocation starts in a region no other TD page uses (the rest of its
 *   pageblock taken by the host's own kernel allocations): the most pairs kernel pages can cost at
 *   a given fragmentation.
 */
export const KERNEL_PLACEMENTS = ['separate', 'interleaved', 'scattered'] as const
export type KernelPlacement = (typeof KERNEL_PLACEMENTS)[number]

/**
 * The host's TDX memory as 2 MiB regions, per NUMA node, with free pages per region. Two streams
 * allocate 4K pages from it, both along one permutation of each node's regions: guest memory from
 * its first entry forward, kernel allocations (control and S-EPT pages) from its last entry
 * backward, so the two meet only when the node runs out of untouched regions (with `interleaved`
 * kernel pages follow the guest walk instead). On a fresh host the permutation is the identity
 * (guest memory from the node's low end up, kernel pages from its high end down); on a fragmented
 * host it is a scrambled full cycle, and a stream takes only a few pages from each region it visits.
 * Whole-region allocations (2M and 1G mappings) take regions that are entirely free.
 */
export class RegionPool {
  /**
   * Per pool position, one 8-byte cell: the region number (pfn >> 9) as 32 bits
   * (`cells32[2·pos]`), then its free pages (`cells16[4·pos + 2]`) and the refcount mirror the
   * workload generator keeps (`cells16[4·pos + 3]`). Positions follow the walk, not the address:
   * a node's slice holds its regions in permutation order (entry k at `start + k`), so a stream's
   * walk reads consecutive cells even where the regions it visits are far apart. On a fresh host
   * (the identity permutation) that is address order. One cell per region, in walk order, because
   * a fragmented 2 TiB host's tens of millions of region visits were several cache misses each as
   * separate arrays in address order (docs/workload-model.md, "Performance").
   */
  readonly cells32: Uint32Array
  readonly cells16: Uint16Array
  /** [start, end) of each node's slice of the arrays, by node order. */
  readonly nodes: NodeWalk[]
  /**
   * Regions whose pair a failed PAMT.REMOVE left installed (refcount 1, no page): 4K allocations
   * may use them again, whole-region (huge) allocations do not.
   */
  private readonly dangling: Uint8Array

  constructor(
    blocks: readonly TdxMemoryBlock[],
    readonly fragmentation: number,
    readonly kernelPlacement: KernelPlacement = 'separate'
  ) {
    // Each node's regions as [first, last) runs of region numbers, in ascending order: filled
    // straight into the typed arrays (a 2 TiB host has a million regions; a list of numbers
    // pushed one by one and sorted cost a fifth of a fresh fill's time).
    const perNode = new Map<number, Array<[number, number]>>()
    for (const b of blocks) {
      const first = Math.ceil(b.startPfn / PAGES_PER_REGION)
      const last = Math.floor(b.endPfn / PAGES_PER_REGION)
      // A node whose blocks hold no whole region still has its (empty) slice, as before.
      const runs = perNode.get(b.nid) ?? []
      if (last > first) runs.push([first, last])
      perNode.set(b.nid, runs)
    }
    const nids = [...perNode.keys()].sort((a, b) => a - b)
    let total = 0
    for (const runs of perNode.values()) for (const [first, last] of runs) total += last - first
    const buffer = new ArrayBuffer(8 * total)
    this.cells32 = new Uint32Array(buffer)
    this.cells16 = new Uint16Array(buffer)
    this.dangling = new Uint8Array(total)
    this.nodes = []
    let pos = 0
    for (const nid of nids) {
      const runs = perNode.get(nid)!
      let n = 0
      for (const [first, last] of runs) n += last - first
      // Entry k of the walk is the node's (k·stride mod n)-th region in address order.
      const stride = fragmentation > 0 ? scrambleStride(n) : 1
      if (stride === 1 && disjointAscending(runs)) {
        // The identity walk straight from the runs (a fresh host: no list of a million numbers).
        let p = pos
        for (const [first, last] of runs) for (let r = first; r < last; r++) this.setCell(p++, r)
      } else {
        const list = ascendingRegions(runs)
        let offset = 0
        for (let k = 0; k < n; k++) {
          this.setCell(pos + k, list[offset]!)
          offset += stride
          if (offset >= n) offset -= n
        }
      }
      // The guest walk starts at the permutation's entry 0, the kernel walk at entry n − 1.
      this.nodes.push({
        nid,
        start: pos,
        end: pos + n,
        inverseStride: n === 0 ? 0 : inverseMod(stride, n),
        guestEntry: 0,
        kernelEntry: n === 0 ? 0 : n - 1
      })
      pos += n
    }
  }

  /** A fresh cell: region `region`, every page free, refcount mirror 0. */
  private setCell(pos: number, region: number): void {
    this.cells32[2 * pos] = region
    this.cells16[4 * pos + 2] = PAGES_PER_REGION
  }

  get regionCount(): number {
    return this.cells32.length / 2
  }

  /** The region number (pfn >> 9) at pool position `pos`. */
  regionAt(pos: number): number {
    return this.cells32[2 * pos]!
  }

  /** Free 4K pages of the region at pool position `pos`. */
  freeAt(pos: number): number {
    return this.cells16[4 * pos + 2]!
  }

  /** Index of the node slice holding node `nid`, or the first one. */
  nodeSlot(nid: number): number {
    const i = this.nodes.findIndex((n) => n.nid === nid)
    return i < 0 ? 0 : i
  }

  /**
   * Take `pages` 4K pages for a stream, starting on the node at `slot` and spilling to the others.
   * Calls `take(pos, n)` for each region visited; returns the pages it could not place.
   */
  allocate(
    stream: StreamKind,
    slot: number,
    pages: number,
    take: (pos: number, n: number) => void
  ): number {
    const perVisit = pagesPerRegionVisit(this.fragmentation)
    // Interleaved kernel pages follow the guest walk: they share its regions.
    const walk: StreamKind =
      stream === 'kernel' && this.kernelPlacement === 'interleaved' ? 'guest' : stream
    // Scattered kernel allocations never continue in a region an earlier allocation left partly
    // used: each starts in a region of its own.
    const leaveRegion = stream === 'kernel' && this.kernelPlacement === 'scattered'
    let left = pages
    for (let k = 0; k < this.nodes.length && left > 0; k++) {
      const s = (slot + k) % this.nodes.length
      left = this.allocateOnNode(walk, s, left, perVisit, take, leaveRegion)
    }
    return left
  }

  private allocateOnNode(
    stream: StreamKind,
    s: number,
    pages: number,
    perVisit: number,
    take: (pos: number, n: number) => void,
    leaveRegion: boolean
  ): number {
    const node = this.nodes[s]!
    const n = node.end - node.start
    if (n === 0) return pages
    let left = pages
    let misses = 0
    // Walk the node's regions in this stream's order until the pages are placed or a whole cycle
    // finds nothing free: guest entries go up, kernel entries down (mod n), over consecutive cells.
    const guest = stream === 'guest'
    const delta = guest ? 1 : n - 1
    const fragmented = this.fragmentation > 0
    const cells = this.cells16
    let entry = guest ? node.guestEntry : node.kernelEntry
    while (left > 0 && misses < n) {
      const pos = node.start + entry
      const avail = cells[4 * pos + 2]!
      if (avail === 0) {
        misses++
        entry += delta
        if (entry >= n) entry -= n
        continue
      }
      misses = 0
      const t = perVisit < avail ? (perVisit < left ? perVisit : left) : avail < left ? avail : left
      cells[4 * pos + 2] = avail - t
      left -= t
      take(pos, t)
      // Keep filling the same region on a fresh host; move on once the visit's share is taken,
      // and after a scattered kernel allocation's last region.
      if (avail === t || fragmented || (leaveRegion && left === 0)) {
        entry += delta
        if (entry >= n) entry -= n
      }
    }
    if (guest) node.guestEntry = entry
    else node.kernelEntry = entry
    return left
  }

  /**
   * Take `count` entirely free regions for 2M/1G mappings, from the middle of the node down, then
   * up. A region whose pair a failed PAMT.REMOVE left installed is not entirely free.
   */
  allocateWhole(slot: number, count: number, take: (pos: number) => void): number {
    let left = count
    for (let k = 0; k < this.nodes.length && left > 0; k++) {
      const node = this.nodes[(slot + k) % this.nodes.length]!
      const n = node.end - node.start
      // Huge pages come from the middle of the node (in address order) down, then up, away from
      // both 4K streams' starting ends. The region i-th in address order sits at walk entry
      // i·stride⁻¹ mod n.
      const at = (i: number): number => node.start + mulMod(i, node.inverseStride, n)
      const mid = Math.floor(n / 2)
      for (let i = mid; i >= 0 && i < n && left > 0; i--) left -= this.takeWhole(at(i), take)
      for (let i = mid + 1; i < n && left > 0; i++) left -= this.takeWhole(at(i), take)
    }
    return left
  }

  /** Take the region at `pos` whole if it is entirely free: 1 when taken, else 0. */
  private takeWhole(pos: number, take: (pos: number) => void): number {
    if (this.cells16[4 * pos + 2] !== PAGES_PER_REGION || this.dangling[pos]) return 0
    this.cells16[4 * pos + 2] = 0
    take(pos)
    return 1
  }

  release(pos: number, pages: number): void {
    const i = 4 * pos + 2
    this.cells16[i] = Math.min(PAGES_PER_REGION, this.cells16[i]! + pages)
  }

  /** Take `pages` of a region out of the free count without a walk (at most what is free). */
  reserve(pos: number, pages: number): void {
    const i = 4 * pos + 2
    this.cells16[i] = Math.max(0, this.cells16[i]! - pages)
  }

  /** A failed PAMT.REMOVE left this region's pair installed (see `dangling`). */
  markDangling(pos: number): void {
    this.dangling[pos] = 1
  }
}

/** Sort a node's runs by their start; true when they do not overlap (always, from the host model). */
function disjointAscending(runs: Array<[number, number]>): boolean {
  runs.sort((a, b) => a[0] - b[0])
  for (let k = 1; k < runs.length; k++) if (runs[k]![0] < runs[k - 1]![1]) return false
  return true
}

/**
 * A node's region numbers in ascending order from its runs. Memory blocks do not overlap, so the
 * runs sorted by their start are already the sorted regions; overlapping runs (never produced by
 * the host model) fall back to sorting every region, as a list would be.
 */
function ascendingRegions(runs: Array<[number, number]>): Float64Array {
  runs.sort((a, b) => a[0] - b[0])
  let n = 0
  for (const [first, last] of runs) n += last - first
  const out = new Float64Array(n)
  let i = 0
  let overlap = false
  for (let k = 0; k < runs.length; k++) {
    const [first, last] = runs[k]!
    if (k > 0 && first < runs[k - 1]![1]) overlap = true
    for (let r = first; r < last; r++) out[i++] = r
  }
  return overlap ? out.sort() : out
}

/**
 * One node's slice of the pool and where each stream's walk stands: the permutation entry of the
 * stream's next region (its pool position minus `start`). `inverseStride` maps a region's index in
 * address order back to its entry (1 on a fresh host, where the permutation is the identity).
 */
export interface NodeWalk {
  nid: number
  start: number
  end: number
  inverseStride: number
  guestEntry: number
  kernelEntry: number
}

/** a·b mod n for 0 ≤ a, b < n < 2^31, exact in doubles (b split in 16-bit halves). */
function mulMod(a: number, b: number, n: number): number {
  const high = (a * Math.floor(b / 65536)) % n
  return (high * 65536 + a * (b % 65536)) % n
}

/** The inverse of `a` mod n (a and n coprime), by the extended Euclidean algorithm. */
function inverseMod(a: number, n: number): number {
  let [r0, r1] = [n, a % n]
  let [t0, t1] = [0, 1]
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1)
    ;[r0, r1] = [r1, r0 - q * r1]
    ;[t0, t1] = [t1, t0 - q * t1]
  }
  return ((t0 % n) + n) % n
}

/** A stride coprime with n near n·0.618, so `i·stride mod n` visits every region once per cycle. */
function scrambleStride(n: number): number {
  if (n <= 2) return 1
  let s = Math.max(1, Math.floor(n * 0.6180339887))
  while (gcd(s, n) !== 1) s++
  return s
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}
