import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobProgress } from '@shared/api/contract'
import type { ApiResult } from '@shared/api/errors'
import {
  WorkerThreadLauncher,
  type WorkerThreadLauncherOptions
} from '../../../src-main/services/jobRunner'
import type { TaskOutput, WorkerTask } from '../../../src-main/worker/protocol'
import { buildWorker, type BuiltWorker } from '../../support/buildWorker'
import { readHostFixture } from '../../support/fixtures'
import { inlineServices } from '../../support/services'

/**
 * The launcher the app really uses (desktop and browser mode), running the real worker entry
 * bundled by Vite in beforeAll. Every wait is on an event (result, progress, worker exit).
 */

const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'

type Step = [JobProgress['phase'], number]

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

/** A launcher whose worker exits are observable: `exits` resolve in order, one per worker. */
function observedLauncher(
  workerPath: string | URL,
  options: Omit<WorkerThreadLauncherOptions, 'onWorkerExit'> = {}
): { launcher: WorkerThreadLauncher; nextExit: () => Promise<number> } {
  const codes: number[] = []
  const waiting: Array<(code: number) => void> = []
  const launcher = new WorkerThreadLauncher(workerPath, {
    ...options,
    onWorkerExit: (code) => {
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
  return { launcher, nextExit }
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
  it('round-trips importAndAnalyze: the kernel-printed 1050636 KB, progress in order, worker gone', async () => {
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
    // The launcher ends the worker once the result is in: terminate() exits with code 1.
    expect(await nextExit()).toBe(1)
    expect(launcher.liveWorkers).toBe(0)
  })

  it('cancel during a long parse resolves CANCELLED, delivers nothing more and ends the thread', async () => {
    const { launcher, nextExit } = observedLauncher(built.workerPath)
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
    await nextExit()
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
    await nextExit()
    expect(launcher.liveWorkers).toBe(0)
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
    await nextExit()
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
      await nextExit()
      return r.ok ? r.value : r.error
    }
    expect(await capOf({})).toBe(1536)
    expect(await capOf({ heapMb: 24 })).toBe(24)
  })
})
