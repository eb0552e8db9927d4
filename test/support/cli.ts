import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, type CliContext } from '../../src-main/cli/cli'
import { InlineLauncher } from '../../src-main/services/jobRunner'
import { RESOURCES_DIR } from './services'

/** What one `pamt-planner` invocation printed, and its exit code. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Run the CLI in-process with these arguments, capturing stdout and stderr. The model runs inline
 * (no worker bundle), with the real resources/ folder.
 */
export async function cli(...args: string[]): Promise<CliRun> {
  return cliWith({ launcher: new InlineLauncher(), workerPath: 'unused-inline' }, ...args)
}

/** Run the CLI in-process on this launcher or worker entry (see CliContext), capturing its output. */
export async function cliWith(
  where: Pick<CliContext, 'launcher' | 'workerPath' | 'progress'>,
  ...args: string[]
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    ...where,
    resourcesDir: RESOURCES_DIR,
    rendererDir: 'unused-inline',
    version: '0.0.0-test',
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s)
  })
  return { code, stdout, stderr }
}

/** A file with this name and content in a fresh temporary folder; returns its path. */
export function tempFile(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cli-')), name)
  writeFileSync(path, content)
  return path
}
