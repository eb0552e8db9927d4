import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { err, type ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import type { TaskOutput, WorkerMessage, WorkerTask } from '../worker/protocol'
import { runTask } from '../worker/runTask'
import { contentionPartsStep } from '@shared/model/progressSteps'

/** A task's progress: phase, fraction and the step running now (runTask.ts ProgressSink). */
type ProgressFn = (phase: JobProgress['phase'], fraction: number, step?: string) => void

/** Starts a task somewhere (a worker thread, or inline in tests and the CLI) and can stop it. */
export interface TaskLauncher {
  /** Tasks this launcher runs at once (its worker pool); a job of parts keeps this many going. */
  readonly parallelism?: number
  launch<T extends WorkerTask>(
    task: T,
    onProgress: ProgressFn
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void }
  /**
   * Have a worker ready with a warm JIT for the next job, if this launcher does that (the app's
   * does, the CLI's does not): called when a host has been loaded, since a what-if needs one.
   */
  prewarm?(): void
}

/** Default cap on a worker's heap: a 64 MiB log is ~128 MiB as UTF-16 plus its line array. */
export const WORKER_HEAP_MB = 1536

/**
 * Most model workers running at once by default, whatever the core count: each may grow to
 * WORKER_HEAP_MB of heap, so three bound the model's memory where a thread per request did not.
 */
export const MAX_POOL_SIZE = 3

/** Jobs allowed to wait for a worker by default; one more is refused with BUSY. */
export const DEFAULT_MAX_QUEUED = 8

/** Workers run at once by default: the cores Node may use (os.availableParallelism), 1..3. */
export function defaultPoolSize(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_POOL_SIZE, cores))
}

/** Idle workers kept warm by default: one, so a live what-if's re-run skips a thread's start. */
export const DEFAULT_KEEP_WARM = 1

/** How long an idle worker is kept before it is terminated, by default (ms). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000

/**
 * How long a cancelled job's worker may take to notice its cancel flag, by default (ms), before it
 * is terminated. A run notices at its next progress report (at most every few ms of work); a long
 * step with no report (an import's parse of a small file, analyzeHost) does not, and is ended.
 */
export const DEFAULT_CANCEL_GRACE_MS = 250

export interface WorkerThreadLauncherOptions {
  /** Cap on each worker's old-generation heap, in MiB (default WORKER_HEAP_MB). */
  heapMb?: number
  /** Called once per worker thread when it has exited (unanswered cancel, crash, idle). */
  onWorkerExit?: (exitCode: number) => void
  /** Worker threads alive at once, idle ones included (default defaultPoolSize()). */
  poolSize?: number
  /** Jobs allowed to wait (default DEFAULT_MAX_QUEUED); a job beyond them is refused with BUSY. */
  maxQueued?: number
  /**
   * Workers kept idle after a job that answered (default DEFAULT_KEEP_WARM); 0 ends every worker
   * after its job. More than the pool size keeps at most the pool size.
   */
  keepWarm?: number
  /** An idle worker is terminated after this many ms without a job (default DEFAULT_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number
  /**
   * How long a cancelled job's worker may take to answer before it is terminated (default
   * DEFAULT_CANCEL_GRACE_MS); 0 terminates it at once, as before cooperative cancel.
   */
  cancelGraceMs?: number
  /**
   * Let prewarm() run the warm-up jobs (src-main/worker/warmUp.ts) on a worker (default false:
   * the CLI runs one job and exits; the app and browser mode turn it on).
   */
  warmUp?: boolean
}

/** One line for an error shown to users: a multi-line message (a stack, a report) is joined. */
function oneLine(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, ' ').trim()
}

/** What a worker's events go to while it serves one job. */
interface JobHandlers {
  message(m: WorkerMessage): void
  error(e: Error): void
  exit(code: number): void
}

