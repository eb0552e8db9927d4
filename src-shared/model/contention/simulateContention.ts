import { contentionBudget, type WorkBudget } from '../workLimits'
import type { HostAnalysis } from '../host/analyzeHost'
import { arrivalTimes } from '../workload/arrivals'
import { admitTds, type PlannedTd, type ScenarioCapacity } from '../workload/capacity'
import { SeededRandom } from '../workload/random'
import { PAGES_PER_REGION, pagesPerRegionVisit, RegionPool } from '../workload/regionPool'
import type { Scenario } from '../workload/scenario'
import { controlPages, PAMT_CACHE_PAGES_PER_VCPU, tdMemoryLayout } from '../workload/tdPages'
import type { ContentionCosts } from './costs'
import { lockCount, lockIndexer, lockName, type DemoteVariant, type LockDesign } from './designs'
import { EventQueue } from './eventQueue'
import { LatencyHistogram } from './latencyHistogram'
import { OccupancyTimeline } from './occupancyTimeline'
import { MmuLock, newMmuLockStats, type MmuLockStats } from './mmuLock'
import { ModuleLocks } from './moduleLocks'
import { ServiceTimes } from './serviceTimes'
import { CallerTally, newLockStats, QueuedSpinlock, type LockStats } from './spinlock'
import {
  KIND_VCPU,
  KIND_VMM,
  OP_ACQUIRE,
  OP_DELAY,
  OP_MMU_READ,
  OP_MMU_WRITE,
  OP_PARK,
  SimThread,
  STATE_START,
  type PamtCache,
  type Run,
  type TdThreads,
  type ThreadPath
} from './threadState'
import type { OutcomeSpread } from './spread'

/** Machine and model settings of a contention run (docs/contention-model.md). */
export interface ContentionSettings {
  costs: ContentionCosts
  sockets: number
  cpusPerSocket: number
  /**
   * Kernel pages (S-EPT, control, PAMT pair pages) come from a window of this many 2 MiB regions,
   * each refilled with a fresh region when used up (modelled: the page allocator's per-CPU lists
   * draw from a few pageblocks at a time).
   */
  kernelWindowRegions: number
  /** Bins in the lock-occupancy timeline. */
  timelineBins: number
  /** Each TD starts at its arrival time plus a uniform draw from [0, this) (modelled). */
  tdStartJitterNs: number
  /** Each vCPU's first fault comes a uniform draw from [0, this) after its TD starts (modelled). */
  vcpuStartJitterNs: number
}

/** How evenly a multi-lock design spread its acquisitions (hashed:N, mod:N, per-2m). */
export interface LockBuckets {
  /** Locks of the design: N for hashed/mod, the regions that took a lock for per-2m. */
  locks: number
  /** Locks taken at least once. */
  used: number
  maxAcquisitions: number
  /** Acquisitions per lock, over all `locks`. */
  meanAcquisitions: number
  /** Contended acquisitions of the most contended lock. */
  maxContended: number
}

export interface ContentionOutcome {
  design: LockDesign
  demote: DemoteVariant
  /** perf lock contention rows: the kernel lock(s) of the design. */
  locks: LockStats[]
  /** Per-lock spread of the acquisitions; null for module-only (no kernel lock). */
  lockBuckets: LockBuckets | null
  faults: number
  /** Simulated time from the first fault to the last fault's end (boot and accept). */
  faultSpanNs: number
  faultsPerSec: number
  /** Time from the first teardown put to the last (0 when no TD ends). */
  teardownSpanNs: number
  /**
   * Latency Dynamic PAMT adds to a fault: the pamt cache top-up, gets (fast path, lock waits,
   * PAMT.ADD, retries) and, in a demoting TD, waiting for a DEMOTE's write-held mmu_lock; and each
   * DEMOTE's own latency.
   */
  addedLatency: { meanNs: number; p50Ns: number; p99Ns: number; p999Ns: number; maxNs: number }
  latencyCdf: Array<[number, number]>
  pamtAdds: number
  pamtRemoves: number
  demotes: number
  /** TDX_OPERAND_BUSY returns from the module, and the SEAMCALLs retried after one. */
  busy: number
  retries: number
  /** PAMT.ADD/REMOVE that failed with BUSY where the kernel does not retry (v6: WARN, -EIO). */
  failedSeamcalls: number
  /** 0→1 races lost: the pages allocated for the pair go back to the page allocator. */
  lostRaces: number
  /**
   * Correctness failures of the lockless design (module-only; 0 for every locked design): a get
   * that saw refcount > 0 before the pair was added (the page is used without PAMT backing), and a
   * reference taken while a REMOVE of the same pair was pending (the REMOVE drops a pair in use).
   */
  hazards: number
  hazardsByKind: { usedBeforeAdd: number; removedInUse: number }
  /** PAMT pair pages taken from the page allocator and given back (cache top-ups included). */
  pairPages: { allocated: number; freed: number }
  /** KVM's mmu_lock of demoting TDs: DEMOTE holds it for write, faults for read. */
  mmuLock: MmuLockStats
  /** Lock occupancy (mean locks held) and most waiters, per timeline bin. */
  timeline: { binNs: number; occupancy: number[]; maxWaiters: number[] }
  /** Simulation events processed, for throughput figures. */
  events: number
  /**
   * Over several seeds (settings.seeds > 1, runContention): each metric's min, median and max; the
   * other fields are the first seed's. Absent for a single seed.
   */
  spread?: OutcomeSpread
}

// What a machine's step returns to the run loop: the thread waits for an event (queued or parked),
// has called a generator path (run it now), or has ended.
const STEP_BLOCKED = 0
const STEP_CALL = 1
const STEP_DONE = 2

// The vCPU machine's states (stepVcpu), in the order a fault takes them.
const V_START = STATE_START
const V_PAGE = 1
const V_TOPUP = 2
const V_MMU = 3
const V_SEPT = 4
const V_GET = 5
const V_LOCKED = 6
const V_RACE_RELEASE = 7
const V_FAULT_DONE = 8
const V_AUG_DONE = 9
const V_TAIL = 10
const V_DEMOTES = 11
const V_END = 12

// The VMM machine's states (stepVmm).
const M_START = STATE_START
const M_WAIT = 1
const M_PARK = 2
const M_TEARDOWN = 3
const M_PUT = 4
const M_PUT_LOCK = 5
const M_PUT_LOCKED = 6
const M_PUT_RELEASE = 7
const M_END = 8

