import type { JobRequest, HostResult } from './contract'
import type { ApiResult } from './errors'
import type { ModelOptions } from './modelOptions'
import type { ScenarioInput } from '../model/workload/scenario'
import type { FleetRow } from '../fleet/fleetRow'
import type { FleetSummary } from '../fleet/fleetSummary'

/**
 * Fleet methods of the PlannerApi (issue 15, docs/fleet.md "Fleet view"). Browser mode uploads the
 * chosen host files in chunks (`analyzeFleetTexts`) and the renderer folds the rows into the same
 * `FleetSummaryAccumulator` the CLI uses; the desktop walks a folder in main (`openFleetFolder`)
 * with the CLI's own runner.
 */

/** Most files in one `analyzeFleetTexts` request. */
export const FLEET_CHUNK_MAX_FILES = 64
/**
 * Text the renderer puts in one `analyzeFleetTexts` request when it has a choice: 32 MiB. A single
 * host file larger than this (up to the 64 MiB host limit) goes alone, so the schema's own cap is
 * FLEET_CHUNK_MAX_TEXT_CHARS.
 */
export const FLEET_CHUNK_TARGET_BYTES = 32 * 1024 * 1024
/** Text one request may carry in all: one host file at its limit (MAX_HOST_FILE_BYTES). */
export const FLEET_CHUNK_MAX_TEXT_CHARS = 64 * 1024 * 1024
/** Rows the Fleet view keeps for its table (the summary still counts every file). */
export const FLEET_MAX_ROWS = 100_000

/** How the Fleet view's summary words say to choose a workload (the CLI's name its flags). */
export const FLEET_VIEW_WORD_OPTIONS = { chooseWorkload: 'choose a workload above and run again' }

/** The workload a fleet run models on every host: a preset id or a scenario; neither for none. */
export interface FleetWorkloadRequest {
  /** A workload preset (`listScenarioPresets`' ids); host-90pct-4k is sized to each host. */
  presetId?: string
  scenario?: ScenarioInput
  model?: ModelOptions
}

export interface AnalyzeFleetTextsRequest extends JobRequest, FleetWorkloadRequest {
  /** Up to FLEET_CHUNK_MAX_FILES host files, FLEET_CHUNK_MAX_TEXT_CHARS of text in all. */
  files: Array<{ fileName: string; text: string }>
}

/** A desktop fleet run: every row (up to FLEET_MAX_ROWS) and the summary of every file. */
export interface FleetFolderRun {
  /** The folder chosen (or the first file's folder). */
  folder: string
  rows: FleetRow[]
  /** Files found beyond FLEET_MAX_ROWS: in the summary, not in `rows`. */
  rowsDropped: number
  summary: FleetSummary
}

export interface FleetMethods {
  /** Browser mode: one chunk of uploaded host files; one row per file, in the files' order. */
  analyzeFleetTexts(req: AnalyzeFleetTextsRequest): Promise<ApiResult<{ rows: FleetRow[] }>>
  /** Desktop: pick a folder, walk it and run the fleet in the worker pool; null when cancelled. */
  openFleetFolder(req: JobRequest & FleetWorkloadRequest): Promise<ApiResult<FleetFolderRun | null>>
  /** Desktop: analyse one host of the last fleet run (a path main listed) for the Host view. */
  openFleetHost(
    req: JobRequest & { path: string; model?: ModelOptions }
  ): Promise<ApiResult<HostResult>>
}
