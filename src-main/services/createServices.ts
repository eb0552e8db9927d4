import type { AppInfo } from '@shared/api/contract'
import { version } from '../../package.json'
import { ExampleHostCatalog } from './exampleHosts'
import { JobRunner, type TaskLauncher } from './jobRunner'
import { PlannerService, type OpenDialogKind, type PlannerServiceOptions } from './plannerService'
import { ProgressHub } from './progressHub'

export interface Services {
  planner: PlannerService
  progress: ProgressHub
}

/** Wire the one set of services every adapter (IPC, HTTP, CLI) uses. */
export function createServices(opts: {
  mode: AppInfo['mode']
  launcher: TaskLauncher
  resourcesDir: string
  showOpenDialog?: (what: OpenDialogKind) => Promise<string | null>
  showSaveDialog?: (suggestedName: string) => Promise<string | null>
  /** Data folder for the autosave and session record (default: defaultDataDir()). */
  dataDir?: string
  /** Memory budget of the stored hosts (default DEFAULT_HOST_STORE_BYTES). */
  hostStoreBytes?: number
  /** Reports (docs/reports.md): desktop PDF printer and save dialog. */
  printPdf?: PlannerServiceOptions['printPdf']
  showReportSaveDialog?: PlannerServiceOptions['showReportSaveDialog']
}): Services {
  const progress = new ProgressHub()
  const planner = new PlannerService({
    mode: opts.mode,
    version,
    jobs: new JobRunner(opts.launcher, progress.publish),
    examples: new ExampleHostCatalog(opts.resourcesDir),
    ...(opts.showOpenDialog ? { showOpenDialog: opts.showOpenDialog } : {}),
    ...(opts.showSaveDialog ? { showSaveDialog: opts.showSaveDialog } : {}),
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    ...(opts.hostStoreBytes !== undefined ? { hostStoreBytes: opts.hostStoreBytes } : {}),
    ...(opts.printPdf ? { printPdf: opts.printPdf } : {}),
    ...(opts.showReportSaveDialog ? { showReportSaveDialog: opts.showReportSaveDialog } : {})
  })
  return { planner, progress }
}
