import type { HostAnalysis } from '../host/analyzeHost'
import type { NodeRange } from '../host/numa'
import { EventKind, type PageEventBuffer, type PageEventSink } from './pageEvents'
import { maxOf } from '../../util/arrays'

/** 8 KiB: the PAMT page pair for one 2 MiB region (TDX_DPAMT_ENTRY_PAGE_CNT = 2, §2.4). */
export const PAIR_BYTES = 2 * 4096
const PAGE = 4096
const MAX_DETAILED_FINDINGS = 200

/** Most TDs the per-TD table lists (largest peak first); the rest are summed in one "other" row. */
export const TD_TABLE_ROWS = 256
/** The class bucket of memory charged to a TD with no class (no TD id, or an id the map lacks). */
export const UNATTRIBUTED_CLASS = '(no TD class)'

/**
 * The TD classes of a scenario, so the replay can sum what each class is charged. Traces have no
 * classes: their replay attributes per TD only.
 */
export interface ReplayTdClasses {
  /** Class names, in scenario order. */
  names: readonly string[]
  /** Class index (into `names`) of TD id i; a TD id beyond it, or -1, is unattributed. */
  classOfTd: readonly number[]
}

/** Something in the event stream the kernel would not do: reported with the trace line. */
export interface ReplayFinding {
  code:
    | 'PUT_WITHOUT_GET'
    | 'REFCOUNT_OVER_512'
    | 'DEMOTE_ON_PAIRED_REGION'
    | 'ADD_ON_PAIRED_REGION'
    | 'REMOVE_WITHOUT_PAIR'
    | 'ADD_WITHOUT_GET'
    | 'PAIRS_HELD_AT_END'
    | 'REGION_OUTSIDE_HOST'
  message: string
  line?: number
  timeNs?: number
}

export interface ReplayOptions {
  /** Static part of Dynamic PAMT (bitmap + 2M + 1G levels), constant. */
  staticPartBytes: number
  /** Refcount array bytes (dense or sparse), constant. */
  refcountBytes: number
  /** Sample times for the series: [startNs, endNs] in `samples` points. */
  startNs: number
  endNs: number
  samples: number
  /** A recorded trace: check observed PamtAdd/PamtRemove, and report pairs still held at the end. */
  checkObservedSeamcalls: boolean
  /** TD classes, for the per-class series and summary (null or absent: per TD only). */
  tdClasses?: ReplayTdClasses | null
}

/**
 * PAMT memory charged to one TD (docs/workload-model.md, "Who pays"): the pairs it allocated (its
 * get took the region's refcount 0→1, or its DEMOTE gave the region a pair), each until the put
 * that frees it whoever makes it, and its vCPUs' pamt caches.
 */
export interface TdPamtRow {
  /**
   * The TD id: the workload generator's (from 0, class by class, by arrival within a class), or a
   * trace's `td` column; -1 for events without one.
   */
  td: number
  /** Its class (scenarios); null for traces and TDs with no class. */
  className: string | null
  peakPairBytes: number
  /** When the TD's pair bytes first reached that peak. */
  peakPairTimeNs: number
  pairBytesAtEnd: number
  peakCacheBytes: number
  /** Pairs charged to it over the run: PAMT.ADDs on its 0→1 gets, and its DEMOTEs. */
  pairsCharged: number
}

/** The per-TD summary, bounded: the top {@link TD_TABLE_ROWS} TDs by peak pair bytes, then the rest. */
export interface TdPamtTable {
  /** TDs seen in the events (charged or not). */
  tdCount: number
  rows: TdPamtRow[]
  /** The TDs beyond the rows, summed; null when every TD has a row. */
  other: {
    tds: number
    /** The largest single peak among them (no more than the last row's). */
    largestPeakPairBytes: number
    /** Their peaks added up: an upper bound of their combined peak, reached only if simultaneous. */
    sumOfPeakPairBytes: number
    pairBytesAtEnd: number
    pairsCharged: number
  } | null
}

