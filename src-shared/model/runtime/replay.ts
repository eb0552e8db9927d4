import type { HostAnalysis } from '../host/analyzeHost'
import type { NodeRange } from '../host/numa'
import { EventKind, type PageEventBuffer, type PageEventSink } from './pageEvents'

/** 8 KiB: the PAMT page pair for one 2 MiB region (TDX_DPAMT_ENTRY_PAGE_CNT = 2, §2.4). */
export const PAIR_BYTES = 2 * 4096
const PAGE = 4096
const MAX_DETAILED_FINDINGS = 200

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
}

/** Node of each 2 MiB region, -1 outside TDX memory; built once per host. */
export function regionNodeMap(nodeRanges: readonly NodeRange[], regionLimit: number): Int16Array {
  const map = new Int16Array(regionLimit).fill(-1)
  for (const r of nodeRanges) {
    const first = Math.floor(r.baseBytes / (PAGE * 512))
    const last = Math.min(regionLimit, Math.ceil(r.endBytes / (PAGE * 512)))
    for (let i = first; i < last; i++) map[i] = r.nid
  }
  return map
}

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
  private pairs = 0
  private cachePages = 0
  private adds = 0
  private removes = 0
  private demotes = 0
  private getOps = 0
  private putOps = 0
  private peakTotal = -1
  private peakTime: number
  private peakPairs = 0
  private area = 0
  private lastT: number
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

  constructor(
    host: HostAnalysis,
    private readonly opts: ReplayOptions
  ) {
    this.regionLimit = Math.ceil(host.maxPfn / 512)
    this.refcount = new Uint16Array(this.regionLimit)
    this.observedPair = opts.checkObservedSeamcalls ? new Uint8Array(this.regionLimit) : null
    this.nodeOf = regionNodeMap(host.memoryMap.nodeRanges, this.regionLimit)
    this.nodeIds = [...new Set(host.memoryMap.nodeRanges.map((r) => r.nid))].sort((a, b) => a - b)
    this.nodeIndex = new Int16Array(Math.max(1, ...this.nodeIds.map((n) => n + 1))).fill(-1)
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
    }
  }

  private addPair(r: number): void {
    this.pairs++
    this.adds++
    const nid = this.nodeOf[r]!
    if (nid >= 0) this.nodePairs[this.nodeIndex[nid]!]!++
  }

  private dropPair(r: number): void {
    this.pairs--
    this.removes++
    const nid = this.nodeOf[r]!
    if (nid >= 0) this.nodePairs[this.nodeIndex[nid]!]!--
  }

  emit(
    t: number,
    kind: EventKind,
    r0: number,
    count: number,
    ppr: number,
    _td: number,
    _cpu: number,
    line: number
  ): void {
    if (t > this.lastT) {
      this.recordUntil(t)
      this.area +=
        this.total() * (Math.min(t, this.opts.endNs) - Math.min(this.lastT, this.opts.endNs))
      this.lastT = t
    }
    const at = line > 0 ? { line, timeNs: t } : { timeNs: t }
    const pfn = (r: number): string => `0x${(r * 512).toString(16)}`
    if (
      kind !== EventKind.CacheFill &&
      kind !== EventKind.CacheFree &&
      r0 + count > this.regionLimit
    ) {
      this.find({
        code: 'REGION_OUTSIDE_HOST',
        message: `event on the region at pfn ${pfn(r0)}, beyond max_pfn`,
        ...at
      })
      return
    }
    const rc = this.refcount
    switch (kind) {
      case EventKind.Get:
        this.getOps += count * ppr
        for (let r = r0; r < r0 + count; r++) {
          const before = rc[r]!
          if (before === 0) this.addPair(r)
          const next = before + ppr
          if (next > 512 && before <= 512) {
            this.find({
              code: 'REFCOUNT_OVER_512',
              message: `refcount of the region at pfn ${pfn(r)} exceeds 512`,
              ...at
            })
          }
          rc[r] = Math.min(65535, next)
        }
        break
      case EventKind.Put:
        this.putOps += count * ppr
        for (let r = r0; r < r0 + count; r++) {
          const before = rc[r]!
          if (before < ppr) {
            this.find({
              code: 'PUT_WITHOUT_GET',
              message: `put of ${ppr} page(s) in the region at pfn ${pfn(r)} whose refcount is ${before}: a put without a get (refcount underflow)`,
              ...at
            })
            if (before > 0) this.dropPair(r)
            rc[r] = 0
          } else {
            rc[r] = before - ppr
            if (before === ppr) this.dropPair(r)
          }
        }
        break
      case EventKind.Demote:
        for (let r = r0; r < r0 + count; r++) {
          this.demotes++
          if (rc[r] !== 0) {
            this.find({
              code: 'DEMOTE_ON_PAIRED_REGION',
              message: `DEMOTE on the region at pfn ${pfn(r)}, which already has a pair`,
              ...at
            })
            continue
          }
          this.addPair(r)
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
                ...at
              })
            else if (rc[r] === 0)
              this.find({
                code: 'ADD_WITHOUT_GET',
                message: `PAMT.ADD on the region at pfn ${pfn(r)} with no get before it`,
                ...at
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
                ...at
              })
            this.observedPair[r] = 0
          }
        }
        break
      case EventKind.CacheFill:
        this.cachePages += count * ppr
        break
      case EventKind.CacheFree:
        this.cachePages = Math.max(0, this.cachePages - count * ppr)
        break
    }
    const tot = this.total()
    if (tot > this.peakTotal) {
      this.peakTotal = tot
      this.peakTime = t
    }
    if (this.pairs > this.peakPairs) this.peakPairs = this.pairs
  }

  /** Close the series at the end time and return the results. */
  finish(): ReplayResult {
    this.recordUntil(Infinity)
    if (this.lastT < this.opts.endNs) this.area += this.total() * (this.opts.endNs - this.lastT)
    if (this.peakTotal < 0) this.peakTotal = this.total()
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
      findingCounts: this.findingCounts
    }
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
