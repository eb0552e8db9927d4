import { Worker } from 'node:worker_threads'
import { err, type ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import type { TaskOutput, WorkerMessage, WorkerTask } from '../worker/protocol'
import { runTask } from '../worker/runTask'

type ProgressFn = (phase: JobProgress['phase'], fraction: number) => void

/** Starts a task somewhere (a worker thread, or inline in tests and the CLI) and can stop it. */
export interface TaskLauncher {
  launch<T extends WorkerTask>(
    task: T,
    onProgress: ProgressFn
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void }
}

/** Default cap on a worker's heap: a 64 MiB log is ~128 MiB as UTF-16 plus its line array. */
export const WORKER_HEAP_MB = 1536

export interface WorkerThreadLauncherOptions {
  /** Cap on each worker's old-generation heap, in MiB (default WORKER_HEAP_MB). */
  heapMb?: number
  /** Called once per worker thread when it has exited (after its result, cancel or crash). */
  onWorkerExit?: (exitCode: number) => void
}

/** One line for an error shown to users: a multi-line message (a stack, a report) is joined. */
function oneLine(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, ' ').trim()
}

/**
 * One worker_threads worker per job: cancellation is `terminate()`, which stops even a long
 * synchronous parse at once, and a crash in the model cannot take the main process with it.
 */
export class WorkerThreadLauncher implements TaskLauncher {
  private readonly heapMb: number
  private readonly onWorkerExit: ((exitCode: number) => void) | undefined
  private live = 0

  /** `workerPath`: the built worker entry (an absolute path, or a file: or data: URL). */
  constructor(
    private readonly workerPath: string | URL,
    options: WorkerThreadLauncherOptions = {}
  ) {
    this.heapMb = options.heapMb ?? WORKER_HEAP_MB
    this.onWorkerExit = options.onWorkerExit
  }

  /** Worker threads started and not yet exited. */
  get liveWorkers(): number {
    return this.live
  }

  launch<T extends WorkerTask>(
    task: T,
    onProgress: ProgressFn
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void } {
    const worker = new Worker(this.workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb }
    })
    this.live++
    let done = false
    let settle: (r: ApiResult<TaskOutput<T>>) => void = () => undefined
    const result = new Promise<ApiResult<TaskOutput<T>>>((resolve) => {
      settle = (r): void => {
        if (done) return
        done = true
        resolve(r)
        void worker.terminate()
      }
    })
    worker.on('message', (m: WorkerMessage) => {
      // Nothing from a job after its outcome, whatever the worker had still queued.
      if (done) return
      if (m.kind === 'progress') onProgress(m.phase, m.fraction)
      else settle(m.result as ApiResult<TaskOutput<T>>)
    })
    worker.on('error', (e: unknown) => {
      // A worker may throw anything; Node passes an Error for its own failures.
      const error = e instanceof Error ? e : new Error(String(e))
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
    })
    worker.on('exit', (code) => {
      this.live--
      settle(err('INTERNAL', `model worker exited with code ${code}`))
      this.onWorkerExit?.(code)
    })
    worker.postMessage(task)
    return { result, cancel: () => settle(err('CANCELLED', 'cancelled')) }
  }
}

/** Runs the task on the calling thread (tests, the CLI). Cancel only takes effect before it starts. */
export class InlineLauncher implements TaskLauncher {
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

/**
 * Tracks running jobs by the id the client chose, throttles their progress to the sink, and
 * cancels them on request (the cancellation-token registry pattern).
 */
export class JobRunner {
  private readonly running = new Map<string, () => void>()

  constructor(
    private readonly launcher: TaskLauncher,
    private readonly emit: (p: JobProgress) => void,
    private readonly now: () => number = Date.now
  ) {}

  async run<T extends WorkerTask>(jobId: string, task: T): Promise<ApiResult<TaskOutput<T>>> {
    this.running.get(jobId)?.()
    let lastEmit = -Infinity
    const job = this.launcher.launch(task, (phase, fraction) => {
      const t = this.now()
      if (phase !== 'done' && t - lastEmit < PROGRESS_INTERVAL_MS) return
      lastEmit = t
      this.emit({ jobId, phase, fraction })
    })
    this.running.set(jobId, job.cancel)
    try {
      return await job.result
    } finally {
      if (this.running.get(jobId) === job.cancel) this.running.delete(jobId)
    }
  }

  /** Emit a progress event outside a worker task (e.g. while main reads a file). */
  report(p: JobProgress): void {
    this.emit(p)
  }

  cancel(jobId: string): boolean {
    const cancel = this.running.get(jobId)
    if (!cancel) return false
    cancel()
    return true
  }
}
