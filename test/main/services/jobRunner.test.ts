import { describe, expect, it } from 'vitest'
import type { ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import {
  JobRunner,
  PROGRESS_INTERVAL_MS,
  type TaskLauncher
} from '../../../src-main/services/jobRunner'
import type { TaskOutput, WorkerTask } from '../../../src-main/worker/protocol'

const task: WorkerTask = {
  kind: 'importAndAnalyze',
  fileName: 'f',
  text: '',
  format: 'auto',
  model: undefined,
  source: { kind: 'file', fileName: 'f' }
}

type Outcome = ApiResult<TaskOutput<WorkerTask>>

/** One launched job of the fake launcher: report progress, finish it, see whether it was cancelled. */
interface FakeJob {
  report: (phase: JobProgress['phase'], fraction: number) => void
  finish: (r: Outcome) => void
  cancelled: boolean
}

/** A launcher whose jobs do nothing on their own: the test drives their progress and outcome. */
function fakeLauncher(): { launcher: TaskLauncher; jobs: FakeJob[] } {
  const jobs: FakeJob[] = []
  const launcher: TaskLauncher = {
    launch(_t, onProgress) {
      let finish: (r: Outcome) => void = () => undefined
      const result = new Promise<Outcome>((resolve) => (finish = resolve))
      const job: FakeJob = { report: onProgress, finish: (r) => finish(r), cancelled: false }
      jobs.push(job)
      return {
        // The fake serves every task kind with the same untyped outcome.
        result: result as never,
        cancel: () => {
          job.cancelled = true
          finish({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } })
        }
      }
    }
  }
  return { launcher, jobs }
}

/** A runner over the fake launcher with a clock the test sets, collecting what it emits. */
function setup(): {
  runner: JobRunner
  jobs: FakeJob[]
  seen: JobProgress[]
  at: (ms: number) => void
} {
  const { launcher, jobs } = fakeLauncher()
  const seen: JobProgress[] = []
  let now = 0
  const runner = new JobRunner(
    launcher,
    (p) => seen.push(p),
    () => now
  )
  return { runner, jobs, seen, at: (ms) => (now = ms) }
}

const failed: Outcome = { ok: false, error: { code: 'INTERNAL', message: 'x' } }

