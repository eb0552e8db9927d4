import { err, ok, type ApiResult } from '@shared/api/errors'
import type { JobProgress } from '@shared/api/contract'
import { toAnalyzeOptions } from '@shared/api/modelOptions'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import type { TaskOutput, WorkerTask } from './protocol'

export type ProgressSink = (phase: JobProgress['phase'], fraction: number) => void

/**
 * Run one model task. Independent of worker_threads so tests and the inline launcher call it
 * directly; the worker entry only wires it to its port.
 */
export function runTask(task: WorkerTask, progress: ProgressSink): ApiResult<TaskOutput> {
  let host = task.kind === 'analyze' ? task.host : null
  let summary = task.kind === 'analyze' ? task.summary : null
  if (task.kind === 'importAndAnalyze') {
    progress('parsing', 0)
    const imported = importHostText(task.text, task.fileName, task.format, {
      onProgress: (f) => progress('parsing', f)
    })
    if (!imported.ok) {
      const { code, message, fileName, line } = imported.error
      return err(code, message, line !== undefined ? { fileName, line } : { fileName })
    }
    host = imported.host
    summary = imported.summary
  }
  if (!host || !summary) return err('INTERNAL', 'task carries no host')
  progress('analysing', 0)
  const analysis = analyzeHost(host, toAnalyzeOptions(task.model))
  progress('done', 1)
  return ok({ host, result: { source: task.source, summary, analysis } })
}