/** A worker thread of the pool: serving a job, idle, or terminating (then never used again). */
interface PoolWorker {
  readonly worker: Worker
  /** The job it serves now; null when idle or terminating. */
  job: JobHandlers | null
  /** Stops the idle timer; set only while the worker is idle. */
  idleTimer: NodeJS.Timeout | null
  /**
   * Its cancel flag, shared with the thread (workerData.cancelFlag): non-zero asks the job it runs
   * to stop at its next progress report (worker.ts).
   */
  readonly cancelFlag: Int32Array
  /** Terminates it if its cancelled job has not answered in time; set only while cancelling. */
  graceTimer: NodeJS.Timeout | null
  /** Running the warm-up now; and has run it (its JIT is warm for the model's jobs). */
  warmingUp: boolean
  warmed: boolean
}

/** A job waiting for a worker: run it on the one given, or fail it (no thread could start). */
interface QueuedStart {
  run(pw: PoolWorker): void
  fail(message: string): void
}

/**
 * Model workers (worker_threads), at most `poolSize` alive at once; a crash in the model cannot
 * take the main process with it. A job launched while the pool is full waits in a bounded FIFO
 * queue and reports phase `queued`; cancel works in the queue too.
 *
 * Cooperative cancel (docs/ARCHITECTURE.md, "Limits" → "Warm workers"): a run is synchronous in
 * its thread, which cannot read a message until it ends, so each worker shares an Int32Array flag
 * with the launcher (workerData.cancelFlag). Cancel settles the caller with CANCELLED at once, sets
 * the flag, and gives the worker `cancelGraceMs` to answer: the run's next progress report throws
 * (worker.ts), runTask answers CANCELLED, and the worker is released like any worker that answered
 * (to the queue, idle, or ended), its flag cleared here. A worker that does not answer in time is
 * terminated, which stops even a long synchronous parse. Until then it still counts as live, and a
 * job launched meanwhile with no idle worker waits for it rather than starting a cold thread: a
 * live what-if superseded by the next edit re-runs on the same warm worker.
 *
 * Warm workers (docs/ARCHITECTURE.md, "Limits"): a worker whose job ended with its result message
 * goes straight to the oldest queued job, else is kept idle if fewer than `keepWarm` are, else is
 * terminated. Why: a live what-if re-runs on every slider move, and a fresh thread pays the worker
 * bundle's load and a cold JIT each time (a fresh 2 TiB fill's job: 290-350 ms on a new worker,
 * 115-165 ms warm). A new job takes an idle worker first. An idle worker is `unref()`ed (the CLI
 * and tests exit with one alive) and terminated after `idleTimeoutMs`. Its heap is not reset: V8
 * collects the last job's garbage, the cap still applies to the next job, and the idle timeout
 * bounds how long it is held. A worker is
 * never reused after an error (out of memory included), an exit, a cancel it did not answer in
 * time, or any outcome other than its result message: it is terminated, and its slot frees when
 * the thread has *exited* (not merely answered), so threads never exceed the pool.
 */
export class WorkerThreadLauncher implements TaskLauncher {
  private readonly heapMb: number
  private readonly onWorkerExit: ((exitCode: number) => void) | undefined
  private readonly poolSize: number
  private readonly maxQueued: number
  private readonly keepWarm: number
  private readonly idleTimeoutMs: number
  private readonly cancelGraceMs: number
  private readonly warmUp: boolean
  /** Workers running the warm-up now. */
  private warmingUp = 0
  /** Workers whose job was cancelled, given the grace period to answer. */
  private readonly cancelling = new Set<PoolWorker>()
  /** Jobs waiting for a worker, oldest first. */
  private readonly queue: QueuedStart[] = []
  /** Idle workers, the most recently idle last (taken first: its JIT state is the warmest). */
  private readonly idle: PoolWorker[] = []
  private live = 0
  /** Why the last spawn() failed. */
  private spawnError = ''

  /** `workerPath`: the built worker entry (an absolute path, or a file: or data: URL). */
  constructor(
    private readonly workerPath: string | URL,
    options: WorkerThreadLauncherOptions = {}
  ) {
    this.heapMb = options.heapMb ?? WORKER_HEAP_MB
    this.onWorkerExit = options.onWorkerExit
    this.poolSize = Math.max(1, options.poolSize ?? defaultPoolSize())
    this.maxQueued = Math.max(0, options.maxQueued ?? DEFAULT_MAX_QUEUED)
    this.keepWarm = Math.max(0, options.keepWarm ?? DEFAULT_KEEP_WARM)
    this.idleTimeoutMs = Math.max(0, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS)
    this.cancelGraceMs = Math.max(0, options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS)
    this.warmUp = options.warmUp ?? false
  }