/** Salt of the contention run's random stream, apart from the workload generator's. */
const CONTENTION_SEED_SALT = 0x5eed
/** Salt of the timing stream (start jitter), apart from the placement stream. */
const TIMING_SEED_SALT = 0x7137
/**
 * Salt of the service-time stream, cut into one block per thread (SeededRandom.ahead): each
 * thread draws its own service times, whatever the other threads do meanwhile.
 */
const SERVICE_SEED_SALT = 0x5e7c

/**
 * The TDs of a contention run, in the order the simulation builds them (arrivals drawn from the
 * run's own seeded stream), and which of them fit the host (capacity.ts).
 */
export function contentionTds(
  host: Pick<HostAnalysis, 'tdxMemoryBytes' | 'params'>,
  scenario: Scenario,
  rng: SeededRandom = new SeededRandom(scenario.seed ^ CONTENTION_SEED_SALT)
): { planned: PlannedTd[]; admitted: boolean[]; capacity: ScenarioCapacity } {
  const planned: PlannedTd[] = []
  for (const cls of scenario.tdClasses) {
    for (const startNs of arrivalTimes(cls, rng)) {
      if (startNs > scenario.durationNs) continue
      const endNs = cls.lifetimeNs === null ? null : startNs + cls.lifetimeNs
      planned.push({ id: planned.length, cls, startNs, endNs })
    }
  }
  return {
    planned,
    ...admitTds(planned, host.tdxMemoryBytes, host.params, scenario.durationNs)
  }
}

/**
 * Discrete-event simulation of the concurrent paths that call tdx_pamt_get/put and DEMOTE
 * (dpamt-model.md §2.6-2.8, §3): vCPU fault threads pinned to CPUs on sockets, a VMM thread per TD
 * for build (control pages) and teardown, and DEMOTE on vCPUs. Kernel locks are queued spinlocks;
 * the TDX module's 2 MiB try-locks return BUSY on real conflicts; KVM's mmu_lock is a queued
 * rwlock per TD, write-held by DEMOTE. Start times get jitter and service times are lognormal
 * (settings and `costs.serviceCv`), so vCPUs do not run in lockstep unless told to. The threads
 * are state machines over one event queue (threadState.ts; docs/contention-model.md, "Engine").
 * Where a vCPU's faults cannot interact with anyone (fast-path gets in a region it already holds,
 * under designs whose fast path takes no lock) the run is skipped ahead in one step. Deterministic
 * for the scenario's seed. `budget` (default: one request's WORK_LIMITS.contentionEvents; pass one
 * budget to every run of a request) stops the run with a WorkLimitError once its events pass it,
 * checked every 2^20 events (docs/workload-model.md, "Work limits").
 */
