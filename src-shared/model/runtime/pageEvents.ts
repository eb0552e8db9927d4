/**
 * The page-event stream the Dynamic PAMT runtime replays (dpamt-model.md §2.6-2.8): one columnar
 * buffer of typed arrays, never one object per page. An event is region-granular, because the
 * kernel's refcount is per 2 MiB of host physical address (§2.5): it touches `regionCount`
 * consecutive 2 MiB regions starting at `region`, with `pagesPerRegion` 4 KiB pages in each. A
 * single page is one region with one page; a contiguous 1 GiB run of 4K pages is 512 regions of
 * 512 pages; a fragmented allocation is many regions with a few pages each.
 */

export const EventKind = {
  /** tdx_pamt_get for 4K pages: refcount += pages; PAMT.ADD on 0→1 (§2.6). */
  Get: 0,
  /** tdx_pamt_put: refcount -= pages; PAMT.REMOVE on 1→0 (§2.6). */
  Put: 1,
  /** DEMOTE of a 2M guest page: the region gets a pair and refcount 512 (§2.8). */
  Demote: 2,
  /** An observed TDH.PHYMEM.PAMT.ADD (traces only): checked against the replayed refcount. */
  PamtAdd: 3,
  /** An observed TDH.PHYMEM.PAMT.REMOVE (traces only). */
  PamtRemove: 4,
  /** A vCPU's pamt_cache topped up to `pagesPerRegion` pages (§2.7); region unused. */
  CacheFill: 5,
  /** A vCPU's pamt_cache freed with the vCPU; region unused. */
  CacheFree: 6
} as const
export type EventKind = (typeof EventKind)[keyof typeof EventKind]

export const EVENT_KIND_NAMES: Readonly<Record<EventKind, string>> = {
  0: 'get',
  1: 'put',
  2: 'demote',
  3: 'pamt_add',
  4: 'pamt_remove',
  5: 'cache_fill',
  6: 'cache_free'
}

/**
 * Anything that consumes page events in time order: the replay itself (scenarios stream straight
 * into it, nothing buffered), or a PageEventBuffer (traces, which must be sorted first).
 */
export interface PageEventSink {
  emit(
    timeNs: number,
    kind: EventKind,
    region: number,
    regionCount: number,
    pagesPerRegion: number,
    td: number,
    cpu: number,
    line: number
  ): void
}

/** A growable columnar event buffer. */
export class PageEventBuffer implements PageEventSink {
  timeNs: Float64Array
  kind: Uint8Array
  /** First 2 MiB region index (pfn >> 9): below 2^31 for 52-bit addresses, so 32 bits suffice. */
  region: Uint32Array
  regionCount: Uint32Array
  pagesPerRegion: Uint16Array
  /** TD id (scenario TD index, or the trace's TD id); -1 when unknown. */
  td: Int32Array
  /** CPU or vCPU that issued the event; -1 when unknown. */
  cpu: Int32Array
  /** Source line in an imported trace; 0 for generated events. */
  line: Uint32Array
  length = 0

  constructor(capacity = 1024) {
    this.timeNs = new Float64Array(capacity)
    this.kind = new Uint8Array(capacity)
    this.region = new Uint32Array(capacity)
    this.regionCount = new Uint32Array(capacity)
    this.pagesPerRegion = new Uint16Array(capacity)
    this.td = new Int32Array(capacity)
    this.cpu = new Int32Array(capacity)
    this.line = new Uint32Array(capacity)
  }

  get capacity(): number {
    return this.timeNs.length
  }

  private grow(): void {
    const cap = this.capacity * 2
    const grow = <T extends Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array>(
      a: T,
      make: (n: number) => T
    ): T => {
      const b = make(cap)
      b.set(a)
      return b
    }
    this.timeNs = grow(this.timeNs, (n) => new Float64Array(n))
    this.kind = grow(this.kind, (n) => new Uint8Array(n))
    this.region = grow(this.region, (n) => new Uint32Array(n))
    this.regionCount = grow(this.regionCount, (n) => new Uint32Array(n))
    this.pagesPerRegion = grow(this.pagesPerRegion, (n) => new Uint16Array(n))
    this.td = grow(this.td, (n) => new Int32Array(n))
    this.cpu = grow(this.cpu, (n) => new Int32Array(n))
    this.line = grow(this.line, (n) => new Uint32Array(n))
  }

  emit(
    timeNs: number,
    kind: EventKind,
    region: number,
    regionCount: number,
    pagesPerRegion: number,
    td: number,
    cpu: number,
    line: number
  ): void {
    this.push(timeNs, kind, region, regionCount, pagesPerRegion, td, cpu, line)
  }

  push(
    timeNs: number,
    kind: EventKind,
    region: number,
    regionCount: number,
    pagesPerRegion: number,
    td = -1,
    cpu = -1,
    line = 0
  ): void {
    if (this.length === this.capacity) this.grow()
    const i = this.length++
    this.timeNs[i] = timeNs
    this.kind[i] = kind
    this.region[i] = region
    this.regionCount[i] = regionCount
    this.pagesPerRegion[i] = pagesPerRegion
    this.td[i] = td
    this.cpu[i] = cpu
    this.line[i] = line
  }

  /**
   * Push 4 KiB pages `[pfn, pfn + pages)` as up to three region events: a partial first region,
   * whole middle regions, a partial last region.
   */
  pushPfnRange(
    timeNs: number,
    kind: EventKind,
    pfn: number,
    pages: number,
    td = -1,
    cpu = -1,
    line = 0
  ): void {
    let p = pfn
    let left = pages
    const headRoom = 512 - (p % 512)
    if (p % 512 !== 0 && left > 0) {
      const n = Math.min(left, headRoom)
      this.push(timeNs, kind, Math.floor(p / 512), 1, n, td, cpu, line)
      p += n
      left -= n
    }
    const whole = Math.floor(left / 512)
    if (whole > 0) {
      this.push(timeNs, kind, p / 512, whole, 512, td, cpu, line)
      p += whole * 512
      left -= whole * 512
    }
    if (left > 0) this.push(timeNs, kind, p / 512, 1, left, td, cpu, line)
  }

  /** Indices of the events in time order (stable for equal times). */
  timeOrder(): Uint32Array {
    const order = new Uint32Array(this.length)
    for (let i = 0; i < this.length; i++) order[i] = i
    const t = this.timeNs
    return order.sort((a, b) => t[a]! - t[b]! || a - b)
  }

  /** Total 4K page operations the events stand for (get/put/demote), for throughput figures. */
  pageOperations(): number {
    let n = 0
    for (let i = 0; i < this.length; i++) {
      const k = this.kind[i]
      if (k === EventKind.Get || k === EventKind.Put)
        n += this.regionCount[i]! * this.pagesPerRegion[i]!
      else if (k === EventKind.Demote) n += this.regionCount[i]! * 512
    }
    return n
  }
}
