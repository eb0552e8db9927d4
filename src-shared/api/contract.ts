import type { MenuCommand } from './shortcuts'
import type { HostFormat, ImportSummary } from '../import/hostImport'
import type { ModelOptions } from './modelOptions'
import type { Scenario, ScenarioInput } from '../model/workload/scenario'
import type { SimulationResult } from '../model/runtime/simulate'
import type { SweepParameter, SweepResult } from '../model/runtime/sweep'
import type { TraceSummary } from '../import/trace/traceFormat'
import type { ContentionReport, ContentionSettingsInput } from '../model/contention/runContention'
import type { CalibrationFitOptionsInput } from '../model/contention/calibrationFit'
import type { CalibrationFitReport } from '../model/contention/calibrationReport'
import type { HostAnalysis } from '../model/host/analyzeHost'
import type { ApiResult } from './errors'
import type { WorkspaceMethods } from './workspaceContract'
import type { FleetMethods } from './fleetContract'
import type { ReportMethods } from './reportContract'

/**
 * The PlannerApi contract: the one set of operations the renderer can ask of the main process,
 * carried over Electron IPC (preload) or loopback HTTP (browser mode). Requests are validated
 * against `requestSchemas` on arrival; results and errors are plain data.
 */

export interface AppInfo {
  name: string
  version: string
  /** Which transport serves this renderer. */
  mode: 'desktop' | 'browser'
  /** Whether a native file dialog exists (desktop); browser mode uploads instead. */
  hasFileDialog: boolean
  /** Largest host log accepted, in bytes. */
  maxHostFileBytes: number
}

export interface ExampleHost {
  id: string
  title: string
  description: string
}

/** An analysed host and where it came from. */
export interface HostResult {
  /** Handle for re-analysing or exporting this host without sending it again. */
  hostId: string
  source: { kind: 'example' | 'file'; fileName: string; exampleId?: string }
  summary: ImportSummary
  analysis: HostAnalysis
  /**
   * The model options the analysis used when the file carried its own (host JSON `model`, merged
   * under the request's); absent otherwise. The renderer adopts them so later runs use them too.
   */
  model?: ModelOptions
}

/** Progress of a long job; pushed at most every ~100 ms. */
export interface JobProgress {
  jobId: string
  /** `queued`: waiting for a free model worker (main runs a few at a time; fraction 0). */
  phase: 'queued' | 'reading' | 'parsing' | 'analysing' | 'done'
  /** 0..1 */
  fraction: number
  /**
   * What runs now, in the product's words and units (src-shared/model/progressSteps.ts; e.g.
   * "simulating v6 (2/5)", "sweep value 3 of 11"); absent when the phase says it all. Bounded by
   * JOB_STEP_MAX_CHARS (api/progress.ts, which validates progress wherever it crosses IPC or HTTP).
   */
  step?: string
}

export interface AnalyzeExampleRequest {
  jobId: string
  exampleId: string
  model?: ModelOptions
}

export interface AnalyzeHostTextRequest {
  jobId: string
  fileName: string
  text: string
  /** Input format; `auto` (default) detects it. */
  format?: HostFormat | 'auto'
  model?: ModelOptions
}

export interface ReanalyzeHostRequest {
  jobId: string
  hostId: string
  model: ModelOptions
}

export interface HostRef {
  hostId: string
}

export interface JobRequest {
  jobId: string
}

/** Request/response map: one entry per method, the same names on every transport. */
export interface PlannerMethods
  extends WorkloadMethods, ContentionMethods, WorkspaceMethods, FleetMethods, ReportMethods {
  getAppInfo(req: Record<string, never>): Promise<ApiResult<AppInfo>>
  listExampleHosts(req: Record<string, never>): Promise<ApiResult<ExampleHost[]>>
  analyzeExampleHost(req: AnalyzeExampleRequest): Promise<ApiResult<HostResult>>
  analyzeHostText(req: AnalyzeHostTextRequest): Promise<ApiResult<HostResult>>
  /** Desktop only: native open dialog, read and analyse; `null` when the user cancels. */
  openHostFile(req: JobRequest & { model?: ModelOptions }): Promise<ApiResult<HostResult | null>>
  /** Analyse an already imported host again with other model options. */
  reanalyzeHost(req: ReanalyzeHostRequest): Promise<ApiResult<HostResult>>
  /** The host in the canonical JSON host format (docs/host-format.md), with `model` if given. */
  exportHostJson(
    req: HostRef & { model?: ModelOptions }
  ): Promise<ApiResult<{ fileName: string; text: string }>>
  cancelJob(req: JobRequest): Promise<ApiResult<{ cancelled: boolean }>>
}

export type PlannerMethodName = keyof PlannerMethods

