import { createReadStream } from 'node:fs'
import { err, ok, type ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import { toAnalyzeOptions } from '@shared/api/modelOptions'
import { TraceParser } from '@shared/import/trace/traceParser'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { simulateScenario, simulateTrace } from '@shared/model/runtime/simulate'
import { sweepScenario, withParameter } from '@shared/model/runtime/sweep'
import {
  resolveMachine,
  runContention,
  runContentionPart
} from '@shared/model/contention/runContention'
import { contentionTds } from '@shared/model/contention/simulateContention'
import { contentionBudget } from '@shared/model/workLimits'
import {
  CalibrationNotComparable,
  runCalibrationFit
} from '@shared/model/contention/calibrationReport'
import {
  estimateSimulationWork,
  WORK_LIMITS,
  WorkBudget,
  WorkLimitError
} from '@shared/model/workEstimate'
import type { TaskOutput, TaskOutputs, WorkerTask } from './protocol'
import { runFleetBatch } from './fleetBatch'
import { importAndAnalyzeText, withoutCode } from './importAndAnalyze'
import { runReportTask } from './reportTask'
import { warmUpTasks } from './warmUp'
import {
  calibrationStep,
  contentionPartName,
  fleetStep,
  sweepStep,
  TRACE_STEP,
  WORKLOAD_STEP
} from '@shared/model/progressSteps'

/**
 * Where a task reports how far it is: its phase, the fraction of the task done and, where it
 * helps, the step running now in the product's words (src-shared/model/progressSteps.ts).
 */
export type ProgressSink = (phase: JobProgress['phase'], fraction: number, step?: string) => void

/** Chunk size when streaming a trace from disk: large enough to be cheap, small enough for progress. */
const TRACE_CHUNK_BYTES = 4 * 1024 * 1024

/**
 * Thrown by a progress sink to stop the run it reports on: the worker's sink throws it once the
 * launcher has flagged the job cancelled (worker.ts; jobRunner.ts, cooperative cancel), and
 * runTask answers CANCELLED. It unwinds the synchronous run from its next progress report.
 */
export class TaskCancelled extends Error {
  constructor() {
    super('cancelled')
    this.name = 'TaskCancelled'
  }
}

/**
 * Run one model task. Independent of worker_threads so tests and the inline launcher call it
 * directly; the worker entry only wires it to its port.
 */
export async function runTask<T extends WorkerTask>(
  task: T,
  progress: ProgressSink
): Promise<ApiResult<TaskOutput<T>>> {
  try {
    const out = await run(task, progress)
    return out as ApiResult<TaskOutput<T>>
  } catch (e) {
    if (e instanceof TaskCancelled) return err('CANCELLED', 'cancelled')
    // A run past its work limit is the user's input, not a crash: say what to shrink.
    if (e instanceof WorkLimitError) return err('WORK_TOO_LARGE', e.message)
    if (e instanceof CalibrationNotComparable) return err('INVALID_REQUEST', e.message)
    throw e
  }
}

async function run(
  task: WorkerTask,
  progress: ProgressSink
): Promise<ApiResult<TaskOutputs[WorkerTask['kind']]>> {
  switch (task.kind) {
    case 'warmUp': {
      const t0 = performance.now()
      for (const job of warmUpTasks()) {
        const done = await run(job, () => undefined)
        if (!done.ok) return err(done.error.code, `warm-up: ${done.error.message}`)
      }
      return ok({ warmUpMs: performance.now() - t0 })
    }
    case 'importAndAnalyze': {
      progress('parsing', 0)
      const done = importAndAnalyzeText(task.text, task.fileName, task.format, task.model, {
        onParse: (f) => progress('parsing', f),
        onAnalyse: () => progress('analysing', 0)
      })
      if (!done.ok) return err(done.error.code, done.error.message, withoutCode(done.error))
      progress('done', 1)
      const { host, summary, analysis, model } = done.value
      return ok({
        host,
        result: {
          source: task.source,
          summary,
          analysis,
          ...(model !== undefined ? { model } : {})
        }
      })
    }
    case 'fleetBatch': {
      const hosts = task.items.length
      progress('analysing', 0, fleetStep(0, hosts))
      const rows = await runFleetBatch(task, (f, done) =>
        progress('analysing', f, fleetStep(done, hosts))
      )
      progress('done', 1)
      return ok(rows)
    }
    case 'analyze': {
      progress('analysing', 0)
      const analysis = analyzeHost(task.host, toAnalyzeOptions(task.model))
      progress('done', 1)
      return ok({
        host: task.host,
        result: { source: task.source, summary: task.summary, analysis }
      })
    }
    case 'simulate': {
      progress('analysing', 0, WORKLOAD_STEP)
      const host = analyzeHost(task.host, toAnalyzeOptions(task.model))
      const values = task.sweep?.values.length ?? 0
      const steps = 1 + values
      // The service refused runs the estimate puts over the limit; this stops one it underrated.
      const budget = new WorkBudget()
      const result = simulateScenario(host, task.scenario, budget, {
        progress: {
          onProgress: (f, step) => progress('analysing', f / steps, step),
          expectedRegionVisits: estimateSimulationWork(task.scenario, host).units
        }
      })
      // Each sweep point reports within itself against its own work estimate, and its end.
      const sweepRun = task.sweep
      const sweep = sweepRun
        ? sweepScenario(
            host,
            task.scenario,
            sweepRun.parameter,
            sweepRun.values,
            (done) =>
              progress(
                'analysing',
                (1 + done) / steps,
                sweepStep(Math.min(values, done + 1), values)
              ),
            budget,
            {
              expectedRegionVisits: sweepRun.values.map(
                (v) =>
                  estimateSimulationWork(withParameter(task.scenario, sweepRun.parameter, v), host)
                    .units
              ),
              onProgress: (point, f) =>
                progress('analysing', (1 + point + f) / steps, sweepStep(point + 1, values))
            }
          )
        : null
      progress('done', 1)
      return ok({ scenario: task.scenario, hostName: host.name, result, sweep })
    }
    case 'contention': {
      progress('analysing', 0)
      const host = analyzeHost(task.host, toAnalyzeOptions(task.model))
      const report = runContention(host, task.scenario, task.settings, (f, step) =>
        progress('analysing', f, step)
      )
      progress('done', 1)
      return ok({ hostName: host.name, scenario: task.scenario, report })
    }
    case 'contentionPart': {
      // Its own words only ("simulating v6"): JobRunner.runParts says which parts run and how
      // many are done, from all of them.
      const step = `simulating ${contentionPartName(task.part, { variants: true, seeds: true })}`
      progress('analysing', 0, step)
      const host = analyzeHost(task.host, toAnalyzeOptions(task.model))
      const machine = resolveMachine(host, task.settings)
      // Each part stops past the request's whole limit: the pre-flight estimate bounds their sum.
      const outcome = runContentionPart(
        host,
        task.scenario,
        task.settings,
        machine,
        task.part,
        contentionBudget(),
        (f) => progress('analysing', f, step)
      )
      progress('done', 1)
      return ok({
        hostName: host.name,
        outcome,
        machine,
        capacity: contentionTds(host, task.scenario).capacity
      })
    }
    case 'calibrationFit': {
      const { points, evaluationsPerPoint } = task.options
      progress('analysing', 0, calibrationStep(1, (points + 1) * evaluationsPerPoint))
      const host = analyzeHost(task.host, toAnalyzeOptions(task.model))
      // The service refused fits over their bound of runs; this stops one whose runs are heavier
      // than the preset's usual ~1 M events.
      const report = runCalibrationFit(host, task.scenario, task.settings, task.options, {
        onProgress: (f, step) => progress('analysing', f, step),
        budget: new WorkBudget(
          WORK_LIMITS.contentionEvents,
          'simulation events',
          'lower the seeds, points or evaluations per point of the calibration fit'
        )
      })
      progress('done', 1)
      return ok({ hostName: host.name, report })
    }
    case 'report':
      return runReportTask(task, progress)
    case 'replayTrace': {
      progress('parsing', 0)
      const parser = new TraceParser(task.fileName)
      if ('text' in task.source) {
        const text = task.source.text
        for (let at = 0; at < text.length; at += TRACE_CHUNK_BYTES) {
          parser.feed(text.slice(at, at + TRACE_CHUNK_BYTES))
          progress('parsing', at / text.length)
        }
      } else {
        try {
          for await (const chunk of createReadStream(task.source.path, {
            encoding: 'utf8',
            highWaterMark: TRACE_CHUNK_BYTES
          })) {
            parser.feed(chunk as string)
            progress('parsing', 0.5)
          }
        } catch (e) {
          // A cancel thrown by the progress report above is not a read error.
          if (e instanceof TaskCancelled) throw e
          return err('FILE_UNREADABLE', `cannot read trace: ${(e as Error).message}`, {
            fileName: task.fileName
          })
        }
      }
      const parsed = parser.finish()
      if (!parsed.ok) {
        const { code, message, fileName, line } = parsed.error
        return err(code, message, line !== undefined ? { fileName, line } : { fileName })
      }
      progress('analysing', 0, TRACE_STEP)
      const host = analyzeHost(task.host, toAnalyzeOptions(task.model))
      const result = simulateTrace(host, parsed.events, task.fileName, {
        refcounts: task.refcounts,
        samples: task.samples
      })
      progress('done', 1)
      return ok({ hostName: host.name, trace: parsed.summary, result })
    }
  }
}
