import type {
  AnalyzeExampleRequest,
  CalibrationFitRequest,
  CalibrationFitRun,
  ContentionRequest,
  ContentionRun,
  AnalyzeHostTextRequest,
  AppInfo,
  ExampleHost,
  HostRef,
  HostResult,
  JobRequest,
  PlannerMethods,
  ReanalyzeHostRequest,
  ReplayTraceRequest,
  ScenarioPreset,
  SimulateRequest,
  SimulationRun,
  TraceRun
} from '@shared/api/contract'
import type { z } from 'zod'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { toAnalyzeOptions, type ModelOptions } from '@shared/api/modelOptions'
import { hostInputToJson } from '@shared/import/hostJson'
import { MAX_HOST_FILE_BYTES, formatLimitBytes } from '@shared/import/limits'
import type {
  OpenedFile,
  OpenedWorkspace,
  SaveWorkspaceRequest,
  SavedWorkspace,
  WorkspaceSession
} from '@shared/api/workspaceContract'
import {
  MAX_WORKSPACE_FILE_BYTES,
  looksLikeWorkspace,
  type WorkspaceStateInput
} from '@shared/workspace/workspaceSchema'
import { WorkspaceService, defaultDataDir } from './workspaceService'
import type {
  AnalyzeFleetTextsRequest,
  FleetFolderRun,
  FleetWorkloadRequest
} from '@shared/api/fleetContract'
import { FLEET_MAX_ROWS, FLEET_VIEW_WORD_OPTIONS } from '@shared/api/fleetContract'
import type { FleetRow } from '@shared/fleet/fleetRow'
import { fleetSummaryWords } from '@shared/fleet/fleetSummary'
import { runFleet } from './fleetRunner'
import { walkFiles } from './fleetInputs'
import { defaultPoolSize } from './jobRunner'
import type { FleetWorkload } from '../worker/protocol'
import type { ExportReportRequest, ExportedReport } from '@shared/api/reportContract'
import { ReportService, contentionKey, simulationKey } from './report/reportService'
import { chromiumPdf } from './pdf/chromiumPdf'
import type { ExampleHostCatalog } from './exampleHosts'
import { HostStore, type StoredHost } from './hostStore'
import type { JobRunner } from './jobRunner'
import { readTextFile } from './readTextFile'
import type { WorkerTask } from '../worker/protocol'
import { basename } from 'node:path'
import {
  CONTENTION_PRESET_NAMES,
  PRESET_NAMES,
  contentionPresetScenario,
  presetScenario
} from '@shared/model/workload/presets'
import {
  assembleContentionReport,
  contentionParts,
  contentionSettingsSchema,
  runSeeds,
  type ContentionRunSettings
} from '@shared/model/contention/runContention'
import {
  CALIBRATION_PRESET_ID,
  calibrationFitOptionsSchema,
  maxFitRuns
} from '@shared/model/contention/calibrationFit'
import { scenarioSchema, type Scenario } from '@shared/model/workload/scenario'
import { sweepRequestSchema } from '@shared/model/runtime/sweep'
import { safeFileStem } from '@shared/util/fileNames'
import { contentionPartNames, fleetStep } from '@shared/model/progressSteps'
import {
  estimateContentionWork,
  estimateSimulationWork,
  WORK_LIMITS,
  workHostOf,
  type WorkHost
} from '@shared/model/workEstimate'

export interface PlannerServiceOptions {
  mode: AppInfo['mode']
  version: string
  jobs: JobRunner
  examples: ExampleHostCatalog
  /**
   * Native open dialog (desktop) for a host log, a trace, a workspace or any of host log and
   * workspace (Ctrl+O); a path, or null when cancelled.
   */
  showOpenDialog?: (what: OpenDialogKind) => Promise<string | null>
  /** Native save dialog (desktop) for a workspace; a path, or null when cancelled. */
  showSaveDialog?: (suggestedName: string) => Promise<string | null>
  /** Data folder: autosave, session record, recent files (default: defaultDataDir()). */
  dataDir?: string
  /** Memory budget of the stored hosts (default DEFAULT_HOST_STORE_BYTES; see HostStore). */
  hostStoreBytes?: number
  /** Reports: HTML to PDF (desktop: Electron's printToPDF; default: a headless Chromium). */
  printPdf?: (html: string) => Promise<ApiResult<Uint8Array>>
  /** Desktop: save dialog for a report; absent, the report is returned for download. */
  showReportSaveDialog?: (suggestedName: string, format: 'html' | 'pdf') => Promise<string | null>
  /** Clock of the reports' generated time (tests inject one). */
  now?: () => Date
}

