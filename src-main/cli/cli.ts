import { Command, InvalidArgumentError } from 'commander'
import { describeApiError } from '@shared/api/errors'
import { hostAnalysisToJson } from '@shared/api/hostJson'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { createServices } from '../services/createServices'
import { InlineLauncher } from '../services/jobRunner'
import { readTextFile } from '../services/readTextFile'
import { serveBrowserMode } from '../server/serve'
import { formatHostReport } from './formatHostReport'

export interface CliContext {
  workerPath: string
  resourcesDir: string
  rendererDir: string
  version: string
  stdout: (s: string) => void
  stderr: (s: string) => void
}

function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be 0-65535')
  return n
}

/** `pamt-planner`: the same services as the app, from a terminal. Resolves to the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode = 0
  const program = new Command('pamt-planner')
    .description('Static vs Dynamic PAMT memory for Intel TDX hosts')
    .version(ctx.version)
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })

  program
    .command('analyze')
    .description('analyse a host boot log (dmesg e820 / TDX CMR lines)')
    .argument('<file>', 'boot log text file')
    .option('--json', 'print the JSON contract instead of the report')
    .action(async (file: string, options: { json?: boolean }) => {
      const read = await readTextFile(file, MAX_HOST_FILE_BYTES)
      if (!read.ok) {
        ctx.stderr(`${describeApiError(read.error)}\n`)
        exitCode = 1
        return
      }
      const { planner } = createServices({
        mode: 'browser',
        launcher: new InlineLauncher(),
        resourcesDir: ctx.resourcesDir
      })
      const result = await planner.analyzeHostText({
        jobId: 'cli',
        fileName: read.value.fileName,
        text: read.value.text
      })
      if (!result.ok) {
        ctx.stderr(`${describeApiError(result.error)}\n`)
        exitCode = 1
        return
      }
      ctx.stdout(
        options.json
          ? `${JSON.stringify(hostAnalysisToJson(result.value.analysis), null, 2)}\n`
          : `${formatHostReport(result.value)}\n`
      )
    })

  program
    .command('serve')
    .description('browser mode: serve the app on 127.0.0.1 with a per-launch token')
    .option('-p, --port <port>', 'port (0 = any free port)', parsePort, 5178)
    .action(async (options: { port: number }) => {
      let server
      try {
        server = await serveBrowserMode({ ...ctx, port: options.port })
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRINUSE' || options.port === 0) throw e
        ctx.stderr(`port ${options.port} is in use; using a free port instead\n`)
        server = await serveBrowserMode({ ...ctx, port: 0 })
      }
      ctx.stdout(`PAMT Planner (browser mode) at ${server.url}\n`)
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void server.close().then(resolve)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })

  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode
    return typeof code === 'number' ? code : 1
  }
  return exitCode
}
