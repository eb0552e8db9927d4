import type { HostAnalysis } from '../host/analyzeHost'
import { planScenarioTds, type ScenarioCapacity, type TdPlan } from './capacity'
import { EventKind, type PageEventSink } from '../runtime/pageEvents'
import { AllocationRuns } from './allocationRuns'
import { CoalescingSink } from './coalescingSink'
import { SeededRandom } from './random'
import { PAGES_PER_REGION, pagesPerRegionVisit, RegionPool, type StreamKind } from './regionPool'
import type { KvmMaxLeaf, Scenario, TdClass } from './scenario'
import {
  controlPages,
  conversionLayout,
  PAMT_CACHE_PAGES_PER_VCPU,
  septPages,
  tdMemoryLayout,
  type ConversionLayout,
  type TdMemoryLayout
} from './tdPages'

const PAGE = 4096
const SZ_2M = 2 ** 21
const SZ_1G = 2 ** 30
const SLOTS_1G = 512

/** A 2 MiB mapping split by a conversion: its region, the 4K pages now shared, and whether back. */
interface Split {
  pos: number
  pages: number
  scattered: boolean
  reverted: boolean
}

/** One TD instance: its class, its times and the pages it holds (as pool positions and counts). */
interface TdState {
  id: number
  cls: TdClass
  layout: TdMemoryLayout
  conv: ConversionLayout
  slot: number
  startNs: number
  endNs: number | null
  /** 4K pages held per stream, as runs of (pool position, pages). */
  guest: AllocationRuns
  kernel: AllocationRuns
  /** Pool positions of 2M mappings, and of the 512 regions of each 1G mapping, in GPA order. */
  twoMPos: number[]
  oneGPos: number[]
  /** 2M mapping indices converted to shared (split or whole): never demoted by demoteShare. */
  convertedTwoM: Set<number>
  /** Pool positions of 2M mappings demoted at mid-life: refcount 512, one pair each. */
  demotedPos: number[]
  splits: Split[]
  /** 4K guest pages converted to shared, per guest run index. */
  guestShared: Map<number, number>
  /** The scattered 4K slices, to convert back: (run index, pages). */
  scatteredSlices: Array<[number, number]>
  acceptedFourK: number
  acceptedTwoM: number
  acceptedOneG: number
  septHeld: number
}

type Action = {
  timeNs: number
  seq: number
  td: TdState
  kind: 'build' | 'accept' | 'convert' | 'revert' | 'demote' | 'teardown'
  step?: number
}

/** A class's conversions, for the result: the inputs they depend on and what one TD pays. */
export interface ConversionNote {
  className: string
  /** TDs of the class that started. */
  tds: number
  kvmMaxLeaf: KvmMaxLeaf
  /** Pool bytes converted per TD, and whether they are the guest's swiotlb default. */
  poolBytes: number
  poolFromSwiotlbDefault: boolean
  poolOffsetPages: number
  scatteredBytes: number
  pagesPerSplit: number
  atNs: number
  scatteredSharedForNs: number | null
  /** Per TD: 2M mappings split (a pair each), converted whole (none), 1G splits, 4K pages. */
  splitMappings: number
  wholeMappings: number
  oneGSplits: number
  fourKPages: number
  /** Per TD: pages asked for that did not fit the TD's memory after its image. */
  clippedPages: number
}

/** What the generator could not do, reported with the results. */
export interface GenerationNotes {
  /** TDs that started before the end of the scenario. */
  tdsStarted: number
  /** 4K pages that found no free page anywhere on the host. */
  unplacedPages: number
  /** Whole regions (huge mappings) that found no entirely free region. */
  unplacedRegions: number
  /** Control and S-EPT pages whose reclaim failed, leaking their page (§2.8). */
  leakedPages: number
  /**
   * PAMT.REMOVEs that failed on a refcount's 1→0: tdx_pamt_put() WARNs, sets the refcount back to
   * 1 and leaves the pair installed, so each is a pair (8 KiB) that stays for the host's uptime.
   */
  leakedPairs: number
  /** One entry per class that converts memory to shared (none when no class does). */
  conversions: ConversionNote[]
}

/**
 * Turn a scenario into the page-event stream on host PFNs that the kernel's Dynamic PAMT code would
 * see (dpamt-model.md §2.7-2.8): control pages at TD creation, the build image by PAGE.ADD (4K),
 * private memory accepted eagerly or lazily (4K pages get, 2M/1G mappings do not, S-EPT pages get),
 * private-to-shared conversions (split: DEMOTE, then puts), DEMOTE at mid-life, and teardown with
 * optional reclaim failures. Events come out in time order.
 */
