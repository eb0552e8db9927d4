import type {
  AnalyzeExampleRequest,
  AnalyzeHostTextRequest,
  AppInfo,
  ExampleHost,
  HostResult,
  JobRequest,
  PlannerMethods
} from '@shared/api/contract'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import type { ExampleHostCatalog } from './exampleHosts'
import type { JobRunner } from './jobRunner'
import { readTextFile } from './readTextFile'

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
  constructor(private readonly opts: PlannerServiceOptions) {}

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
    return this.opts.jobs.run(req.jobId, {
      kind: 'analyzeHostText',
      fileName: example.fileName,
      text: read.value.text,
      source: { kind: 'example', fileName: example.fileName, exampleId: req.exampleId }
    })
  }

  async analyzeHostText(req: AnalyzeHostTextRequest): Promise<ApiResult<HostResult>> {
    return this.opts.jobs.run(req.jobId, {
      kind: 'analyzeHostText',
      fileName: req.fileName,
      text: req.text,
      source: { kind: 'file', fileName: req.fileName }
    })
  }

  async openHostFile(req: JobRequest): Promise<ApiResult<HostResult | null>> {
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
      text: read.value.text
    })
  }

  async cancelJob(req: JobRequest): Promise<ApiResult<{ cancelled: boolean }>> {
    return ok({ cancelled: this.opts.jobs.cancel(req.jobId) })
  }
}
