import type { HostAnalysis } from '../host/analyzeHost'
import type { NodeRange } from '../host/numa'
import { EventKind, type PageEventBuffer } from './pageEvents'

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
  /** Whether PamtAdd/PamtRemove events are observations to check (traces). */
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
 * Replay page events against the kernel's Dynamic PAMT bookkeeping (dpamt-model.md §2.6, §2.9):
 * a refcount per 2 MiB region, a pair (8 KiB) on 0→1 and its release on 1→0, refcount 512 on
 * DEMOTE, and pamt_cache pages held per vCPU. Events must be in time order (see timeOrder()).
 * Everything is typed arrays indexed by region; cost is per region touched, not per page.
 */
export function replayEvents(
  host: HostAnalysis,
  events: PageEventBuffer,
  order: Uint32Array | null,
  opts: ReplayOptions
): ReplayResult {
  const regionLimit = Math.ceil(host.maxPfn / 512)
  const refcount = new Uint16Array(regionLimit)
  const observedPair = opts.checkObservedSeamcalls ? new Uint8Array(regionLimit) : null
  const nodeOf = regionNodeMap(host.memoryMap.nodeRanges, regionLimit)
  const nodeIds = [...new Set(host.memoryMap.nodeRanges.map((r) => r.nid))].sort((a, b) => a - b)
  const nodeIndex = new Int16Array(Math.max(1, ...nodeIds.map((n) => n + 1))).fill(-1)
  nodeIds.forEach((n, i) => (nodeIndex[n] = i))
  const nodePairs = new Float64Array(nodeIds.length)

  const findings: ReplayFinding[] = []
  const findingCounts: Record<string, number> = {}
  const find = (f: ReplayFinding): void => {
    findingCounts[f.code] = (findingCounts[f.code] ?? 0) + 1
    if (findings.length < MAX_DETAILED_FINDINGS) findings.push(f)
  }
  const at = (i: number): { line?: number; timeNs: number } => {
    const line = events.line[i]!
    return line > 0 ? { line, timeNs: events.timeNs[i]! } : { timeNs: events.timeNs[i]! }
  }

  let pairs = 0
  let cachePages = 0
  let adds = 0
  let removes = 0
  let demotes = 0
  let getOps = 0
  let putOps = 0
  let peakTotal = -1
  let peakTime = opts.startNs
  let peakPairs = 0
  let area = 0
  let lastT = opts.startNs
  const fixed = opts.staticPartBytes + opts.refcountBytes
  const total = (): number => fixed + pairs * PAIR_BYTES + cachePages * PAGE

  const samples = opts.samples
  const timeNs: number[] = new Array(samples)
  const pairSeries: number[] = new Array(samples)
  const cacheSeries: number[] = new Array(samples)
  const totalSeries: number[] = new Array(samples)
  const nodeSeries: number[][] = nodeIds.map(() => new Array(samples))
  const span = Math.max(1, opts.endNs - opts.startNs)
  let nextSample = 0
  const sampleTime = (k: number): number => opts.startNs + (span * k) / (samples - 1)
  const recordUntil = (t: number): void => {
    while (nextSample < samples && sampleTime(nextSample) < t) {
      timeNs[nextSample] = sampleTime(nextSample)
      pairSeries[nextSample] = pairs * PAIR_BYTES
      cacheSeries[nextSample] = cachePages * PAGE
      totalSeries[nextSample] = total()
      for (let n = 0; n < nodeIds.length; n++)
        nodeSeries[n]![nextSample] = nodePairs[n]! * PAIR_BYTES
      nextSample++
    }
  }

  const addPair = (r: number): void => {
    pairs++
    adds++
    const ni = nodeOf[r]!
    if (ni >= 0) nodePairs[nodeIndex[ni]!]!++
  }
  const dropPair = (r: number): void => {
    pairs--
    removes++
    const ni = nodeOf[r]!
    if (ni >= 0) nodePairs[nodeIndex[ni]!]!--
  }

  const n = events.length
  for (let j = 0; j < n; j++) {
    const i = order ? order[j]! : j
    const t = events.timeNs[i]!
    if (t > lastT) {
      recordUntil(t)
      area += total() * (Math.min(t, opts.endNs) - Math.min(lastT, opts.endNs))
      lastT = t
    }
    const kind = events.kind[i]!
    const r0 = events.region[i]!
    const count = events.regionCount[i]!
    const ppr = events.pagesPerRegion[i]!
    if (kind !== EventKind.CacheFill && kind !== EventKind.CacheFree && r0 + count > regionLimit) {
      find({
        code: 'REGION_OUTSIDE_HOST',
        message: `event on region ${r0} (pfn 0x${(r0 * 512).toString(16)}) beyond max_pfn`,
        ...at(i)
      })
      continue
    }
    switch (kind) {
      case EventKind.Get:
        getOps += count * ppr
        for (let r = r0; r < r0 + count; r++) {
          const rc = refcount[r]!
          if (rc === 0) addPair(r)
          const next = rc + ppr
          if (next > 512 && rc <= 512)
            find({
              code: 'REFCOUNT_OVER_512',
              message: `refcount of region at pfn 0x${(r * 512).toString(16)} exceeds 512`,
              ...at(i)
            })
          refcount[r] = Math.min(65535, next)
        }
        break
      case EventKind.Put:
        putOps += count * ppr
        for (let r = r0; r < r0 + count; r++) {
          const rc = refcount[r]!
          if (rc < ppr) {
            find({
              code: 'PUT_WITHOUT_GET',
              message: `put of ${ppr} page(s) in the region at pfn 0x${(r * 512).toString(16)} whose refcount is ${rc}: a put without a get (refcount underflow)`,
              ...at(i)
            })
            if (rc > 0) dropPair(r)
            refcount[r] = 0
          } else {
            refcount[r] = rc - ppr
            if (rc === ppr) dropPair(r)
          }
        }
        break
      case EventKind.Demote:
        for (let r = r0; r < r0 + count; r++) {
          demotes++
          if (refcount[r] !== 0) {
            find({
              code: 'DEMOTE_ON_PAIRED_REGION',
              message: `DEMOTE on the region at pfn 0x${(r * 512).toString(16)}, which already has a pair`,
              ...at(i)
            })
            continue
          }
          addPair(r)
          refcount[r] = 512
        }
        break
      case EventKind.PamtAdd:
        if (observedPair) {
          for (let r = r0; r < r0 + count; r++) {
            if (observedPair[r])
              find({
                code: 'ADD_ON_PAIRED_REGION',
                message: `PAMT.ADD on the region at pfn 0x${(r * 512).toString(16)}, which has a pair`,
                ...at(i)
              })
            else if (refcount[r] === 0)
              find({
                code: 'ADD_WITHOUT_GET',
                message: `PAMT.ADD on the region at pfn 0x${(r * 512).toString(16)} with no get before it`,
                ...at(i)
              })
            observedPair[r] = 1
          }
        }
        break
      case EventKind.PamtRemove:
        if (observedPair) {
          for (let r = r0; r < r0 + count; r++) {
            if (!observedPair[r])
              find({
                code: 'REMOVE_WITHOUT_PAIR',
                message: `PAMT.REMOVE on the region at pfn 0x${(r * 512).toString(16)}, which has no pair`,
                ...at(i)
              })
            observedPair[r] = 0
          }
        }
        break
      case EventKind.CacheFill:
        cachePages += count * ppr
        break
      case EventKind.CacheFree:
        cachePages = Math.max(0, cachePages - count * ppr)
        break
    }
    const tot = total()
    if (tot > peakTotal) {
      peakTotal = tot
      peakTime = t
    }
    if (pairs > peakPairs) peakPairs = pairs
  }
  recordUntil(Infinity)
  if (lastT < opts.endNs) area += total() * (opts.endNs - lastT)
  if (peakTotal < 0) peakTotal = total()

  if (pairs > 0) {
    find({
      code: 'PAIRS_HELD_AT_END',
      message: `${pairs} region(s) still hold a PAMT pair at the end (${(pairs * PAIR_BYTES) / 1024} KiB): TDs still running, leaked pages, or gets with no put in the trace`
    })
  }

  return {
    timeNs,
    pairBytes: pairSeries,
    cacheBytes: cacheSeries,
    totalBytes: totalSeries,
    perNodePairBytes: nodeSeries,
    nodeIds,
    peakTotalBytes: peakTotal,
    peakTimeNs: peakTime,
    averageTotalBytes: area / span,
    peakPairs,
    pairsAtEnd: pairs,
    addCount: adds,
    removeCount: removes,
    demoteCount: demotes,
    getPageOps: getOps,
    putPageOps: putOps,
    findings,
    findingCounts
  }
}
