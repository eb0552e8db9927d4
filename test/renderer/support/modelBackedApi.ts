import type { HostResult, JobProgress, PlannerApi } from '@shared/api/contract'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { importHostText } from '@shared/import/importHost'
import { hostInputToJson } from '@shared/import/hostJson'
import type { ImportSummary } from '@shared/import/hostImport'
import type { HostInput } from '@shared/model/host/memoryMap'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { toAnalyzeOptions, type ModelOptions } from '@shared/api/modelOptions'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import type {
  CalibrationFitRequest,
  CalibrationFitRun,
  ContentionRequest,
  ContentionRun,
  ReplayTraceRequest,
  ScenarioPreset,
  SimulateRequest,
  SimulationRun,
  TraceRun
} from '@shared/api/contract'
import {
  CONTENTION_PRESET_NAMES,
  contentionPresetScenario,
  PRESET_NAMES,
  presetScenario
} from '@shared/model/workload/presets'
import { contentionSettingsSchema, runContention } from '@shared/model/contention/runContention'
import { scenarioSchema, type Scenario } from '@shared/model/workload/scenario'
import {
  CALIBRATION_PRESET_ID,
  calibrationFitOptionsSchema,
  type CalibrationTarget
} from '@shared/model/contention/calibrationFit'
import {
  CalibrationNotComparable,
  runCalibrationFit
} from '@shared/model/contention/calibrationReport'
import { simulateScenario, simulateTrace } from '@shared/model/runtime/simulate'
import { sweepScenario } from '@shared/model/runtime/sweep'
import { parseTraceText } from '@shared/import/trace/traceParser'
import type { WorkspaceState, WorkspaceStateInput } from '@shared/workspace/workspaceSchema'
import type { OpenedWorkspace } from '@shared/api/workspaceContract'
import type { AnalyzeFleetTextsRequest } from '@shared/api/fleetContract'
import { fleetRowFromText, type FleetWorkload } from '@shared/fleet/fleetHost'
import type { FleetRow, FleetScenarioCell } from '@shared/fleet/fleetRow'

interface StoredHost {
  host: HostInput
  summary: ImportSummary
  source: HostResult['source']
  text: string
}

/**
 * A PlannerApi for component tests that computes with the real shared model in-process (no main
 * process in happy-dom). Jobs can be held open to test progress and cancellation; `failNext` makes
 * the next analysing call fail; `requests` records every re-analysis request.
 */
