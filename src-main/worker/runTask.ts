import { err, ok, type ApiResult } from '@shared/api/errors'
import type { HostResult, JobProgress } from '@shared/api/contract'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import type { WorkerTask } from './protocol'

export type ProgressSink = (phase: JobProgress['phase'], fraction: number) => void

/**
 * Run one model task. Independent of worker_threads so tests and the inline launcher call it
 * directly; the worker entry only wires it to its port.
 */
export function runTask(task: WorkerTask, progress: ProgressSink): ApiResult<HostResult> {
  switch (task.kind) {
    case 'analyzeHostText': {
      progress('parsing', 0)
      const imported = parseBootLog(task.text, task.fileName, {
        onProgress: (f) => progress('parsing', f)
      })
      if (!imported.ok) {
        const { code, message, fileName, line } = imported.error
        return err(code, message, line !== undefined ? { fileName, line } : { fileName })
      }
      progress('analysing', 0)
      const analysis = analyzeHost(imported.host)
      progress('done', 1)
      return ok({ source: task.source, summary: imported.summary, analysis })
    }
  }
}
