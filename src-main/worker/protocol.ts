import type { ApiResult } from '@shared/api/errors'
import type {
  CalibrationFitRun,
  ContentionRun,
  HostResult,
  JobProgress,
  SimulationRun,
  TraceRun
} from '@shared/api/contract'
import type {
  ContentionMachine,
  ContentionPart,
  ContentionRunSettings
} from '@shared/model/contention/runContention'
import type { ContentionOutcome } from '@shared/model/contention/simulateContention'
import type { ScenarioCapacity } from '@shared/model/workload/capacity'
import type { CalibrationFitOptions } from '@shared/model/contention/calibrationFit'
import type { ModelOptions } from '@shared/api/modelOptions'
import type { HostFormat, ImportSummary } from '@shared/import/hostImport'
import type { HostInput } from '@shared/model/host/memoryMap'
import type { SweepParameter } from '@shared/model/runtime/sweep'
import type { Scenario } from '@shared/model/workload/scenario'

/** Model tasks for the worker. Inputs cross the thread boundary once; results come back as data. */
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
  | {
      kind: 'simulate'
      host: HostInput
      model: ModelOptions | undefined
      scenario: Scenario
      sweep: { parameter: SweepParameter; values: number[] } | undefined
    }
  | {
      kind: 'replayTrace'
      host: HostInput
      model: ModelOptions | undefined
      fileName: string
      /** The trace text, or a path the worker streams from disk (desktop, CLI). */
      source: { text: string } | { path: string }
      refcounts: 'dense' | 'sparse'
      samples: number
    }
  | {
      kind: 'contention'
      host: HostInput
      model: ModelOptions | undefined
      scenario: Scenario
      settings: ContentionRunSettings
    }
  | {
      /** One simulation of a contention request run on its own worker (designs in parallel). */
      kind: 'contentionPart'
      host: HostInput
      model: ModelOptions | undefined
      scenario: Scenario
      settings: ContentionRunSettings
      part: ContentionPart
    }
  | {
      kind: 'calibrationFit'
      host: HostInput
      model: ModelOptions | undefined
      /** The calibration preset's scenario. */
      scenario: Scenario
      settings: ContentionRunSettings
      options: CalibrationFitOptions
    }

/** What a host task produces: the analysed host, plus its input so main can re-analyse it later. */
export interface HostTaskOutput {
  host: HostInput
  result: Omit<HostResult, 'hostId'>
}

/** A contention part's outcome, and what the report needs of the host (same in every part). */
export interface ContentionPartOutput {
  hostName: string
  outcome: ContentionOutcome
  machine: ContentionMachine
  capacity: ScenarioCapacity
}

/** The output of each task kind. */
export interface TaskOutputs {
  importAndAnalyze: HostTaskOutput
  analyze: HostTaskOutput
  simulate: SimulationRun
  replayTrace: TraceRun
  contention: ContentionRun
  contentionPart: ContentionPartOutput
  calibrationFit: CalibrationFitRun
}

export type TaskOutput<T extends WorkerTask> = TaskOutputs[T['kind']]

export type WorkerMessage =
  | { kind: 'progress'; phase: JobProgress['phase']; fraction: number }
  | { kind: 'result'; result: ApiResult<unknown> }