export function simulateContention(
  host: HostAnalysis,
  scenario: Scenario,
  design: LockDesign,
  demote: DemoteVariant,
  settings: ContentionSettings,
  onProgress?: (fraction: number) => void,
  budget: WorkBudget = contentionBudget()
): ContentionOutcome {
  const c = settings.costs
  const rng = new SeededRandom(scenario.seed ^ CONTENTION_SEED_SALT)
  const trng = new SeededRandom(scenario.seed ^ TIMING_SEED_SALT)
  const svcRoot = new SeededRandom(scenario.seed ^ SERVICE_SEED_SALT)
  const pool = new RegionPool(host.memoryBlocks, scenario.host.fragmentation)
  const regionLimit = Math.ceil(host.maxPfn / 512) + 1
  const refcount = new Uint16Array(regionLimit)
  /** The module's truth: a pair is installed for the region. */
  const paired = new Uint8Array(regionLimit)
  const moduleLocks = new ModuleLocks()
  const queue = new EventQueue(1024)
  const totalCpus = settings.sockets * settings.cpusPerSocket

  // -- Kernel locks ----------------------------------------------------------------------------
  const stats = newLockStats(lockName(design))
  const callers = new CallerTally()
  const locks = new Map<number, QueuedSpinlock>()
  const lockIndexFor = lockIndexer(design)
  // Acquisitions and contentions per lock: typed arrays for a design with a fixed lock count, a
  // map for per-2m (one lock per region that takes one).
  const fixedLocks = lockCount(design)
  const acquisitionsOf = fixedLocks ? new Float64Array(fixedLocks) : null
  const contendedOf = fixedLocks ? new Float64Array(fixedLocks) : null
  const lockAcquisitions = new Map<number, number>()
  const lockContended = new Map<number, number>()
  // The last lock looked up: every get and put of v6 and always-lock takes lock 0.
  let lastLockId = -1
  let lastLock: QueuedSpinlock | null = null
  const lockFor = (id: number): QueuedSpinlock => (id === lastLockId ? lastLock! : lockAt(id))
  const lockAt = (id: number): QueuedSpinlock => {
    let l = locks.get(id)
    if (!l) locks.set(id, (l = new QueuedSpinlock(stats, callers)))
    lastLockId = id
    lastLock = l
    return l
  }
  /** Each thread's socket, from its CPU (computed once: the hand-off asks on every release). */
  const threadSocket: number[] = []
  const socketOf = (cpu: number): number =>
    Math.floor(cpu / settings.cpusPerSocket) % settings.sockets
  const handoff = (from: number, to: number): number =>
    (threadSocket[from] ?? 0) === (threadSocket[to] ?? 0)
      ? c.handoffSameSocketNs
      : c.handoffCrossSocketNs

  // -- KVM mmu_lock per TD (only demoting TDs have a writer) ------------------------------------
  const mmuStats = newMmuLockStats()
  const mmuLocks: MmuLock[] = []

  // -- Timeline of lock occupancy --------------------------------------------------------------
  const bins = settings.timelineBins
  const binNs = Math.max(1, scenario.durationNs / bins)
  const timeline = new OccupancyTimeline(bins, binNs)

  // -- Kernel page window: where S-EPT, control and pair pages come from -------------------------
  const window: Array<{ region: number; left: number }> = []
  let kernelPoolEmpty = false
  const kernelPage = (slot: number): number => {
    const i = Math.floor(rng.next() * settings.kernelWindowRegions)
    let w = window[i]
    if (!w || w.left === 0) {
      let region = -1
      let got = 0
      // Once the pool has no free page it never gets one back during the run (TD memory is
      // placed before it), so stop walking every region for each kernel page.
      if (!kernelPoolEmpty)
        pool.allocate(
          'kernel',
          slot,
          pagesPerRegionVisit(scenario.host.fragmentation),
          (pos, n) => {
            if (region < 0) region = pool.regionAt(pos)
            got += n
          }
        )
      if (got === 0) kernelPoolEmpty = true
      window[i] = w = { region: region < 0 ? 0 : region, left: Math.max(1, got) }
    }
    w.left--
    return w.region
  }

  // -- Statistics ------------------------------------------------------------------------------
  const latency = new LatencyHistogram()
  let faults = 0
  let firstFault = Infinity
  let lastFault = 0
  let firstPut = Infinity
  let lastPut = 0
  let adds = 0
  let removes = 0
  let demotes = 0
  let busy = 0
  let retries = 0
  let failed = 0
  let lostRaces = 0
  let usedBeforeAdd = 0
  let removedInUse = 0
  let pagesAllocated = 0
  let pagesFreed = 0
  let events = 0

  const moduleOnly = design === 'module-only'
  const lockEveryOp = design === 'always-lock'
  /** Lockless design: regions whose 1→0 put has dropped the refcount and not yet removed the pair. */
  const pendingRemove = new Set<number>()
  /** ...and the references taken on them meanwhile, believing the pair installed. */
  const refsDuringRemove = new Map<number, number>()

  // A generator path (the rare paths, threadState.ts) asks the engine for a delay or a lock by
  // setting it on its thread and yielding once; `drive` serves the request.
  const D = (ctx: SimThread, ns: number): number => {
    ctx.op = OP_DELAY
    ctx.arg = ns
    return 0
  }
  const A = (ctx: SimThread, id: number, caller: string): number => {
    ctx.op = OP_ACQUIRE
    ctx.lock = id
    ctx.caller = caller
    return 0
  }
  const R = (ctx: SimThread, td: number, write: boolean): number => {
    ctx.op = write ? OP_MMU_WRITE : OP_MMU_READ
    ctx.lock = td
    return 0
  }
  /**
   * Take kernel lock `id` for the thread now, as `drive` does for A(): true when taken; false
   * when queued (the thread must then park until the release hands it the lock).
   */
  // The uncontended acquire and release are small, and their other paths are functions of their
  // own: that way V8 inlines them into the threads' steps (docs/contention-model.md, "Engine").
  const acquireNow = (ctx: SimThread, id: number, caller: string): boolean => {
    timeline.account(ctx.now)
    const lock = lockFor(id)
    if (acquisitionsOf) acquisitionsOf[id]!++
    else countAcquisition(id)
    if (lock.acquire(ctx.tid, ctx.now, caller)) {
      timeline.held++
      return true
    }
    queued(ctx, id)
    return false
  }
  /** Per-2m's acquisitions per region, a map (the designs with a fixed lock count: an array). */
  const countAcquisition = (id: number): void => {
    lockAcquisitions.set(id, (lockAcquisitions.get(id) ?? 0) + 1)
  }
  /** The thread waits for lock `id` (acquireNow found it held). */
  const queued = (ctx: SimThread, id: number): void => {
    if (contendedOf) contendedOf[id]!++
    else lockContended.set(id, (lockContended.get(id) ?? 0) + 1)
    timeline.waiting++
    timeline.noteWaiters(ctx.now)
  }
  const release = (ctx: SimThread, id: number): void => {
    timeline.account(ctx.now)
    const lock = lockFor(id)
    const next = lock.release(ctx.now, handoff)
    if (next >= 0) handedOff(lock, next)
    else timeline.held--
  }
  /** The release gave the lock to waiting thread `next`: it runs on at the hand-off's end. */
  const handedOff = (lock: QueuedSpinlock, next: number): void => {
    timeline.waiting--
    queue.push(lock.handoffAtNs, next)
  }
  const mmuRelease = (ctx: SimThread, td: number, write: boolean): void => {
    for (const g of mmuLocks[td]!.release(write, ctx.now, mmuStats)) queue.push(ctx.now, g)
  }

  /** A SEAMCALL that takes module locks: retries on BUSY when `retry`, else reports failure. */
  function* seamcall(
    ctx: SimThread,
    ns: number,
    exclusive: number[],
    shared: number[],
    retry: boolean
  ): Generator<number, boolean, void> {
    for (;;) {
      if (moduleLocks.tryAcquire(exclusive, shared)) {
        yield D(ctx, ns)
        moduleLocks.release(exclusive, shared)
        return true
      }
      busy++
      yield D(ctx, c.busyFailNs)
      if (!retry) return false
      retries++
      yield D(ctx, c.busyBackoffNs)
    }
  }

  /** Pair page regions for a PAMT.ADD or DEMOTE, drawn from the kernel page window. */
  const pairRegions = (slot: number): number[] => [kernelPage(slot), kernelPage(slot)]

  /**
   * tdx_pamt_get for one page in `region` (dpamt-model.md §2.6). The vCPU machine (stepVcpu) runs
   * the same steps as its own states (no generator per fault); a change here must be made there too.
   */
  function* get(ctx: SimThread, region: number, slot: number, cache: PamtCache | null): ThreadPath {
    if (moduleOnly) {
      yield* getLockless(ctx, region, slot, cache)
      return
    }
    if (!lockEveryOp && refcount[region]! > 0) {
      refcount[region]!++
      yield D(ctx, c.atomicNs)
      return
    }
    const lockId = lockIndexFor(region)
    // v6: only the slow path takes a pair; seed 000 takes one on every get (alloc_pamt_array
    // before the lock) and frees it again when the region already has its pair. The pair comes
    // from the vCPU's PAMT cache on the fault path (v6 08/11; refilled before the next fault),
    // else it is allocated here (control pages: cache = NULL).
    if (cache) cache.missing += 2
    else {
      pagesAllocated += 2
      yield D(ctx, 2 * c.pageAllocNs)
    }
    yield A(ctx, lockId, 'tdx_pamt_get')
    if (refcount[region]! > 0) {
      refcount[region]!++
      if (!lockEveryOp) lostRaces++
      yield D(ctx, c.lockHoldExtraNs)
      release(ctx, lockId)
      // free_pamt_array(): the pair's two pages back to the page allocator, after the unlock.
      pagesFreed += 2
      yield D(ctx, 2 * c.pageFreeNs)
      return
    }
    yield* addPair(ctx, region, slot, cache, lockId)
  }

  /** The rest of a get that holds `lockId` and found refcount 0: PAMT.ADD, or BUSY and again. */
  function* addPair(
    ctx: SimThread,
    region: number,
    slot: number,
    cache: PamtCache | null,
    lockId: number
  ): ThreadPath {
    const pair = pairRegions(slot).filter((r) => r !== region)
    const ok = yield* seamcall(
      ctx,
      ctx.svc.draw(c.pamtAddNs) + c.lockHoldExtraNs,
      [region],
      pair,
      false
    )
    if (ok) {
      adds++
      paired[region] = 1
      refcount[region] = 1
      release(ctx, lockId)
      return
    }
    // v6 and seed 000 WARN and return -EIO (KVM retries the fault); the per-2M, hashed and mod
    // designs would have to retry BUSY themselves. Either way the get runs again.
    if (design === 'v6' || design === 'always-lock') failed++
    else retries++
    release(ctx, lockId)
    pagesFreed += 2
    yield D(ctx, 2 * c.pageFreeNs)
    yield D(ctx, c.busyBackoffNs)
    yield* get(ctx, region, slot, cache)
  }

  /**
   * The lockless design (module-only): no kernel lock, so the refcount update and the SEAMCALL are
   * not atomic. atomic_inc_return elects the CPU that takes 0→1; it then adds the pair, retrying
   * TDX_OPERAND_BUSY and taking TDX_HPA_RANGE_NOT_FREE as success. Meanwhile any other get sees
   * refcount > 0 and uses its page before the pair exists (hazard), and a get that follows a
   * pending 1→0 put finds the old pair (NOT_FREE), which the put's REMOVE then drops (hazard).
   */
  function* getLockless(
    ctx: SimThread,
    region: number,
    slot: number,
    cache: PamtCache | null
  ): ThreadPath {
    const before = refcount[region]!
    refcount[region] = before + 1
    if (before > 0) {
      if (!paired[region]) usedBeforeAdd++
      else if (pendingRemove.has(region))
        refsDuringRemove.set(region, (refsDuringRemove.get(region) ?? 0) + 1)
      yield D(ctx, c.atomicNs)
      return
    }
    yield D(ctx, c.atomicNs)
    if (cache) cache.missing += 2
    else {
      pagesAllocated += 2
      yield D(ctx, 2 * c.pageAllocNs)
    }
    const pair = pairRegions(slot).filter((r) => r !== region)
    for (;;) {
      if (moduleLocks.tryAcquire([region], pair)) {
        if (paired[region]) {
          // TDX_HPA_RANGE_NOT_FREE: a pair is still installed; taken as success.
          moduleLocks.release([region], pair)
          if (pendingRemove.has(region))
            refsDuringRemove.set(region, (refsDuringRemove.get(region) ?? 0) + 1)
          yield D(ctx, c.busyFailNs)
          pagesFreed += 2
          yield D(ctx, 2 * c.pageFreeNs)
          return
        }
        yield D(ctx, ctx.svc.draw(c.pamtAddNs))
        moduleLocks.release([region], pair)
        paired[region] = 1
        adds++
        return
      }
      busy++
      retries++
      yield D(ctx, c.busyFailNs + c.busyBackoffNs)
    }
  }

  /**
   * tdx_pamt_put for one page in `region`. The VMM machine's teardown (stepVmm) runs the same steps
   * as its own states; a change here must be made there too.
   */
  function* put(ctx: SimThread, region: number): ThreadPath {
    const rc = refcount[region]!
    if (rc === 0) return
    if (moduleOnly) {
      yield* putLockless(ctx, region)
      return
    }
    if (!lockEveryOp && rc > 1) {
      refcount[region] = rc - 1
      yield D(ctx, c.atomicNs)
      return
    }
    const lockId = lockIndexFor(region)
    yield A(ctx, lockId, 'tdx_pamt_put')
    if (refcount[region]! === 1) {
      yield* removePair(ctx, region, lockId)
      return
    }
    refcount[region] = Math.max(0, refcount[region]! - 1)
    yield D(ctx, c.lockHoldExtraNs)
    release(ctx, lockId)
  }

  /** The rest of a put that holds `lockId` and took the refcount 1→0: PAMT.REMOVE. */
  function* removePair(ctx: SimThread, region: number, lockId: number): ThreadPath {
    refcount[region] = 0
    let freed = false
    const ok = yield* seamcall(
      ctx,
      ctx.svc.draw(c.pamtRemoveNs) + c.lockHoldExtraNs,
      [region],
      [],
      false
    )
    if (ok) {
      removes++
      paired[region] = 0
      freed = true
    } else failed++
    release(ctx, lockId)
    // The pair the REMOVE returned goes back to the page allocator after the unlock.
    if (freed) {
      pagesFreed += 2
      yield D(ctx, 2 * c.pageFreeNs)
    }
  }

  /** The lockless put: atomic_dec_and_test elects the CPU that removes; the REMOVE follows. */
  function* putLockless(ctx: SimThread, region: number): ThreadPath {
    const rc = refcount[region]!
    refcount[region] = rc - 1
    yield D(ctx, c.atomicNs)
    if (rc > 1) return
    pendingRemove.add(region)
    let removed = false
    for (;;) {
      if (!paired[region]) {
        // TDX_NO_PAMT_PAGE_PAIR: an earlier REMOVE already dropped it.
        failed++
        break
      }
      if (moduleLocks.tryAcquire([region], [])) {
        yield D(ctx, ctx.svc.draw(c.pamtRemoveNs))
        moduleLocks.release([region], [])
        paired[region] = 0
        removes++
        removed = true
        break
      }
      busy++
      retries++
      yield D(ctx, c.busyFailNs + c.busyBackoffNs)
    }
    pendingRemove.delete(region)
    removedInUse += refsDuringRemove.get(region) ?? 0
    refsDuringRemove.delete(region)
    if (removed) {
      pagesFreed += 2
      yield D(ctx, 2 * c.pageFreeNs)
    }
  }

  /**
   * The kernel locks DEMOTE holds (lock-around, or the retry of try-then-lock). Under the global
   * lock: pamt_lock (SEED004). Under per-2m, hashed and mod: the locks of every 2 MiB region the
   * SEAMCALL locks in the module, its own region (exclusive) and its pair pages' regions (shared),
   * in ascending lock order (the usual way to take several locks without deadlock). Its own
   * region's lock alone would not stop the conflict SEED004 shows, which is on a pair page's region.
   */
  const demoteLockIds = (region: number, pair: readonly number[]): number[] => {
    if (design === 'v6' || design === 'always-lock') return [0]
    return [...new Set([region, ...pair].map((r) => lockIndexFor(r)))].sort((a, b) => a - b)
  }

  /** DEMOTE of a 2M guest page in `region` (SEED004): a new pair, refcount 512. */
  function* demoteOne(ctx: SimThread, region: number, slot: number): ThreadPath {
    const pair = pairRegions(slot)
    const ids = moduleOnly ? [] : demoteLockIds(region, pair)
    const underLocks = function* (): ThreadPath {
      for (const id of ids) yield A(ctx, id, 'tdx_mem_page_demote')
      yield* seamcall(ctx, ctx.svc.draw(c.demoteNs), [region], pair, true)
      for (let i = ids.length - 1; i >= 0; i--) release(ctx, ids[i]!)
    }
    if (demote === 'lock-around' && !moduleOnly) {
      yield* underLocks()
    } else {
      const ok = yield* seamcall(ctx, ctx.svc.draw(c.demoteNs), [region], pair, moduleOnly)
      if (!ok) {
        retries++
        yield* underLocks()
      }
    }
    demotes++
    adds++
    paired[region] = 1
    refcount[region] = 512
  }

  // -- Rare paths of the threads' loops, run as generator subroutines ----------------------------
  /** The VMM's control pages at creation (tdx_alloc_control_page: no cache). */
  function* vmmControlPages(t: SimThread): ThreadPath {
    const td = t.td
    for (let k = 0; k < td.controlPages; k++) {
      const r = kernelPage(td.slot)
      td.controlRegions.push(r)
      yield D(t, c.pageAllocNs)
      yield* get(t, r, td.slot, null)
    }
  }

  /** The VMM's last puts: the S-EPT pages, then the control pages. */
  function* vmmKernelPuts(t: SimThread): ThreadPath {
    for (const r of t.td.septRegions) {
      yield D(t, t.svc.draw(c.pageRemoveNs))
      yield* put(t, r)
    }
    for (const r of t.td.controlRegions) {
      yield D(t, t.svc.draw(c.pageRemoveNs))
      yield* put(t, r)
    }
  }

  /**
   * A vCPU's share of demotes (2M mappings accepted as 4K later), each under the write-held
   * mmu_lock (SEED004: "KVM holds write mmu_lock before invoking DEMOTE").
   */
  function* vcpuDemotes(t: SimThread): ThreadPath {
    const td = t.td
    const cache = t.cache
    for (let k = t.vcpu; k < td.demoteCount; k += td.vcpus) {
      if (cache.missing !== 0) {
        pagesAllocated += cache.missing
        const ns = cache.missing * c.pageAllocNs
        cache.missing = 0
        yield D(t, ns)
      }
      const start = t.now
      yield R(t, td.mmu, true)
      cache.missing += 2
      yield* demoteOne(t, td.whole[k]!, td.slot)
      latency.add(t.now - start)
      const s = kernelPage(td.slot)
      td.septRegions.push(s)
      yield* get(t, s, td.slot, cache)
      mmuRelease(t, td.mmu, true)
    }
  }

  // -- The threads' loops as state machines (threadState.ts) -----------------------------------
  /**
   * A delay of `ns` for the thread, its next state already set: taken inline when no other event
   * comes first (the run loop's own test and count), true; else queued, false (the thread goes
   * back to the run loop).
   */
  const delayInline = (t: SimThread, ns: number): boolean => {
    const at = t.now + ns
    if (at < queue.nextTime()) {
      t.now = at
      events++
      return true
    }
    queue.push(at, t.tid)
    return false
  }
  /**
   * Move the thread's clock by `ns` and set its next state, counting the step as an event but
   * without asking the queue whether another event comes first: only for a delay after which the
   * thread touches nothing shared (no lock, refcount, pool, mmu_lock or other thread's state)
   * until its next delay, which then asks for both. Other threads' events in between cannot see
   * the difference, and the thread's draws come from its own stream; only events at exactly equal
   * times may order differently (docs/contention-model.md, "Engine").
   */
  const localDelay = (t: SimThread, ns: number, next: number): void => {
    t.state = next
    t.now = t.now + ns
    events++
  }
  /**
   * After a lost race's page free the fault ends (V_FAULT_DONE: statistics only) and a demoting
   * TD's AUG is a delay; elsewhere the next fault's exit is (V_PAGE: a delay, or the tail's AUG,
   * a lognormal draw > 0), unless the fault path reads the refcount first (the lock-free fast
   * path's skip-ahead test), which always-lock's does not.
   */
  const localAfterFree = (td: TdThreads): boolean => td.mmu >= 0 || (lockEveryOp && c.augNs > 0)
  /** Run a generator path, then step the machine again from `ret`. */
  const call = (t: SimThread, path: ThreadPath, ret: number): number => {
    t.sub = path
    t.ret = ret
    return STEP_CALL
  }

  /**
   * A vCPU's faults (dpamt-model.md §2.6, §2.8): each fault's exit, the PAMT cache top-up, the
   * mmu_lock for read in a demoting TD, an S-EPT page every 512 pages, and tdx_pamt_get (the same
   * steps as get(), inline: a change there must be made here too); then its demotes.
   */
  const stepVcpu = (t: SimThread): number => {
    const td = t.td
    let delayNs: number
    for (;;) {
      switch (t.state) {
        case V_START:
          // The cache starts empty (tdx_vcpu_create): the first fault tops it up to 10 pages.
          t.cache.missing = PAMT_CACHE_PAGES_PER_VCPU
          if (firstFault > t.now) firstFault = t.now
          t.state = V_PAGE
          continue
        case V_PAGE: {
          let run = t.runs[t.ri]
          while (run !== undefined && t.p >= run.pages) {
            t.ri++
            t.p = 0
            run = t.runs[t.ri]
          }
          if (run === undefined) {
            t.state = V_TAIL
            continue
          }
          const p = t.p
          // Where the fault path is lock-free and the region is held, skip the rest ahead: no
          // lock, no cache top-up, no writer on this TD's mmu_lock, and (lockless) a pair that is
          // installed and not being removed.
          if (
            !lockEveryOp &&
            td.mmu < 0 &&
            p > 0 &&
            t.cache.missing === 0 &&
            refcount[run.region]! > 0 &&
            t.gpaPages % 512 !== 0 &&
            (!moduleOnly || (paired[run.region] && !pendingRemove.has(run.region)))
          ) {
            const n = Math.min(run.pages - p, 512 - (t.gpaPages % 512))
            refcount[run.region]! += n
            latency.add(c.atomicNs, n)
            faults += n
            t.gpaPages += n
            t.p = p + n
            const ns =
              t.carryNs + t.svc.sum(c.faultOutsideNs, n) + t.svc.sum(c.augNs, n) + n * c.atomicNs
            t.carryNs = 0
            t.state = V_PAGE
            delayNs = ns
            break
          }
          // This fault's exit, plus the previous fault's AUG, in one step.
          t.region = run.region
          const exitNs = t.carryNs + t.svc.draw(c.faultOutsideNs)
          t.carryNs = 0
          if (t.cache.missing !== 0) {
            // The top-up comes next and ends in a delay before anything shared: the two delays
            // are one event in the queue (two in `events`).
            localDelay(t, exitNs, V_TOPUP)
            continue
          }
          t.state = V_TOPUP
          delayNs = exitNs
          break
        }
        case V_TOPUP:
          t.t1 = t.now
          // The cache top-up before mmu_lock (tdx_topup_pamt_cache: back to 10 pages).
          if (t.cache.missing !== 0) {
            pagesAllocated += t.cache.missing
            const ns = t.cache.missing * c.pageAllocNs
            t.cache.missing = 0
            t.state = V_MMU
            delayNs = ns
            break
          }
          t.state = V_MMU
          continue
        case V_MMU:
          t.state = V_SEPT
          if (td.mmu >= 0 && !mmuLocks[td.mmu]!.acquire(t.tid, false, t.now, mmuStats))
            return STEP_BLOCKED
          continue
        case V_SEPT:
          if (t.gpaPages % 512 === 0) {
            // A new 2 MiB of GPA needs an S-EPT page table: its own get (§2.8).
            const s = kernelPage(td.slot)
            td.septRegions.push(s)
            return call(t, get(t, s, td.slot, t.cache), V_GET)
          }
          t.state = V_GET
          continue
        case V_GET: {
          const region = t.region
          if (moduleOnly) return call(t, getLockless(t, region, td.slot, t.cache), V_FAULT_DONE)
          if (!lockEveryOp && refcount[region]! > 0) {
            refcount[region]!++
            t.state = V_FAULT_DONE
            delayNs = c.atomicNs
            break
          }
          const lockId = lockIndexFor(region)
          t.lockId = lockId
          t.cache.missing += 2
          t.state = V_LOCKED
          if (!acquireNow(t, lockId, 'tdx_pamt_get')) return STEP_BLOCKED
          continue
        }
        case V_LOCKED: {
          const region = t.region
          if (refcount[region]! > 0) {
            refcount[region]!++
            if (!lockEveryOp) lostRaces++
            t.state = V_RACE_RELEASE
            delayNs = c.lockHoldExtraNs
            break
          }
          return call(t, addPair(t, region, td.slot, t.cache, t.lockId), V_FAULT_DONE)
        }
        case V_RACE_RELEASE:
          release(t, t.lockId)
          // free_pamt_array(): the pair's two pages back to the page allocator, after the unlock.
          pagesFreed += 2
          if (localAfterFree(td)) {
            localDelay(t, 2 * c.pageFreeNs, V_FAULT_DONE)
            continue
          }
          t.state = V_FAULT_DONE
          delayNs = 2 * c.pageFreeNs
          break
        case V_FAULT_DONE:
          latency.addOne(t.now - t.t1)
          faults++
          t.gpaPages++
          t.p++
          if (td.mmu >= 0) {
            // PAGE.AUG under the read-held mmu_lock, then leave it.
            t.state = V_AUG_DONE
            delayNs = t.svc.draw(c.augNs)
            break
          }
          t.carryNs = t.svc.draw(c.augNs)
          t.state = V_PAGE
          continue
        case V_AUG_DONE:
          mmuRelease(t, td.mmu, false)
          t.state = V_PAGE
          continue
        case V_TAIL:
          if (t.carryNs > 0) {
            t.state = V_DEMOTES
            delayNs = t.carryNs
            break
          }
          t.state = V_DEMOTES
          continue
        case V_DEMOTES:
          if (t.vcpu < td.demoteCount) return call(t, vcpuDemotes(t), V_END)
          t.state = V_END
          continue
        default:
          // V_END
          lastFault = Math.max(lastFault, t.now)
          td.vcpusDone++
          if (td.vcpusDone === td.vcpus && td.vmmParked) queue.push(t.now, td.vmmThread)
          return STEP_DONE
      }
      // Every `break` above is a delay of `delayNs` into the state it set. One call per machine,
      // not one per state, leaves the compiler room to inline the rest.
      if (delayInline(t, delayNs)) continue
      return STEP_BLOCKED
    }
  }

  /**
   * A TD's VMM thread: control pages at creation, then at the TD's end (once its vCPUs are done)
   * the teardown's puts: every 4K run, the demoted 2M regions' 512 pages each, and the S-EPT and
   * control pages (the locked put inline, as put(): a change there must be made here too).
   */
  const stepVmm = (t: SimThread): number => {
    const td = t.td
    let delayNs: number
    for (;;) {
      switch (t.state) {
        case M_START:
          return call(t, vmmControlPages(t), M_WAIT)
        case M_WAIT:
          if (td.endNs === null) return STEP_DONE
          // Wait for the TD's end, and for its vCPUs to finish faulting (the last one wakes it).
          if (t.now < td.endNs) {
            // delayInline, but a queued wait goes to the queue's lane for far-off events (pushLate).
            t.state = M_PARK
            const at = t.now + (td.endNs - t.now)
            if (at < queue.nextTime()) {
              t.now = at
              events++
              continue
            }
            queue.pushLate(at, t.tid)
            return STEP_BLOCKED
          }
          t.state = M_PARK
          continue
        case M_PARK:
          t.state = M_TEARDOWN
          if (td.vcpusDone < td.vcpus) {
            td.vmmParked = true
            return STEP_BLOCKED
          }
          continue
        case M_TEARDOWN:
          if (firstPut > t.now) firstPut = t.now
          t.runs = td.runs.concat(
            td.whole.slice(0, td.demoteCount).map((r) => ({ region: r, pages: PAGES_PER_REGION }))
          )
          t.ri = 0
          t.p = 0
          t.state = M_PUT
          continue
        case M_PUT: {
          let run = t.runs[t.ri]
          while (run !== undefined && t.p >= run.pages) {
            t.ri++
            t.p = 0
            run = t.runs[t.ri]
          }
          if (run === undefined) return call(t, vmmKernelPuts(t), M_END)
          const rc = refcount[run.region]!
          if (!lockEveryOp && rc > 1) {
            // Puts that cannot reach zero: one step for all of them.
            const n = Math.min(run.pages - t.p, rc - 1)
            refcount[run.region] = rc - n
            t.p += n
            const ns = t.svc.sum(c.pageRemoveNs, n) + n * c.atomicNs
            t.state = M_PUT
            delayNs = ns
            break
          }
          t.region = run.region
          t.state = M_PUT_LOCK
          delayNs = t.svc.draw(c.pageRemoveNs)
          break
        }
        case M_PUT_LOCK: {
          const region = t.region
          if (moduleOnly || refcount[region]! === 0 || (!lockEveryOp && refcount[region]! > 1)) {
            t.p++
            return call(t, put(t, region), M_PUT)
          }
          const lockId = lockIndexFor(region)
          t.lockId = lockId
          t.state = M_PUT_LOCKED
          if (!acquireNow(t, lockId, 'tdx_pamt_put')) return STEP_BLOCKED
          continue
        }
        case M_PUT_LOCKED: {
          const region = t.region
          if (refcount[region]! === 1) {
            t.p++
            return call(t, removePair(t, region, t.lockId), M_PUT)
          }
          refcount[region] = Math.max(0, refcount[region]! - 1)
          t.state = M_PUT_RELEASE
          delayNs = c.lockHoldExtraNs
          break
        }
        case M_PUT_RELEASE:
          release(t, t.lockId)
          t.p++
          t.state = M_PUT
          continue
        default:
          // M_END
          lastPut = Math.max(lastPut, t.now)
          return STEP_DONE
      }
      // Every `break` above is a delay of `delayNs` into the state it set. One call per machine,
      // not one per state, leaves the compiler room to inline the rest.
      if (delayInline(t, delayNs)) continue
      return STEP_BLOCKED
    }
  }

  /**
   * Drive the thread's generator path until it blocks (false) or returns (true), serving its
   * requests as the machines do: a delay inline when nothing comes first, a lock at once or park.
   */
  const drive = (t: SimThread, path: ThreadPath): boolean => {
    for (;;) {
      if (path.next().done) return true
      if (t.op === OP_DELAY) {
        if (delayInline(t, t.arg)) continue
        return false
      }
      if (t.op === OP_PARK) return false
      if (t.op === OP_MMU_READ || t.op === OP_MMU_WRITE) {
        if (mmuLocks[t.lock]!.acquire(t.tid, t.op === OP_MMU_WRITE, t.now, mmuStats)) continue
        return false
      }
      // OP_ACQUIRE
      if (acquireNow(t, t.lock, t.caller)) continue
      return false
    }
  }

  /** Run the thread from where it stopped until it blocks or ends. */
  const runThread = (t: SimThread): void => {
    for (;;) {
      if (t.sub !== null) {
        if (!drive(t, t.sub)) return
        t.sub = null
        t.state = t.ret
      }
      const r = t.kind === KIND_VCPU ? stepVcpu(t) : stepVmm(t)
      if (r !== STEP_CALL) return
    }
  }

  // -- Build the threads ------------------------------------------------------------------------
  const threads: SimThread[] = []
  const nextCpuOnSocket = new Array(settings.sockets).fill(0)
  let tdIndex = 0

  const { planned, admitted } = contentionTds(host, scenario, rng)
  const memory = placeTdMemory(pool, planned, admitted, scenario)
  // Each thread's service times: its own block of the service-time stream, 2^32 / threads draws
  // long (mulberry32's cycle cut in equal parts; calibration-10x16g: 50 threads, 86 M draws each,
  // of which a vCPU draws about 2 per fault, 2 M in all).
  let threadCount = 0
  for (const plan of planned) if (admitted[plan.id]) threadCount += plan.cls.vcpus + 1
  const svcStride = Math.floor(2 ** 32 / Math.max(1, threadCount))
  const newSvc = (tid: number): ServiceTimes =>
    new ServiceTimes(c.serviceCv, svcRoot.ahead(tid * svcStride))
  for (const plan of planned) {
    // A TD whose memory does not fit beside the running ones is not started (capacity.ts).
    if (!admitted[plan.id]) continue
    const { cls } = plan
    const startNs =
      plan.startNs + (settings.tdStartJitterNs > 0 ? trng.next() * settings.tdStartJitterNs : 0)
    const tdNo = tdIndex++
    const socket = tdNo % settings.sockets
    const { slot, runs, whole } = memory.get(plan.id)!
    const vcpuCpus = Array.from(
      { length: cls.vcpus },
      () => socket * settings.cpusPerSocket + (nextCpuOnSocket[socket]++ % settings.cpusPerSocket)
    )
    // Guest pages: runs on host regions, split evenly across the vCPUs in GPA order.
    const perVcpu = splitRuns(runs, cls.vcpus)
    const demoteCount = Math.round(whole.length * cls.demoteShare)
    mmuLocks[tdNo] = new MmuLock()
    const td: TdThreads = {
      slot,
      // KVM's mmu_lock of this TD matters only when something takes it for write (DEMOTE).
      mmu: demoteCount > 0 ? tdNo : -1,
      vcpus: cls.vcpus,
      controlPages: controlPages(host.params, cls.vcpus).total,
      whole,
      demoteCount,
      runs,
      septRegions: [],
      controlRegions: [],
      vmmThread: threads.length,
      endNs: cls.lifetimeNs === null ? null : startNs + cls.lifetimeNs,
      vcpusDone: 0,
      vmmParked: false
    }
    // VMM thread: control pages at creation, then teardown; on the CPU of the TD's first vCPU.
    threads.push(new SimThread(threads.length, KIND_VMM, td, -1, startNs, newSvc(threads.length)))
    threadSocket.push(socketOf(vcpuCpus[0]! % Math.max(1, totalCpus)))
    perVcpu.forEach((vruns, v) => {
      const vcpuStart =
        startNs + (settings.vcpuStartJitterNs > 0 ? trng.next() * settings.vcpuStartJitterNs : 0)
      const t = new SimThread(threads.length, KIND_VCPU, td, v, vcpuStart, newSvc(threads.length))
      t.runs = vruns
      threads.push(t)
      threadSocket.push(socketOf(vcpuCpus[v]! % Math.max(1, totalCpus)))
    })
  }

  // -- Run --------------------------------------------------------------------------------------
  for (const t of threads) queue.push(t.now, t.tid)
  const PROGRESS_EVERY = 1 << 20
  let nextProgress = PROGRESS_EVERY
  let spent = 0
  while (queue.length > 0) {
    const t = threads[queue.pop()]!
    t.now = queue.lastTime
    events++
    if (events >= nextProgress) {
      // The pre-flight estimate bounds the request; this stops a run it underestimated.
      budget.spend(events - spent)
      spent = events
      nextProgress += PROGRESS_EVERY
      onProgress?.(Math.min(0.99, t.now / Math.max(1, scenario.durationNs)))
    }
    runThread(t)
  }
  timeline.account(timeline.lastChange)
  if (acquisitionsOf && contendedOf) {
    for (let id = 0; id < acquisitionsOf.length; id++) {
      if (acquisitionsOf[id]! > 0) lockAcquisitions.set(id, acquisitionsOf[id]!)
      if (contendedOf[id]! > 0) lockContended.set(id, contendedOf[id]!)
    }
  }

  const faultSpan = faults > 0 ? lastFault - firstFault : 0
  stats.caller = ''
  const finished = locks.size > 0 ? [...locks.values()][0]!.finish() : stats
  return {
    design,
    demote,
    locks: moduleOnly ? [] : [finished],
    lockBuckets: moduleOnly ? null : lockBuckets(design, lockAcquisitions, lockContended),
    faults,
    faultSpanNs: faultSpan,
    faultsPerSec: faultSpan > 0 ? faults / (faultSpan / 1e9) : 0,
    teardownSpanNs: lastPut > firstPut ? lastPut - firstPut : 0,
    addedLatency: {
      meanNs: latency.mean(),
      p50Ns: latency.quantile(0.5),
      p99Ns: latency.quantile(0.99),
      p999Ns: latency.quantile(0.999),
      maxNs: latency.max
    },
    latencyCdf: latency.cdf(),
    pamtAdds: adds,
    pamtRemoves: removes,
    demotes,
    busy,
    retries,
    failedSeamcalls: failed,
    lostRaces,
    hazards: usedBeforeAdd + removedInUse,
    hazardsByKind: { usedBeforeAdd, removedInUse },
    pairPages: { allocated: pagesAllocated, freed: pagesFreed },
    mmuLock: mmuStats,
    timeline: {
      binNs,
      occupancy: Array.from(timeline.occupancy, (v) => v / binNs),
      maxWaiters: Array.from(timeline.maxWaiters)
    },
    events
  }
}