/** PAMT memory charged to the TDs of one class, sampled like the totals. */
export interface ClassPamt {
  /** The class name, or {@link UNATTRIBUTED_CLASS}. */
  name: string
  /** TDs of the class that started. */
  tds: number
  /** Pair and pamt-cache bytes charged to the class at each sample. */
  pairBytes: number[]
  cacheBytes: number[]
  /** Peak and time-weighted mean over [startNs, endNs] of its pair bytes, and of pairs + caches. */
  peakPairBytes: number
  averagePairBytes: number
  peakBytes: number
  averageBytes: number
  /** Its share at the moment of the total's peak (`peakTimeNs`). */
  pairBytesAtPeak: number
  cacheBytesAtPeak: number
  pairBytesAtEnd: number
}

/** The replay's outcome; series are plain arrays so they cross any transport unchanged. */
export interface ReplayResult {
  timeNs: number[]
  pairBytes: number[]
  cacheBytes: number[]
  /** staticPart + refcounts + pairs + caches at each sample. */
  totalBytes: number[]
  /** Pair bytes per node at each sample: perNodePairBytes[node][sample]. */
  perNodePairBytes: number[][]
  nodeIds: number[]
  peakTotalBytes: number
  peakTimeNs: number
  /** Time-weighted mean of the total over [startNs, endNs]. */
  averageTotalBytes: number
  peakPairs: number
  pairsAtEnd: number
  addCount: number
  removeCount: number
  demoteCount: number
  getPageOps: number
  putPageOps: number
  findings: ReplayFinding[]
  findingCounts: Record<string, number>
  /**
   * Who pays, per TD class: one entry per class in scenario order, then {@link UNATTRIBUTED_CLASS}
   * if anything was charged to a TD without one. Their pair (cache) series add up to `pairBytes`
   * (`cacheBytes`) at every sample. Null when the replay had no classes (traces).
   */
  perClass: ClassPamt[] | null
  /** Who pays, per TD: a bounded table. */
  perTd: TdPamtTable
}

/** Node of each 2 MiB region, -1 outside TDX memory; built once per host. */
export function regionNodeMap(nodeRanges: readonly NodeRange[], regionLimit: number): Int16Array {
  const map = new Int16Array(regionLimit).fill(-1)
  for (const r of nodeRanges) {
    const first = Math.floor(r.baseBytes / (PAGE * 512))
    const last = Math.min(regionLimit, Math.ceil(r.endBytes / (PAGE * 512)))
    // fill, not a loop: a 2 TiB host has a million regions, and a new worker's first run would
    // step through them in the interpreter.
    if (last > first) map.fill(r.nid, first, last)
  }
  return map
}

/** A region's first pfn in hex, for findings. */
const pfn = (r: number): string => `0x${(r * 512).toString(16)}`

/**
 * Where a finding happened: its time, and its trace line when it came from a file. Built only
 * when there is a finding (an object per event cost a fragmented fill a tenth of its replay).
 */
const findingAt = (t: number, line: number): { timeNs: number; line?: number } =>
  line > 0 ? { line, timeNs: t } : { timeNs: t }

/**
 * The kernel's Dynamic PAMT bookkeeping as a streaming consumer of page events in time order
 * (dpamt-model.md §2.6, §2.9): a refcount per 2 MiB region, a pair (8 KiB) on 0→1 and its release
 * on 1→0, refcount 512 on DEMOTE, and pamt_cache pages held per vCPU. Typed arrays indexed by
 * region; cost is per region touched, not per page, and nothing per event is kept.
 */
