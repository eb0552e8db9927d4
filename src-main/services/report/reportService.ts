import { err, ok, type ApiResult } from '@shared/api/errors'
import { toAnalyzeOptions, type ModelOptions } from '@shared/api/modelOptions'
import type { ContentionRun, SimulationRun } from '@shared/api/contract'
import type { ExportReportRequest, ExportedReport } from '@shared/api/reportContract'
import { workspaceStateSchema, type WorkspaceState } from '@shared/workspace/workspaceSchema'
import { scenarioSchema, type Scenario } from '@shared/model/workload/scenario'
import {
  contentionSettingsSchema,
  type ContentionRunSettings
} from '@shared/model/contention/runContention'
import {
  estimateContentionWork,
  estimateSimulationWork,
  workHostOf
} from '@shared/model/workEstimate'
import { safeFileStem } from '@shared/util/fileNames'
import { asSavedFleet } from '@shared/fleet/fleetSaved'
import type { StoredHost } from '../hostStore'
import type { JobRunner } from '../jobRunner'
import { atomicWrite } from '../atomicWrite'
import { sha256Hex } from '../workspaceCodec'
import type { ReportComparePin, ReportTask } from '../../worker/protocol'

/** Results kept for a report right after a run (docs/reports.md, "Re-running"): small and bounded. */
export const CACHED_SIMULATIONS = 4
export const CACHED_CONTENTION_RUNS = 2

/** JSON with sorted keys and no undefined fields: equal requests give equal keys. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, sort((v as Record<string, unknown>)[k])])
      )
    return v
  }
  return JSON.stringify(sort(value))
}

/** A least-recently-used map of at most `size` entries. */
export class SmallCache<T> {
  private readonly entries = new Map<string, T>()
  constructor(private readonly size: number) {}
  get(key: string): T | undefined {
    const v = this.entries.get(key)
    if (v !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, v)
    }
    return v
  }
  set(key: string, value: T): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!)
  }
  get count(): number {
    return this.entries.size
  }
}

/** The cache key of a simulation: host, model options and the scenario as parsed (not the sweep). */
export const simulationKey = (
  hostId: string,
  model: ModelOptions | undefined,
  s: Scenario
): string => canonicalJson({ hostId, model: model ?? {}, scenario: s })

/** The cache key of a contention run: host, model options, scenario and settings as parsed. */
export const contentionKey = (
  hostId: string,
  model: ModelOptions | undefined,
  s: Scenario,
  settings: ContentionRunSettings
): string => canonicalJson({ hostId, model: model ?? {}, scenario: s, settings })

export interface ReportServiceOptions {
  app: { name: string; version: string }
  jobs: JobRunner
  storedHost: (hostId: string) => ApiResult<StoredHost>
  /** Print HTML to PDF bytes (desktop: Electron; else a headless Chromium). */
  printPdf: (html: string) => Promise<ApiResult<Uint8Array>>
  /** Desktop: where to write the report; null when cancelled. Absent: return it (browser, CLI). */
  showSaveDialog?: (suggestedName: string, format: 'html' | 'pdf') => Promise<string | null>
  /** The clock (tests inject one). */
  now?: () => Date
}

/**
 * Reports (docs/reports.md): resolves the request's hosts and runs, refuses work over the limits
 * as `simulate` and `runContention` do, builds the report as one worker job (progress and cancel
 * as any job) and prints or writes it. Keeps the last few simulation and contention results so a
 * report right after a run does not repeat it.
 */
export class ReportService {
  readonly simulations = new SmallCache<SimulationRun>(CACHED_SIMULATIONS)
  readonly contentionRuns = new SmallCache<ContentionRun>(CACHED_CONTENTION_RUNS)

  /** PDF prints run one at a time: each may be a whole Chromium (hundreds of MiB). */
  private printing: Promise<unknown> = Promise.resolve()

  constructor(private readonly opts: ReportServiceOptions) {}

  private print(html: string): Promise<ApiResult<Uint8Array>> {
    const next = this.printing.then(() => this.opts.printPdf(html))
    this.printing = next.catch(() => undefined)
    return next
  }