/** Acquisitions per lock, summarised (the design's lock count, or the locks used for per-2m). */
function lockBuckets(
  design: LockDesign,
  acquisitions: ReadonlyMap<number, number>,
  contended: ReadonlyMap<number, number>
): LockBuckets {
  let total = 0
  let max = 0
  for (const n of acquisitions.values()) {
    total += n
    if (n > max) max = n
  }
  let maxContended = 0
  for (const n of contended.values()) if (n > maxContended) maxContended = n
  const locks = lockCount(design) ?? acquisitions.size
  return {
    locks,
    used: acquisitions.size,
    maxAcquisitions: max,
    meanAcquisitions: locks > 0 ? total / locks : 0,
    maxContended
  }
}

/** A started TD's guest memory: its node slot, its 4K runs and its whole 2 MiB regions. */
interface TdMemory {
  slot: number
  runs: Run[]
  whole: number[]
}

/**
 * Place every started TD's guest memory on the pool, in start order (ties in plan order), giving
 * back the memory of the TDs that ended before each one starts, as the admission check counts it
 * (capacity.ts admitTds: a TD admitted because others ended reuses their memory). Without that
 * give-back, a churning scenario ran out of regions: later TDs started with no memory, and every
 * kernel page then walked the whole exhausted pool. Modelled: the memory is free again at the
 * TD's end, not when its teardown has removed every page. The slot (home node) is the TD's index
 * in plan order among the started TDs, as the threads number them.
 */
