import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { JobProgress } from '@shared/api/contract'
import type { ApiResult } from '@shared/api/errors'
import { emptyKernelTdxLog, type HostInput } from '@shared/model/host/memoryMap'
import { scenarioSchema } from '@shared/model/workload/scenario'
import {
  WorkerThreadLauncher,
  defaultPoolSize,
  type WorkerThreadLauncherOptions
} from '../../../src-main/services/jobRunner'
import type { TaskOutput, WorkerTask } from '../../../src-main/worker/protocol'
import { buildWorker, bundleForNode, type BuiltWorker } from '../../support/buildWorker'
import { readHostFixture } from '../../support/fixtures'
import { inlineServices } from '../../support/services'

/**
 * The launcher the app really uses (desktop and browser mode), running the real worker entry
 * bundled by Vite in beforeAll. Every wait is on an event (result, progress, worker exit).
 */

const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'

type Step = [JobProgress['phase'], number]

/** Launch an import of `fileName` on a stand-in worker; `onProgress` sees each event's phase. */
function launchOn(
  launcher: WorkerThreadLauncher,
  fileName: string,
  onProgress: (phase: JobProgress['phase']) => void = () => undefined
): { result: Promise<ApiResult<unknown>>; cancel: () => void } {
  return launcher.launch(importTask(fileName, 'x'), (phase) => onProgress(phase))
}