/** Methods whose request carries a file's text (`text`), which browser mode sends as the raw body. */
export type TextUploadMethod = 'analyzeHostText' | 'replayTraceText' | 'openWorkspaceText'
/** The request of a text upload without its text: it travels in the `X-Pamt-Request` header. */
export type TextUploadRequest<M extends TextUploadMethod> = Omit<
  Parameters<PlannerMethods[M]>[0],
  'text'
>
/** Header carrying a text upload's request (URI-encoded JSON, everything but `text`). */
export const TEXT_UPLOAD_HEADER = 'X-Pamt-Request'

/** What the renderer holds: the methods plus a progress subscription. */
export interface PlannerApi extends PlannerMethods {
  /** Subscribe to job progress; returns the unsubscribe function. */
  onProgress(listener: (p: JobProgress) => void): () => void
  /**
   * Browser mode only: send a file as the raw body of a text method (docs/ARCHITECTURE.md,
   * "Limits"), so the page never reads, decodes or JSON-escapes the text on its own thread; the
   * server validates `{ ...req, text }` with the same schema. Absent on the desktop (IPC passes
   * the text itself).
   */
  uploadText?<M extends TextUploadMethod>(
    method: M,
    req: TextUploadRequest<M>,
    file: Blob
  ): ReturnType<PlannerMethods[M]>
}

/**
 * The desktop preload's bridge: the API plus the application menu's commands (README "Keyboard",
 * `api/shortcuts.ts`). Browser mode has no menu, so the HTTP client is a plain PlannerApi.
 */
export interface DesktopBridge extends PlannerApi {
  /** Subscribe to menu commands (only known ones are passed on); returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
}

/** A named starting point for the scenario editor, sized to the host where the preset says so. */
export interface ScenarioPreset {
  id: string
  title: string
  scenario: Scenario
}

export interface SimulateRequest {
  jobId: string
  hostId: string
  /** Host model options the simulation's host analysis uses (as in reanalyzeHost). */
  model?: ModelOptions
  /** A scenario; validated and given its defaults by the shared scenario schema. */
  scenario: ScenarioInput
  /** Optionally also run a sweep over one parameter. */
  sweep?: { parameter: SweepParameter; values: number[] }
}

/** One simulation: the scenario as run (defaults filled in), its result and the optional sweep. */
export interface SimulationRun {
  scenario: Scenario
  hostName: string
  result: SimulationResult
  sweep: SweepResult | null
}

export interface ReplayTraceRequest {
  jobId: string
  hostId: string
  model?: ModelOptions
  fileName: string
  text: string
  refcounts: 'dense' | 'sparse'
}

/** A replayed trace: its import summary and the same result shape as a simulation. */
export interface TraceRun {
  hostName: string
  trace: TraceSummary
  result: SimulationResult
}

/** Workload methods (issue "Workloads and the Dynamic PAMT runtime"). */
export interface WorkloadMethods {
  listScenarioPresets(req: HostRef): Promise<ApiResult<ScenarioPreset[]>>
  simulate(req: SimulateRequest): Promise<ApiResult<SimulationRun>>
  /** Replay a recorded trace uploaded as text (browser mode, drag and drop). */
  replayTraceText(req: ReplayTraceRequest): Promise<ApiResult<TraceRun>>
  /** Desktop only: pick a trace file; main streams it to the worker. `null` when cancelled. */
  openTraceFile(
    req: Omit<ReplayTraceRequest, 'fileName' | 'text'>
  ): Promise<ApiResult<TraceRun | null>>
}

/** A contention preset from the seeds, or any workload scenario. */
export interface ContentionRequest {
  jobId: string
  hostId: string
  model?: ModelOptions
  scenario: ScenarioInput
  /** Designs, DEMOTE variants, costs and machine; every field has a documented default. */
  settings?: ContentionSettingsInput
}

export interface ContentionRun {
  hostName: string
  scenario: Scenario
  report: ContentionReport
}

/**
 * Fit the SEAMCALL scale and faultOutsideNs to the list's measurement on the calibration preset
 * (docs/contention-model.md, "Checks → Calibration"). `settings` holds every other knob (its costs
 * are the base the scale multiplies; designs and seeds are ignored: the fit runs v6 with `fit.seeds`).
 */
export interface CalibrationFitRequest {
  jobId: string
  hostId: string
  model?: ModelOptions
  settings?: ContentionSettingsInput
  fit?: CalibrationFitOptionsInput
}

export interface CalibrationFitRun {
  hostName: string
  report: CalibrationFitReport
}

/** Contention methods (issue "Lock contention: pamt_lock and its alternatives"). */
export interface ContentionMethods {
  listContentionPresets(req: Record<string, never>): Promise<ApiResult<ScenarioPreset[]>>
  runContention(req: ContentionRequest): Promise<ApiResult<ContentionRun>>
  /** Issue 10, "Calibration": fit the unknown costs to the list's measurement. */
  fitCalibration(req: CalibrationFitRequest): Promise<ApiResult<CalibrationFitRun>>
}
