/**
 * The threads of the contention simulation as explicit state machines (docs/contention-model.md,
 * "Engine"): a vCPU's fault loop and a VMM's teardown loop are a state code and a few counters on
 * one object per thread, which the run loop steps with a switch, instead of generators it resumes.
 * A generator's resume allocates its result object and costs a call through the generator
 * machinery on every event; on always-lock every fault and every teardown put is several events.
 * The rare paths (PAMT.ADD and REMOVE with their BUSY retries, DEMOTE, the lockless design, control
 * and S-EPT pages) stay generators, which a state machine runs as a subroutine (`sub`): the run
 * loop drives the generator until it returns, then steps the machine again from `ret`.
 */

import type { ServiceTimes } from './serviceTimes'

/** A thread's request to the engine from a generator: set on the thread, then `yield`. */
export const OP_DELAY = 1
export const OP_ACQUIRE = 2
export const OP_MMU_READ = 3
export const OP_MMU_WRITE = 4
/** Sleep until another thread wakes this one (the VMM waiting for its vCPUs to finish). */
export const OP_PARK = 5

/** A generator path of a thread (the rare paths): yields after setting `op` on its thread. */
export type ThreadPath = Generator<number, void, void>

/** One run of pages on one host region, for a vCPU or a teardown thread. */
export interface Run {
  region: number
  pages: number
}

/** A vCPU's per-vCPU PAMT page cache (v6 08/11): pages taken since the last top-up. */
export interface PamtCache {
  missing: number
}

/** What the threads of one TD share: its memory, its mmu_lock and its VMM's wake-up. */
export interface TdThreads {
  slot: number
  /** Index of the TD's mmu_lock when a DEMOTE may write-hold it, else -1. */
  mmu: number
  vcpus: number
  /** Control pages the VMM gets at creation. */
  controlPages: number
  /** The TD's whole 2 MiB regions; the first `demoteCount` are demoted. */
  whole: number[]
  demoteCount: number
  /** The TD's 4K runs, in GPA order (the teardown's order). */
  runs: Run[]
  septRegions: number[]
  controlRegions: number[]
  /** The VMM thread's id, woken by the last vCPU to finish when it is parked. */
  vmmThread: number
  endNs: number | null
  vcpusDone: number
  vmmParked: boolean
}

export const KIND_VCPU = 0
export const KIND_VMM = 1

/** The machine's first state, whichever the kind. */
export const STATE_START = 0

/**
 * One thread: its engine fields (`now`, and the request a generator path sets), its machine state,
 * and the loop counters of its fault or teardown loop. One class for both kinds keeps every access
 * in the run loop monomorphic.
 */
export class SimThread {
  /**
   * The thread's clock. Initialised here, not only in the constructor: an ES2022 class field
   * declared without a value starts as undefined, and V8 then keeps the field tagged, so every
   * store of a time allocated a fresh heap number (and a write barrier) on each event.
   */
  now = 0
  /** The request of a generator path (OP_*), its delay, lock and caller. */
  op = 0
  arg = 0
  lock = 0
  caller = ''
  state = STATE_START
  /** A generator path in progress, and the state to step once it returns. */
  sub: ThreadPath | null = null
  ret = 0
  /** The runs the loop walks (a vCPU's share of the TD's 4K runs; the VMM's teardown list). */
  runs: Run[] = []
  /** Position in `runs`: run index and page within the run. */
  ri = 0
  p = 0
  /** vCPU: 4K pages faulted so far (a new S-EPT page every 512), AUG time for the next step. */
  gpaPages = 0
  carryNs = 0
  /** vCPU: when the current fault's Dynamic PAMT work began (its added latency). */
  t1 = 0
  /** The region and kernel lock of the get or put in progress. */
  region = 0
  lockId = 0
  readonly cache: PamtCache = { missing: 0 }

  constructor(
    /** The thread's index (its event payload). */
    readonly tid: number,
    readonly kind: number,
    readonly td: TdThreads,
    /** vCPU: its index in the TD (its share of the demotes). */
    readonly vcpu: number,
    startNs: number,
    /**
     * The thread's own service-time stream: its draws do not depend on how the other threads
     * interleave, so a run of steps that touch nothing shared can be taken as one event.
     */
    readonly svc: ServiceTimes
  ) {
    this.now = startNs
  }
}