export class PamtReplay implements PageEventSink {
  private readonly regionLimit: number
  private readonly refcount: Uint16Array
  private readonly observedPair: Uint8Array | null
  private readonly nodeOf: Int16Array
  private readonly nodeIds: number[]
  private readonly nodeIndex: Int16Array
  private readonly nodePairs: Float64Array
  private readonly findings: ReplayFinding[] = []
  private readonly findingCounts: Record<string, number> = {}
  /**
   * Pairs installed now. Declared with a fraction and set to 0 in the constructor, so that V8
   * gives the field a double representation from the start: its byte products (× 8 KiB) pass
   * 2^31 at 262,144 pairs, and an integer field made the compiled replay deoptimize there once,
   * which cost a new worker's first 2 TiB fill about a tenth of its time (docs/workload-model.md,
   * "Performance").
   */
  private pairs = 0.5
  private cachePages = 0
  private adds = 0
  private removes = 0
  private demotes = 0
  private getOps = 0
  private putOps = 0
  private peakTotal = -1
  private peakTime = 0
  private peakPairs = 0
  private area = 0
  private lastT = 0
  private readonly fixed: number
  private readonly series: {
    timeNs: number[]
    pairs: number[]
    cache: number[]
    total: number[]
    nodes: number[][]
  }
  private nextSample = 0
  private readonly span: number
  /** The total peaked at the current state, and the per-class shares are not copied yet. */
  private peakPending = false
  // Who pays (memcg): the TD charged for each region's pair, as its slot + 1 (0: no pair). A TD id
  // maps to a dense slot; the per-TD arrays are indexed by slot.
  private owner: Uint16Array | Uint32Array
  private readonly slotOf = new Map<number, number>()
  /** The TD of the last event and its slot (-1: none yet, whatever lastTd says). */
  private lastTd = -2
  private lastSlot = -1
  private readonly tdIds: number[] = []
  private readonly tdClass: number[] = []
  private readonly tdPairs: number[] = []
  private readonly tdPeakPairs: number[] = []
  private readonly tdPeakTime: number[] = []
  private readonly tdCache: number[] = []
  private readonly tdPeakCache: number[] = []
  private readonly tdCharged: number[] = []
  /** Per class (the last index is the unattributed bucket), or null without classes. */
  private readonly cls: {
    names: readonly string[]
    classOfTd: readonly number[]
    pairs: Float64Array
    cache: Float64Array
    peakPairs: Float64Array
    peakBytes: Float64Array
    areaPairBytes: Float64Array
    areaBytes: Float64Array
    pairsAtPeak: Float64Array
    cacheAtPeak: Float64Array
    seriesPairs: number[][]
    seriesCache: number[][]
  } | null

  constructor(
    host: HostAnalysis,
    private readonly opts: ReplayOptions
  ) {
    this.pairs = 0
    this.regionLimit = Math.ceil(host.maxPfn / 512)
    this.refcount = new Uint16Array(this.regionLimit)
    this.observedPair = opts.checkObservedSeamcalls ? new Uint8Array(this.regionLimit) : null
    this.nodeOf = regionNodeMap(host.memoryMap.nodeRanges, this.regionLimit)
    this.nodeIds = [...new Set(host.memoryMap.nodeRanges.map((r) => r.nid))].sort((a, b) => a - b)
    this.nodeIndex = new Int16Array(Math.max(1, maxOf(this.nodeIds) + 1)).fill(-1)
    this.nodeIds.forEach((n, i) => (this.nodeIndex[n] = i))
    this.nodePairs = new Float64Array(this.nodeIds.length)
    this.fixed = opts.staticPartBytes + opts.refcountBytes
    this.peakTime = opts.startNs
    this.lastT = opts.startNs
    this.span = Math.max(1, opts.endNs - opts.startNs)
    const n = opts.samples
    this.series = {
      timeNs: new Array(n),
      pairs: new Array(n),
      cache: new Array(n),
      total: new Array(n),
      nodes: this.nodeIds.map(() => new Array(n))
    }
    this.owner = new Uint16Array(this.regionLimit)
    const tc = opts.tdClasses
    if (tc) {
      const k = tc.names.length + 1
      this.cls = {
        names: tc.names,
        classOfTd: tc.classOfTd,
        pairs: new Float64Array(k),
        cache: new Float64Array(k),
        peakPairs: new Float64Array(k),
        peakBytes: new Float64Array(k),
        areaPairBytes: new Float64Array(k),
        areaBytes: new Float64Array(k),
        pairsAtPeak: new Float64Array(k),
        cacheAtPeak: new Float64Array(k),
        seriesPairs: Array.from({ length: k }, () => new Array<number>(n)),
        seriesCache: Array.from({ length: k }, () => new Array<number>(n))
      }
    } else this.cls = null
  }

  /** The dense slot of a TD id, created on first use. */
  private slot(td: number): number {
    const s = this.slotOf.get(td) ?? this.addSlot(td)
    this.lastTd = td
    this.lastSlot = s
    return s
  }

