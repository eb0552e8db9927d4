import type { HostAnalysis } from '../host/analyzeHost'
import { admitTds, planTds, type ScenarioCapacity } from './capacity'
import { EventKind, type PageEventSink } from '../runtime/pageEvents'
import { AllocationRuns } from './allocationRuns'
import { CoalescingSink } from './coalescingSink'
import { SeededRandom } from './random'
import { PAGES_PER_REGION, RegionPool, type StreamKind } from './regionPool'
import type { Scenario, TdClass } from './scenario'
import { controlPages, PAMT_CACHE_PAGES_PER_VCPU, septPages, tdMemoryLayout } from './tdPages'

const PAGE = 4096
const SZ_2M = 2 ** 21
const SZ_1G = 2 ** 30

/** One TD instance: its class, its times and the pages it holds (as pool positions and counts). */
interface TdState {
  id: number
  cls: TdClass
  slot: number
  startNs: number
  endNs: number | null
  /** 4K pages held per stream, as runs of (pool position, pages). */
  guest: AllocationRuns
  kernel: AllocationRuns
  /** Pool positions of whole regions (2M mappings, and 512 per 1G mapping). */
  wholePos: number[]
  /** Pool positions of demoted 2M mappings: refcount 512, one pair each. */
  demotedPos: number[]
  acceptedFourK: number
  acceptedTwoM: number
  acceptedOneG: number
  septHeld: number
}

type Action = {
  timeNs: number
  seq: number
  td: TdState
  kind: 'build' | 'accept' | 'demote' | 'teardown'
  step?: number
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
}

/**
 * Turn a scenario into the page-event stream on host PFNs that the kernel's Dynamic PAMT code would
 * see (dpamt-model.md §2.7-2.8): control pages at TD creation, the build image by PAGE.ADD (4K),
 * private memory accepted eagerly or lazily (4K pages get, 2M/1G mappings do not, S-EPT pages get),
 * DEMOTE at mid-life, and teardown with optional reclaim failures. Events come out in time order.
 */