  /** Tasks run at once: the pool size. */
  get parallelism(): number {
    return this.poolSize
  }

  /** Worker threads started and not yet exited: serving a job, idle, or terminating. */
  get liveWorkers(): number {
    return this.live
  }

  /** Worker threads kept warm with no job (counted in liveWorkers too). */
  get idleWorkers(): number {
    return this.idle.length
  }

  /** Jobs waiting for a worker (those waiting for a cancelled job's worker included). */
  get queuedJobs(): number {
    return this.queue.length
  }

  /** Workers whose job was cancelled and that have not yet answered or been ended. */
  get cancellingWorkers(): number {
    return this.cancelling.size
  }

  /** Workers running the warm-up now. */
  get warmingUpWorkers(): number {
    return this.warmingUp
  }

  /**
   * Run the warm-up jobs (src-main/worker/warmUp.ts) on a worker that has not run them: the newest
   * idle one, or a new one when none is alive. Why: a worker's first job pays V8's compilation of
   * the model (a fresh 2 TiB fill's generation and replay: about 105 ms on a new thread, 70 ms
   * after the warm-up, 50 ms warm), and the user's first what-if after loading a host should not. A job launched during the
   * warm-up waits for that worker, as for a cancelled one, rather than starting a cold thread. Does
   * nothing unless the launcher was made with `warmUp`, when the pool keeps no worker warm, while
   * a warm-up runs, when an idle worker is warm already, or when every live worker is busy (their
   * jobs warm them).
   */
  prewarm(): void {
    if (!this.warmUp || this.keepWarm === 0 || this.warmingUp > 0 || this.queue.length > 0) return
    if (this.idle.some((pw) => pw.warmed)) return
    if (this.idle.length === 0 && this.live > 0) return
    // The worker is released to the idle list as after any job. A failed warm-up costs only the
    // speed-up (the failed worker is ended and the next job starts a fresh one), but says so.
    void this.launch({ kind: 'warmUp' }, () => undefined).result.then((r) => {
      if (!r.ok)
        process.stderr.write(
          `pamt-planner: model worker warm-up failed (${r.error.code}): ${oneLine(r.error.message)}\n`
        )
    })
  }

  /** Terminate every idle worker now (each still reports its exit through onWorkerExit). */
  terminateIdle(): void {
    for (const pw of this.idle.splice(0)) this.retire(pw)
  }

