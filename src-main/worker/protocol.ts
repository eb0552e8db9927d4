import type { ApiResult } from '@shared/api/errors'
import type { HostResult, JobProgress } from '@shared/api/contract'

/** A task for the model worker. Text crosses the thread boundary once; results come back as data. */
export type WorkerTask = {
  kind: 'analyzeHostText'
  fileName: string
  text: string
  source: HostResult['source']
}

export type WorkerMessage =
  | { kind: 'progress'; phase: JobProgress['phase']; fraction: number }
  | { kind: 'result'; result: ApiResult<HostResult> }