/**
 * The main-process services behind the PlannerApi: every transport (IPC, HTTP, CLI) calls these
 * same methods with already-validated requests. Model work always runs through the JobRunner.
 */
/** Points in a replayed trace's time series. */
const TRACE_SAMPLES = 2000

/** `fleet`: a folder (the desktop Fleet view's Open folder). */
export type OpenDialogKind = 'host' | 'trace' | 'workspace' | 'any' | 'fleet'

/**
 * A request's part (`what`: scenario, sweep, settings) parsed with its schema, which fills in
 * defaults for direct callers (the CLI); INVALID_REQUEST names the part, the field and the problem.
 */
function parseRequestPart<T>(schema: z.ZodType<T>, raw: unknown, what: string): ApiResult<T> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return ok(parsed.data)
  const issue = parsed.error.issues[0]
  return err(
    'INVALID_REQUEST',
    `${what} ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`
  )
}

/** The workload of a fleet request: a preset by name, a scenario, or none. */
function fleetWorkloadOf(req: FleetWorkloadRequest): ApiResult<FleetWorkload | null> {
  if (req.presetId !== undefined) {
    if (!PRESET_NAMES.includes(req.presetId))
      return err('INVALID_REQUEST', `no workload preset "${req.presetId}"`)
    return ok({ kind: 'preset', name: req.presetId })
  }
  if (req.scenario !== undefined) {
    const scenario = parseRequestPart(scenarioSchema, req.scenario, 'scenario')
    if (!scenario.ok) return scenario
    return ok({ kind: 'scenario', scenario: scenario.value })
  }
  return ok(null)
}

const APP_NAME = 'PAMT Planner'

export class PlannerService implements PlannerMethods {
  private readonly hosts: HostStore
  /**
   * Paths of the last desktop fleet run's rows (at most FLEET_MAX_ROWS): openFleetHost reads only
   * these, so the renderer cannot name any other file.
   */
  private fleetPaths = new Set<string>()
  /** Workspaces: save, autosave, open, restore (docs/workspaces.md). */
  readonly workspaces: WorkspaceService
  /** Reports, and the recent runs they reuse (docs/reports.md). */
  readonly reports: ReportService

  constructor(private readonly opts: PlannerServiceOptions) {
    this.hosts = new HostStore(opts.hostStoreBytes)
    const dialog = opts.showOpenDialog
    this.workspaces = new WorkspaceService({
      dataDir: opts.dataDir ?? defaultDataDir(),
      version: opts.version,
      ...(opts.showSaveDialog ? { showSaveDialog: opts.showSaveDialog } : {}),
      ...(dialog ? { showOpenDialog: () => dialog('workspace') } : {}),
      storedHost: (id) => this.storedHost(id),
      importHost: (jobId, text, source, model) =>
        this.runHostTask(jobId, {
          kind: 'importAndAnalyze',
          fileName: source.fileName,
          text,
          format: 'auto',
          model,
          source
        })
    })
    this.reports = new ReportService({
      app: { name: APP_NAME, version: opts.version },
      jobs: opts.jobs,
      storedHost: (id) => this.storedHost(id),
      printPdf: opts.printPdf ?? ((html) => chromiumPdf(html)),
      ...(opts.showReportSaveDialog ? { showSaveDialog: opts.showReportSaveDialog } : {}),
      ...(opts.now ? { now: opts.now } : {})
    })
  }

