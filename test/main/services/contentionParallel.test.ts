import { describe, expect, it } from 'vitest'
import type { ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import { err } from '@shared/api/errors'
import { InlineLauncher, JobRunner, type TaskLauncher } from '../../../src-main/services/jobRunner'
import type { TaskOutput, WorkerTask } from '../../../src-main/worker/protocol'
import { runTask } from '../../../src-main/worker/runTask'
import { readHostFixture } from '../../support/fixtures'
import { inlineServices } from '../../support/services'

/**
 * Designs × seeds in parallel (docs/contention-model.md, "Parallel runs"): the service splits a
 * contention request into one task per part, and its report must be the bytes one task gives.
 * The "pool" here runs each part inline but finishes them in reverse launch order (later parts
 * wait fewer microtasks), so the merge must restore the parts' order itself. No timers.
 */
class ReversingPool implements TaskLauncher {
  readonly parallelism = 3
  launched: string[] = []
  private count = 0
  launch<T extends WorkerTask>(
    task: T,
    onProgress: (phase: JobProgress['phase'], fraction: number) => void
  ): { result: Promise<ApiResult<TaskOutput<T>>>; cancel: () => void } {
    const k = this.count++
    this.launched.push(task.kind)
    const result = (async (): Promise<ApiResult<TaskOutput<T>>> => {
      for (let i = 0; i < 200 - 20 * (k % 10); i++) await null
      return runTask(task, onProgress)
    })()
    return { result, cancel: () => undefined }
  }
}

const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
const MiB = 2 ** 20
const scenario = {
  name: 'two small TDs',
  durationNs: 5e9,
  seed: 3,
  tdClasses: [{ name: 'td', count: 2, memoryBytes: 256 * MiB, vcpus: 2, lifetimeNs: 1e9 }]
}
const settings = { designs: ['v6', 'always-lock', 'per-2m'] as const, seeds: 2 }

async function run(launcher: TaskLauncher): Promise<{ json: string; progress: JobProgress[] }> {
  const services = inlineServices(launcher)
  const progress: JobProgress[] = []
  services.progress.subscribe((p) => progress.push(p))
  const host = await services.planner.analyzeHostText({
    jobId: 'h',
    fileName: FIXTURE,
    text: readHostFixture(FIXTURE)
  })
  if (!host.ok) throw new Error(host.error.message)
  const r = await services.planner.runContention({
    jobId: 'c',
    hostId: host.value.hostId,
    scenario,
    settings: { ...settings, designs: [...settings.designs] }
  })
  if (!r.ok) throw new Error(r.error.message)
  return { json: JSON.stringify(r.value), progress: progress.filter((p) => p.jobId === 'c') }
}

describe('contention designs × seeds on the worker pool', () => {
  it('gives the same report, to the byte, as one task running the parts in turn', async () => {
    const pool = new ReversingPool()
    const parallel = await run(pool)
    const sequential = await run(new InlineLauncher())
    // 3 designs × 2 seeds, no DEMOTE in the scenario: 6 parts.
    expect(pool.launched.filter((k) => k === 'contentionPart')).toHaveLength(6)
    expect(parallel.json).toBe(sequential.json)
    const report = JSON.parse(parallel.json) as {
      report: { outcomes: Array<{ design: string }>; seeds: number[] }
    }
    expect(report.report.outcomes.map((o) => o.design)).toEqual(['v6', 'always-lock', 'per-2m'])
    expect(report.report.seeds).toEqual([3, 4])
  })

  it('reports progress that never goes back and ends done at 1', async () => {
    const { progress } = await run(new ReversingPool())
    const fractions = progress.map((p) => p.fraction)
    for (let i = 1; i < fractions.length; i++)
      expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]!)
    expect(progress.at(-1)).toEqual({ jobId: 'c', phase: 'done', fraction: 1 })
  })
})