  launch<T extends WorkerTask>(
    task: T,
    onProgress: ProgressFn
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void } {
    // An idle worker exists only while the queue is empty (a freed worker serves the queue first).
    // With none, a worker finishing a cancel (usually within ms) or its warm-up that no waiting
    // job has claimed takes this job when it answers, or a fresh one does if it is ended: no cold
    // start meanwhile, no BUSY and no `queued` notice, since no other job holds the pool.
    const awaitsCancelled =
      this.idle.length === 0 && this.cancelling.size + this.warmingUp > this.queue.length
    const full =
      !awaitsCancelled &&
      this.idle.length === 0 &&
      (this.live >= this.poolSize || this.queue.length > 0)
    if (full && this.queue.length >= this.maxQueued) {
      return {
        result: Promise.resolve(
          err(
            'BUSY',
            `the model is busy: ${this.live} jobs running and ${this.queue.length} waiting; try again when one has finished`
          )
        ),
        cancel: () => undefined
      }
    }
    let serving: PoolWorker | null = null
    let done = false
    let settle: (r: ApiResult<TaskOutput<T>>, answered?: boolean) => void = () => undefined
    const result = new Promise<ApiResult<TaskOutput<T>>>((resolve) => {
      settle = (r, answered = false): void => {
        if (done) return
        done = true
        resolve(r)
        if (!serving) this.dequeue(start)
        else if (answered) this.release(serving)
        else if (r.ok || r.error.code !== 'CANCELLED') this.retire(serving)
        else this.cancelRun(serving)
      }
    })
    const handlers: JobHandlers = {
      message: (m) => {
        // Nothing from a job after its outcome, whatever the worker had still queued.
        if (done) return
        if (m.kind === 'progress') onProgress(m.phase, m.fraction, m.step)
        else settle(m.result as ApiResult<TaskOutput<T>>, true)
      },
      error: (error) => {
        if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          settle(
            err(
              'INTERNAL',
              `model worker ran out of memory (its heap is capped at ${this.heapMb} MiB); the input is too large to model`
            )
          )
        } else {
          settle(err('INTERNAL', oneLine(`model worker failed: ${error.message}`)))
        }
      },
      exit: (code) => settle(err('INTERNAL', `model worker exited with code ${code}`))
    }
    const start: QueuedStart = {
      run: (pw) => {
        serving = pw
        pw.job = handlers
        if (task.kind === 'warmUp') {
          pw.warmingUp = true
          this.warmingUp++
        }
        pw.worker.postMessage(task)
      },
      fail: (message) =>
        settle(err('INTERNAL', oneLine(`model worker failed to start: ${message}`)))
    }
    if (awaitsCancelled) {
      this.queue.push(start)
    } else if (full) {
      this.queue.push(start)
      onProgress('queued', 0)
    } else {
      const pw = this.idle.pop() ?? this.spawn()
      if (pw) this.take(pw, start)
      else start.fail(this.spawnError)
    }
    return { result, cancel: () => settle(err('CANCELLED', 'cancelled')) }
  }

  /** Start a worker thread with the pool's listeners, or null (spawnError says why). */
  private spawn(): PoolWorker | null {
    let worker: Worker
    const cancelFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
    try {
      worker = new Worker(this.workerPath, {
        resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
        workerData: { cancelFlag }
      })
    } catch (e) {
      this.spawnError = (e as Error).message
      return null
    }
    this.live++
    const pw: PoolWorker = {
      worker,
      job: null,
      idleTimer: null,
      cancelFlag,
      graceTimer: null,
      warmingUp: false,
      warmed: false
    }
    // One set of listeners per worker, for its whole life, sent to the job it serves: a job's
    // handlers are detached by clearing `job`, and an idle worker's stray event reaches no job.
    worker.on('message', (m: WorkerMessage) => pw.job?.message(m))
    worker.on('error', (e: unknown) => {
      // A worker may throw anything; Node passes an Error for its own failures.
      const error = e instanceof Error ? e : new Error(String(e))
      const job = pw.job
      // A worker that failed is never used again (it exits next), whether or not it had a job.
      this.forget(pw)
      job?.error(error)
    })
    worker.on('exit', (code) => {
      this.live--
      const job = pw.job
      this.forget(pw)
      job?.exit(code)
      this.startQueued()
      this.onWorkerExit?.(code)
    })
    return pw
  }

  /** Give a worker (idle, fresh or just freed) to a job. */
  private take(pw: PoolWorker, start: QueuedStart): void {
    if (pw.idleTimer) clearTimeout(pw.idleTimer)
    pw.idleTimer = null
    pw.worker.ref()
    start.run(pw)
  }

  /**
   * A job's caller was told CANCELLED while its worker runs it: flag the run to stop and wait up to
   * cancelGraceMs for the worker's answer (any answer: the run may have ended just before it saw
   * the flag); the worker is then released as after any answer. A worker that fails, exits or
   * does not answer in time is ended, never reused.
   */
  private cancelRun(pw: PoolWorker): void {
    if (this.cancelGraceMs === 0) return this.retire(pw)
    Atomics.store(pw.cancelFlag, 0, 1)
    this.cancelling.add(pw)
    pw.job = {
      message: (m) => {
        if (m.kind === 'result') this.release(pw)
      },
      // The spawn listeners end the thread's life in the pool; nothing is owed to any caller.
      error: () => undefined,
      exit: () => undefined
    }
    pw.graceTimer = setTimeout(() => {
      pw.graceTimer = null
      this.retire(pw)
    }, this.cancelGraceMs)
  }

  /** A job answered: its worker goes to the oldest waiting job, or idles, or is terminated. */
  private release(pw: PoolWorker): void {
    this.stopCancelling(pw)
    // No run is in the thread now (it answered), so clearing here cannot race with one: a cancel
    // flagged just after the job's own answer was posted must not stop the next job.
    Atomics.store(pw.cancelFlag, 0, 0)
    pw.job = null
    if (pw.warmingUp) pw.warmed = true
    this.endWarmUp(pw)
    if (this.keepWarm === 0) return this.retire(pw)
    const next = this.queue.shift()
    if (next) return this.take(pw, next)
    if (this.idle.length >= this.keepWarm) return this.retire(pw)
    this.idle.push(pw)
    pw.worker.unref()
    pw.idleTimer = setTimeout(() => {
      pw.idleTimer = null
      this.forget(pw)
      this.retire(pw)
    }, this.idleTimeoutMs)
    // The timer must not keep the process alive either.
    pw.idleTimer.unref()
  }

  /** Terminate a worker; its slot frees on its exit event. It is in no list from now on. */
  private retire(pw: PoolWorker): void {
    this.forget(pw)
    pw.job = null
    void pw.worker.terminate()
  }

  /** The worker is no longer running the warm-up (it answered, failed or was ended). */
  private endWarmUp(pw: PoolWorker): void {
    if (!pw.warmingUp) return
    pw.warmingUp = false
    this.warmingUp--
  }

  /** Take a worker out of the idle list and the cancelling set, and stop their timers. */
  private forget(pw: PoolWorker): void {
    this.endWarmUp(pw)
    this.stopCancelling(pw)
    if (pw.idleTimer) clearTimeout(pw.idleTimer)
    pw.idleTimer = null
    const i = this.idle.indexOf(pw)
    if (i >= 0) this.idle.splice(i, 1)
  }

  /** The worker is no longer waiting for its cancelled job to answer. */
  private stopCancelling(pw: PoolWorker): void {
    if (pw.graceTimer) clearTimeout(pw.graceTimer)
    pw.graceTimer = null
    this.cancelling.delete(pw)
  }

  /** Start waiting jobs on fresh workers, oldest first, while the pool has room. */
  private startQueued(): void {
    while (this.live < this.poolSize) {
      const next = this.queue.shift()
      if (!next) return
      const pw = this.spawn()
      if (pw) this.take(pw, next)
      else next.fail(this.spawnError)
    }
  }

  /** A job left the queue without running (cancelled while waiting). */
  private dequeue(start: QueuedStart): void {
    const i = this.queue.indexOf(start)
    if (i >= 0) this.queue.splice(i, 1)
  }
}