  /** A new TD: its slot and per-TD counters (kept out of slot(), the hot path, on purpose). */
  private addSlot(td: number): number {
    const s = this.tdIds.length
    this.slotOf.set(td, s)
    this.tdIds.push(td)
    const c = this.cls
    const ci = c ? c.classOfTd[td] : undefined
    this.tdClass.push(
      c ? (td >= 0 && ci !== undefined && ci >= 0 && ci < c.names.length ? ci : c.names.length) : -1
    )
    this.tdPairs.push(0)
    this.tdPeakPairs.push(0)
    this.tdPeakTime.push(this.opts.startNs)
    this.tdCache.push(0)
    this.tdPeakCache.push(0)
    this.tdCharged.push(0)
    // Slot + 1 must fit the owner array: widen it past 65535 TDs.
    if (s + 1 > 0xffff && this.owner instanceof Uint16Array) {
      const wide = new Uint32Array(this.regionLimit)
      wide.set(this.owner)
      this.owner = wide
    }
    return s
  }

  /** Time-weighted sums over dt ns of the state before the next event: total and per class. */
  private accrue(dt: number): void {
    this.area += this.total() * dt
    const c = this.cls
    if (!c || dt <= 0) return
    for (let j = 0; j < c.pairs.length; j++) {
      const pairBytes = c.pairs[j]! * PAIR_BYTES
      c.areaPairBytes[j]! += pairBytes * dt
      c.areaBytes[j]! += (pairBytes + c.cache[j]! * PAGE) * dt
    }
  }

  /** Copy the per-class shares of the peak state (only decreases can leave it). */
  private snapshotPeak(): void {
    const c = this.cls!
    c.pairsAtPeak.set(c.pairs)
    c.cacheAtPeak.set(c.cache)
    this.peakPending = false
  }

  /** After an event that charged slot s: its peaks, and its class's. */
  private notePeaks(s: number, t: number): void {
    if (this.tdPairs[s]! > this.tdPeakPairs[s]!) {
      this.tdPeakPairs[s] = this.tdPairs[s]!
      this.tdPeakTime[s] = t
    }
    if (this.tdCache[s]! > this.tdPeakCache[s]!) this.tdPeakCache[s] = this.tdCache[s]!
    const c = this.cls
    if (c) {
      const k = this.tdClass[s]!
      const pairs = c.pairs[k]!
      if (pairs > c.peakPairs[k]!) c.peakPairs[k] = pairs
      const bytes = pairs * PAIR_BYTES + c.cache[k]! * PAGE
      if (bytes > c.peakBytes[k]!) c.peakBytes[k] = bytes
    }
  }

  private total(): number {
    return this.fixed + this.pairs * PAIR_BYTES + this.cachePages * PAGE
  }

  private find(f: ReplayFinding): void {
    this.findingCounts[f.code] = (this.findingCounts[f.code] ?? 0) + 1
    if (this.findings.length < MAX_DETAILED_FINDINGS) this.findings.push(f)
  }

  private sampleTime(k: number): number {
    return this.opts.startNs + (this.span * k) / (this.opts.samples - 1)
  }

  /** Record every sample before time t: the state after all events at or before that sample. */
  private recordUntil(t: number): void {
    const s = this.series
    while (this.nextSample < this.opts.samples && this.sampleTime(this.nextSample) < t) {
      const k = this.nextSample++
      s.timeNs[k] = this.sampleTime(k)
      s.pairs[k] = this.pairs * PAIR_BYTES
      s.cache[k] = this.cachePages * PAGE
      s.total[k] = this.total()
      for (let n = 0; n < this.nodeIds.length; n++) s.nodes[n]![k] = this.nodePairs[n]! * PAIR_BYTES
      const c = this.cls
      if (c) {
        for (let j = 0; j < c.pairs.length; j++) {
          c.seriesPairs[j]![k] = c.pairs[j]! * PAIR_BYTES
          c.seriesCache[j]![k] = c.cache[j]! * PAGE
        }
      }
    }
  }