describe('JobRunner.runParts', () => {
  /** Parts answer at once with their index, or fail at `failAt`; `cancelled` counts cancels. */
  function indexLauncher(failAt = -1): { launcher: TaskLauncher; cancelled: number[] } {
    const cancelled: number[] = []
    let n = 0
    const launcher: TaskLauncher = {
      parallelism: 2,
      launch: (_task, onProgress) => {
        const k = n++
        onProgress('analysing', 0.5)
        const result = Promise.resolve(
          k === failAt ? err('WORK_TOO_LARGE', `part ${k} too large`) : { ok: true, value: k }
        ) as never
        return { result, cancel: () => cancelled.push(k) }
      }
    }
    return { launcher, cancelled }
  }
  const tasks = Array.from({ length: 5 }, () => ({ kind: 'analyze' }) as unknown as WorkerTask)

  it('returns the outputs in the tasks order', async () => {
    const runner = new JobRunner(indexLauncher().launcher, () => undefined)
    const r = await runner.runParts('j', tasks)
    expect(r).toEqual({ ok: true, value: [0, 1, 2, 3, 4] })
  })

  it('starts the heaviest parts first and still answers in the tasks order', async () => {
    const started: number[] = []
    const launcher: TaskLauncher = {
      parallelism: 1,
      launch: (task) => {
        const k = (task as unknown as { k: number }).k
        started.push(k)
        return { result: Promise.resolve({ ok: true, value: k }) as never, cancel: () => undefined }
      }
    }
    const three = [0, 1, 2].map((k) => ({ kind: 'analyze', k }) as unknown as WorkerTask)
    const r = await new JobRunner(launcher, () => undefined).runParts('j', three, [1, 5, 3])
    // Weights 1, 5, 3: part 1 (5) first, then part 2 (3), then part 0 (1).
    expect(started).toEqual([1, 2, 0])
    expect(r).toEqual({ ok: true, value: [0, 1, 2] })
  })

  it('answers with the first failure, cancels the running parts and starts no more', async () => {
    const { launcher, cancelled } = indexLauncher(1)
    let launched = 0
    const counting: TaskLauncher = {
      parallelism: 2,
      launch: (t, p) => {
        launched++
        return launcher.launch(t, p)
      }
    }
    const r = await new JobRunner(counting, () => undefined).runParts('j', tasks)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toBe('part 1 too large')
    // Two lanes start parts 0 and 1; part 0 answers first, so its lane starts part 2; part 1's
    // failure then cancels part 2 and stops both lanes: parts 3 and 4 never start.
    expect(launched).toBe(3)
    expect(cancelled).toEqual([2])
  })

  it('cancelling the job cancels every running part and answers CANCELLED', async () => {
    const cancelled: number[] = []
    let n = 0
    const launcher: TaskLauncher = {
      parallelism: 2,
      launch: () => {
        const k = n++
        let settle: (r: never) => void = () => undefined
        const result = new Promise<never>((resolve) => (settle = resolve))
        return {
          result,
          cancel: () => {
            cancelled.push(k)
            settle(err('CANCELLED', 'cancelled') as never)
          }
        }
      }
    }
    const runner = new JobRunner(launcher, () => undefined)
    const done = runner.runParts('j', tasks)
    await Promise.resolve()
    expect(runner.cancel('j')).toBe(true)
    const r = await done
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('CANCELLED')
    // The two running parts (two lanes) are cancelled; the other three never start.
    expect(cancelled.sort()).toEqual([0, 1])
    expect(n).toBe(2)
  })

  it('weights progress by each part’s share: one part of weight 3 at half is 3/8 of 4 parts', async () => {
    const seen: JobProgress[] = []
    let t = 0
    const jobs: Array<(phase: JobProgress['phase'], f: number) => void> = []
    const launcher: TaskLauncher = {
      parallelism: 4,
      launch: (_task, onProgress) => {
        jobs.push(onProgress)
        return { result: new Promise(() => undefined), cancel: () => undefined }
      }
    }
    // The clock moves 1 s per reading, so the 100 ms throttle never holds an event back.
    const runner = new JobRunner(
      launcher,
      (p) => seen.push(p),
      () => (t += 1000)
    )
    void runner.runParts('j', tasks.slice(0, 4), [3, 1, 1, 1])
    await Promise.resolve()
    jobs[0]!('analysing', 0.5)
    // Weight 3 of 6 at one half: 3/6 × 0.5 = 0.25.
    expect(seen.at(-1)).toEqual({ jobId: 'j', phase: 'analysing', fraction: 0.25 })
    jobs[1]!('analysing', 1)
    // Plus weight 1 of 6 at 1: 0.25 + 1/6.
    expect(seen.at(-1)!.fraction).toBeCloseTo(0.25 + 1 / 6, 12)
    jobs[0]!('analysing', 0.1)
    // A part's fraction never goes back.
    expect(seen.at(-1)!.fraction).toBeCloseTo(0.25 + 1 / 6, 12)
  })
})