export function generateEvents(
  host: HostAnalysis,
  scenario: Scenario,
  sink: PageEventSink,
  plan: TdPlan = planScenarioTds(scenario, host.tdxMemoryBytes, host.params)
): {
  notes: GenerationNotes
  capacity: ScenarioCapacity
  eventCount: number
  pageOperations: number
  /** 2 MiB regions the events touch: the work of the run. */
  regionVisits: number
} {
  const rng = new SeededRandom(scenario.seed)
  const pool = new RegionPool(
    host.memoryBlocks,
    scenario.host.fragmentation,
    scenario.host.kernelPlacement
  )
  const events = new CoalescingSink(sink)
  const maxLeaf = scenario.kvmMaxLeaf
  const notes: GenerationNotes = {
    tdsStarted: 0,
    unplacedPages: 0,
    unplacedRegions: 0,
    leakedPages: 0,
    leakedPairs: 0,
    conversions: []
  }
  const actions: Action[] = []
  let seq = 0
  let nextId = 0

  const { planned, admitted, capacity } = plan
  const perClass = new Map<
    TdClass,
    { layout: TdMemoryLayout; conv: ConversionLayout; note: ConversionNote | null }
  >()
  for (const cls of scenario.tdClasses) {
    const conv = conversionLayout(cls, maxLeaf)
    const cv = cls.conversions
    const note: ConversionNote | null =
      conv.poolBytes + conv.scatteredBytes + conv.clippedPages > 0
        ? {
            className: cls.name,
            tds: 0,
            kvmMaxLeaf: maxLeaf,
            poolBytes: conv.poolBytes,
            poolFromSwiotlbDefault: cv.poolBytes === 'swiotlb',
            poolOffsetPages: cv.poolOffsetPages,
            scatteredBytes: conv.scatteredBytes,
            pagesPerSplit: cv.pagesPerSplit,
            atNs: cv.atNs,
            scatteredSharedForNs: cv.scatteredSharedForNs,
            splitMappings: conv.splits,
            wholeMappings: conv.wholeTwoM,
            oneGSplits: conv.oneGSplits,
            fourKPages: conv.fourKPages,
            clippedPages: conv.clippedPages
          }
        : null
    if (note) notes.conversions.push(note)
    perClass.set(cls, { layout: tdMemoryLayout(cls, maxLeaf), conv, note })
  }

  for (const plan of planned) {
    // A TD whose memory does not fit beside the running ones is not started (capacity.ts).
    if (!admitted[plan.id]) continue
    const { cls, startNs } = plan
    const { layout, conv, note } = perClass.get(cls)!
    const td: TdState = {
      id: nextId,
      cls,
      layout,
      conv,
      slot: pool.nodes.length ? nextId % pool.nodes.length : 0,
      startNs,
      endNs: plan.endNs,
      // Sized for the runs its 4K memory will take (one per region visit), up to a bound: a fresh
      // host's 16 GiB TD takes 8192, and growing to that by doubling was a tenth of a cold fill.
      guest: new AllocationRuns(guestRunsHint(layout.fourKPages, scenario.host.fragmentation)),
      kernel: new AllocationRuns(),
      twoMPos: [],
      oneGPos: [],
      convertedTwoM: new Set(),
      demotedPos: [],
      splits: [],
      guestShared: new Map(),
      scatteredSlices: [],
      acceptedFourK: 0,
      acceptedTwoM: 0,
      acceptedOneG: 0,
      septHeld: 0
    }
    nextId++
    notes.tdsStarted++
    if (note) note.tds++
    const end = td.endNs !== null && td.endNs <= scenario.durationNs ? td.endNs : Infinity
    actions.push({ timeNs: startNs, seq: seq++, td, kind: 'build' })
    const steps = cls.accept.mode === 'lazy' ? cls.accept.steps : 1
    for (let s = 1; s <= steps; s++) {
      const at =
        cls.accept.mode === 'lazy' ? startNs + (cls.accept.durationNs * s) / steps : startNs
      actions.push({ timeNs: at, seq: seq++, td, kind: 'accept', step: s })
    }
    const hasConversions = conv.huge.length + conv.fourK.length > 0
    const convertAt = startNs + cls.conversions.atNs
    // Conversions at or after teardown never happen; those at boot follow an eager accept.
    if (hasConversions && convertAt < end && convertAt <= scenario.durationNs) {
      actions.push({ timeNs: convertAt, seq: seq++, td, kind: 'convert' })
      const back = cls.conversions.scatteredSharedForNs
      if (back !== null && convertAt + back < end && convertAt + back <= scenario.durationNs)
        actions.push({ timeNs: convertAt + back, seq: seq++, td, kind: 'revert' })
    }
    const life = td.endNs === null ? scenario.durationNs - startNs : td.endNs - startNs
    if (cls.demoteShare > 0)
      actions.push({ timeNs: startNs + life / 2, seq: seq++, td, kind: 'demote' })
    if (end !== Infinity) actions.push({ timeNs: td.endNs!, seq: seq++, td, kind: 'teardown' })
  }
  actions.sort((a, b) => a.timeNs - b.timeNs || a.seq - b.seq)

  // The kernel's refcount per 2 MiB region (dpamt-model.md §2.5), mirrored by pool position: the
  // generator needs it to know which put takes a refcount from 1 to 0, the one that does
  // PAMT.REMOVE and can fail. Every get, put and DEMOTE goes through the three helpers below. It
  // lives in the pool's cells (lane 3 of each position), beside the free count and region number.
  const cells = pool.cells16
  const regionOf = pool.cells32
  const failRate = scenario.host.reclaimFailureRate
  const removeRng = rng.fork(2_000_003)

  const getAt = (t: number, pos: number, n: number, td: TdState): void => {
    cells[4 * pos + 3] = cells[4 * pos + 3]! + n
    events.emit(t, EventKind.Get, regionOf[2 * pos]!, 1, n, td.id)
  }

  const demoteAt = (t: number, pos: number, td: TdState): void => {
    cells[4 * pos + 3] = PAGES_PER_REGION
    events.emit(t, EventKind.Demote, regionOf[2 * pos]!, 1, PAGES_PER_REGION, td.id)
  }

  /**
   * `n` puts on one region. The last of them, if it takes the refcount from 1 to 0, does
   * PAMT.REMOVE; when that fails, tdx_pamt_put() WARNs, sets the refcount back to 1 and keeps the
   * pair pages (v6 06/11, arch/x86/virt/vmx/tdx/tdx.c): the pair leaks, and the region's refcount
   * stays 1 with no page behind it. The page itself is still freed (tdx_free_control_page() frees
   * it after the put; a guest page goes back to guest_memfd).
   */
  const putAt = (t: number, pos: number, n: number, td: TdState): void => {
    if (n <= 0) return
    const before = cells[4 * pos + 3]!
    let puts = n
    if (before === n && failRate > 0 && removeRng.next() < failRate) {
      notes.leakedPairs++
      pool.markDangling(pos)
      puts = n - 1
    }
    cells[4 * pos + 3] = Math.max(0, before - puts)
    if (puts > 0) events.emit(t, EventKind.Put, regionOf[2 * pos]!, 1, puts, td.id)
  }

  // One callback for every allocation, reading the get in progress from these, not a closure per
  // get: a new closure at the pool's call site each time cost the compiled walk a deopt.
  let takeT = 0
  let takeTd: TdState | null = null
  let takeRuns: AllocationRuns | null = null
  const take = (p: number, n: number): void => {
    getAt(takeT, p, n, takeTd!)
    takeRuns!.push(p, n)
  }
  const get = (t: number, td: TdState, stream: StreamKind, pages: number): void => {
    if (pages <= 0) return
    takeT = t
    takeTd = td
    takeRuns = stream === 'guest' ? td.guest : td.kernel
    notes.unplacedPages += pool.allocate(stream, td.slot, pages, take)
  }

  /** Map private memory up to these counts (never down), with the S-EPT pages it needs. */
  const acceptTo = (t: number, td: TdState, fourK: number, twoM: number, oneG: number): void => {
    get(t, td, 'guest', fourK - td.acceptedFourK)
    if (twoM > td.acceptedTwoM)
      notes.unplacedRegions += pool.allocateWhole(td.slot, twoM - td.acceptedTwoM, (p) =>
        td.twoMPos.push(p)
      )
    if (oneG > td.acceptedOneG)
      notes.unplacedRegions += pool.allocateWhole(
        td.slot,
        (oneG - td.acceptedOneG) * SLOTS_1G,
        (p) => td.oneGPos.push(p)
      )
    td.acceptedFourK = Math.max(td.acceptedFourK, fourK)
    td.acceptedTwoM = Math.max(td.acceptedTwoM, twoM)
    td.acceptedOneG = Math.max(td.acceptedOneG, oneG)
    const sept = septPages(
      td.acceptedFourK * PAGE,
      td.acceptedTwoM * SZ_2M,
      td.acceptedOneG * SZ_1G,
      td.cls.septLevels
    )
    get(t, td, 'kernel', sept - td.septHeld)
    td.septHeld = Math.max(td.septHeld, sept)
  }

  /** Pool position of huge slot `s` (1G mappings' slots first, then the 2M mappings). */
  const slotPos = (td: TdState, s: number): number | undefined => {
    const oneGSlots = td.layout.oneGMappings * SLOTS_1G
    return s < oneGSlots ? td.oneGPos[s] : td.twoMPos[s - oneGSlots]
  }

  /** Walk the guest runs over 4K-memory page ranges (sorted, in GPA order after the image). */
  const sliceGuest = (
    td: TdState,
    ranges: Array<[number, number]>,
    each: (run: number, pos: number, n: number) => void
  ): void => {
    let run = 0
    let runStart = 0
    for (const [from, count] of ranges) {
      let a = td.layout.imagePages + from
      let left = count
      while (left > 0 && run < td.guest.length) {
        const len = td.guest.pages[run]!
        if (a >= runStart + len) {
          runStart += len
          run++
          continue
        }
        const n = Math.min(left, runStart + len - a)
        each(run, td.guest.pos[run]!, n)
        a += n
        left -= n
      }
    }
  }

  const fourKRanges = (td: TdState, scattered: boolean): Array<[number, number]> => {
    const out: Array<[number, number]> = []
    for (const f of td.conv.fourK) {
      if (f.scattered !== scattered) continue
      for (let j = 0; j < f.n; j++) out.push([f.start + j * f.stride, f.pages])
    }
    return out
  }

  const convert = (t: number, td: TdState): void => {
    const { layout, conv } = td
    // What is converted must be mapped private first (TDVF accepts low memory before the kernel
    // converts its swiotlb): map the huge slots and 4K pages the conversions touch.
    const oneGNeeded = Math.min(layout.oneGMappings, Math.ceil(conv.hugeSlotsNeeded / SLOTS_1G))
    const twoMNeeded = Math.max(0, conv.hugeSlotsNeeded - layout.oneGMappings * SLOTS_1G)
    acceptTo(t, td, layout.imagePages + conv.fourKNeeded, twoMNeeded, oneGNeeded)
    // New S-EPT tables: a PD per 1G mapping split to 2M, a PT per 2M mapping split to 4K.
    get(t, td, 'kernel', conv.septExtra)
    const split: Split[] = []
    for (const h of conv.huge) {
      for (let s = h.slot; s < h.slot + h.count; s++) {
        const pos = slotPos(td, s)
        if (pos === undefined) continue // not placed (host full)
        if (s >= layout.oneGMappings * SLOTS_1G)
          td.convertedTwoM.add(s - layout.oneGMappings * SLOTS_1G)
        // Converted whole: the 2M leaf is zapped, no DPAMT get or put.
        if (h.pages < PAGES_PER_REGION)
          split.push({ pos, pages: h.pages, scattered: h.scattered, reverted: false })
      }
    }
    // DEMOTE: a pair and refcount 512 per split mapping; then its converted 4K leaves are removed.
    for (const x of split) demoteAt(t, x.pos, td)
    for (const x of split) putAt(t, x.pos, x.pages, td)
    for (const x of split) td.splits.push(x)
    for (const scattered of [false, true]) {
      sliceGuest(td, fourKRanges(td, scattered), (run, pos, n) => {
        putAt(t, pos, n, td)
        td.guestShared.set(run, (td.guestShared.get(run) ?? 0) + n)
        if (scattered) td.scatteredSlices.push([run, n])
      })
    }
  }

  /**
   * The scattered buffers back to private: KVM maps them again at 4K (it never promotes a split
   * S-EPT range back to 2M: v5S 31/45 "Prevent hugepage promotion for mirror roots"), so each page
   * takes a get, the refcount returns to 512 and the pair stays until teardown.
   */
  const revert = (t: number, td: TdState): void => {
    for (const x of td.splits) {
      if (!x.scattered || x.reverted) continue
      x.reverted = true
      getAt(t, x.pos, x.pages, td)
    }
    for (const [run, n] of td.scatteredSlices) {
      getAt(t, td.guest.pos[run]!, n, td)
      td.guestShared.set(run, td.guestShared.get(run)! - n)
    }
    td.scatteredSlices = []
  }

  for (const a of actions) {
    const { td, timeNs: t } = a
    const cls = td.cls
    const layout = td.layout
    if (a.kind === 'build') {
      get(t, td, 'kernel', controlPages(host.params, cls.vcpus).total)
      events.emit(
        t,
        EventKind.CacheFill,
        0,
        1,
        Math.min(65535, PAMT_CACHE_PAGES_PER_VCPU * cls.vcpus),
        td.id
      )
      // The image is added at build time, before the TD runs (PAGE.ADD, always 4K).
      acceptTo(t, td, layout.imagePages, 0, 0)
    } else if (a.kind === 'accept') {
      const steps = cls.accept.mode === 'lazy' ? cls.accept.steps : 1
      const frac = a.step! / steps
      const fourK = Math.round(layout.imagePages + (layout.fourKPages - layout.imagePages) * frac)
      acceptTo(
        t,
        td,
        fourK,
        Math.round(layout.twoMMappings * frac),
        Math.round(layout.oneGMappings * frac)
      )
    } else if (a.kind === 'convert') {
      convert(t, td)
    } else if (a.kind === 'revert') {
      revert(t, td)
    } else if (a.kind === 'demote') {
      // Only 2M mappings demote, and not those already converted; each gets a pair and refcount
      // 512, plus a new S-EPT page table.
      const n = Math.round(td.acceptedTwoM * cls.demoteShare)
      for (let i = 0; i < td.twoMPos.length && td.demotedPos.length < n; i++) {
        if (td.convertedTwoM.has(i)) continue
        const pos = td.twoMPos[i]!
        td.demotedPos.push(pos)
        demoteAt(t, pos, td)
      }
      get(t, td, 'kernel', td.demotedPos.length)
    } else {
      teardown(t, td)
    }
  }

  function teardown(t: number, td: TdState): void {
    const { pos: guestPos, pages: guestPages, length: guestRuns } = td.guest
    // A fragmented host leaves a TD millions of runs: look up conversions only if it had any.
    const shared = td.guestShared.size > 0 ? td.guestShared : null
    for (let i = 0; i < guestRuns; i++) {
      const p = guestPos[i]!
      // Pages converted to shared are no longer private leaves: nothing to remove, no put.
      const held = guestPages[i]! - (shared?.get(i) ?? 0)
      putAt(t, p, held, td)
      pool.release(p, guestPages[i]!)
    }
    for (const p of td.demotedPos) putAt(t, p, PAGES_PER_REGION, td)
    for (const x of td.splits) {
      const held = x.reverted ? PAGES_PER_REGION : PAGES_PER_REGION - x.pages
      putAt(t, x.pos, held, td)
    }
    for (const p of td.twoMPos) pool.release(p, PAGES_PER_REGION)
    for (const p of td.oneGPos) pool.release(p, PAGES_PER_REGION)
    const leakRng = rng.fork(1_000_003 + td.id)
    for (let i = 0; i < td.kernel.length; i++) {
      const p = td.kernel.pos[i]!
      const held = td.kernel.pages[i]!
      let ok = held
      // A failed TDH.PHYMEM.PAGE.RECLAIM WARNs and leaks the page: tdx_reclaim_control_page() and
      // tdx_sept_free_private_spt() return before tdx_free_control_page(), so the page is never put
      // and keeps its reference: its region keeps the pair (arch/x86/kvm/vmx/tdx.c, v6 07/11, 09/11).
      if (failRate > 0) for (let k = held; k > 0; k--) if (leakRng.next() < failRate) ok--
      notes.leakedPages += held - ok
      if (ok > 0) {
        putAt(t, p, ok, td)
        pool.release(p, ok)
      }
    }
    events.emit(
      t,
      EventKind.CacheFree,
      0,
      1,
      Math.min(65535, PAMT_CACHE_PAGES_PER_VCPU * td.cls.vcpus),
      td.id
    )
  }

  events.flush()
  return {
    notes,
    capacity,
    eventCount: events.events,
    pageOperations: events.pageOperations,
    regionVisits: events.regionVisits
  }
}

/** Most runs a TD's guest stream is sized for up front (6 bytes a run: 384 KiB). */
const MAX_GUEST_RUNS_HINT = 1 << 16

/** The runs `fourKPages` of guest memory take at `fragmentation`, within [64, 2^16]. */
function guestRunsHint(fourKPages: number, fragmentation: number): number {
  const runs = Math.ceil(fourKPages / pagesPerRegionVisit(fragmentation)) + 1
  return Math.max(64, Math.min(MAX_GUEST_RUNS_HINT, runs))
}
