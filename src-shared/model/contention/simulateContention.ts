import type { HostAnalysis } from '../host/analyzeHost'
import { arrivalTimes } from '../workload/arrivals'
import { admitTds, type PlannedTd, type ScenarioCapacity } from '../workload/capacity'
import { SeededRandom } from '../workload/random'
import { pagesPerRegionVisit, RegionPool } from '../workload/regionPool'
import type { Scenario } from '../workload/scenario'
import { controlPages, tdMemoryLayout } from '../workload/tdPages'
import type { ContentionCosts } from './costs'
import { lockIndexFor, lockName, type DemoteVariant, type LockDesign } from './designs'
import { EventQueue } from './eventQueue'
import { LatencyHistogram } from './latencyHistogram'
import { ModuleLocks } from './moduleLocks'
import { newLockStats, QueuedSpinlock, type LockStats } from './spinlock'

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
}

export interface ContentionOutcome {
  design: LockDesign
  demote: DemoteVariant
  /** perf lock contention rows: the kernel lock(s) of the design. */
  locks: LockStats[]
  faults: number
  /** Simulated time from the first fault to the last fault's end (boot and accept). */
  faultSpanNs: number
  faultsPerSec: number
  /** Time from the first teardown put to the last (0 when no TD ends). */
  teardownSpanNs: number
  /** Latency Dynamic PAMT adds to a fault (gets: fast path, lock waits, PAMT.ADD, retries). */
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
  /** Lock occupancy (mean locks held) and most waiters, per timeline bin. */
  timeline: { binNs: number; occupancy: number[]; maxWaiters: number[] }
  /** Simulation events processed, for throughput figures. */
  events: number
}

/** One thread's view of the engine while its generator runs. */
interface Ctx {
  now: number
  op: number
  arg: number
  lock: number
  caller: string
}
const OP_DELAY = 1
const OP_ACQUIRE = 2

/** One run of pages on one host region, for a vCPU or a teardown thread. */
interface Run {
  region: number
  pages: number
}

interface ThreadSpec {
  cpu: number
  startNs: number
  body: (ctx: Ctx) => Generator<number, void, void>
}

/** Salt of the contention run's random stream, apart from the workload generator's. */
const CONTENTION_SEED_SALT = 0x5eed

/**
 * The TDs of a contention run, in the order the simulation builds them (arrivals drawn from the
 * run's own seeded stream), and which of them fit the host (capacity.ts).
 */
