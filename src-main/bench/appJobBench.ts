import { scenarioSchema } from '@shared/model/workload/scenario'
import { WorkerThreadLauncher } from '../services/jobRunner'
import type { WorkerTask } from '../worker/protocol'
import workerPath from '../worker/worker?modulePath'
import { host2TiB } from './syntheticInputs'

const GiB = 2 ** 30

/** The fresh 2 TiB fill (benchWorker.ts's first figure) as the app sends it to a model worker. */
function fillTask(): WorkerTask {
  return {
    kind: 'simulate',
    host: host2TiB(),
    model: undefined,
    scenario: scenarioSchema.parse({
      name: '2 TiB filled with 4K TDs, fresh host',
      durationNs: 100e9,
      tdClasses: [{ name: '4K TD', count: 127, memoryBytes: 16 * GiB, vcpus: 8, lifetimeNs: 50e9 }]
    }),
    sweep: undefined
  }
}

/** Milliseconds from launching the fill to its result (the worker's analysis of the host included). */
async function timeFill(launcher: WorkerThreadLauncher): Promise<number> {
  const t0 = performance.now()
  const r = await launcher.launch(fillTask(), () => undefined).result
  if (!r.ok) throw new Error(r.error.message)
  return performance.now() - t0
}

/** Until the launcher's warm-up has ended (polled: a benchmark, not a test). */
async function warmUpDone(launcher: WorkerThreadLauncher): Promise<void> {
  while (launcher.warmingUpWorkers > 0) await new Promise((r) => setTimeout(r, 5))
}

/**
 * The fresh 2 TiB fill as a user's job through the app's worker pool, launch to result: on a new
 * worker (thread start, bundle load and a cold JIT), on a worker that ran the warm-up the app
 * starts after each host load (docs/ARCHITECTURE.md, "Warm workers"), and again
 * on that now warm worker (median of three).
 */
export async function appFillJobs(): Promise<Record<string, number>> {
  const cold = new WorkerThreadLauncher(workerPath, { keepWarm: 0 })
  const newWorkerMs = await timeFill(cold)
  const app = new WorkerThreadLauncher(workerPath, { warmUp: true })
  const w0 = performance.now()
  app.prewarm()
  await warmUpDone(app)
  const warmUpMs = performance.now() - w0
  const prewarmedMs = await timeFill(app)
  const again = [await timeFill(app), await timeFill(app), await timeFill(app)]
  app.terminateIdle()
  return {
    newWorkerMs: +newWorkerMs.toFixed(1),
    warmUpMs: +warmUpMs.toFixed(1),
    prewarmedMs: +prewarmedMs.toFixed(1),
    warmMs: +again.sort((a, b) => a - b)[1]!.toFixed(1)
  }
}