/** Runs the task on the calling thread (tests, the CLI). Cancel only takes effect before it starts. */
export class InlineLauncher implements TaskLauncher {
  readonly parallelism = 1

  launch<T extends WorkerTask>(
    task: T,
    onProgress: ProgressFn
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void } {
    let cancelled = false
    const result = Promise.resolve().then(() =>
      cancelled ? err('CANCELLED', 'cancelled') : runTask(task, onProgress)
    )
    return { result, cancel: () => (cancelled = true) }
  }
}

/** Minimum interval between progress events of one job, so a fast parse cannot flood IPC or SSE. */
export const PROGRESS_INTERVAL_MS = 100

/** Runs `fn` after `ms` unless the returned function is called first (injectable for tests). */
export type Scheduler = (fn: () => void, ms: number) => () => void

const realScheduler: Scheduler = (fn, ms) => {
  const t = setTimeout(fn, ms)
  return () => clearTimeout(t)
}

/**
 * One job's progress to the sink at most once per PROGRESS_INTERVAL_MS. An event inside the
 * interval is held, not lost: the latest one held goes out when the interval ends, so a step that
 * changed just after an event ("sweep value 3 of 11", then a point that runs for seconds without
 * a report) is shown when it starts, not when the next report comes. `done` and `queued` go at
 * once; after close() nothing more is sent.
 */