  /** Run a host task and keep its host for later re-analysis, export and simulation. */
  private async runHostTask(
    jobId: string,
    task: Extract<WorkerTask, { kind: 'importAndAnalyze' | 'analyze' }>,
    /** The input text (a re-analysis passes on the stored one) for workspaces to embed. */
    text: string | undefined = task.kind === 'importAndAnalyze' ? task.text : undefined
  ): Promise<ApiResult<HostResult>> {
    const out = await this.opts.jobs.run(jobId, task)
    if (!out.ok) return out
    // A what-if usually follows a new host: have a worker compile the model meanwhile.
    this.opts.jobs.launcher.prewarm?.()
    const { host, result } = out.value
    const hostId = this.hosts.add({
      host,
      summary: result.summary,
      source: result.source,
      tdxMemoryBytes: result.analysis.tdxMemoryBytes,
      ...(text !== undefined ? { text } : {})
    })
    return ok({ hostId, ...result })
  }

  /** A stored host by id, for adapters (the CLI) that stream files from disk themselves. */
  storedHostFor(hostId: string): StoredHost | undefined {
    return this.hosts.get(hostId)
  }

  /** What the pre-flight work estimate needs of a stored host under the request's options. */
  private workHost(stored: StoredHost, model: ModelOptions | undefined): WorkHost {
    return workHostOf(stored.host, stored.tdxMemoryBytes, toAnalyzeOptions(model))
  }

  private storedHost(hostId: string): ApiResult<StoredHost> {
    const stored = this.hosts.get(hostId)
    if (stored) return ok(stored)
    if (this.hosts.wasEvicted(hostId))
      return err(
        'HOST_EVICTED',
        'this host was dropped from memory to make room for newer ones; re-open it'
      )
    return err('NOT_FOUND', 'that host is no longer loaded: import it again')
  }

  async getAppInfo(): Promise<ApiResult<AppInfo>> {
    return ok({
      name: APP_NAME,
      version: this.opts.version,
      mode: this.opts.mode,
      hasFileDialog: this.opts.showOpenDialog !== undefined,
      maxHostFileBytes: MAX_HOST_FILE_BYTES
    })
  }

  async listExampleHosts(): Promise<ApiResult<ExampleHost[]>> {
    return ok(this.opts.examples.list())
  }

  async analyzeExampleHost(req: AnalyzeExampleRequest): Promise<ApiResult<HostResult>> {
    const example = this.opts.examples.pathOf(req.exampleId)
    if (!example) return err('NOT_FOUND', `no example host "${req.exampleId}"`)
    const read = await readTextFile(example.path, MAX_HOST_FILE_BYTES)
    if (!read.ok) return read
    return this.runHostTask(req.jobId, {
      kind: 'importAndAnalyze',
      fileName: example.fileName,
      text: read.value.text,
      format: 'auto',
      model: req.model,
      source: { kind: 'example', fileName: example.fileName, exampleId: req.exampleId }
    })
  }

  async analyzeHostText(req: AnalyzeHostTextRequest): Promise<ApiResult<HostResult>> {
    return this.runHostTask(req.jobId, {
      kind: 'importAndAnalyze',
      fileName: req.fileName,
      text: req.text,
      format: req.format ?? 'auto',
      model: req.model,
      source: { kind: 'file', fileName: req.fileName }
    })
  }

  async openHostFile(
    req: JobRequest & { model?: ModelOptions }
  ): Promise<ApiResult<HostResult | null>> {
    if (!this.opts.showOpenDialog)
      return err('UNAVAILABLE', 'no file dialog in browser mode: use Upload')
    const path = await this.opts.showOpenDialog('host')
    if (path === null) return ok(null)
    return this.analyzeHostFile(path, req)
  }

