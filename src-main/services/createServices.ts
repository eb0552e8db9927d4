import type { AppInfo } from '@shared/api/contract'
import { version } from '../../package.json'
import { ExampleHostCatalog } from './exampleHosts'
import { JobRunner, type TaskLauncher } from './jobRunner'
import { PlannerService } from './plannerService'
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
  showOpenDialog?: (what: 'host' | 'trace') => Promise<string | null>
  /** Memory budget of the stored hosts (default DEFAULT_HOST_STORE_BYTES). */
  hostStoreBytes?: number
}): Services {
  const progress = new ProgressHub()
  const planner = new PlannerService({
    mode: opts.mode,
    version,
    jobs: new JobRunner(opts.launcher, progress.publish),
    examples: new ExampleHostCatalog(opts.resourcesDir),
    ...(opts.showOpenDialog ? { showOpenDialog: opts.showOpenDialog } : {}),
    ...(opts.hostStoreBytes !== undefined ? { hostStoreBytes: opts.hostStoreBytes } : {})
  })
  return { planner, progress }
}
