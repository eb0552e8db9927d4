import type {
  AnalyzeExampleRequest,
  AnalyzeHostTextRequest,
  AppInfo,
  ExampleHost,
  HostRef,
  HostResult,
  JobRequest,
  PlannerMethods,
  ReanalyzeHostRequest
} from '@shared/api/contract'
import { err, ok, type ApiResult } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import { hostInputToJson } from '@shared/import/hostJson'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import type { ExampleHostCatalog } from './exampleHosts'
import { HostStore } from './hostStore'
import type { JobRunner } from './jobRunner'
import { readTextFile } from './readTextFile'
import type { WorkerTask } from '../worker/protocol'

export interface PlannerServiceOptions {
  mode: AppInfo['mode']
  version: string
  jobs: JobRunner
  examples: ExampleHostCatalog
  /** Native open dialog (desktop); returns a path or null when the user cancels. */
  showOpenDialog?: () => Promise<string | null>
}

/**
 * The main-process services behind the PlannerApi: every transport (IPC, HTTP, CLI) calls these
 * same methods with already-validated requests. Model work always runs through the JobRunner.
 */
export class PlannerService implements PlannerMethods {
  private readonly hosts = new HostStore()

  constructor(private readonly opts: PlannerServiceOptions) {}

  /** Run a model task and keep its host for later re-analysis and export. */
  private async runHostTask(jobId: string, task: WorkerTask): Promise<ApiResult<HostResult>> {
    const out = await this.opts.jobs.run(jobId, task)
    if (!out.ok) return out
    const { host, result } = out.value
    const hostId = this.hosts.add({ host, summary: result.summary, source: result.source })
    return ok({ hostId, ...result })
  }

  async getAppInfo(): Promise<ApiResult<AppInfo>> {
    return ok({
      name: 'PAMT Planner',
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
    const path = await this.opts.showOpenDialog()
    if (path === null) return ok(null)
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
    const stored = this.hosts.get(req.hostId)
    if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
    return this.runHostTask(req.jobId, { kind: 'analyze', ...stored, model: req.model })
  }

  async exportHostJson(req: HostRef): Promise<ApiResult<{ fileName: string; text: string }>> {
    const stored = this.hosts.get(req.hostId)
    if (!stored) return err('NOT_FOUND', 'that host is no longer loaded: import it again')
    const stem = stored.source.fileName.replace(/\.[^.]+$/, '')
    return ok({ fileName: `${stem}.host.json`, text: hostInputToJson(stored.host) })
  }

  async cancelJob(req: JobRequest): Promise<ApiResult<{ cancelled: boolean }>> {
    return ok({ cancelled: this.opts.jobs.cancel(req.jobId) })
  }
}
