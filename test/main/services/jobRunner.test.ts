import { describe, expect, it } from 'vitest'
import type { ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import {
  JobRunner,
  PROGRESS_INTERVAL_MS,
  type Scheduler,
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
  report: (phase: JobProgress['phase'], fraction: number, step?: string) => void
  finish: (r: Outcome) => void
  cancelled: boolean
}

/** A launcher whose jobs do nothing on their own: the test drives their progress and outcome. */
function fakeLauncher(parallelism = 1): { launcher: TaskLauncher; jobs: FakeJob[] } {
  const jobs: FakeJob[] = []
  const launcher: TaskLauncher = {
    parallelism,
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

/**
 * A runner over the fake launcher with a clock the test sets, collecting what it emits. Held
 * events wait in `timers` until the test fires them (`fire`): no real timer runs.
 */
function setup(parallelism = 1): {
  runner: JobRunner
  jobs: FakeJob[]
  seen: JobProgress[]
  at: (ms: number) => void
  timers: Array<{ ms: number; fn: () => void; cancelled: boolean }>
  fire: () => void
} {
  const { launcher, jobs } = fakeLauncher(parallelism)
  const seen: JobProgress[] = []
  let now = 0
  const timers: Array<{ ms: number; fn: () => void; cancelled: boolean }> = []
  const schedule: Scheduler = (fn, ms) => {
    const t = { ms, fn, cancelled: false }
    timers.push(t)
    return () => (t.cancelled = true)
  }
  const runner = new JobRunner(
    launcher,
    (p) => seen.push(p),
    () => now,
    schedule
  )
  const fire = (): void => {
    for (const t of timers.splice(0)) if (!t.cancelled) t.fn()
  }
  return { runner, jobs, seen, at: (ms) => (now = ms), timers, fire }
}

const failed: Outcome = { ok: false, error: { code: 'INTERNAL', message: 'x' } }

describe('JobRunner progress throttle', () => {
  it('holds back events inside the interval and sends the next one after it', async () => {
    // The times below assume the documented 10 events per second: one per 100 ms.
    expect(PROGRESS_INTERVAL_MS).toBe(100)
    const { runner, jobs, seen, at } = setup()
    const done = runner.run('a', task)
    const job = jobs[0]!
    at(1000)
    job.report('parsing', 0.1) // first event: sent
    at(1050)
    job.report('parsing', 0.2) // 50 ms after the last sent (1000): held
    at(1099)
    job.report('parsing', 0.3) // 99 ms: held instead of 0.2
    at(1100)
    job.report('parsing', 0.4) // 100 ms, not less than the interval: sent
    at(1160)
    job.report('parsing', 0.5) // 60 ms after 1100: held
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

  it('sends the last held event when its interval ends, so a new step shows without a new report', async () => {
    const { runner, jobs, seen, at, timers, fire } = setup()
    const done = runner.run('a', task)
    const job = jobs[0]!
    at(1000)
    job.report('analysing', 0.5, 'sweep value 1 of 3') // sent
    at(1030)
    job.report('analysing', 0.6, 'sweep value 2 of 3') // 30 ms later: held
    at(1040)
    job.report('analysing', 0.7, 'sweep value 3 of 3') // held, replacing the one before
    // One timer, for the rest of the interval that began at 1000: 100 − 30 = 70 ms.
    expect(timers.map((t) => t.ms)).toEqual([70])
    expect(seen).toHaveLength(1)
    at(1100)
    fire()
    expect(seen).toEqual([
      { jobId: 'a', phase: 'analysing', fraction: 0.5, step: 'sweep value 1 of 3' },
      { jobId: 'a', phase: 'analysing', fraction: 0.7, step: 'sweep value 3 of 3' }
    ])
    job.finish(failed)
    await done
  })

  it('sends nothing held once the job has ended', async () => {
    const { runner, jobs, seen, at, fire } = setup()
    const done = runner.run('a', task)
    const job = jobs[0]!
    at(1000)
    job.report('analysing', 0.5) // sent
    at(1010)
    job.report('analysing', 0.6) // held
    job.finish(failed)
    await done
    fire()
    expect(seen.map((p) => p.fraction)).toEqual([0.5])
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

describe('JobRunner.runParts steps', () => {
  const parts = [task, task, task, task, task]
  const names = ['v6', 'always-lock', 'per-2m', 'hashed:64', 'module-only']
  const ok: Outcome = { ok: true, value: null as never }

  it('names the parts running and counts the runs done', async () => {
    // Two lanes; the clock moves 1 s per reading, so the throttle never holds an event back.
    const { runner, jobs, seen, at } = setup(2)
    let t = 0
    const tick = (): void => at((t += 1000))
    const done = runner.runParts('c', parts, undefined, names)
    await Promise.resolve()
    // Equal weights keep the order: parts 0 and 1 start.
    expect(jobs).toHaveLength(2)
    tick()
    jobs[1]!.report('analysing', 0.5)
    // Each part 1/5 of the job: 0.5 / 5 = 0.1.
    expect(seen.at(-1)).toEqual({
      jobId: 'c',
      phase: 'analysing',
      fraction: 0.1,
      step: 'simulating v6, always-lock (0 of 5 runs done)'
    })
    jobs[0]!.report('done', 1)
    jobs[0]!.finish(ok)
    // The lane takes the next part (per-2m) once v6's answer is in.
    for (let i = 0; i < 5 && jobs.length < 3; i++) await Promise.resolve()
    expect(jobs).toHaveLength(3)
    tick()
    jobs[2]!.report('analysing', 0)
    // 1/5 + 0.5/5 = 0.3; v6 done, always-lock and per-2m running, in the order they started.
    expect(seen.at(-1)!.fraction).toBeCloseTo(0.3, 12)
    expect(seen.at(-1)!.step).toBe('simulating always-lock, per-2m (1 of 5 runs done)')
    runner.cancel('c')
    await done
  })

  it('does not call a part the pool has not started yet "simulating"', async () => {
    const { runner, jobs, seen, at } = setup(2)
    let t = 0
    const tick = (): void => at((t += 1000))
    const done = runner.runParts('c', parts, undefined, names)
    await Promise.resolve()
    // Another job holds a worker: always-lock waits in the pool's queue.
    jobs[1]!.report('queued', 0)
    tick()
    jobs[0]!.report('analysing', 0.5)
    expect(seen.at(-1)!.step).toBe('simulating v6 (0 of 5 runs done)')
    tick()
    jobs[1]!.report('analysing', 0)
    expect(seen.at(-1)!.step).toBe('simulating v6, always-lock (0 of 5 runs done)')
    runner.cancel('c')
    await done
  })

  it('gives no step without names, and done without a step', async () => {
    const { runner, jobs, seen } = setup(5)
    const done = runner.runParts('c', parts)
    await Promise.resolve()
    jobs[0]!.report('analysing', 0.5)
    expect(seen.at(-1)).toEqual({ jobId: 'c', phase: 'analysing', fraction: 0.1 })
    for (const j of jobs) j.report('done', 1)
    expect(seen.at(-1)).toEqual({ jobId: 'c', phase: 'done', fraction: 1 })
    for (const j of jobs) j.finish(ok)
    await done
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