describe('JobRunner progress throttle', () => {
  it('drops events inside the interval and sends the next one after it', async () => {
    // The times below assume the documented 10 events per second: one per 100 ms.
    expect(PROGRESS_INTERVAL_MS).toBe(100)
    const { runner, jobs, seen, at } = setup()
    const done = runner.run('a', task)
    const job = jobs[0]!
    at(1000)
    job.report('parsing', 0.1) // first event: sent
    at(1050)
    job.report('parsing', 0.2) // 50 ms after the last sent (1000): dropped
    at(1099)
    job.report('parsing', 0.3) // 99 ms: dropped
    at(1100)
    job.report('parsing', 0.4) // 100 ms, not less than the interval: sent
    at(1160)
    job.report('parsing', 0.5) // 60 ms after 1100: dropped
    at(1220)
    job.report('parsing', 0.6) // 120 ms after the last *sent* (1100), 60 after the last report: sent
    expect(seen).toEqual([
      { jobId: 'a', phase: 'parsing', fraction: 0.1 },
      { jobId: 'a', phase: 'parsing', fraction: 0.4 },
      { jobId: 'a', phase: 'parsing', fraction: 0.6 }
    ])
    job.finish(failed)
    await done
  })

  it('throttles several jobs independently', async () => {
    const { runner, jobs, seen, at } = setup()
    const done = [runner.run('a', task), runner.run('b', task)]
    const [a, b] = [jobs[0]!, jobs[1]!]
    at(1000)
    a.report('parsing', 0.1) // a's first: sent
    b.report('parsing', 0.1) // b's first, same instant: sent (a's event does not count for b)
    at(1050)
    a.report('parsing', 0.2) // 50 ms after a's last: dropped
    at(1080)
    b.report('parsing', 0.2) // 80 ms after b's last: dropped
    at(1100)
    a.report('parsing', 0.3) // 100 ms after a's last: sent
    at(1150)
    b.report('parsing', 0.3) // 150 ms after b's last (1000): sent
    expect(seen).toEqual([
      { jobId: 'a', phase: 'parsing', fraction: 0.1 },
      { jobId: 'b', phase: 'parsing', fraction: 0.1 },
      { jobId: 'a', phase: 'parsing', fraction: 0.3 },
      { jobId: 'b', phase: 'parsing', fraction: 0.3 }
    ])
    a.finish(failed)
    b.finish(failed)
    await Promise.all(done)
  })

  it('always sends the done event, even inside the interval', async () => {
    const { runner, jobs, seen, at } = setup()
    const done = runner.run('a', task)
    const job = jobs[0]!
    at(1000)
    job.report('analysing', 0.5) // sent
    at(1001)
    job.report('analysing', 0.6) // 1 ms later: dropped
    job.report('done', 1) // 1 ms later too, but done: sent
    expect(seen).toEqual([
      { jobId: 'a', phase: 'analysing', fraction: 0.5 },
      { jobId: 'a', phase: 'done', fraction: 1 }
    ])
    job.finish(failed)
    await done
  })

  it('sends queued at once and does not let it hold back the first event of the run', async () => {
    const { runner, jobs, seen, at } = setup()
    const done = runner.run('a', task)
    const job = jobs[0]!
    at(1000)
    job.report('queued', 0) // waiting for a worker: sent
    at(1001)
    job.report('parsing', 0) // 1 ms later, but the first event of the run itself: sent
    at(1002)
    job.report('parsing', 0.1) // 1 ms after that: dropped
    expect(seen).toEqual([
      { jobId: 'a', phase: 'queued', fraction: 0 },
      { jobId: 'a', phase: 'parsing', fraction: 0 }
    ])
    job.finish(failed)
    await done
  })

  it('report() emits outside any job without throttling', () => {
    const { runner, seen } = setup()
    runner.report({ jobId: 'r', phase: 'reading', fraction: 0 })
    runner.report({ jobId: 'r', phase: 'reading', fraction: 0.5 })
    expect(seen.map((p) => p.fraction)).toEqual([0, 0.5])
  })
})

describe('JobRunner cancellation', () => {
  it('cancels a running job by id and forgets it afterwards', async () => {
    const { runner, jobs } = setup()
    const done = runner.run('job-1', task)
    expect(runner.cancel('job-1')).toBe(true)
    expect(jobs[0]!.cancelled).toBe(true)
    expect(await done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(runner.cancel('job-1')).toBe(false)
  })

  it('forgets a job that finished on its own', async () => {
    const { runner, jobs } = setup()
    const done = runner.run('job-1', task)
    jobs[0]!.finish(failed)
    expect(await done).toBe(failed)
    expect(runner.cancel('job-1')).toBe(false)
    expect(jobs[0]!.cancelled).toBe(false)
  })

  it('cancelling an unknown job reports false', () => {
    expect(setup().runner.cancel('nope')).toBe(false)
  })

  it('running a job id that is already running cancels the old job and tracks the new one', async () => {
    const { runner, jobs } = setup()
    const first = runner.run('a', task)
    const second = runner.run('a', task)
    expect(jobs).toHaveLength(2)
    expect(jobs[0]!.cancelled).toBe(true)
    expect(jobs[1]!.cancelled).toBe(false)
    expect(await first).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    // The old job ending must not drop the new one from the registry: it can still be cancelled.
    expect(runner.cancel('a')).toBe(true)
    expect(jobs[1]!.cancelled).toBe(true)
    expect(await second).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(runner.cancel('a')).toBe(false)
  })
})