export function modelBackedApi(examples: Record<string, string>): PlannerApi & {
  calls: string[]
  hold: boolean
  failNext: boolean
  requests: Array<{ hostId: string; model: ModelOptions }>
  /** Every simulate / replayTraceText request, as sent. */
  workloadRequests: Array<SimulateRequest | ReplayTraceRequest>
  /** Every runContention request, as sent. */
  contentionRequests: ContentionRequest[]
  /** Every workspace state sent to saveWorkspace or autosaveWorkspace. */
  savedStates: WorkspaceStateInput[]
  /** Every fitCalibration request, as sent. */
  fitRequests: CalibrationFitRequest[]
  /** Every analyzeFleetTexts request, as sent. */
  fleetRequests: AnalyzeFleetTextsRequest[]
  /**
   * The fit's scenario and target: the calibration preset and the list's numbers unless a test
   * sets a smaller scenario (the preset is ~1 M events a run) and a target it can reach.
   */
  fitScenario: Scenario | null
  fitTarget: CalibrationTarget | undefined
  release: () => void
  emit: (p: JobProgress) => void
  /** Drop a stored host as main does past its memory budget: later calls get HOST_EVICTED. */
  evict: (hostId: string) => void
} {
  const listeners = new Set<(p: JobProgress) => void>()
  const hosts = new Map<string, StoredHost>()
  let nextHostId = 1
  let releaseHeld: () => void = () => undefined
  const evicted = new Set<string>()
  /** The error for a host id not held: dropped (HOST_EVICTED) or never known. */
  const missing = (hostId: string): ApiResult<never> =>
    evicted.has(hostId)
      ? err(
          'HOST_EVICTED',
          'this host was dropped from memory to make room for newer ones; re-open it'
        )
      : err('NOT_FOUND', 'that host is no longer loaded: import it again')

  const run = async (
    stored: StoredHost,
    hostId: string,
    model: ModelOptions | undefined
  ): Promise<ApiResult<HostResult>> => {
    if (api.hold) await new Promise<void>((r) => (releaseHeld = r))
    if (api.failNext) {
      api.failNext = false
      return err('INTERNAL', 'model worker crashed')
    }
    return ok({
      hostId,
      source: stored.source,
      summary: stored.summary,
      analysis: analyzeHost(stored.host, toAnalyzeOptions(model))
    })
  }

  const analyse = async (
    fileName: string,
    text: string,
    source: HostResult['source'],
    model?: ModelOptions
  ): Promise<ApiResult<HostResult>> => {
    const imported = importHostText(text, fileName)
    if (!imported.ok) {
      if (api.hold) await new Promise<void>((r) => (releaseHeld = r))
      const { code, message, line } = imported.error
      return err(code, message, line !== undefined ? { fileName, line } : { fileName })
    }
    const hostId = `h${nextHostId++}`
    const stored = { host: imported.host, summary: imported.summary, source, text }
    hosts.set(hostId, stored)
    return run(stored, hostId, model)
  }

  /**
   * Workspaces as main keeps them, simplified: the "file" is the state with each host's source
   * and text in JSON (main's real format and its checks are tested in test/main).
   */
  let autosave: string | null = null
  const workspaceText = (state: WorkspaceStateInput): string =>
    JSON.stringify({
      state,
      hosts: state.hosts.map((h) => {
        const stored = hosts.get(h.hostId)!
        return { source: stored.source, text: stored.text }
      })
    })
  const openWorkspace = async (
    text: string,
    fileName: string
  ): Promise<ApiResult<OpenedWorkspace>> => {
    let doc: { state: WorkspaceState; hosts: Array<{ source: HostResult['source']; text: string }> }
    try {
      doc = JSON.parse(text) as typeof doc
    } catch {
      return err('MALFORMED_LINE', 'workspace is not valid JSON (is it truncated?)', {
        fileName,
        line: 1
      })
    }
    const results: HostResult[] = []
    for (const [i, h] of doc.hosts.entries()) {
      const r = await analyse(h.source.fileName, h.text, h.source, doc.state.hosts[i]!.model)
      if (!r.ok) return r
      results.push(r.value)
    }
    return ok({
      fileName,
      name: doc.state.name,
      path: null,
      fromVersion: 2,
      migrations: [],
      hosts: results,
      state: {
        ...doc.state,
        hosts: doc.state.hosts.map((h, i) => ({ ...h, hostId: results[i]!.hostId }))
      }
    })
  }

  /** Workload jobs: held and failed like the host jobs, computed with the real shared model. */
  const workloadJob = async <T>(compute: () => ApiResult<T>): Promise<ApiResult<T>> => {
    if (api.hold) await new Promise<void>((r) => (releaseHeld = r))
    if (api.failNext) {
      api.failNext = false
      return err('INTERNAL', 'model worker crashed')
    }
    return compute()
  }

  const api = {
    calls: [] as string[],
    workloadRequests: [] as Array<SimulateRequest | ReplayTraceRequest>,
    contentionRequests: [] as ContentionRequest[],
    savedStates: [] as WorkspaceStateInput[],
    fitRequests: [] as CalibrationFitRequest[],
    fleetRequests: [] as AnalyzeFleetTextsRequest[],
    fitScenario: null as Scenario | null,
    fitTarget: undefined as CalibrationTarget | undefined,
    hold: false,
    failNext: false,
    requests: [] as Array<{ hostId: string; model: ModelOptions }>,
    release: () => releaseHeld(),
    emit: (p: JobProgress) => listeners.forEach((l) => l(p)),
    evict: (hostId: string) => {
      hosts.delete(hostId)
      evicted.add(hostId)
    },
    async getAppInfo() {
      api.calls.push('getAppInfo')
      return ok({
        name: 'PAMT Planner',
        version: 't',
        mode: 'browser' as const,
        hasFileDialog: false,
        maxHostFileBytes: MAX_HOST_FILE_BYTES
      })
    },
    async listExampleHosts() {
      api.calls.push('listExampleHosts')
      return ok(Object.keys(examples).map((id) => ({ id, title: id, description: '' })))
    },
    async analyzeExampleHost(req: { jobId: string; exampleId: string; model?: ModelOptions }) {
      api.calls.push(`analyzeExampleHost:${req.exampleId}`)
      const text = examples[req.exampleId]
      if (text === undefined) return err('NOT_FOUND', 'no such example')
      return analyse(
        `${req.exampleId}.txt`,
        text,
        { kind: 'example', fileName: `${req.exampleId}.txt`, exampleId: req.exampleId },
        req.model
      )
    },
    async analyzeHostText(req: {
      jobId: string
      fileName: string
      text: string
      model?: ModelOptions
    }) {
      api.calls.push(`analyzeHostText:${req.fileName}`)
      return analyse(req.fileName, req.text, { kind: 'file', fileName: req.fileName }, req.model)
    },
    async getWorkspaceSession() {
      api.calls.push('getWorkspaceSession')
      return ok({
        dataDir: '/data',
        autosave: autosave ? { name: 'autosaved', savedAt: '2026-11-29T12:00:00.000Z' } : null,
        recent: []
      })
    },
    async autosaveWorkspace(req: { state: WorkspaceStateInput }) {
      api.calls.push('autosaveWorkspace')
      api.savedStates.push(req.state)
      autosave = workspaceText(req.state)
      return ok({ savedAt: '2026-11-29T12:00:00.000Z' })
    },
    async saveWorkspace(req: { state: WorkspaceStateInput }) {
      api.calls.push('saveWorkspace')
      api.savedStates.push(req.state)
      // As main: a host it no longer holds cannot be embedded.
      const gone = req.state.hosts.find((h) => !hosts.has(h.hostId))
      if (gone) return missing(gone.hostId)
      return ok({ fileName: 'ws.pamtplan', path: null, text: workspaceText(req.state) })
    },
    async restoreAutosave() {
      api.calls.push('restoreAutosave')
      if (!autosave) return err('FILE_UNREADABLE', 'no autosave', { fileName: 'autosave.pamtplan' })
      return openWorkspace(autosave, 'autosave.pamtplan')
    },
    async dismissAutosave() {
      api.calls.push('dismissAutosave')
      autosave = null
      return ok({ dismissed: true })
    },
    async openWorkspaceText(req: { fileName: string; text: string }) {
      api.calls.push(`openWorkspaceText:${req.fileName}`)
      return openWorkspace(req.text, req.fileName)
    },
    async openWorkspaceFile() {
      return err('UNAVAILABLE', 'no dialog')
    },
    async openFile() {
      return err('UNAVAILABLE', 'no dialog')
    },
    async openHostFile() {
      return err('UNAVAILABLE', 'no dialog')
    },
    async reanalyzeHost(req: { jobId: string; hostId: string; model: ModelOptions }) {
      api.calls.push(`reanalyzeHost:${req.hostId}`)
      api.requests.push({ hostId: req.hostId, model: req.model })
      const stored = hosts.get(req.hostId)
      if (!stored) return missing(req.hostId)
      return run(stored, req.hostId, req.model)
    },
    async exportHostJson(req: { hostId: string }) {
      api.calls.push(`exportHostJson:${req.hostId}`)
      const stored = hosts.get(req.hostId)
      if (!stored) return missing(req.hostId)
      const stem = stored.source.fileName.replace(/\.[^.]+$/, '')
      return ok({ fileName: `${stem}.host.json`, text: hostInputToJson(stored.host) })
    },
    async listScenarioPresets(req: { hostId: string }): Promise<ApiResult<ScenarioPreset[]>> {
      api.calls.push(`listScenarioPresets:${req.hostId}`)
      const stored = hosts.get(req.hostId)
      if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
      const tdxBytes = analyzeHost(stored.host).tdxMemoryBytes
      return ok(
        PRESET_NAMES.map((id) => {
          const scenario = presetScenario(id, tdxBytes)!
          return { id, title: scenario.name, scenario }
        })
      )
    },
    async simulate(req: SimulateRequest): Promise<ApiResult<SimulationRun>> {
      api.calls.push(`simulate:${req.hostId}`)
      api.workloadRequests.push(req)
      const stored = hosts.get(req.hostId)
      if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
      return workloadJob(() => {
        // As the transport does: the request schema fills in the defaults.
        const parsed = scenarioSchema.safeParse(req.scenario)
        if (!parsed.success) return err('INVALID_REQUEST', parsed.error.issues[0]!.message)
        const analysis = analyzeHost(stored.host, toAnalyzeOptions(req.model))
        return ok({
          scenario: parsed.data,
          hostName: stored.source.fileName,
          result: simulateScenario(analysis, parsed.data),
          sweep: req.sweep
            ? sweepScenario(analysis, parsed.data, req.sweep.parameter, req.sweep.values)
            : null
        })
      })
    },
    async replayTraceText(req: ReplayTraceRequest): Promise<ApiResult<TraceRun>> {
      api.calls.push(`replayTraceText:${req.fileName}`)
      api.workloadRequests.push(req)
      const stored = hosts.get(req.hostId)
      if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
      return workloadJob(() => {
        const parsed = parseTraceText(req.text, req.fileName)
        if (!parsed.ok) {
          const { code, message, line } = parsed.error
          return err(
            code,
            message,
            line !== undefined ? { fileName: req.fileName, line } : { fileName: req.fileName }
          )
        }
        const analysis = analyzeHost(stored.host, toAnalyzeOptions(req.model))
        return ok({
          hostName: stored.source.fileName,
          trace: parsed.summary,
          result: simulateTrace(analysis, parsed.events, req.fileName, {
            refcounts: req.refcounts,
            samples: 200
          })
        })
      })
    },
    async openTraceFile() {
      return err('UNAVAILABLE', 'no dialog')
    },
    async listContentionPresets(): Promise<ApiResult<ScenarioPreset[]>> {
      api.calls.push('listContentionPresets')
      return ok(
        CONTENTION_PRESET_NAMES.map((id) => {
          const scenario = contentionPresetScenario(id)!
          return { id, title: scenario.name, scenario }
        })
      )
    },
    async runContention(req: ContentionRequest): Promise<ApiResult<ContentionRun>> {
      api.calls.push(`runContention:${req.hostId}`)
      api.contentionRequests.push(req)
      const stored = hosts.get(req.hostId)
      if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
      return workloadJob(() => {
        // As the main process does: both schemas fill in the defaults.
        const scenario = scenarioSchema.safeParse(req.scenario)
        const settings = contentionSettingsSchema.safeParse(req.settings ?? {})
        if (!scenario.success) return err('INVALID_REQUEST', scenario.error.issues[0]!.message)
        if (!settings.success) return err('INVALID_REQUEST', settings.error.issues[0]!.message)
        const analysis = analyzeHost(stored.host, toAnalyzeOptions(req.model))
        return ok({
          hostName: stored.source.fileName,
          scenario: scenario.data,
          report: runContention(analysis, scenario.data, settings.data)
        })
      })
    },
    async fitCalibration(req: CalibrationFitRequest): Promise<ApiResult<CalibrationFitRun>> {
      api.calls.push(`fitCalibration:${req.hostId}`)
      api.fitRequests.push(req)
      const stored = hosts.get(req.hostId)
      if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
      return workloadJob(() => {
        // As the main process does: v6 alone, the fit's seeds.
        const settings = contentionSettingsSchema.safeParse(req.settings ?? {})
        const options = calibrationFitOptionsSchema.safeParse(req.fit ?? {})
        if (!settings.success) return err('INVALID_REQUEST', settings.error.issues[0]!.message)
        if (!options.success) return err('INVALID_REQUEST', options.error.issues[0]!.message)
        const analysis = analyzeHost(stored.host, toAnalyzeOptions(req.model))
        const scenario = api.fitScenario ?? contentionPresetScenario(CALIBRATION_PRESET_ID)!
        try {
          return ok({
            hostName: stored.source.fileName,
            report: runCalibrationFit(
              analysis,
              scenario,
              { ...settings.data, designs: ['v6'], seeds: options.data.seeds },
              options.data,
              {},
              api.fitTarget
            )
          })
        } catch (e) {
          // As runTask answers it: the calibration TDs do not all fit this host.
          if (e instanceof CalibrationNotComparable) return err('INVALID_REQUEST', e.message)
          throw e
        }
      })
    },
    async analyzeFleetTexts(req: AnalyzeFleetTextsRequest) {
      api.calls.push(`analyzeFleetTexts:${req.files.length}`)
      api.fleetRequests.push(req)
      return workloadJob(() => {
        // As the worker's fleetBatch does, with the same shared row builder.
        let workload: FleetWorkload | null = null
        if (req.presetId !== undefined) workload = { kind: 'preset', name: req.presetId }
        else if (req.scenario !== undefined)
          workload = { kind: 'scenario', scenario: scenarioSchema.parse(req.scenario) }
        const cells = new Map<string, FleetScenarioCell>()
        const rows: FleetRow[] = req.files.map((f) =>
          fleetRowFromText(f.fileName, f.fileName, f.text, req.model, workload, cells)
        )
        return ok({ rows })
      })
    },
    async openFleetFolder() {
      return err('UNAVAILABLE', 'no folder dialog in browser mode: drop or pick the files')
    },
    async openFleetHost() {
      return err('UNAVAILABLE', 'no dialog')
    },
    async cancelJob(req: { jobId: string }) {
      api.calls.push(`cancelJob:${req.jobId}`)
      api.release()
      return ok({ cancelled: true })
    },
    onProgress(l: (p: JobProgress) => void) {
      listeners.add(l)
      return () => listeners.delete(l)
    }
  }
  return api as unknown as ReturnType<typeof modelBackedApi>
}

export const TWO_RANGE_LOG =
  'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\nBIOS-e820: [mem 0x0000000100000000-0x000000107fffffff] usable\n'

/**
 * Start the host store as the app does (app facts, the example list) and then pick the first
 * example, as a user would from the empty state: the app itself no longer loads one at start.
 */
export async function startWithFirstExample(store: {
  init(): Promise<void>
  examples: readonly { id: string }[]
  loadExample(id: string): Promise<boolean>
}): Promise<void> {
  await store.init()
  const first = store.examples[0]
  if (first) await store.loadExample(first.id)
}
