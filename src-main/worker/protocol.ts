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
import type { FleetRow, FleetScenarioCell } from '@shared/fleet/fleetRow'

/** One host file of a fleet batch: read from disk by the worker (CLI, desktop) or sent as text. */
export type FleetItem = { file: string; path: string } | { file: string; text: string }

/** The workload a fleet run models on every host (src-shared/fleet/fleetHost.ts). */
export type { FleetWorkload } from '@shared/fleet/fleetHost'
import type { FleetWorkload } from '@shared/fleet/fleetHost'
import type { ReportScope } from '@shared/report/buildReport'
import type { SavedFleet } from '@shared/fleet/fleetSaved'

/** Model tasks for the worker. Inputs cross the thread boundary once; results come back as data. */
export type WorkerTask =
  | {
      /** Run the warm-up jobs (warmUp.ts) so that the worker's first real job finds its JIT warm. */
      kind: 'warmUp'
    }
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
  | {
      /**
       * Several hosts of a fleet run in one worker (docs/fleet.md, "Pool"): a worker thread's
       * start-up is paid once per batch, not once per host.
       */
      kind: 'fleetBatch'
      items: FleetItem[]
      model: ModelOptions | undefined
      workload: FleetWorkload | null
      /**
       * The workload's cells of shapes already modelled (by shape key): a host of a known shape
       * takes its cell instead of running the workload again (docs/fleet.md, "Pool").
       */
      knownCells: Array<[string, FleetScenarioCell]>
    }
  | ReportTask

/**
 * Build a report (docs/reports.md): analyse the hosts, run the simulation and the contention run
 * the scope needs (unless main passes a cached result of the same request), and render the HTML.
 */
export interface ReportTask {
  kind: 'report'
  app: { name: string; version: string }
  generatedAt: string
  scope: ReportScope
  workspaceName: string
  notes: string
  hosts: Array<{
    host: HostInput
    summary: ImportSummary
    source: HostResult['source']
    model: ModelOptions
    input: { bytes: number; sha256: string } | null
  }>
  activeIndex: number
  simulation: { scenario: Scenario; cached: SimulationRun | null } | null
  contention: {
    scenario: Scenario
    settings: ContentionRunSettings
    cached: ContentionRun | null
  } | null
  /** Fix the paper size (the PDF path); absent: the printer's. */
  pageSize?: 'A4' | 'Letter'
  /** Pins to re-run and compare, in the chosen order (docs/reports.md, "Comparison"); [] for none. */
  compare: ReportComparePin[]
  /**
   * The workspace's fleet run for a `fleet` or `workspace` report (docs/reports.md, "Fleet"): the
   * saved summary and rows, model output of the fleet run carried in the state; null: none.
   */
  fleet?: SavedFleet | null
}

/** One pin of a report's comparison: its label, its host and the inputs that reproduce it. */
export interface ReportComparePin {
  label: string
  host: HostInput
  /** The host's file name, as the Compare view names it. */
  hostName: string
  model: ModelOptions
  run:
    | { kind: 'host-analysis' }
    | { kind: 'workload-run'; scenario: Scenario }
    | { kind: 'contention-run'; scenario: Scenario; settings: ContentionRunSettings }
}

/** A built report, and the runs it made (main caches them for the next report). */
export interface ReportTaskOutput {
  html: string
  /** Runs made by this task (null when cached or not needed). */
  ran: { simulation: SimulationRun | null; contention: ContentionRun | null }
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
  /** How long the warm-up took in the worker. */
  warmUp: { warmUpMs: number }
  importAndAnalyze: HostTaskOutput
  analyze: HostTaskOutput
  simulate: SimulationRun
  replayTrace: TraceRun
  contention: ContentionRun
  contentionPart: ContentionPartOutput
  calibrationFit: CalibrationFitRun
  /** One row per item, in the items' order. */
  fleetBatch: FleetRow[]
  report: ReportTaskOutput
}

export type TaskOutput<T extends WorkerTask> = TaskOutputs[T['kind']]

export type WorkerMessage =
  | { kind: 'progress'; phase: JobProgress['phase']; fraction: number; step?: string }
  | { kind: 'result'; result: ApiResult<unknown> }