  /**
   * The pins a report compares (docs/reports.md, "Comparison"): each found in the state, its host
   * (`wN` is the state's N-th host) taken from the host store, its work sized as a run of its own
   * and refused over the same limits. A `comparison` report needs 2-4; other scopes but
   * `workspace` take none.
   */
  private comparePins(
    req: ExportReportRequest,
    state: WorkspaceState
  ): ApiResult<ReportComparePin[]> {
    const ids = req.compare ?? []
    if (req.scope === 'comparison' && ids.length < 2)
      return err(
        'INVALID_REQUEST',
        'a comparison report needs 2 to 4 pinned results: choose them on the Compare view'
      )
    if (req.scope !== 'comparison' && req.scope !== 'workspace') return ok([])
    const pins: ReportComparePin[] = []
    for (const id of ids) {
      const pin = state.pinned.find((p) => p.id === id)
      if (!pin) return err('INVALID_REQUEST', `no pinned result ${id} in this workspace`)
      const ref = state.hosts[Number(pin.hostId.slice(1)) - 1]
      if (!ref)
        return err(
          'INVALID_REQUEST',
          `pin ${id} names host ${pin.hostId}, which the workspace does not hold`
        )
      const stored = this.opts.storedHost(ref.hostId)
      if (!stored.ok) return stored
      const s = stored.value
      const workHost = workHostOf(s.host, s.tdxMemoryBytes, toAnalyzeOptions(pin.model))
      const base = { label: pin.label, host: s.host, hostName: s.source.fileName, model: pin.model }
      if (pin.kind === 'host-analysis') pins.push({ ...base, run: { kind: 'host-analysis' } })
      else if (pin.kind === 'workload-run') {
        const scenario = scenarioSchema.parse(pin.scenario)
        const work = estimateSimulationWork(scenario, workHost)
        if (work.refusal) return err('WORK_TOO_LARGE', `pin "${pin.label}": ${work.refusal}`)
        pins.push({ ...base, run: { kind: 'workload-run', scenario } })
      } else {
        const scenario = scenarioSchema.parse(pin.scenario)
        const settings = contentionSettingsSchema.parse(pin.settings)
        const work = estimateContentionWork(scenario, workHost, settings)
        if (work.refusal) return err('WORK_TOO_LARGE', `pin "${pin.label}": ${work.refusal}`)
        pins.push({ ...base, run: { kind: 'contention-run', scenario, settings } })
      }
    }
    return ok(pins)
  }

  async exportReport(req: ExportReportRequest): Promise<ApiResult<ExportedReport | null>> {
    const parsed = workspaceStateSchema.safeParse(req.state)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return err('INVALID_REQUEST', `state ${issue?.path.join('.') ?? ''}: ${issue?.message}`)
    }
    const state = parsed.data
    if (req.scope === 'fleet') return this.exportFleetReport(req, state)
    if (!state.hosts.length) return err('INVALID_REQUEST', 'a report needs a host: open one first')
    const activeIndex = Math.min(state.activeHost ?? 0, state.hosts.length - 1)
    const chosen = req.scope === 'workspace' ? state.hosts : [state.hosts[activeIndex]!]
    const hosts: ReportTask['hosts'] = []
    for (const h of chosen) {
      const stored = this.opts.storedHost(h.hostId)
      if (!stored.ok) return stored
      const s = stored.value
      hosts.push({
        host: s.host,
        summary: s.summary,
        source: s.source,
        model: h.model,
        input:
          s.text !== undefined
            ? { bytes: Buffer.byteLength(s.text, 'utf8'), sha256: sha256Hex(s.text) }
            : null
      })
    }
    const activeRef = state.hosts[activeIndex]!
    const active = this.opts.storedHost(activeRef.hostId)
    if (!active.ok) return active
    const workHost = workHostOf(
      active.value.host,
      active.value.tdxMemoryBytes,
      toAnalyzeOptions(activeRef.model)
    )

    // The workload run: the Workload view's scenario.
    let simulation: ReportTask['simulation'] = null
    if (req.scope === 'workload' || req.scope === 'workspace') {
      const scenario = state.workload.scenario
      if (scenario) {
        const s = scenarioSchema.parse(scenario)
        const cached = this.simulations.get(simulationKey(activeRef.hostId, activeRef.model, s))
        if (!cached) {
          const work = estimateSimulationWork(s, workHost)
          if (work.refusal) return err('WORK_TOO_LARGE', work.refusal)
        }
        simulation = { scenario: s, cached: cached ?? null }
      } else if (req.scope === 'workload')
        return err('INVALID_REQUEST', 'the Workload view has no valid scenario to report')
    }

