import type { ApiResult } from '@shared/api/errors'
import type { HostResult, JobProgress } from '@shared/api/contract'
import type { ModelOptions } from '@shared/api/modelOptions'
import type { HostFormat, ImportSummary } from '@shared/import/hostImport'
import type { HostInput } from '@shared/model/host/memoryMap'

/** A task for the model worker. Text crosses the thread boundary once; results come back as data. */
export type WorkerTask =
  | {
      kind: 'importAndAnalyze'
      fileName: string
      text: string
      format: HostFormat | 'auto'
      model: ModelOptions | undefined
      source: HostResult['source']
    }
  | {
      kind: 'analyze'
      host: HostInput
      summary: ImportSummary
      model: ModelOptions | undefined
      source: HostResult['source']
    }

/** What a task produces: the analysed host, plus its input so main can re-analyse it later. */
export interface TaskOutput {
  host: HostInput
  result: Omit<HostResult, 'hostId'>
}

export type WorkerMessage =
  | { kind: 'progress'; phase: JobProgress['phase']; fraction: number }
  | { kind: 'result'; result: ApiResult<TaskOutput> }
