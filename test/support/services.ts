import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServices, type Services } from '../../src-main/services/createServices'
import { InlineLauncher, type TaskLauncher } from '../../src-main/services/jobRunner'

/** The real resources/ folder, so example hosts are the ones the app ships. */
export const RESOURCES_DIR = fileURLToPath(new URL('../../resources', import.meta.url))

/** One scratch data folder per test process, so no test writes an autosave into the user's. */
let scratchDataDir: string | null = null
function testDataDir(): string {
  scratchDataDir ??= mkdtempSync(join(tmpdir(), 'pamt-data-'))
  return scratchDataDir
}

/** The real services with the model run inline (no worker bundle needed in unit tests). */
export function inlineServices(launcher: TaskLauncher = new InlineLauncher()): Services {
  return createServices({
    mode: 'browser',
    launcher,
    resourcesDir: RESOURCES_DIR,
    dataDir: testDataDir()
  })
}