    // The contention run: asked for, or the Contention view's report.
    let contention: ReportTask['contention'] = null
    if (req.scope === 'contention' || req.includeContention) {
      const c = state.contention
      const scenario =
        c.scenario ?? (c.scenarioSource === 'workload' ? state.workload.scenario : null)
      if (!scenario)
        return err('INVALID_REQUEST', 'the Contention view has no valid scenario to report')
      const s = scenarioSchema.parse(scenario)
      const settings = contentionSettingsSchema.parse(c.settings ?? {})
      const cached = this.contentionRuns.get(
        contentionKey(activeRef.hostId, activeRef.model, s, settings)
      )
      if (!cached) {
        const work = estimateContentionWork(s, workHost, settings)
        if (work.refusal) return err('WORK_TOO_LARGE', work.refusal)
      }
      contention = { scenario: s, settings, cached: cached ?? null }
    }

    // The comparison: each chosen pin re-run from its inputs in the same job.
    const compare = this.comparePins(req, state)
    if (!compare.ok) return compare

    const generatedAt = (this.opts.now?.() ?? new Date()).toISOString()
    const built = await this.opts.jobs.run(req.jobId, {
      kind: 'report',
      app: this.opts.app,
      generatedAt,
      scope: req.scope,
      workspaceName: state.name,
      notes: state.notes,
      hosts,
      activeIndex: req.scope === 'workspace' ? activeIndex : 0,
      simulation,
      contention,
      ...(req.format === 'pdf' ? { pageSize: 'A4' as const } : {}),
      compare: compare.value,
      fleet: req.scope === 'workspace' && state.fleet ? asSavedFleet(state.fleet) : null
    })
    if (!built.ok) return built
    const { html, ran } = built.value
    if (ran.simulation && simulation)
      this.simulations.set(
        simulationKey(activeRef.hostId, activeRef.model, simulation.scenario),
        ran.simulation
      )
    if (ran.contention && contention)
      this.contentionRuns.set(
        contentionKey(activeRef.hostId, activeRef.model, contention.scenario, contention.settings),
        ran.contention
      )

    const stem = safeFileStem(
      req.scope === 'workspace' ? state.name : active.value.source.fileName,
      'report'
    )
    return this.deliver(html, `${stem}.${req.scope}-report.${req.format}`, req.format)
  }

  /**
   * A `fleet` report (docs/reports.md, "Fleet"): the workspace's fleet run alone, no host needed.
   * Its figures are the fleet run's model output carried in the state (validated by the state
   * schema); the job only builds the section, its words and charts, and renders the HTML.
   */
  private async exportFleetReport(
    req: ExportReportRequest,
    state: WorkspaceState
  ): Promise<ApiResult<ExportedReport | null>> {
    if (!state.fleet)
      return err('INVALID_REQUEST', 'a fleet report needs a fleet run: analyse a fleet first')
    const built = await this.opts.jobs.run(req.jobId, {
      kind: 'report',
      app: this.opts.app,
      generatedAt: (this.opts.now?.() ?? new Date()).toISOString(),
      scope: 'fleet',
      workspaceName: state.name,
      notes: '',
      hosts: [],
      activeIndex: 0,
      simulation: null,
      contention: null,
      ...(req.format === 'pdf' ? { pageSize: 'A4' as const } : {}),
      compare: [],
      fleet: asSavedFleet(state.fleet)
    })
    if (!built.ok) return built
    const stem = safeFileStem(state.name, 'fleet')
    return this.deliver(built.value.html, `${stem}.fleet-report.${req.format}`, req.format)
  }

  /** Print (PDF) and write the report where the dialog says, or return it (browser, CLI). */
  private async deliver(
    html: string,
    fileName: string,
    format: ExportReportRequest['format']
  ): Promise<ApiResult<ExportedReport | null>> {
    let bytes: Uint8Array
    if (format === 'pdf') {
      const pdf = await this.print(html)
      if (!pdf.ok) return pdf
      bytes = pdf.value
    } else bytes = Buffer.from(html, 'utf8')

    if (this.opts.showSaveDialog) {
      const path = await this.opts.showSaveDialog(fileName, format)
      if (path === null) return ok(null)
      try {
        await atomicWrite(path, bytes)
      } catch (e) {
        return err('FILE_UNREADABLE', `cannot write the report: ${(e as Error).message}`, {
          fileName
        })
      }
      return ok({ fileName, format: format, path, bytes: bytes.length })
    }
    return ok({
      fileName,
      format: format,
      path: null,
      bytes: bytes.length,
      ...(format === 'pdf' ? { pdfBase64: Buffer.from(bytes).toString('base64') } : { html })
    })
  }
}