class ProgressThrottle {
  private lastEmit = -Infinity
  private held: JobProgress | null = null
  private cancelTimer: (() => void) | null = null
  private closed = false

  constructor(
    private readonly emit: (p: JobProgress) => void,
    private readonly now: () => number,
    private readonly schedule: Scheduler
  ) {}

  /** Send now, or hold until the interval ends; `force` sends now whatever the interval. */
  offer(p: JobProgress, force = false): void {
    if (this.closed) return
    const t = this.now()
    if (force || t - this.lastEmit >= PROGRESS_INTERVAL_MS) {
      this.send(p, t)
      return
    }
    this.held = p
    this.cancelTimer ??= this.schedule(
      () => {
        this.cancelTimer = null
        const held = this.held
        if (held && !this.closed) this.send(held, this.now())
      },
      PROGRESS_INTERVAL_MS - (t - this.lastEmit)
    )
  }

  /** The job ended: drop anything held. */
  close(): void {
    this.closed = true
    this.held = null
    this.cancelTimer?.()
    this.cancelTimer = null
  }

  private send(p: JobProgress, t: number): void {
    this.held = null
    this.cancelTimer?.()
    this.cancelTimer = null
    this.lastEmit = t
    this.emit(p)
  }
}

/** A progress event, with its step only when there is one (the wire format omits an absent step). */
function progressEvent(
  jobId: string,
  phase: JobProgress['phase'],
  fraction: number,
  step: string | undefined
): JobProgress {
  return step === undefined ? { jobId, phase, fraction } : { jobId, phase, fraction, step }
}

/**
 * Tracks running jobs by the id the client chose, throttles their progress to the sink, and
 * cancels them on request (the cancellation-token registry pattern).
 */
export class JobRunner {
  private readonly running = new Map<string, () => void>()

  constructor(
    /** Where tasks run; a fleet run (fleetRunner.ts) sends its batches to the same pool. */
    readonly launcher: TaskLauncher,
    private readonly emit: (p: JobProgress) => void,
    private readonly now: () => number = Date.now,
    /** Sends a held progress event at the end of its interval (setTimeout; tests inject one). */
    private readonly schedule: Scheduler = realScheduler
  ) {}

  /** Tasks the launcher runs at once (1 for the inline launcher). */
  get parallelism(): number {
    return this.launcher.parallelism ?? 1
  }

  async run<T extends WorkerTask>(jobId: string, task: T): Promise<ApiResult<TaskOutput<T>>> {
    this.running.get(jobId)?.()
    const throttle = new ProgressThrottle(this.emit, this.now, this.schedule)
    const job = this.launcher.launch(task, (phase, fraction, step) => {
      // Waiting for a worker is news, and must not hold back the job's first real event.
      if (phase === 'queued') return this.emit(progressEvent(jobId, phase, fraction, step))
      throttle.offer(progressEvent(jobId, phase, fraction, step), phase === 'done')
    })
    this.running.set(jobId, job.cancel)
    try {
      return await job.result
    } finally {
      throttle.close()
      if (this.running.get(jobId) === job.cancel) this.running.delete(jobId)
    }
  }