  /** Read a host file from disk (its size bounded) and analyse it, reporting the read first. */
  private async analyzeHostFile(
    path: string,
    req: JobRequest & { model?: ModelOptions }
  ): Promise<ApiResult<HostResult>> {
    this.opts.jobs.report({ jobId: req.jobId, phase: 'reading', fraction: 0 })
    const read = await readTextFile(path, MAX_HOST_FILE_BYTES)
    if (!read.ok) return read
    return this.analyzeHostText({
      jobId: req.jobId,
      fileName: read.value.fileName,
      text: read.value.text,
      ...(req.model ? { model: req.model } : {})
    })
  }

  async reanalyzeHost(req: ReanalyzeHostRequest): Promise<ApiResult<HostResult>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    const { host, summary, source, text } = stored.value
    return this.runHostTask(
      req.jobId,
      { kind: 'analyze', host, summary, source, model: req.model },
      text
    )
  }

  async exportHostJson(
    req: HostRef & { model?: ModelOptions }
  ): Promise<ApiResult<{ fileName: string; text: string }>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    // The upload's name is the user's: `../../etc/passwd` becomes `passwd.host.json`.
    const stem = safeFileStem(stored.value.source.fileName, 'host')
    return ok({
      fileName: `${stem}.host.json`,
      text: hostInputToJson(stored.value.host, req.model)
    })
  }

  async listScenarioPresets(req: HostRef): Promise<ApiResult<ScenarioPreset[]>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    const tdxBytes = stored.value.tdxMemoryBytes
    return ok(
      PRESET_NAMES.map((id) => {
        const scenario = presetScenario(id, tdxBytes)!
        return { id, title: scenario.name, scenario }
      })
    )
  }

  async simulate(req: SimulateRequest): Promise<ApiResult<SimulationRun>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    // Parsed here too, not only by the adapters: it fills in defaults for direct callers (CLI).
    const scenario = parseRequestPart(scenarioSchema, req.scenario, 'scenario')
    if (!scenario.ok) return scenario
    // The sweep and the pre-flight work estimate, for every caller (workEstimate.ts).
    const parsedSweep =
      req.sweep === undefined ? undefined : parseRequestPart(sweepRequestSchema, req.sweep, 'sweep')
    if (parsedSweep && !parsedSweep.ok) return parsedSweep
    const sweep = parsedSweep?.value
    const work = estimateSimulationWork(
      scenario.value,
      this.workHost(stored.value, req.model),
      sweep
    )
    if (work.refusal) return err('WORK_TOO_LARGE', work.refusal)
    const run = await this.opts.jobs.run(req.jobId, {
      kind: 'simulate',
      host: stored.value.host,
      model: req.model,
      scenario: scenario.value,
      sweep
    })
    // Kept for a report right after (docs/reports.md, "Re-running").
    if (run.ok)
      this.reports.simulations.set(simulationKey(req.hostId, req.model, scenario.value), run.value)
    return run
  }

  async listContentionPresets(): Promise<ApiResult<ScenarioPreset[]>> {
    return ok(
      CONTENTION_PRESET_NAMES.map((id) => {
        const scenario = contentionPresetScenario(id)!
        return { id, title: scenario.name, scenario }
      })
    )
  }

  async runContention(req: ContentionRequest): Promise<ApiResult<ContentionRun>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    const scenario = parseRequestPart(scenarioSchema, req.scenario, 'scenario')
    if (!scenario.ok) return scenario
    const settings = parseRequestPart(contentionSettingsSchema, req.settings ?? {}, 'settings')
    if (!settings.ok) return settings
    const work = estimateContentionWork(
      scenario.value,
      this.workHost(stored.value, req.model),
      settings.value
    )
    if (work.refusal) return err('WORK_TOO_LARGE', work.refusal)
    const run = await this.contentionJob(req, stored.value, scenario.value, settings.value)
    if (run.ok)
      this.reports.contentionRuns.set(
        contentionKey(req.hostId, req.model, scenario.value, settings.value),
        run.value
      )
    return run
  }

  /**
   * Run a contention request as one task, or as designs × seeds on the pool's workers
   * (docs/contention-model.md, "Parallel runs"): each part weighs in the progress by its
   * estimated events, and the report is assembled from the parts in their order, the same bytes
   * as one worker running them one after another.
   */
  private async contentionJob(
    req: ContentionRequest,
    stored: StoredHost,
    scenario: Scenario,
    settings: ContentionRunSettings
  ): Promise<ApiResult<ContentionRun>> {
    const parts = contentionParts(scenario, settings, runSeeds(scenario.seed, settings.seeds))
    // A sensitivity, a single run or a one-worker pool: one task, as before.
    if (settings.sensitivity || parts.length < 2 || this.opts.jobs.parallelism < 2)
      return this.opts.jobs.run(req.jobId, {
        kind: 'contention',
        host: stored.host,
        model: req.model,
        scenario,
        settings
      })
    const host = this.workHost(stored, req.model)
    const weights = parts.map(
      (p) =>
        estimateContentionWork({ ...scenario, seed: p.seed }, host, {
          ...settings,
          designs: [p.design],
          demoteVariants: [p.demote],
          seeds: 1
        }).units
    )
    const out = await this.opts.jobs.runParts(
      req.jobId,
      parts.map((part) => ({
        kind: 'contentionPart' as const,
        host: stored.host,
        model: req.model,
        scenario,
        settings,
        part
      })),
      weights,
      contentionPartNames(parts)
    )
    if (!out.ok) return out
    const first = out.value[0]!
    return ok({
      hostName: first.hostName,
      scenario,
      report: assembleContentionReport(
        scenario,
        settings,
        first.machine,
        first.capacity,
        out.value.map((o) => o.outcome)
      )
    })
  }

  /**
   * Fit the SEAMCALL scale and faultOutsideNs to the list's measurement on the calibration preset
   * (docs/contention-model.md, "Checks → Calibration"): v6 only, `fit.seeds` runs per evaluation,
   * refused before it starts when one run is over the contention limits or its bound of runs
   * (maxFitRuns) is over WORK_LIMITS.calibrationFitRuns.
   */
  async fitCalibration(req: CalibrationFitRequest): Promise<ApiResult<CalibrationFitRun>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    const parsed = contentionSettingsSchema.safeParse(req.settings ?? {})
    const options = calibrationFitOptionsSchema.safeParse(req.fit ?? {})
    if (!parsed.success || !options.success) {
      const issue = (parsed.success ? options.error?.issues[0] : parsed.error.issues[0]) ?? null
      return err(
        'INVALID_REQUEST',
        `${parsed.success ? 'fit' : 'settings'} ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`
      )
    }
    // The fit runs v6 alone, one seed per run: the form's designs and seeds do not apply.
    const settings = {
      ...parsed.data,
      designs: ['v6' as const],
      demoteVariants: ['lock-around' as const],
      seeds: options.data.seeds
    }
    const scenario = contentionPresetScenario(CALIBRATION_PRESET_ID)!
    const one = estimateContentionWork(scenario, this.workHost(stored.value, req.model), {
      ...settings,
      seeds: 1
    })
    const runs = maxFitRuns(options.data)
    if (one.refusal) return err('WORK_TOO_LARGE', one.refusal)
    if (runs > WORK_LIMITS.calibrationFitRuns)
      return err(
        'WORK_TOO_LARGE',
        `this calibration fit may make ${runs} runs of v6 ((${options.data.points} points + 1) × ${options.data.evaluationsPerPoint} evaluations × ${options.data.seeds} seeds), more than the limit of ${WORK_LIMITS.calibrationFitRuns} (docs/workload-model.md, "Work limits"): lower the seeds, points or evaluations per point.`
      )
    return this.opts.jobs.run(req.jobId, {
      kind: 'calibrationFit',
      host: stored.value.host,
      model: req.model,
      scenario,
      settings,
      options: options.data
    })
  }

  async replayTraceText(req: ReplayTraceRequest): Promise<ApiResult<TraceRun>> {
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    return this.opts.jobs.run(req.jobId, {
      kind: 'replayTrace',
      host: stored.value.host,
      model: req.model,
      fileName: req.fileName,
      source: { text: req.text },
      refcounts: req.refcounts,
      samples: TRACE_SAMPLES
    })
  }

  async openTraceFile(
    req: Omit<ReplayTraceRequest, 'fileName' | 'text'>
  ): Promise<ApiResult<TraceRun | null>> {
    if (!this.opts.showOpenDialog)
      return err('UNAVAILABLE', 'no file dialog in browser mode: use Upload')
    const stored = this.storedHost(req.hostId)
    if (!stored.ok) return stored
    const path = await this.opts.showOpenDialog('trace')
    if (path === null) return ok(null)
    return this.replayTracePath(req.jobId, stored.value, path, req.refcounts, req.model)
  }

  /** Stream a trace from disk in the worker (desktop dialog, CLI): no size limit but the event cap. */
  replayTracePath(
    jobId: string,
    stored: StoredHost,
    path: string,
    refcounts: 'dense' | 'sparse',
    model?: ModelOptions
  ): Promise<ApiResult<TraceRun>> {
    return this.opts.jobs.run(jobId, {
      kind: 'replayTrace',
      host: stored.host,
      model,
      fileName: basename(path),
      source: { path },
      refcounts,
      samples: TRACE_SAMPLES
    })
  }

  /** A report of one view or the workspace (docs/reports.md), built in the model worker. */
  exportReport(req: ExportReportRequest): Promise<ApiResult<ExportedReport | null>> {
    return this.reports.exportReport(req)
  }

  async cancelJob(req: JobRequest): Promise<ApiResult<{ cancelled: boolean }>> {
    return ok({ cancelled: this.opts.jobs.cancel(req.jobId) })
  }

  // Fleets (docs/fleet.md, "Fleet view").

  /**
   * Browser mode: one chunk of uploaded host files as one fleetBatch job (the worker the CLI's
   * batches run in), so its progress and cancel are those of any job. Rows come back in the files'
   * order; a file that cannot be imported is its error row.
   */
  async analyzeFleetTexts(req: AnalyzeFleetTextsRequest): Promise<ApiResult<{ rows: FleetRow[] }>> {
    const workload = fleetWorkloadOf(req)
    if (!workload.ok) return workload
    const out = await this.opts.jobs.run(req.jobId, {
      kind: 'fleetBatch',
      items: req.files.map((f) => ({ file: f.fileName, text: f.text })),
      model: req.model,
      workload: workload.value,
      knownCells: []
    })
    return out.ok ? ok({ rows: out.value }) : out
  }

  /**
   * Desktop: pick a folder, count its files (for a truthful progress fraction), then run the fleet
   * over it with the CLI's runner in the app's worker pool. Keeps up to FLEET_MAX_ROWS rows; the
   * summary covers every file. Cancel aborts the run (CANCELLED).
   */
  async openFleetFolder(
    req: JobRequest & FleetWorkloadRequest
  ): Promise<ApiResult<FleetFolderRun | null>> {
    if (!this.opts.showOpenDialog)
      return err('UNAVAILABLE', 'no folder dialog in browser mode: drop or pick the files')
    const workload = fleetWorkloadOf(req)
    if (!workload.ok) return workload
    const folder = await this.opts.showOpenDialog('fleet')
    if (folder === null) return ok(null)
    const abort = new AbortController()
    const untrack = this.opts.jobs.track(req.jobId, () => abort.abort())
    try {
      this.opts.jobs.report({ jobId: req.jobId, phase: 'reading', fraction: 0 })
      let total = 0
      for await (const path of walkFiles(folder)) {
        void path
        total++
        if (abort.signal.aborted) return err('CANCELLED', 'cancelled')
      }
      const rows: FleetRow[] = []
      let rowsDropped = 0
      const summary = await runFleet(
        (async function* () {
          for await (const path of walkFiles(folder)) yield { file: path, path }
        })(),
        {
          launcher: this.opts.jobs.launcher,
          jobs: defaultPoolSize(),
          model: req.model,
          workload: workload.value,
          onRow: (row) => {
            if (rows.length < FLEET_MAX_ROWS) rows.push(row)
            else rowsDropped++
          },
          onProgress: (p) =>
            this.opts.jobs.report({
              jobId: req.jobId,
              phase: 'analysing',
              fraction: total > 0 ? Math.min(1, p.rows / total) : 1,
              step: fleetStep(p.rows, total)
            }),
          signal: abort.signal
        }
      )
      if (abort.signal.aborted) return err('CANCELLED', 'cancelled')
      summary.words = fleetSummaryWords(summary, FLEET_VIEW_WORD_OPTIONS)
      this.fleetPaths = new Set(rows.map((r) => r.file))
      return ok({ folder, rows, rowsDropped, summary })
    } catch (e) {
      return err('FILE_UNREADABLE', `cannot read the folder: ${(e as Error).message}`, {
        fileName: folder
      })
    } finally {
      untrack()
    }
  }

  /** Desktop: a host of the last fleet run, read again and analysed for the Host view. */
  async openFleetHost(
    req: JobRequest & { path: string; model?: ModelOptions }
  ): Promise<ApiResult<HostResult>> {
    if (!this.fleetPaths.has(req.path))
      return err('NOT_FOUND', 'that file is not one of the last fleet run: open the folder again')
    return this.analyzeHostFile(req.path, req)
  }

  // Workspaces (docs/workspaces.md): main builds and reads the files; see WorkspaceService.

  getWorkspaceSession(): Promise<ApiResult<WorkspaceSession>> {
    return this.workspaces.session()
  }

  saveWorkspace(req: SaveWorkspaceRequest): Promise<ApiResult<SavedWorkspace | null>> {
    return this.workspaces.save(req)
  }

  autosaveWorkspace(req: {
    state: WorkspaceStateInput
    path?: string
  }): Promise<ApiResult<{ savedAt: string }>> {
    return this.workspaces.autosave(req)
  }

  openWorkspaceText(
    req: JobRequest & { fileName: string; text: string }
  ): Promise<ApiResult<OpenedWorkspace>> {
    return this.workspaces.openText(req.jobId, req.text, basename(req.fileName), null)
  }

  openWorkspaceFile(
    req: JobRequest & { path?: string }
  ): Promise<ApiResult<OpenedWorkspace | null>> {
    return this.workspaces.openFile(req.jobId, req.path)
  }

  restoreAutosave(req: JobRequest): Promise<ApiResult<OpenedWorkspace>> {
    return this.workspaces.restoreAutosave(req.jobId)
  }

  dismissAutosave(): Promise<ApiResult<{ dismissed: boolean }>> {
    return this.workspaces.dismissAutosave()
  }

  /** Desktop Ctrl+O: a host log or a workspace, told apart by content (looksLikeWorkspace). */
  async openFile(
    req: JobRequest & { model?: ModelOptions }
  ): Promise<ApiResult<OpenedFile | null>> {
    if (!this.opts.showOpenDialog)
      return err('UNAVAILABLE', 'no file dialog in browser mode: use Upload')
    const path = await this.opts.showOpenDialog('any')
    if (path === null) return ok(null)
    this.opts.jobs.report({ jobId: req.jobId, phase: 'reading', fraction: 0 })
    const read = await readTextFile(path, MAX_WORKSPACE_FILE_BYTES, 'workspaces')
    if (!read.ok) return read
    const { fileName, text } = read.value
    if (looksLikeWorkspace(text)) {
      const opened = await this.workspaces.openPath(req.jobId, text, path)
      return opened.ok ? ok({ kind: 'workspace', workspace: opened.value }) : opened
    }
    if (text.length > MAX_HOST_FILE_BYTES)
      return err(
        'FILE_TOO_LARGE',
        `file is larger than the ${formatLimitBytes(MAX_HOST_FILE_BYTES)} limit for host logs`,
        { fileName }
      )
    const host = await this.analyzeHostText({
      jobId: req.jobId,
      fileName,
      text,
      ...(req.model ? { model: req.model } : {})
    })
    return host.ok ? ok({ kind: 'host', host: host.value }) : host
  }
}