export function contentionTds(
  host: HostAnalysis,
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
 * the TDX module's 2 MiB try-locks return BUSY on real conflicts. Where a vCPU's faults cannot
 * interact with anyone (fast-path gets in a region it already holds, under designs whose fast path
 * takes no lock) the run is skipped ahead in one step. Deterministic for the scenario's seed.
 */
export function simulateContention(
  host: HostAnalysis,
  scenario: Scenario,
  design: LockDesign,
  demote: DemoteVariant,
  settings: ContentionSettings,
  onProgress?: (fraction: number) => void
): ContentionOutcome {
  const c = settings.costs
  const rng = new SeededRandom(scenario.seed ^ CONTENTION_SEED_SALT)
  const pool = new RegionPool(host.memoryBlocks, scenario.host.fragmentation)
  const regionLimit = Math.ceil(host.maxPfn / 512) + 1
  const refcount = new Uint16Array(regionLimit)
  const paired = new Uint8Array(regionLimit)
  const moduleLocks = new ModuleLocks()
  const queue = new EventQueue(1024)
  const totalCpus = settings.sockets * settings.cpusPerSocket

  // -- Kernel locks ----------------------------------------------------------------------------
  const stats = newLockStats(lockName(design))
  const callers = new Map<string, number>()
  const locks = new Map<number, QueuedSpinlock>()
  const lockFor = (id: number): QueuedSpinlock => {
    let l = locks.get(id)
    if (!l) locks.set(id, (l = new QueuedSpinlock(stats, callers)))
    return l
  }
  const threadCpu: number[] = []
  const socketOf = (cpu: number): number =>
    Math.floor(cpu / settings.cpusPerSocket) % settings.sockets
  const handoff = (from: number, to: number): number =>
    socketOf(threadCpu[from] ?? 0) === socketOf(threadCpu[to] ?? 0)
      ? c.handoffSameSocketNs
      : c.handoffCrossSocketNs

  // -- Timeline of lock occupancy --------------------------------------------------------------
  const bins = settings.timelineBins
  const binNs = Math.max(1, scenario.durationNs / bins)
  const occupancy = new Float64Array(bins)
  const maxWaiters = new Float64Array(bins)
  let held = 0
  let waiting = 0
  let lastChange = 0
  const account = (now: number): void => {
    // Spread the held-locks integral since the last change over the bins it covers.
    let t = lastChange
    while (t < now) {
      const b = Math.min(bins - 1, Math.floor(t / binNs))
      const end = b === bins - 1 ? now : Math.min(now, (b + 1) * binNs)
      occupancy[b]! += held * (end - t)
      t = end
    }
    lastChange = Math.max(lastChange, now)
  }
  const noteWaiters = (now: number): void => {
    const b = Math.min(bins - 1, Math.floor(now / binNs))
    if (waiting > maxWaiters[b]!) maxWaiters[b] = waiting
  }

  // -- Kernel page window: where S-EPT, control and pair pages come from -------------------------
  const window: Array<{ region: number; left: number }> = []
  const kernelPage = (slot: number): number => {
    const i = Math.floor(rng.next() * settings.kernelWindowRegions)
    let w = window[i]
    if (!w || w.left === 0) {
      let region = -1
      let got = 0
      pool.allocate('kernel', slot, pagesPerRegionVisit(scenario.host.fragmentation), (pos, n) => {
        if (region < 0) region = pool.region[pos]!
        got += n
      })
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
  let events = 0

  const moduleOnly = design === 'module-only'
  const lockEveryOp = design === 'always-lock'

  // Threads ask the engine for a delay or a lock by setting ctx and yielding once: no generator
  // delegation on the hot path.
  const D = (ctx: Ctx, ns: number): number => {
    ctx.op = OP_DELAY
    ctx.arg = ns
    return 0
  }
  const A = (ctx: Ctx, id: number, caller: string): number => {
    ctx.op = OP_ACQUIRE
    ctx.lock = id
    ctx.caller = caller
    return 0
  }
  const release = (ctx: Ctx, id: number): void => {
    account(ctx.now)
    const next = lockFor(id).release(ctx.now, handoff)
    if (next) {
      waiting--
      queue.push(next.atNs, next.thread)
    } else held--
  }

  /** A SEAMCALL that takes module locks: retries on BUSY when `retry`, else reports failure. */
  function* seamcall(
    ctx: Ctx,
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

  /** tdx_pamt_get for one page in `region` (dpamt-model.md §2.6). Returns the time it took. */
  function* get(ctx: Ctx, region: number, slot: number): Generator<number, void, void> {
    if (!lockEveryOp && refcount[region]! > 0) {
      refcount[region]!++
      yield D(ctx, c.atomicNs)
      return
    }
    const lockId = lockIndexFor(design, region)
    if (!lockEveryOp) yield D(ctx, 2 * c.pageAllocNs)
    if (lockId >= 0) {
      yield A(ctx, lockId, 'tdx_pamt_get')
      if (refcount[region]! > 0) {
        refcount[region]!++
        if (!lockEveryOp) lostRaces++
        yield D(ctx, c.lockHoldExtraNs)
        release(ctx, lockId)
        return
      }
      const pair = pairRegions(slot).filter((r) => r !== region)
      const ok = yield* seamcall(ctx, c.pamtAddNs + c.lockHoldExtraNs, [region], pair, false)
      if (ok) {
        adds++
        paired[region] = 1
        refcount[region] = 1
      } else {
        // v6 and seed 000 WARN and return -EIO (KVM retries the fault); the per-2M and hashed
        // designs would have to retry BUSY themselves. Either way the get runs again.
        if (design === 'v6' || design === 'always-lock') failed++
        else retries++
        release(ctx, lockId)
        yield D(ctx, c.busyBackoffNs)
        yield* get(ctx, region, slot)
        return
      }
      release(ctx, lockId)
      return
    }
    // module-only: no kernel lock; both racers call PAMT.ADD, the loser sees BUSY, then NOT_FREE.
    for (;;) {
      if (refcount[region]! > 0) {
        refcount[region]!++
        lostRaces++
        return
      }
      const pair = pairRegions(slot).filter((r) => r !== region)
      if (moduleLocks.tryAcquire([region], pair)) {
        if (paired[region]) {
          // TDX_HPA_RANGE_NOT_FREE: another CPU installed the pair first; v2 treats it as success.
          moduleLocks.release([region], pair)
          refcount[region]!++
          lostRaces++
          yield D(ctx, c.busyFailNs)
          return
        }
        paired[region] = 1
        yield D(ctx, c.pamtAddNs)
        moduleLocks.release([region], pair)
        adds++
        refcount[region]!++
        return
      }
      busy++
      retries++
      yield D(ctx, c.busyFailNs + c.busyBackoffNs)
    }
  }

  /** tdx_pamt_put for one page in `region`. */
  function* put(ctx: Ctx, region: number): Generator<number, void, void> {
    const rc = refcount[region]!
    if (rc === 0) return
    if (!lockEveryOp && rc > 1) {
      refcount[region] = rc - 1
      yield D(ctx, c.atomicNs)
      return
    }
    const lockId = lockIndexFor(design, region)
    if (lockId >= 0) yield A(ctx, lockId, 'tdx_pamt_put')
    const now = refcount[region]!
    refcount[region] = Math.max(0, now - 1)
    if (now === 1) {
      const ok = yield* seamcall(ctx, c.pamtRemoveNs + c.lockHoldExtraNs, [region], [], moduleOnly)
      if (ok) {
        removes++
        paired[region] = 0
      } else failed++
    } else {
      yield D(ctx, c.lockHoldExtraNs)
    }
    if (lockId >= 0) release(ctx, lockId)
  }

  /** DEMOTE of a 2M guest page in `region` (SEED004): a new pair, refcount 512. */
  function* demoteOne(ctx: Ctx, region: number, slot: number): Generator<number, void, void> {
    const pair = pairRegions(slot)
    const start = ctx.now
    if (demote === 'lock-around' && !moduleOnly) {
      yield A(ctx, 0, 'tdx_mem_page_demote')
      yield* seamcall(ctx, c.demoteNs, [region], pair, true)
      release(ctx, 0)
    } else {
      const ok = yield* seamcall(ctx, c.demoteNs, [region], pair, moduleOnly)
      if (!ok) {
        retries++
        yield A(ctx, 0, 'tdx_mem_page_demote')
        yield* seamcall(ctx, c.demoteNs, [region], pair, true)
        release(ctx, 0)
      }
    }
    demotes++
    adds++
    paired[region] = 1
    refcount[region] = 512
    latency.add(ctx.now - start)
  }

  // -- Build the threads ------------------------------------------------------------------------
  const threads: ThreadSpec[] = []
  const nextCpuOnSocket = new Array(settings.sockets).fill(0)
  let tdIndex = 0
  const faultCost = c.faultOutsideNs + c.augNs

  const { planned, admitted } = contentionTds(host, scenario, rng)
  for (const plan of planned) {
    // A TD whose memory does not fit beside the running ones is not started (capacity.ts).
    if (!admitted[plan.id]) continue
    const { cls, startNs } = plan
    const td = tdIndex++
    const socket = td % settings.sockets
    const slot = pool.nodes.length ? td % pool.nodes.length : 0
    const vcpuCpus = Array.from(
      { length: cls.vcpus },
      () => socket * settings.cpusPerSocket + (nextCpuOnSocket[socket]++ % settings.cpusPerSocket)
    )
    const layout = tdMemoryLayout(cls)
    // Guest pages: runs on host regions, split evenly across the vCPUs in GPA order.
    const runs: Run[] = []
    pool.allocate('guest', slot, layout.fourKPages, (pos, n) =>
      runs.push({ region: pool.region[pos]!, pages: n })
    )
    const whole: number[] = []
    pool.allocateWhole(slot, layout.twoMMappings, (pos) => whole.push(pool.region[pos]!))
    const perVcpu = splitRuns(runs, cls.vcpus)
    const demoteCount = Math.round(whole.length * cls.demoteShare)
    const vmmCpu = vcpuCpus[0]!
    const controlRegions: number[] = []
    const septRegions: number[] = []
    const done = { vcpus: 0 }
    const endNs = cls.lifetimeNs === null ? null : startNs + cls.lifetimeNs

    // VMM thread: control pages at creation, then teardown when the TD ends.
    threads.push({
      cpu: vmmCpu,
      startNs,
      body: function* (ctx) {
        const ctl = controlPages(host.params, cls.vcpus).total
        for (let k = 0; k < ctl; k++) {
          const r = kernelPage(slot)
          controlRegions.push(r)
          yield D(ctx, c.pageAllocNs)
          yield* get(ctx, r, slot)
        }
        if (endNs === null) return
        // Wait for the TD's end and for its vCPUs to finish faulting.
        while (ctx.now < endNs || done.vcpus < cls.vcpus)
          yield D(ctx, Math.max(1000, endNs - ctx.now))
        if (firstPut > ctx.now) firstPut = ctx.now
        for (const run of runs) yield* putRun(ctx, run)
        for (const r of whole.slice(0, demoteCount)) yield* putRun(ctx, { region: r, pages: 512 })
        for (const r of septRegions) {
          yield D(ctx, c.pageRemoveNs)
          yield* put(ctx, r)
        }
        for (const r of controlRegions) {
          yield D(ctx, c.pageRemoveNs)
          yield* put(ctx, r)
        }
        lastPut = Math.max(lastPut, ctx.now)
      }
    })

    perVcpu.forEach((vruns, v) => {
      threads.push({
        cpu: vcpuCpus[v]!,
        startNs,
        body: function* (ctx) {
          if (firstFault > ctx.now) firstFault = ctx.now
          let gpaPages = 0
          let carryNs = 0
          for (const run of vruns) {
            for (let p = 0; p < run.pages; p++) {
              // Where the fault path is lock-free and the region is held, skip the rest ahead.
              if (!lockEveryOp && p > 0 && refcount[run.region]! > 0 && gpaPages % 512 !== 0) {
                const n = Math.min(run.pages - p, 512 - (gpaPages % 512))
                refcount[run.region]! += n
                latency.add(c.atomicNs, n)
                faults += n
                gpaPages += n
                p += n - 1
                yield D(ctx, carryNs + n * (faultCost + c.atomicNs))
                carryNs = 0
                continue
              }
              // This fault's exit, plus the previous fault's AUG, in one step.
              yield D(ctx, carryNs + c.faultOutsideNs)
              const t1 = ctx.now
              if (gpaPages % 512 === 0) {
                // A new 2 MiB of GPA needs an S-EPT page table: its own get (§2.8).
                const s = kernelPage(slot)
                septRegions.push(s)
                yield* get(ctx, s, slot)
              }
              yield* get(ctx, run.region, slot)
              latency.add(ctx.now - t1)
              carryNs = c.augNs
              faults++
              gpaPages++
            }
          }
          if (carryNs > 0) yield D(ctx, carryNs)
          // This vCPU's share of demotes (2M mappings accepted as 4K later).
          for (let k = v; k < demoteCount; k += cls.vcpus) {
            yield* demoteOne(ctx, whole[k]!, slot)
            const s = kernelPage(slot)
            septRegions.push(s)
            yield* get(ctx, s, slot)
          }
          lastFault = Math.max(lastFault, ctx.now)
          done.vcpus++
        }
      })
    })
  }

  function* putRun(ctx: Ctx, run: Run): Generator<number, void, void> {
    for (let p = 0; p < run.pages; p++) {
      const rc = refcount[run.region]!
      if (!lockEveryOp && rc > 1) {
        // Puts that cannot reach zero: one step for all of them.
        const n = Math.min(run.pages - p, rc - 1)
        refcount[run.region] = rc - n
        p += n - 1
        yield D(ctx, n * (c.pageRemoveNs + c.atomicNs))
        continue
      }
      yield D(ctx, c.pageRemoveNs)
      yield* put(ctx, run.region)
    }
  }

  // -- Run --------------------------------------------------------------------------------------
  const gens: Array<Generator<number, void, void>> = []
  const ctxs: Ctx[] = []
  threads.forEach((t, i) => {
    const ctx: Ctx = { now: t.startNs, op: 0, arg: 0, lock: 0, caller: '' }
    ctxs.push(ctx)
    threadCpu.push(t.cpu % Math.max(1, totalCpus))
    gens.push(t.body(ctx))
    queue.push(t.startNs, i)
  })
  const PROGRESS_EVERY = 1 << 20
  let nextProgress = PROGRESS_EVERY
  while (queue.length > 0) {
    const tid = queue.pop()
    const ctx = ctxs[tid]!
    ctx.now = queue.lastTime
    events++
    if (events >= nextProgress) {
      nextProgress += PROGRESS_EVERY
      onProgress?.(Math.min(0.99, ctx.now / Math.max(1, scenario.durationNs)))
    }
    for (;;) {
      const r = gens[tid]!.next()
      if (r.done) break
      if (ctx.op === OP_DELAY) {
        const t = ctx.now + ctx.arg
        const next = queue.peekTime()
        // Nothing else happens before t: continue this thread inline (exact, and no heap traffic).
        if (next === undefined || t < next) {
          ctx.now = t
          events++
          continue
        }
        queue.push(t, tid)
        break
      }
      // OP_ACQUIRE
      account(ctx.now)
      const lock = lockFor(ctx.lock)
      if (lock.acquire(tid, ctx.now, ctx.caller)) {
        held++
        continue
      }
      waiting++
      noteWaiters(ctx.now)
      break
    }
  }
  account(lastChange)

  const faultSpan = faults > 0 ? lastFault - firstFault : 0
  stats.caller = ''
  const finished = locks.size > 0 ? [...locks.values()][0]!.finish() : stats
  return {
    design,
    demote,
    locks: moduleOnly ? [] : [finished],
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
    timeline: {
      binNs,
      occupancy: Array.from(occupancy, (v) => v / binNs),
      maxWaiters: Array.from(maxWaiters)
    },
    events
  }
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