function placeTdMemory(
  pool: RegionPool,
  planned: readonly PlannedTd[],
  admitted: readonly boolean[],
  scenario: Scenario
): Map<number, TdMemory> {
  const started = planned.filter((p) => admitted[p.id])
  const slotOf = new Map(
    started.map((p, i) => [p.id, pool.nodes.length ? i % pool.nodes.length : 0])
  )
  const byStart = [...started].sort((a, b) => a.startNs - b.startNs || a.id - b.id)
  const byEnd = started
    .filter((p) => p.endNs !== null)
    .sort((a, b) => a.endNs! - b.endNs! || a.id - b.id)
  const taken = new Map<number, Array<[pos: number, pages: number]>>()
  const out = new Map<number, TdMemory>()
  const givenBack: Array<[pos: number, pages: number]> = []
  let nextEnd = 0
  for (const plan of byStart) {
    while (nextEnd < byEnd.length && byEnd[nextEnd]!.endNs! <= plan.startNs) {
      for (const [pos, pages] of taken.get(byEnd[nextEnd]!.id) ?? []) {
        pool.release(pos, pages)
        givenBack.push([pos, pages])
      }
      taken.delete(byEnd[nextEnd]!.id)
      nextEnd++
    }
    const slot = slotOf.get(plan.id)!
    const layout = tdMemoryLayout(plan.cls, scenario.kvmMaxLeaf)
    const mine: Array<[number, number]> = []
    const runs: Run[] = []
    pool.allocate('guest', slot, layout.fourKPages, (pos, n) => {
      runs.push({ region: pool.regionAt(pos), pages: n })
      mine.push([pos, n])
    })
    const whole: number[] = []
    pool.allocateWhole(slot, layout.twoMMappings, (pos) => {
      whole.push(pool.regionAt(pos))
      mine.push([pos, PAGES_PER_REGION])
    })
    taken.set(plan.id, mine)
    out.set(plan.id, { slot, runs, whole })
  }
  // During the run an ended TD still holds its pages until its teardown has removed them, so the
  // kernel page window must not draw from them: count what was given back as used again. (A DEMOTE
  // whose pair pages came from its own region would retry TDX_OPERAND_BUSY forever.)
  for (const [pos, pages] of givenBack) pool.reserve(pos, pages)
  return out
}

/** Split runs into n contiguous shares of about equal page counts (vCPUs fault disjoint GPA). */
function splitRuns(runs: readonly Run[], n: number): Run[][] {
  const total = runs.reduce((s, r) => s + r.pages, 0)
  const share = Math.ceil(total / n)
  const out: Run[][] = Array.from({ length: n }, () => [])
  let v = 0
  let left = share
  for (const r of runs) {
    let pages = r.pages
    while (pages > 0) {
      const take = Math.min(pages, left)
      out[v]!.push({ region: r.region, pages: take })
      pages -= take
      left -= take
      if (left === 0 && v < n - 1) {
        v++
        left = share
      }
    }
  }
  return out
}