export function generateEvents(
  host: HostAnalysis,
  scenario: Scenario,
  sink: PageEventSink
): {
  notes: GenerationNotes
  capacity: ScenarioCapacity
  eventCount: number
  pageOperations: number
} {
  const rng = new SeededRandom(scenario.seed)
  const pool = new RegionPool(host.memoryBlocks, scenario.host.fragmentation)
  const events = new CoalescingSink(sink)
  const notes: GenerationNotes = {
    tdsStarted: 0,
    unplacedPages: 0,
    unplacedRegions: 0,
    leakedPages: 0
  }
  const actions: Action[] = []
  let seq = 0
  let nextId = 0

  const planned = planTds(scenario)
  const { admitted, capacity } = admitTds(
    planned,
    host.tdxMemoryBytes,
    host.params,
    scenario.durationNs
  )
  for (const plan of planned) {
    // A TD whose memory does not fit beside the running ones is not started (capacity.ts).
    if (!admitted[plan.id]) continue
    const { cls, startNs } = plan
    const td: TdState = {
      id: nextId,
      cls,
      slot: pool.nodes.length ? nextId % pool.nodes.length : 0,
      startNs,
      endNs: plan.endNs,
      guest: new AllocationRuns(),
      kernel: new AllocationRuns(),
      wholePos: [],
      demotedPos: [],
      acceptedFourK: 0,
      acceptedTwoM: 0,
      acceptedOneG: 0,
      septHeld: 0
    }
    nextId++
    notes.tdsStarted++
    actions.push({ timeNs: startNs, seq: seq++, td, kind: 'build' })
    const steps = cls.accept.mode === 'lazy' ? cls.accept.steps : 1
    for (let s = 1; s <= steps; s++) {
      const at =
        cls.accept.mode === 'lazy' ? startNs + (cls.accept.durationNs * s) / steps : startNs
      actions.push({ timeNs: at, seq: seq++, td, kind: 'accept', step: s })
    }
    const life = td.endNs === null ? scenario.durationNs - startNs : td.endNs - startNs
    if (cls.demoteShare > 0)
      actions.push({ timeNs: startNs + life / 2, seq: seq++, td, kind: 'demote' })
    if (td.endNs !== null && td.endNs <= scenario.durationNs)
      actions.push({ timeNs: td.endNs, seq: seq++, td, kind: 'teardown' })
  }
  actions.sort((a, b) => a.timeNs - b.timeNs || a.seq - b.seq)

  const get = (t: number, td: TdState, stream: StreamKind, pages: number): void => {
    const runs = stream === 'guest' ? td.guest : td.kernel
    notes.unplacedPages += pool.allocate(stream, td.slot, pages, (p, n) => {
      events.emit(t, EventKind.Get, pool.region[p]!, 1, n, td.id)
      runs.push(p, n)
    })
  }

  for (const a of actions) {
    const { td, timeNs: t } = a
    const cls = td.cls
    const layout = tdMemoryLayout(cls)
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
      get(t, td, 'guest', layout.imagePages)
      td.acceptedFourK = layout.imagePages
      const sept = septPages(td.acceptedFourK * PAGE, 0, 0)
      get(t, td, 'kernel', sept - td.septHeld)
      td.septHeld = sept
    } else if (a.kind === 'accept') {
      const steps = cls.accept.mode === 'lazy' ? cls.accept.steps : 1
      const frac = a.step! / steps
      const fourK = Math.round(layout.imagePages + (layout.fourKPages - layout.imagePages) * frac)
      const twoM = Math.round(layout.twoMMappings * frac)
      const oneG = Math.round(layout.oneGMappings * frac)
      get(t, td, 'guest', fourK - td.acceptedFourK)
      const whole = twoM - td.acceptedTwoM + (oneG - td.acceptedOneG) * (SZ_1G / SZ_2M)
      notes.unplacedRegions += pool.allocateWhole(td.slot, whole, (p) => td.wholePos.push(p))
      td.acceptedFourK = fourK
      td.acceptedTwoM = twoM
      td.acceptedOneG = oneG
      const sept = septPages(fourK * PAGE, twoM * SZ_2M, oneG * SZ_1G)
      get(t, td, 'kernel', sept - td.septHeld)
      td.septHeld = sept
    } else if (a.kind === 'demote') {
      // Only 2M mappings demote (1G pages are the tail of wholePos); each gets a pair and refcount
      // 512, plus a new S-EPT page table.
      const n = Math.round(td.acceptedTwoM * cls.demoteShare)
      for (let i = 0; i < n && i < td.wholePos.length; i++) {
        const pos = td.wholePos[i]!
        td.demotedPos.push(pos)
        events.emit(t, EventKind.Demote, pool.region[pos]!, 1, PAGES_PER_REGION, td.id)
      }
      td.wholePos.splice(0, td.demotedPos.length)
      get(t, td, 'kernel', td.demotedPos.length)
    } else {
      teardown(t, td)
    }
  }

  function teardown(t: number, td: TdState): void {
    for (let i = 0; i < td.guest.length; i++) {
      const p = td.guest.pos[i]!
      events.emit(t, EventKind.Put, pool.region[p]!, 1, td.guest.pages[i]!, td.id)
      pool.release(p, td.guest.pages[i]!)
    }
    for (const p of td.demotedPos) {
      events.emit(t, EventKind.Put, pool.region[p]!, 1, PAGES_PER_REGION, td.id)
      pool.release(p, PAGES_PER_REGION)
    }
    for (const p of td.wholePos) pool.release(p, PAGES_PER_REGION)
    const fail = scenario.host.reclaimFailureRate
    const leakRng = rng.fork(1_000_003 + td.id)
    for (let i = 0; i < td.kernel.length; i++) {
      const p = td.kernel.pos[i]!
      const held = td.kernel.pages[i]!
      let ok = held
      // tdx_reclaim_control_page returns early when reclaim fails: no put, the page stays.
      if (fail > 0) for (let k = held; k > 0; k--) if (leakRng.next() < fail) ok--
      notes.leakedPages += held - ok
      if (ok > 0) {
        events.emit(t, EventKind.Put, pool.region[p]!, 1, ok, td.id)
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
  return { notes, capacity, eventCount: events.events, pageOperations: events.pageOperations }
}