  /**
   * A pair for region r, charged to slot s: the pair pages are `alloc_page(GFP_KERNEL_ACCOUNT)`
   * (arch/x86/virt/vmx/tdx/tdx.c `alloc_pamt_array()`, or the vCPU's cache filled the same way by
   * `tdx_topup_pamt_cache()`), and the page allocator charges such a page to the allocating task's
   * memory cgroup (mm/page_alloc.c `__alloc_pages()` → mm/memcontrol.c `__memcg_kmem_charge_page()`,
   * `current_obj_cgroup()`): the TD whose get made the 0→1 transition.
   */
  private addPair(r: number, s: number): void {
    this.placePair(r, s)
    this.chargePairs(s, 1)
  }

  /** Region r's new pair on its node and its owner; the counts are {@link chargePairs}'. */
  private placePair(r: number, s: number): void {
    const nid = this.nodeOf[r]!
    if (nid >= 0) this.nodePairs[this.nodeIndex[nid]!]!++
    this.owner[r] = s + 1
  }

  /**
   * `n` new pairs charged to TD slot s: once per event, not per region (a fresh host's get covers
   * thousands of regions in one event).
   */
  private chargePairs(s: number, n: number): void {
    this.pairs += n
    this.adds += n
    this.tdPairs[s]! += n
    this.tdCharged[s]! += n
    if (this.cls) this.cls.pairs[this.tdClass[s]!]! += n
  }

  /**
   * The pair of region r freed (1→0), off its node and uncharged from the TD it was charged to,
   * whoever made the put (the page keeps its cgroup until freed: mm/page_alloc.c
   * `free_pages_prepare()` → `__memcg_kmem_uncharge_page()`). The caller counts the frees, once
   * per event.
   */
  private unplacePair(r: number): void {
    const nid = this.nodeOf[r]!
    if (nid >= 0) this.nodePairs[this.nodeIndex[nid]!]!--
    const s = this.owner[r]! - 1
    this.owner[r] = 0
    if (s >= 0) {
      this.tdPairs[s]!--
      if (this.cls) this.cls.pairs[this.tdClass[s]!]!--
    }
  }