  /**
   * One job made of independent tasks (a contention request's design × seed runs): up to the
   * launcher's parallelism run at once, the next starting as one ends, so a job never fills the
   * pool's queue. The heaviest parts start first (`weights`, e.g. estimated events; equal when
   * absent), so a long part does not start last and leave the other workers idle. Progress is the
   * sum of the parts' fractions, each weighted by its share of the work, never going back. The outputs come
   * in the tasks' order whatever order they finish in. The first failure cancels the rest and is
   * the job's answer; cancelling the job cancels every part.
   *
   * With `names` (one per task, e.g. "always-lock" or "v6 · seed 43"), each event's step says
   * which parts run now and how many are done: "simulating always-lock, per-2m (3 of 5 runs
   * done)" (progressSteps.ts contentionPartsStep; docs/contention-model.md, "Parallel runs").
   */
  async runParts<T extends WorkerTask>(
    jobId: string,
    tasks: readonly T[],
    weights?: readonly number[],
    names?: readonly string[]
  ): Promise<ApiResult<Array<TaskOutput<T>>>> {
    this.running.get(jobId)?.()
    const n = tasks.length
    const w = tasks.map((_, i) => Math.max(0, weights?.[i] ?? 1))
    const total = w.reduce((a, b) => a + b, 0) || 1
    const fractions = new Float64Array(n)
    /** Parts launched and not yet answered, in launch order (the step lists them so). */
    const running: number[] = []
    /** Launched parts the pool has not started yet (another job holds its workers). */
    const waiting = new Set<number>()
    let finished = 0
    let shown = 0
    const throttle = new ProgressThrottle(this.emit, this.now, this.schedule)
    const step = (): string | undefined =>
      names
        ? contentionPartsStep(
            running.filter((k) => !waiting.has(k)).map((k) => names[k] ?? `part ${k + 1}`),
            finished,
            n
          )
        : undefined
    const report = (i: number, phase: JobProgress['phase'], fraction: number): void => {
      if (phase === 'queued') {
        waiting.add(i)
        if (shown === 0) this.emit({ jobId, phase, fraction: 0 })
        return
      }
      waiting.delete(i)
      fractions[i] = Math.max(fractions[i]!, phase === 'done' ? 1 : fraction)
      let sum = 0
      for (let k = 0; k < n; k++) sum += (w[k]! / total) * fractions[k]!
      // Monotone: a part's fraction never goes back, nor does the sum shown.
      shown = Math.max(shown, Math.min(1, sum))
      const all = fractions.every((f) => f >= 1)
      throttle.offer(
        all
          ? { jobId, phase: 'done', fraction: 1 }
          : progressEvent(jobId, 'analysing', shown, step()),
        all
      )
    }
    const outputs: Array<TaskOutput<T> | undefined> = new Array(n)
    const cancels = new Map<number, () => void>()
    let failed: ApiResult<Array<TaskOutput<T>>> | null = null
    let next = 0
    const cancelAll = (): void => {
      next = n
      for (const c of cancels.values()) c()
    }
    const cancelJob = (): void => {
      failed ??= err('CANCELLED', 'cancelled')
      cancelAll()
    }
    this.running.set(jobId, cancelJob)
    // Heaviest first; equal weights keep the tasks' order.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[b]! - w[a]! || a - b)
    const lane = async (): Promise<void> => {
      while (next < n && !failed) {
        const i = order[next++]!
        running.push(i)
        const job = this.launcher.launch(tasks[i]!, (phase, f) => report(i, phase, f))
        cancels.set(i, job.cancel)
        const r = await job.result
        cancels.delete(i)
        running.splice(running.indexOf(i), 1)
        waiting.delete(i)
        if (r.ok) {
          outputs[i] = r.value
          finished++
        } else if (!failed) {
          failed = r
          cancelAll()
        }
      }
    }
    const lanes = Math.max(1, Math.min(n, this.launcher.parallelism ?? 1))
    try {
      await Promise.all(Array.from({ length: lanes }, lane))
    } finally {
      throttle.close()
      if (this.running.get(jobId) === cancelJob) this.running.delete(jobId)
    }
    if (failed) return failed
    return { ok: true, value: outputs as Array<TaskOutput<T>> }
  }

  /** Emit a progress event outside a worker task (e.g. while main reads a file). */
  report(p: JobProgress): void {
    this.emit(p)
  }

  /**
   * Track work that is not one task (a desktop fleet run's many batches) under a job id, so
   * cancelJob reaches it; returns the function that stops tracking it.
   */
  track(jobId: string, cancel: () => void): () => void {
    this.running.get(jobId)?.()
    this.running.set(jobId, cancel)
    return () => {
      if (this.running.get(jobId) === cancel) this.running.delete(jobId)
    }
  }

  cancel(jobId: string): boolean {
    const cancel = this.running.get(jobId)
    if (!cancel) return false
    cancel()
    return true
  }
}
