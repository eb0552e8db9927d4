import { createServices } from '../services/createServices'
import { WorkerThreadLauncher } from '../services/jobRunner'
import { startBrowserServer, type RunningBrowserServer } from './browserServer'
import { newAccessToken } from './security'

/**
 * Start browser mode with the real services, a pool of model workers (one kept warm between jobs,
 * the launcher's default, for live what-ifs; one warmed up after each host loads, as in the
 * desktop app) and a fresh token.
 */
export async function serveBrowserMode(opts: {
  port: number
  workerPath: string
  resourcesDir: string
  rendererDir: string
  /** Data folder for the autosave (default: defaultDataDir(), docs/workspaces.md). */
  dataDir?: string
}): Promise<RunningBrowserServer> {
  const services = createServices({
    mode: 'browser',
    launcher: new WorkerThreadLauncher(opts.workerPath, { warmUp: true }),
    resourcesDir: opts.resourcesDir,
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {})
  })
  return startBrowserServer({
    service: services.planner,
    progress: services.progress,
    rendererDir: opts.rendererDir,
    token: newAccessToken(),
    port: opts.port
  })
}