  emit(
    t: number,
    kind: EventKind,
    r0: number,
    count: number,
    ppr: number,
    td: number,
    _cpu: number,
    line: number
  ): void {
    if (t > this.lastT) {
      this.recordUntil(t)
      this.accrue(Math.min(t, this.opts.endNs) - Math.min(this.lastT, this.opts.endNs))
      this.lastT = t
    }
    /** Whether this event charged its TD something (a pair or cache pages), for its peaks. */
    let charged = false
    /** Pairs this event added or freed, counted once after its regions. */
    let added = 0
    let dropped = 0
    if (
      kind !== EventKind.CacheFill &&
      kind !== EventKind.CacheFree &&
      r0 + count > this.regionLimit
    ) {
      this.find({
        code: 'REGION_OUTSIDE_HOST',
        message: `event on the region at pfn ${pfn(r0)}, beyond max_pfn`,
        ...findingAt(t, line)
      })
      return
    }
    const rc = this.refcount
    // Every TD in an event on the host has a row, even one charged nothing. (The last TD is kept:
    // events come in runs of one TD. Testing `kind` here too measured a third slower.)
    const s = td === this.lastTd && this.lastSlot >= 0 ? this.lastSlot : this.slot(td)
    switch (kind) {
      case EventKind.Get:
        this.getOps += count * ppr
        for (let r = r0; r < r0 + count; r++) {
          const before = rc[r]!
          if (before === 0) {
            this.placePair(r, s)
            added++
          }
          const next = before + ppr
          if (next > 512 && before <= 512) {
            this.find({
              code: 'REFCOUNT_OVER_512',
              message: `refcount of the region at pfn ${pfn(r)} exceeds 512`,
              ...findingAt(t, line)
            })
          }
          rc[r] = Math.min(65535, next)
        }
        if (added > 0) {
          this.chargePairs(s, added)
          charged = true
        }
        break
      case EventKind.Put:
        if (this.peakPending) this.snapshotPeak()
        this.putOps += count * ppr
        for (let r = r0; r < r0 + count; r++) {
          const before = rc[r]!
          if (before < ppr) {
            this.find({
              code: 'PUT_WITHOUT_GET',
              message: `put of ${ppr} page(s) in the region at pfn ${pfn(r)} whose refcount is ${before}: a put without a get (refcount underflow)`,
              ...findingAt(t, line)
            })
            if (before > 0) {
              this.unplacePair(r)
              dropped++
            }
            rc[r] = 0
          } else {
            rc[r] = before - ppr
            if (before === ppr) {
              this.unplacePair(r)
              dropped++
            }
          }
        }
        this.pairs -= dropped
        this.removes += dropped
        break
      case EventKind.Demote:
        for (let r = r0; r < r0 + count; r++) {
          this.demotes++
          if (rc[r] !== 0) {
            this.find({
              code: 'DEMOTE_ON_PAIRED_REGION',
              message: `DEMOTE on the region at pfn ${pfn(r)}, which already has a pair`,
              ...findingAt(t, line)
            })
            continue
          }
          this.addPair(r, s)
          charged = true
          rc[r] = 512
        }
        break
      case EventKind.PamtAdd:
        if (this.observedPair) {
          for (let r = r0; r < r0 + count; r++) {
            if (this.observedPair[r])
              this.find({
                code: 'ADD_ON_PAIRED_REGION',
                message: `PAMT.ADD on the region at pfn ${pfn(r)}, which has a pair`,
                ...findingAt(t, line)
              })
            else if (rc[r] === 0)
              this.find({
                code: 'ADD_WITHOUT_GET',
                message: `PAMT.ADD on the region at pfn ${pfn(r)} with no get before it`,
                ...findingAt(t, line)
              })
            this.observedPair[r] = 1
          }
        }
        break
      case EventKind.PamtRemove:
        if (this.observedPair) {
          for (let r = r0; r < r0 + count; r++) {
            if (!this.observedPair[r])
              this.find({
                code: 'REMOVE_WITHOUT_PAIR',
                message: `PAMT.REMOVE on the region at pfn ${pfn(r)}, which has no pair`,
                ...findingAt(t, line)
              })
            this.observedPair[r] = 0
          }
        }
        break
      case EventKind.CacheFill: {
        // The vCPU's cache pages are charged to its TD like the pairs (tdx_topup_pamt_cache()).
        charged = true
        this.cachePages += count * ppr
        this.tdCache[s]! += count * ppr
        if (this.cls) this.cls.cache[this.tdClass[s]!]! += count * ppr
        break
      }
      case EventKind.CacheFree: {
        // A TD frees at most the cache pages it holds (tdx_free_pamt_cache()).
        if (this.peakPending) this.snapshotPeak()
        const freed = Math.min(count * ppr, this.tdCache[s]!)
        this.cachePages -= freed
        this.tdCache[s]! -= freed
        if (this.cls) this.cls.cache[this.tdClass[s]!]! -= freed
        break
      }
    }
    if (charged) this.notePeaks(s, t)
    const tot = this.total()
    if (tot > this.peakTotal) {
      this.peakTotal = tot
      this.peakTime = t
      // The per-class shares at this peak are copied only before the state next goes down.
      this.peakPending = this.cls !== null
    }
    if (this.pairs > this.peakPairs) this.peakPairs = this.pairs
  }

  /** Close the series at the end time and return the results. */
  finish(): ReplayResult {
    this.recordUntil(Infinity)
    if (this.lastT < this.opts.endNs) this.accrue(this.opts.endNs - this.lastT)
    if (this.peakTotal < 0) this.peakTotal = this.total()
    if (this.peakPending) this.snapshotPeak()
    // In a scenario, pairs at the end are TDs still running (leaks are counted by the generator).
    if (this.opts.checkObservedSeamcalls && this.pairs > 0) {
      this.find({
        code: 'PAIRS_HELD_AT_END',
        message: `${this.pairs} region(s) still hold a PAMT pair at the end (${(this.pairs * PAIR_BYTES) / 1024} KiB): gets with no put in the trace, TDs still running, or leaked pages`
      })
    }
    return {
      timeNs: this.series.timeNs,
      pairBytes: this.series.pairs,
      cacheBytes: this.series.cache,
      totalBytes: this.series.total,
      perNodePairBytes: this.series.nodes,
      nodeIds: this.nodeIds,
      peakTotalBytes: this.peakTotal,
      peakTimeNs: this.peakTime,
      averageTotalBytes: this.area / this.span,
      peakPairs: this.peakPairs,
      pairsAtEnd: this.pairs,
      addCount: this.adds,
      removeCount: this.removes,
      demoteCount: this.demotes,
      getPageOps: this.getOps,
      putPageOps: this.putOps,
      findings: this.findings,
      findingCounts: this.findingCounts,
      perClass: this.classSummary(),
      perTd: this.tdTable()
    }
  }

