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

/** Cap on the worker's heap: a 64 MiB log is ~128 MiB as UTF-16 plus its line array. */
const WORKER_HEAP_MB = 1536

/**
 * One worker_threads worker per job: cancellation is `terminate()`, which stops even a long
 * synchronous parse at once, and a crash in the model cannot take the main process with it.
 */
export class WorkerThreadLauncher implements TaskLauncher {
  constructor(private readonly workerPath: string) {}

  launch<T extends WorkerTask>(
    task: T,
    onProgress: ProgressFn
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void } {
    const worker = new Worker(this.workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }
    })
    let settle: (r: ApiResult<TaskOutput<T>>) => void = () => undefined
    const result = new Promise<ApiResult<TaskOutput<T>>>((resolve) => {
      let done = false
      settle = (r): void => {
        if (done) return
        done = true
        resolve(r)
        void worker.terminate()
      }
    })
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') onProgress(m.phase, m.fraction)
      else settle(m.result as ApiResult<TaskOutput<T>>)
    })
    worker.on('error', (e) => settle(err('INTERNAL', `model worker failed: ${e.message}`)))
    worker.on('exit', (code) => settle(err('INTERNAL', `model worker exited with code ${code}`)))
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
