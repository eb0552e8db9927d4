import { describe, expect, it } from 'vitest'
import type { ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import { JobRunner, type TaskLauncher } from '../../../src-main/services/jobRunner'
import type { TaskOutput, WorkerTask } from '../../../src-main/worker/protocol'

const task: WorkerTask = {
  kind: 'importAndAnalyze',
  fileName: 'f',
  text: '',
  format: 'auto',
  model: undefined,
  source: { kind: 'file', fileName: 'f' }
}

/** A launcher whose job reports the given progress steps and then waits to be resolved or cancelled. */
function controllableLauncher(steps: number[]): {
  launcher: TaskLauncher
  finish: (r: ApiResult<TaskOutput<WorkerTask>>) => void
  cancelled: () => boolean
} {
  let finish: (r: ApiResult<TaskOutput<WorkerTask>>) => void = () => undefined
  let wasCancelled = false
  const launcher: TaskLauncher = {
    launch(_t, onProgress) {
      const result = new Promise<ApiResult<TaskOutput<WorkerTask>>>((resolve) => (finish = resolve))
      for (const f of steps) onProgress('parsing', f)
      return {
        // The fake serves every task kind with the same untyped outcome.
        result: result as never,
        cancel: () => {
          wasCancelled = true
          finish({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } })
        }
      }
    }
  }
  return { launcher, finish: (r) => finish(r), cancelled: () => wasCancelled }
}

describe('JobRunner', () => {
  it('throttles progress to one event per interval per job', async () => {
    const now = 0
    const seen: JobProgress[] = []
    const { launcher, finish } = controllableLauncher([0.1, 0.2, 0.3])
    const runner = new JobRunner(
      launcher,
      (p) => seen.push(p),
      () => now
    )
    const done = runner.run('a', task)
    // Three reports within one interval: only the first goes out.
    expect(seen.map((p) => p.fraction)).toEqual([0.1])
    finish({ ok: false, error: { code: 'INTERNAL', message: 'x' } })
    await done
  })

  it('cancels a running job by id and forgets it afterwards', async () => {
    const { launcher, cancelled } = controllableLauncher([])
    const runner = new JobRunner(launcher, () => undefined)
    const done = runner.run('job-1', task)
    expect(runner.cancel('job-1')).toBe(true)
    expect(cancelled()).toBe(true)
    expect(await done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(runner.cancel('job-1')).toBe(false)
  })

  it('cancelling an unknown job reports false', () => {
    expect(new JobRunner(controllableLauncher([]).launcher, () => undefined).cancel('nope')).toBe(
      false
    )
  })
})