  private classSummary(): ClassPamt[] | null {
    const c = this.cls
    if (!c) return null
    const tds = new Array<number>(c.pairs.length).fill(0)
    for (const k of c.classOfTd) tds[k >= 0 && k < c.names.length ? k : c.names.length]!++
    const out: ClassPamt[] = []
    for (let j = 0; j < c.pairs.length; j++) {
      const unattributed = j === c.names.length
      // The unattributed bucket is listed only when something was charged to it.
      if (unattributed && c.peakBytes[j] === 0) continue
      out.push({
        name: unattributed ? UNATTRIBUTED_CLASS : c.names[j]!,
        tds: unattributed ? 0 : tds[j]!,
        pairBytes: c.seriesPairs[j]!,
        cacheBytes: c.seriesCache[j]!,
        peakPairBytes: c.peakPairs[j]! * PAIR_BYTES,
        averagePairBytes: c.areaPairBytes[j]! / this.span,
        peakBytes: c.peakBytes[j]!,
        averageBytes: c.areaBytes[j]! / this.span,
        pairBytesAtPeak: c.pairsAtPeak[j]! * PAIR_BYTES,
        cacheBytesAtPeak: c.cacheAtPeak[j]! * PAGE,
        pairBytesAtEnd: c.pairs[j]! * PAIR_BYTES
      })
    }
    return out
  }

  private tdTable(): TdPamtTable {
    const n = this.tdIds.length
    const order = Array.from({ length: n }, (_, s) => s).sort(
      (a, b) =>
        this.tdPeakPairs[b]! - this.tdPeakPairs[a]! ||
        this.tdPeakCache[b]! - this.tdPeakCache[a]! ||
        this.tdIds[a]! - this.tdIds[b]!
    )
    const c = this.cls
    const rows = order.slice(0, TD_TABLE_ROWS).map((s): TdPamtRow => ({
      td: this.tdIds[s]!,
      className: c && this.tdClass[s]! < c.names.length ? c.names[this.tdClass[s]!]! : null,
      peakPairBytes: this.tdPeakPairs[s]! * PAIR_BYTES,
      peakPairTimeNs: this.tdPeakTime[s]!,
      pairBytesAtEnd: this.tdPairs[s]! * PAIR_BYTES,
      peakCacheBytes: this.tdPeakCache[s]! * PAGE,
      pairsCharged: this.tdCharged[s]!
    }))
    const rest = order.slice(TD_TABLE_ROWS)
    let other: TdPamtTable['other'] = null
    if (rest.length) {
      other = {
        tds: rest.length,
        largestPeakPairBytes: 0,
        sumOfPeakPairBytes: 0,
        pairBytesAtEnd: 0,
        pairsCharged: 0
      }
      for (const s of rest) {
        const peak = this.tdPeakPairs[s]! * PAIR_BYTES
        other.largestPeakPairBytes = Math.max(other.largestPeakPairBytes, peak)
        other.sumOfPeakPairBytes += peak
        other.pairBytesAtEnd += this.tdPairs[s]! * PAIR_BYTES
        other.pairsCharged += this.tdCharged[s]!
      }
    }
    return { tdCount: n, rows, other }
  }
}

/** Replay a buffered event stream, in `order` (from timeOrder()) or as stored. */
export function replayEvents(
  host: HostAnalysis,
  events: PageEventBuffer,
  order: Uint32Array | null,
  opts: ReplayOptions
): ReplayResult {
  const replay = new PamtReplay(host, opts)
  for (let j = 0; j < events.length; j++) {
    const i = order ? order[j]! : j
    replay.emit(
      events.timeNs[i]!,
      events.kind[i] as EventKind,
      events.region[i]!,
      events.regionCount[i]!,
      events.pagesPerRegion[i]!,
      events.td[i]!,
      events.cpu[i]!,
      events.line[i]!
    )
  }
  return replay.finish()
}