/** What a stand-in worker answered (the job must have succeeded). */
async function answerValue<T>(job: { result: Promise<ApiResult<unknown>> }): Promise<T> {
  const r = await job.result
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

function importTask(fileName: string, text: string): WorkerTask & { kind: 'importAndAnalyze' } {
  return {
    kind: 'importAndAnalyze',
    fileName,
    text,
    format: 'auto',
    model: undefined,
    source: { kind: 'file', fileName }
  }
}

/**
 * A valid dmesg log of `lines` BIOS-e820 entries: 4 KiB ranges back to back from address 0,
 * alternately reserved and usable (each line ~78 bytes, so 262144 lines are ~19.5 MiB).
 */
function bigE820Log(lines: number): string {
  const hex = (n: number): string => `0x${n.toString(16).padStart(16, '0')}`
  const out: string[] = []
  for (let i = 0; i < lines; i++) {
    const base = i * 0x1000
    const type = i % 2 === 0 ? 'reserved' : 'usable'
    out.push(`[    0.000000] BIOS-e820: [mem ${hex(base)}-${hex(base + 0xfff)}] ${type}`)
  }
  return `${out.join('\n')}\n`
}

/**
 * A launcher whose worker exits are observable: `nextExit()` resolves in order, one per worker;
 * `exitCount()` is how many workers have exited so far.
 */
function observedLauncher(
  workerPath: string | URL,
  options: Omit<WorkerThreadLauncherOptions, 'onWorkerExit'> = {}
): { launcher: WorkerThreadLauncher; nextExit: () => Promise<number>; exitCount: () => number } {
  const codes: number[] = []
  const waiting: Array<(code: number) => void> = []
  let exits = 0
  const launcher = new WorkerThreadLauncher(workerPath, {
    ...options,
    onWorkerExit: (code) => {
      exits++
      const wake = waiting.shift()
      if (wake) wake(code)
      else codes.push(code)
    }
  })
  const nextExit = (): Promise<number> => {
    const code = codes.shift()
    return code !== undefined
      ? Promise.resolve(code)
      : new Promise<number>((resolve) => waiting.push(resolve))
  }
  return { launcher, nextExit, exitCount: () => exits }
}

/** A tiny ESM worker script, as a data: URL (Node runs those through its ESM loader). */
function scriptUrl(source: string): URL {
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`)
}

let built: BuiltWorker
/** 262144 lines = 4 × the bootLog progress stride (65536), ~19.5 MiB: seconds of parsing. */
let bigLog: string

beforeAll(async () => {
  built = await buildWorker()
  bigLog = bigE820Log(262_144)
}, 120_000)

afterAll(async () => {
  await built.cleanup()
})

describe('WorkerThreadLauncher with the real worker', { timeout: 30_000 }, () => {
  it('round-trips importAndAnalyze: the kernel-printed 1050636 KB, progress in order, worker kept warm', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath)
    const steps: Step[] = []
    const job = launcher.launch(importTask(FIXTURE, readHostFixture(FIXTURE)), (phase, f) =>
      steps.push([phase, f])
    )
    expect(launcher.liveWorkers).toBe(1)
    const r = await job.result
    if (!r.ok) throw new Error(r.error.message)
    // The SPR 8480C host's own dmesg line: "virt/tdx: 1050636 KB allocated for PAMT".
    expect(r.value.result.analysis.staticPamt.kb).toBe(1_050_636)
    expect(r.value.result.source).toEqual({ kind: 'file', fileName: FIXTURE })
    // The imported HostInput crossed back too (main keeps it for re-analysis): its 3 CMRs.
    expect(r.value.host.cmrs).toHaveLength(3)
    // runTask posts parsing 0; the dmesg parser reports 1 after its scan (the fixture is far under
    // the 65536-line progress stride, so nothing in between); then analysing 0 and done 1.
    expect(steps).toEqual([
      ['parsing', 0],
      ['parsing', 1],
      ['analysing', 0],
      ['done', 1]
    ])
    // The worker answered, so it stays as the one idle worker (keepWarm 1), still counted live.
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    // Ending it is terminate(): exit code 1, and nothing is left running.
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(0)
    expect(launcher.idleWorkers).toBe(0)
  })

  it('with keepWarm 0 the launcher ends each worker once its result is in, as before warm workers', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath, { keepWarm: 0 })
    const r = await launcher.launch(importTask(FIXTURE, readHostFixture(FIXTURE)), () => {}).result
    expect(r.ok).toBe(true)
    // terminate() after the result: exit code 1, no idle worker.
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(0)
    expect(launcher.idleWorkers).toBe(0)
  })

  it('with no cancel grace, cancel during a long parse resolves CANCELLED, delivers nothing more and ends the thread', async () => {
    // cancelGraceMs 0: no waiting for the run to notice its flag; the thread is ended at once.
    const { launcher, nextExit } = observedLauncher(built.workerPath, { cancelGraceMs: 0 })
    const steps: Step[] = []
    let liveAtCancel = -1
    const job = launcher.launch(importTask('big.log', bigLog), (phase, f) => {
      steps.push([phase, f])
      if (steps.length === 1) {
        liveAtCancel = launcher.liveWorkers
        job.cancel()
      }
    })
    expect(await job.result).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: 'cancelled' }
    })
    // Cancelled on the first event (runTask's parsing 0); none after it reaches the caller.
    expect(steps).toEqual([['parsing', 0]])
    expect(liveAtCancel).toBe(1)
    // terminate() stops the thread mid-parse; it exits with code 1 and nothing is left running.
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(0)
  })

  it('a worker heap cap the input exceeds gives INTERNAL naming the out-of-memory and the cap', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath, { heapMb: 32 })
    // Control: 32 MiB is enough for the worker itself and a small host.
    const small = await launcher.launch(importTask(FIXTURE, readHostFixture(FIXTURE)), () => {})
      .result
    expect(small.ok).toBe(true)
    // The control's worker is kept warm and serves the big log too: the cap holds on a reused worker.
    expect(launcher.idleWorkers).toBe(1)
    // The big log is ~19.5 MiB of text alone, plus a line array and one range object per line:
    // far beyond 32 MiB of old-generation heap.
    const r = await launcher.launch(importTask('big.log', bigLog), () => {}).result
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'INTERNAL',
        message:
          'model worker ran out of memory (its heap is capped at 32 MiB); the input is too large to model'
      }
    })
    // Out of memory: that worker is ended, never kept.
    await nextExit()
    expect(launcher.liveWorkers).toBe(0)
    expect(launcher.idleWorkers).toBe(0)
  })

  it('runs the planner service end to end over worker threads, publishing progress by job id', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath)
    const { planner, progress } = inlineServices(launcher)
    const seen: JobProgress[] = []
    progress.subscribe((p) => seen.push(p))
    const r = await planner.analyzeHostText({
      jobId: 'job-7',
      fileName: 'spr.txt',
      text: readHostFixture(FIXTURE)
    })
    expect(r.ok && r.value.analysis.staticPamt.kb).toBe(1_050_636)
    // The first event (parsing 0) and the last (done, never throttled) reach the hub.
    expect(seen[0]).toEqual({ jobId: 'job-7', phase: 'parsing', fraction: 0 })
    expect(seen.at(-1)).toEqual({ jobId: 'job-7', phase: 'done', fraction: 1 })
    // The host main stored came back from the worker: exporting it keeps the kernel's printed KB.
    if (!r.ok) throw new Error(r.error.message)
    const exported = await planner.exportHostJson({ hostId: r.value.hostId })
    expect(exported.ok && exported.value.text).toContain('"pamtKb": 1050636')
    launcher.terminateIdle()
    await nextExit()
  })
})

/** A launched importAndAnalyze job. */
interface ImportJob {
  result: Promise<ApiResult<TaskOutput<ReturnType<typeof importTask>>>>
  cancel: () => void
}

describe('WorkerThreadLauncher pool', { timeout: 30_000 }, () => {
  /** Launch jobs by name on `launcher`, recording each one's progress and the live threads seen. */
  function recorder(launcher: WorkerThreadLauncher): {
    launch: (name: string, text?: string) => ImportJob
    steps: Record<string, Step[]>
    /** Job names in the order their worker's first event arrived. */
    started: string[]
    maxLive: () => number
  } {
    const steps: Record<string, Step[]> = {}
    const started: string[] = []
    let maxLive = 0
    const launch = (name: string, text = readHostFixture(FIXTURE)): ImportJob => {
      const mine: Step[] = (steps[name] = [])
      const job = launcher.launch(importTask(`${name}.txt`, text), (phase, f) => {
        if (phase !== 'queued' && !mine.some(([p]) => p !== 'queued')) started.push(name)
        mine.push([phase, f])
        maxLive = Math.max(maxLive, launcher.liveWorkers)
      })
      maxLive = Math.max(maxLive, launcher.liveWorkers)
      return job
    }
    return { launch, steps, started, maxLive: () => maxLive }
  }

  it('runs at most poolSize threads, queues the rest as queued, and refuses past the queue with BUSY', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath, { poolSize: 2, maxQueued: 2 })
    const { launch, steps, maxLive } = recorder(launcher)
    const running = [launch('a'), launch('b')]
    expect(launcher.liveWorkers).toBe(2)
    const queued = [launch('c'), launch('d')]
    // Pool full: c and d wait, and say so at once (before any worker of theirs exists).
    expect(launcher.liveWorkers).toBe(2)
    expect(launcher.queuedJobs).toBe(2)
    expect(steps.c).toEqual([['queued', 0]])
    expect(steps.d).toEqual([['queued', 0]])
    // Two running and two waiting: the fifth job is refused without starting anything.
    expect(await launch('e').result).toEqual({
      ok: false,
      error: {
        code: 'BUSY',
        message: 'the model is busy: 2 jobs running and 2 waiting; try again when one has finished'
      }
    })
    expect(steps.e).toEqual([])
    for (const r of await Promise.all([...running, ...queued].map((j) => j.result))) {
      // The SPR 8480C host's own dmesg line: "virt/tdx: 1050636 KB allocated for PAMT".
      expect(r.ok && r.value.result.analysis.staticPamt.kb).toBe(1_050_636)
    }
    // A queued job, once started, reports as the first test's job did, after its queued event.
    expect(steps.c).toEqual([
      ['queued', 0],
      ['parsing', 0],
      ['parsing', 1],
      ['analysing', 0],
      ['done', 1]
    ])
    // a's and b's workers went straight to c and d; of those two, one is kept idle (keepWarm 1)
    // and the other ended: one exit, one live idle worker.
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    expect(launcher.queuedJobs).toBe(0)
    expect(maxLive()).toBe(2)
    launcher.terminateIdle()
    await nextExit()
  })

  it('cancel takes a job out of the queue: CANCELLED, never started; the rest run in order', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath, { poolSize: 1, maxQueued: 3 })
    const { launch, steps, started, maxLive } = recorder(launcher)
    const a = launch('a')
    const b = launch('b')
    const c = launch('c')
    const d = launch('d')
    expect(launcher.queuedJobs).toBe(3)
    c.cancel()
    expect(await c.result).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: 'cancelled' }
    })
    expect(launcher.queuedJobs).toBe(2)
    const results = await Promise.all([a.result, b.result, d.result])
    expect(results.map((r) => r.ok)).toEqual([true, true, true])
    // One thread at a time, first in first out; c never reached a worker.
    expect(started).toEqual(['a', 'b', 'd'])
    expect(steps.c).toEqual([['queued', 0]])
    // One worker served a, b and d in turn (handed on, never ended): it is the idle one now.
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    expect(maxLive()).toBe(1)
    launcher.terminateIdle()
    await nextExit()
  })

  it('cancelling the running job with no grace frees its thread for the next in the queue', async () => {
    // cancelGraceMs 0: the cancelled worker is ended at once, so its slot frees on its exit.
    const { launcher, nextExit } = observedLauncher(built.workerPath, {
      poolSize: 1,
      cancelGraceMs: 0
    })
    const steps: Step[] = []
    const big = launcher.launch(importTask('big.log', bigLog), (phase, f) => {
      steps.push([phase, f])
      if (steps.length === 1) big.cancel()
    })
    const next = launcher.launch(importTask(FIXTURE, readHostFixture(FIXTURE)), () => undefined)
    expect(launcher.queuedJobs).toBe(1)
    expect((await big.result).ok).toBe(false)
    // The big log alone parses for seconds; the queued job's answer proves the slot came free.
    const r = await next.result
    expect(r.ok && r.value.result.analysis.staticPamt.kb).toBe(1_050_636)
    // The cancelled worker exited; the next job's (fresh) worker is kept idle.
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    launcher.terminateIdle()
    await nextExit()
  })

  it('the planner queues concurrent simulations past the pool and publishes queued for them', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath, { poolSize: 2, maxQueued: 4 })
    const { planner, progress } = inlineServices(launcher)
    const host = await planner.analyzeHostText({
      jobId: 'host',
      fileName: 'spr.txt',
      text: readHostFixture(FIXTURE)
    })
    if (!host.ok) throw new Error(host.error.message)
    // The import's worker is kept idle; s0 takes it below, s1 starts a second one.
    expect(launcher.idleWorkers).toBe(1)
    const presets = await planner.listScenarioPresets({ hostId: host.value.hostId })
    if (!presets.ok) throw new Error(presets.error.message)
    const scenario = presets.value[0]!.scenario
    const seen: JobProgress[] = []
    progress.subscribe((p) => seen.push(p))
    let maxLive = 0
    progress.subscribe(() => (maxLive = Math.max(maxLive, launcher.liveWorkers)))
    // simulate() launches before its first await, so s0 and s1 take the pool, s2 and s3 wait.
    const runs = ['s0', 's1', 's2', 's3'].map((jobId) =>
      planner.simulate({ jobId, hostId: host.value.hostId, scenario })
    )
    expect(launcher.liveWorkers).toBe(2)
    expect(seen.filter((p) => p.phase === 'queued')).toEqual([
      { jobId: 's2', phase: 'queued', fraction: 0 },
      { jobId: 's3', phase: 'queued', fraction: 0 }
    ])
    const results = await Promise.all(runs)
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true])
    for (const jobId of ['s0', 's1', 's2', 's3'])
      expect(seen.filter((p) => p.jobId === jobId).at(-1)).toEqual({
        jobId,
        phase: 'done',
        fraction: 1
      })
    // Each worker went straight to a queued run; when the last two ended, one was kept idle and
    // the other ended: one exit.
    await nextExit()
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    expect(maxLive).toBeLessThanOrEqual(2)
    launcher.terminateIdle()
    await nextExit()
  })

  it('sizes the pool to the cores, from 1 to at most 3', () => {
    expect(defaultPoolSize(1)).toBe(1)
    expect(defaultPoolSize(2)).toBe(2)
    expect(defaultPoolSize(3)).toBe(3)
    expect(defaultPoolSize(64)).toBe(3)
  })
})

describe('WorkerThreadLauncher when the worker fails', { timeout: 30_000 }, () => {
  const task = importTask('f.txt', 'x')
  type Outcome = ApiResult<TaskOutput<typeof task>>

  async function runScript(source: string): Promise<{ result: Outcome; exitCode: number }> {
    const { launcher, nextExit } = observedLauncher(scriptUrl(source))
    const result = await launcher.launch(task, () => {}).result
    const exitCode = await nextExit()
    expect(launcher.liveWorkers).toBe(0)
    return { result, exitCode }
  }

  it('a worker that throws on the task gives INTERNAL with the error message', async () => {
    const { result } = await runScript(
      "import { parentPort } from 'node:worker_threads'\n" +
        "parentPort.on('message', () => { throw new Error('boom in the model') })"
    )
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'model worker failed: boom in the model' }
    })
  })

  it('a worker that fails while loading gives INTERNAL on one line', async () => {
    const { result } = await runScript("throw new Error('cannot load\\n  at somewhere')")
    // The two-line message is joined so the UI shows one line.
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'model worker failed: cannot load at somewhere' }
    })
  })

  it('a worker that throws a non-Error value gives INTERNAL with that value', async () => {
    const { result } = await runScript(
      "import { parentPort } from 'node:worker_threads'\n" +
        "parentPort.on('message', () => { throw 'plain string' })"
    )
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'model worker failed: plain string' }
    })
  })

  it('a worker that calls process.exit(3) gives INTERNAL naming exit code 3', async () => {
    const { result, exitCode } = await runScript(
      "import { parentPort } from 'node:worker_threads'\n" +
        "parentPort.on('message', () => process.exit(3))"
    )
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'model worker exited with code 3' }
    })
    expect(exitCode).toBe(3)
  })
})

describe('WorkerThreadLauncher heap cap', () => {
  const task = importTask('f.txt', 'x')

  it('gives each worker the heap cap: 1536 MiB by default, or the one injected', async () => {
    // The worker reads its own limit (worker_threads.resourceLimits) and posts it as its result.
    const reportCap =
      "import { parentPort, resourceLimits } from 'node:worker_threads'\n" +
      "parentPort.on('message', () => parentPort.postMessage(" +
      "{ kind: 'result', result: { ok: true, value: resourceLimits.maxOldGenerationSizeMb } }))"
    const capOf = async (options: WorkerThreadLauncherOptions): Promise<unknown> => {
      const { launcher, nextExit } = observedLauncher(scriptUrl(reportCap), options)
      const r: ApiResult<unknown> = await launcher.launch(task, () => {}).result
      launcher.terminateIdle()
      await nextExit()
      return r.ok ? r.value : r.error
    }
    expect(await capOf({})).toBe(1536)
    expect(await capOf({ heapMb: 24 })).toBe(24)
  })
})

describe('WorkerThreadLauncher warm workers', { timeout: 30_000 }, () => {
  /**
   * A worker that answers each task with its own thread id (so a test sees which thread ran a job):
   * it posts parsing 0 first; `hang.txt` then never answers (to be cancelled), `bad.txt` answers an
   * error result, and `throw.txt` throws instead of answering.
   */
  const threadIdWorker = scriptUrl(
    "import { parentPort, threadId } from 'node:worker_threads'\n" +
      'parentPort.on("message", (t) => {\n' +
      '  if (t.fileName === "throw.txt") throw new Error("boom")\n' +
      '  parentPort.postMessage({ kind: "progress", phase: "parsing", fraction: 0 })\n' +
      '  if (t.fileName === "hang.txt") return\n' +
      '  parentPort.postMessage({ kind: "result", result: t.fileName === "bad.txt"\n' +
      '    ? { ok: false, error: { code: "BAD_INPUT", message: "bad" } }\n' +
      '    : { ok: true, value: threadId } })\n' +
      '})'
  )

  /** The thread id a job answered with (the job must have succeeded). */
  const threadOf = (job: { result: Promise<ApiResult<unknown>> }): Promise<number> =>
    answerValue<number>(job)

  it('a second job runs on the first job’s worker thread: same thread id, no exit between', async () => {
    const { launcher, nextExit, exitCount } = observedLauncher(threadIdWorker)
    const first = await threadOf(launchOn(launcher, 'a.txt'))
    expect(launcher.idleWorkers).toBe(1)
    const second = await threadOf(launchOn(launcher, 'b.txt'))
    expect(second).toBe(first)
    expect(exitCount()).toBe(0)
    // Idle workers count as live: one thread, idle.
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(0)
  })

  it('a cancelled job’s worker that never answers is ended after the grace: the next job runs on a fresh thread', async () => {
    // hang.txt never answers, cancelled or not: the grace (20 ms here) always runs out.
    const { launcher, nextExit, exitCount } = observedLauncher(threadIdWorker, {
      cancelGraceMs: 20
    })
    const warm = await threadOf(launchOn(launcher, 'a.txt'))
    // The hanging job takes the warm worker (one live thread, none idle) and is cancelled on its
    // first event, while that thread is serving it.
    let liveAtCancel = -1
    const hang = launchOn(launcher, 'hang.txt', () => {
      liveAtCancel = launcher.liveWorkers
      hang.cancel()
    })
    expect(launcher.idleWorkers).toBe(0)
    expect(await hang.result).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: 'cancelled' }
    })
    expect(liveAtCancel).toBe(1)
    expect(await nextExit()).toBe(1)
    const next = await threadOf(launchOn(launcher, 'b.txt'))
    expect(next).not.toBe(warm)
    expect(exitCount()).toBe(1)
    launcher.terminateIdle()
    await nextExit()
  })

  it('a worker that threw is ended, never reused; one that answered an error result is kept', async () => {
    const { launcher, nextExit } = observedLauncher(threadIdWorker)
    const first = await threadOf(launchOn(launcher, 'a.txt'))
    // An error result is still the job's normal answer: the worker is kept and serves the next job.
    expect(await launchOn(launcher, 'bad.txt').result).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'bad' }
    })
    expect(launcher.idleWorkers).toBe(1)
    expect(await threadOf(launchOn(launcher, 'b.txt'))).toBe(first)
    // A throw is not an answer: INTERNAL, and that thread exits.
    expect(await launchOn(launcher, 'throw.txt').result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'model worker failed: boom' }
    })
    await nextExit()
    expect(launcher.liveWorkers).toBe(0)
    expect(launcher.idleWorkers).toBe(0)
    expect(await threadOf(launchOn(launcher, 'c.txt'))).not.toBe(first)
    launcher.terminateIdle()
    await nextExit()
  })

  it('idle workers count toward the pool: jobs past it wait, or are refused, and get a freed worker', async () => {
    const { launcher, nextExit, exitCount } = observedLauncher(threadIdWorker, {
      poolSize: 2,
      maxQueued: 1,
      keepWarm: 2
    })
    const warm = new Set(
      await Promise.all([
        threadOf(launchOn(launcher, 'a.txt')),
        threadOf(launchOn(launcher, 'b.txt'))
      ])
    )
    // Two threads served a and b at once, and both are kept (keepWarm 2).
    expect(warm.size).toBe(2)
    expect(launcher.liveWorkers).toBe(2)
    expect(launcher.idleWorkers).toBe(2)
    // c and d take the idle workers; e finds the pool full (2 live) and waits.
    const ePhases: Array<JobProgress['phase']> = []
    const jobs = [launchOn(launcher, 'c.txt'), launchOn(launcher, 'd.txt')]
    jobs.push(launchOn(launcher, 'e.txt', (phase) => ePhases.push(phase)))
    expect(launcher.liveWorkers).toBe(2)
    expect(launcher.idleWorkers).toBe(0)
    expect(launcher.queuedJobs).toBe(1)
    expect(ePhases).toEqual(['queued'])
    // Two running and one waiting fills the queue of 1: the next job is refused.
    expect(await launchOn(launcher, 'f.txt').result).toEqual({
      ok: false,
      error: {
        code: 'BUSY',
        message: 'the model is busy: 2 jobs running and 1 waiting; try again when one has finished'
      }
    })
    // Every job ran on one of the two warm threads: e was handed one as c or d finished.
    for (const id of await Promise.all(jobs.map(threadOf))) expect(warm.has(id)).toBe(true)
    expect(ePhases).toEqual(['queued', 'parsing'])
    expect(exitCount()).toBe(0)
    expect(launcher.liveWorkers).toBe(2)
    expect(launcher.idleWorkers).toBe(2)
    launcher.terminateIdle()
    await nextExit()
    await nextExit()
    expect(launcher.liveWorkers).toBe(0)
  })

  it('an idle worker is ended after the idle timeout', async () => {
    const { launcher, nextExit } = observedLauncher(threadIdWorker, { idleTimeoutMs: 50 })
    await threadOf(launchOn(launcher, 'a.txt'))
    // Kept idle at first; the timeout ends it (terminate(): exit code 1), with no call from here.
    expect(launcher.idleWorkers).toBe(1)
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(0)
    expect(launcher.idleWorkers).toBe(0)
  })

  it('a process whose only worker is idle exits by itself (the idle worker and its timer are unref’d)', async () => {
    // The child is the real launcher bundled into one ESM file (Node runs no TypeScript). Its idle
    // timeout is 10 minutes, so it can end before the test's timeout only by unref().
    await bundleForNode(
      'test/main/services/warmWorkerChild.ts',
      join(built.dir, 'child'),
      'child.mjs'
    )
    const child = join(built.dir, 'child', 'child.mjs')
    const { code, signal, stdout } = await new Promise<{
      code: number | null
      signal: NodeJS.Signals | null
      stdout: string
    }>((resolve, reject) => {
      // The spawn timeout only stops a hung child from outliving the test; it asserts nothing.
      const p = spawn(process.execPath, [child, threadIdWorker.href], { timeout: 25_000 })
      let out = ''
      p.stdout.on('data', (d: Buffer) => (out += d.toString()))
      p.on('error', reject)
      p.on('exit', (c, s) => resolve({ code: c, signal: s, stdout: out }))
    })
    expect(stdout).toBe('answered true live 1 idle 1\n')
    expect(signal).toBeNull()
    expect(code).toBe(0)
  })
})

describe('WorkerThreadLauncher cooperative cancel', { timeout: 30_000 }, () => {
  /**
   * A stand-in worker that honours nothing but reads its cancel flag (workerData.cancelFlag) and
   * answers { threadId, flag } (the flag's value when it answered). It posts parsing 0 first;
   * `late.txt` then waits until the flag is set and answers normally anyway (a run that ended just
   * before it saw the cancel); `block.txt` spins forever with no progress (a long synchronous step,
   * e.g. a parse, that never reaches a report).
   */
  const flagWorker = scriptUrl(
    "import { parentPort, threadId, workerData } from 'node:worker_threads'\n" +
      'const f = workerData.cancelFlag\n' +
      'parentPort.on("message", (t) => {\n' +
      '  parentPort.postMessage({ kind: "progress", phase: "parsing", fraction: 0 })\n' +
      '  if (t.fileName === "late.txt") while (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0, 5)\n' +
      '  if (t.fileName === "block.txt") for (;;) {}\n' +
      '  parentPort.postMessage({ kind: "result",\n' +
      '    result: { ok: true, value: { threadId, flag: Atomics.load(f, 0) } } })\n' +
      '})'
  )

  type FlagAnswer = { threadId: number; flag: number }

  const answerOf = (job: { result: Promise<ApiResult<unknown>> }): Promise<FlagAnswer> =>
    answerValue<FlagAnswer>(job)

  const CANCELLED = { ok: false, error: { code: 'CANCELLED', message: 'cancelled' } }

  it('a cancelled job whose worker answers (even normally, having missed the flag) keeps the worker, and the next job sees the flag clear', async () => {
    // A grace of a minute: only a hang could run it out, and then the test fails on exitCount.
    const { launcher, nextExit, exitCount } = observedLauncher(flagWorker, {
      poolSize: 2,
      cancelGraceMs: 60_000
    })
    const warm = await answerOf(launchOn(launcher, 'a.txt'))
    expect(warm.flag).toBe(0)
    let cancellingAtCancel = -1
    const late = launchOn(launcher, 'late.txt', () => {
      late.cancel()
      cancellingAtCancel = launcher.cancellingWorkers
    })
    // The caller is told at once; the worker is still finishing (it waits for the flag first).
    expect(await late.result).toEqual(CANCELLED)
    expect(cancellingAtCancel).toBe(1)
    // The pool has room for a second thread, but the next job waits for the cancelled job's
    // worker instead of starting a cold one, and says nothing about waiting.
    const phases: Array<JobProgress['phase']> = []
    const next = answerOf(launchOn(launcher, 'b.txt', (phase) => phases.push(phase)))
    const after = await next
    // Same thread, nothing exited, and the flag set for late.txt was cleared before b.txt ran
    // (the stand-in answered late.txt with flag 1 set; b.txt reads 0).
    expect(after).toEqual({ threadId: warm.threadId, flag: 0 })
    expect(phases).toEqual(['parsing'])
    expect(exitCount()).toBe(0)
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(1)
    expect(launcher.cancellingWorkers).toBe(0)
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
  })

  it('a worker that does not answer its cancel within the grace is terminated; the job waiting for it gets a fresh thread', async () => {
    const { launcher, nextExit, exitCount } = observedLauncher(flagWorker, { cancelGraceMs: 20 })
    const warm = await answerOf(launchOn(launcher, 'a.txt'))
    const block = launchOn(launcher, 'block.txt', () => block.cancel())
    expect(await block.result).toEqual(CANCELLED)
    // Launched while that worker may still answer: it waits for it (queued, no second thread).
    const next = launchOn(launcher, 'b.txt')
    expect(launcher.queuedJobs).toBe(1)
    expect(launcher.liveWorkers).toBe(1)
    // The spinning thread never answers: the grace runs out and terminate() ends it (code 1).
    expect(await nextExit()).toBe(1)
    const after = await answerOf(next)
    expect(after.threadId).not.toBe(warm.threadId)
    expect(after.flag).toBe(0)
    expect(exitCount()).toBe(1)
    expect(launcher.cancellingWorkers).toBe(0)
    launcher.terminateIdle()
    await nextExit()
  })

  it('a real simulate run cancelled mid-fill stops at its next progress report; the next job runs on the same thread', async () => {
    // The real worker behind a wrapper that tags each result with the thread's id and the codes
    // of every answer that thread has given (so a test sees how the cancelled run ended).
    const wrapper = join(built.dir, 'tagged-worker.mjs')
    await writeFile(
      wrapper,
      "import { parentPort, threadId } from 'node:worker_threads'\n" +
        'const answers = []\n' +
        'const post = parentPort.postMessage.bind(parentPort)\n' +
        'parentPort.postMessage = (m) => {\n' +
        '  if (m.kind !== "result") return post(m)\n' +
        '  answers.push(m.result.ok ? "ok" : m.result.error.code)\n' +
        '  post({ ...m, result: { ...m.result, threadId, answers: [...answers] } })\n' +
        '}\n' +
        "await import('./worker.mjs')\n"
    )
    type Tagged = { threadId: number; answers: string[] }
    const GiB = 2 ** 30
    // A 2 TiB host of one usable range.
    const host: HostInput = {
      name: 'two-tib',
      ranges: [{ baseBytes: 0, endBytes: 2048 * GiB, type: 'ram', typeLabel: 'usable', line: 0 }],
      memorySource: 'e820',
      numaMemblks: [],
      numaSource: 'none',
      cmrs: [],
      kernelLog: emptyKernelTdxLog()
    }
    const small = scenarioSchema.parse({
      name: 'one small TD',
      durationNs: 1e9,
      seed: 1,
      tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 * GiB, vcpus: 1, lifetimeNs: 5e8 }]
    })
    // Eight 240 GiB TDs on a half-fragmented host, swept over 8 TD counts: ~20 s of work when run
    // through on this machine (measured once with runTask; the margin the cancel has to land in),
    // reporting every few ms (countingSink.ts, every 65,536 region visits).
    const long = scenarioSchema.parse({
      name: 'fragmented fill',
      durationNs: 5e9,
      seed: 1,
      host: { fragmentation: 0.5 },
      tdClasses: [{ name: 'td', count: 8, memoryBytes: 240 * GiB, vcpus: 2, lifetimeNs: 1e9 }]
    })
    const simulate = (scenario: typeof small, values?: number[]): WorkerTask => ({
      kind: 'simulate',
      host,
      model: undefined,
      scenario,
      sweep: values ? { parameter: 'tdCount', values } : undefined
    })
    const tagsOf = async (job: { result: Promise<ApiResult<unknown>> }): Promise<Tagged> => {
      const r = await job.result
      if (!r.ok) throw new Error(r.error.message)
      return r as unknown as Tagged
    }
    const { launcher, nextExit, exitCount } = observedLauncher(wrapper, { cancelGraceMs: 60_000 })
    const warm = await tagsOf(launcher.launch(simulate(small), () => undefined))
    expect(warm.answers).toEqual(['ok'])
    // Cancel at the fill's first report past its start: the run is under way.
    const big = launcher.launch(simulate(long, [1, 2, 3, 4, 5, 6, 7, 8]), (phase, f) => {
      if (phase === 'analysing' && f > 0) big.cancel()
    })
    expect(await big.result).toEqual(CANCELLED)
    const next = await tagsOf(launcher.launch(simulate(small), () => undefined))
    // The same thread ran all three; it answered the long run CANCELLED (runTask's answer to the
    // flag seen at a progress report), not with a finished run; and nothing exited.
    expect(next.threadId).toBe(warm.threadId)
    expect(next.answers).toEqual(['ok', 'CANCELLED', 'ok'])
    expect(exitCount()).toBe(0)
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
  })
})

describe('WorkerThreadLauncher warm-up (prewarm)', { timeout: 30_000 }, () => {
  /**
   * A stand-in worker that answers each task with how many tasks its thread has had, counting
   * this one, and its thread id (a warm-up answers the same way: the launcher reads nothing of
   * it). `hold.txt` waits until the cancel flag is set, so a test can keep the worker busy.
   */
  const countingWorker = scriptUrl(
    "import { parentPort, threadId, workerData } from 'node:worker_threads'\n" +
      'const f = workerData.cancelFlag\n' +
      'let n = 0\n' +
      'parentPort.on("message", (t) => {\n' +
      '  n++\n' +
      '  if (t.fileName === "hold.txt") while (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0, 5)\n' +
      '  parentPort.postMessage({ kind: "result",\n' +
      '    result: { ok: true, value: { threadId, n, kind: t.kind } } })\n' +
      '})'
  )

  type Count = { threadId: number; n: number; kind: string }

  const countOf = (job: { result: Promise<ApiResult<unknown>> }): Promise<Count> =>
    answerValue<Count>(job)

  it('runs the warm-up on a new worker; a job launched meanwhile waits for it (no second thread) and runs second', async () => {
    const { launcher, nextExit, exitCount } = observedLauncher(countingWorker, {
      poolSize: 2,
      warmUp: true
    })
    launcher.prewarm()
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.warmingUpWorkers).toBe(1)
    // The pool has room for a second thread, but the job waits for the warming one, silently.
    const phases: Array<JobProgress['phase']> = []
    const job = countOf(launchOn(launcher, 'a.txt', (phase) => phases.push(phase)))
    expect(launcher.liveWorkers).toBe(1)
    expect(await job).toMatchObject({ n: 2, kind: 'importAndAnalyze' })
    expect(phases).toEqual([])
    expect(launcher.warmingUpWorkers).toBe(0)
    expect(launcher.idleWorkers).toBe(1)
    // That worker is warm now: another prewarm starts nothing.
    launcher.prewarm()
    expect(launcher.warmingUpWorkers).toBe(0)
    expect(launcher.liveWorkers).toBe(1)
    expect(exitCount()).toBe(0)
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
  })

  it('warms an idle worker that has not been warmed (one that only imported a host), on the same thread', async () => {
    const { launcher, nextExit } = observedLauncher(countingWorker, { warmUp: true })
    const first = await countOf(launchOn(launcher, 'a.txt'))
    expect(first.n).toBe(1)
    launcher.prewarm()
    expect(launcher.warmingUpWorkers).toBe(1)
    expect(launcher.idleWorkers).toBe(0)
    const next = await countOf(launchOn(launcher, 'b.txt'))
    expect(next).toMatchObject({ threadId: first.threadId, n: 3 })
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
  })

  it('does nothing without the warmUp option, with keepWarm 0, or while every worker is busy', async () => {
    const off = observedLauncher(countingWorker)
    off.launcher.prewarm()
    expect(off.launcher.liveWorkers).toBe(0)
    const cold = observedLauncher(countingWorker, { warmUp: true, keepWarm: 0 })
    cold.launcher.prewarm()
    expect(cold.launcher.liveWorkers).toBe(0)

    const { launcher, nextExit } = observedLauncher(countingWorker, {
      poolSize: 2,
      warmUp: true,
      cancelGraceMs: 60_000
    })
    const held = launchOn(launcher, 'hold.txt')
    launcher.prewarm()
    // The busy worker's job will warm it; no second thread is started for a warm-up.
    expect(launcher.liveWorkers).toBe(1)
    expect(launcher.warmingUpWorkers).toBe(0)
    // Cancelling sets the flag the stand-in waits on; it then answers and idles.
    held.cancel()
    expect(await held.result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    const after = await countOf(launchOn(launcher, 'b.txt'))
    expect(after.n).toBe(2)
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
  })

  it('a warm-up that fails says so in one line on stderr, and its worker is ended', async () => {
    const throwing = scriptUrl(
      "import { parentPort } from 'node:worker_threads'\n" +
        'parentPort.on("message", () => { throw new Error("no model here") })'
    )
    const { launcher, nextExit } = observedLauncher(throwing, { warmUp: true })
    const lines: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    try {
      launcher.prewarm()
      expect(launcher.warmingUpWorkers).toBe(1)
      expect(await nextExit()).toBe(1)
    } finally {
      spy.mockRestore()
    }
    expect(lines).toEqual([
      'pamt-planner: model worker warm-up failed (INTERNAL): model worker failed: no model here\n'
    ])
    expect(launcher.warmingUpWorkers).toBe(0)
    expect(launcher.liveWorkers).toBe(0)
  })

  it('the real worker runs the warm-up jobs (a fill on a fresh and a fragmented host, a contention run) and answers their time', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath)
    const r = await launcher.launch({ kind: 'warmUp' }, () => undefined).result
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.warmUpMs).toBeGreaterThan(0)
    expect(launcher.idleWorkers).toBe(1)
    launcher.terminateIdle()
    expect(await nextExit()).toBe(1)
  })
})
