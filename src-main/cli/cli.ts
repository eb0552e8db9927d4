import { Command, InvalidArgumentError, Option } from 'commander'
import { describeApiError } from '@shared/api/errors'
import { hostAnalysisToJson } from '@shared/api/hostJson'
import { modelOptionsSchema } from '@shared/api/modelOptions'
import { HOST_FORMATS, type HostFormat } from '@shared/import/hostImport'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { createServices } from '../services/createServices'
import { InlineLauncher } from '../services/jobRunner'
import { readTextFile } from '../services/readTextFile'
import { serveBrowserMode } from '../server/serve'
import { formatHostReport } from './formatHostReport'
import { formatSimulationReport } from './formatSimulationReport'
import type { SweepParameter } from '@shared/model/runtime/sweep'
import { PRESET_NAMES, presetScenario } from '@shared/model/workload/presets'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'

export interface CliContext {
  workerPath: string
  resourcesDir: string
  rendererDir: string
  version: string
  stdout: (s: string) => void
  stderr: (s: string) => void
}

interface AnalyzeCliOptions {
  json?: boolean
  format: HostFormat | 'auto'
  holeSource?: 'e820' | 'cmr'
  placement?: 'first-candidate' | 'last-candidate'
  pamtMode?: 'static' | 'dynamic'
  maxmem?: '46' | '52'
  param: Record<string, number>
}

/** `--param maxTdmrs=32`: known keys, integer values; the shared schema checks the bounds. */
function collectParam(value: string, previous: Record<string, number>): Record<string, number> {
  const m = /^([A-Za-z0-9]+)=(\d+)$/.exec(value)
  if (!m) throw new InvalidArgumentError('expected key=integer, e.g. maxTdmrs=32')
  if (!Object.hasOwn(TDX_MODULE_1_5_PARAMS, m[1]!)) {
    throw new InvalidArgumentError(
      `unknown parameter "${m[1]}"; known: ${Object.keys(TDX_MODULE_1_5_PARAMS).join(', ')}`
    )
  }
  return { ...previous, [m[1]!]: Number(m[2]) }
}

interface SimulateCliOptions {
  host: string
  scenario?: string
  preset?: string
  trace?: string
  refcounts: 'dense' | 'sparse'
  sweep?: string
  json?: boolean
}

/** `--sweep share4k=0,0.5,1` → the sweep request, or an error sentence. */
function parseSweep(text: string): { parameter: SweepParameter; values: number[] } | string {
  const m = /^(share4k|tdCount|fragmentation)=([\d.,\s]+)$/.exec(text)
  if (!m) return 'expected --sweep share4k|tdCount|fragmentation=v1,v2,…'
  const values = m[2]!.split(',').map((v) => Number(v.trim()))
  if (values.length < 2 || values.some((v) => !Number.isFinite(v)))
    return 'a sweep needs two or more numbers'
  return { parameter: m[1] as SweepParameter, values }
}

async function simulateCommand(options: SimulateCliOptions, ctx: CliContext): Promise<number> {
  const sources = [options.scenario, options.preset, options.trace].filter((x) => x !== undefined)
  if (sources.length !== 1) {
    ctx.stderr('give exactly one of --scenario, --preset or --trace\n')
    return 2
  }
  const sweep = options.sweep ? parseSweep(options.sweep) : undefined
  if (typeof sweep === 'string') {
    ctx.stderr(`${sweep}\n`)
    return 2
  }
  const read = await readTextFile(options.host, MAX_HOST_FILE_BYTES)
  if (!read.ok) {
    ctx.stderr(`${describeApiError(read.error)}\n`)
    return 1
  }
  const { planner } = createServices({
    mode: 'browser',
    launcher: new InlineLauncher(),
    resourcesDir: ctx.resourcesDir
  })
  const host = await planner.analyzeHostText({
    jobId: 'cli',
    fileName: read.value.fileName,
    text: read.value.text
  })
  if (!host.ok) {
    ctx.stderr(`${describeApiError(host.error)}\n`)
    return 1
  }
  const hostId = host.value.hostId
  if (options.trace) {
    const stored = planner.storedHostFor(hostId)!
    const run = await planner.replayTracePath('cli', stored, options.trace, options.refcounts)
    if (!run.ok) {
      ctx.stderr(`${describeApiError(run.error)}\n`)
      return 1
    }
    ctx.stdout(
      options.json
        ? `${JSON.stringify(run.value)}\n`
        : `${formatSimulationReport(run.value.hostName, run.value.result, null, run.value.trace)}\n`
    )
    return 0
  }
  let scenario: unknown
  if (options.preset) {
    scenario = presetScenario(options.preset, host.value.analysis.tdxMemoryBytes)
  } else {
    const text = await readTextFile(options.scenario!, MAX_HOST_FILE_BYTES)
    if (!text.ok) {
      ctx.stderr(`${describeApiError(text.error)}\n`)
      return 1
    }
    try {
      scenario = JSON.parse(text.value.text)
    } catch (e) {
      ctx.stderr(`${text.value.fileName}: not JSON: ${(e as Error).message}\n`)
      return 1
    }
    const checked = scenarioSchema.safeParse(scenario)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      ctx.stderr(
        `${text.value.fileName}: ${issue?.path.join('.') || 'scenario'}: ${issue?.message ?? 'invalid'}\n`
      )
      return 1
    }
    scenario = checked.data
  }
  const run = await planner.simulate({
    jobId: 'cli',
    hostId,
    scenario: scenario as ScenarioInput,
    ...(sweep ? { sweep } : {})
  })
  if (!run.ok) {
    ctx.stderr(`${describeApiError(run.error)}\n`)
    return 1
  }
  ctx.stdout(
    options.json
      ? `${JSON.stringify(run.value)}\n`
      : `${formatSimulationReport(run.value.hostName, run.value.result, run.value.sweep, null)}\n`
  )
  return 0
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
    .description(
      'analyse a host: boot log (dmesg), /proc/iomem, firmware memmap, lsmem JSON or host JSON'
    )
    .argument('<file>', 'host file')
    .option('--json', 'print the JSON contract instead of the report')
    .addOption(
      new Option('--format <format>', 'input format')
        .choices(['auto', ...HOST_FORMATS])
        .default('auto')
    )
    .addOption(
      new Option(
        '--hole-source <source>',
        'reserved-area holes: memory blocks (mainline) or CMR gaps (KAI-CMR)'
      ).choices(['e820', 'cmr'])
    )
    .addOption(
      new Option('--placement <policy>', 'PAMT chunk placement policy (modelled)').choices([
        'first-candidate',
        'last-candidate'
      ])
    )
    .addOption(
      new Option(
        '--pamt-mode <mode>',
        'PAMT set up at init (default: dynamic when the log says so)'
      ).choices(['static', 'dynamic'])
    )
    .addOption(
      new Option('--maxmem <bits>', 'MAXMEM: 46 (4-level paging, default) or 52 (5-level)').choices(
        ['46', '52']
      )
    )
    .option(
      '--param <key=value>',
      `TDX module parameter, repeatable (${Object.keys(TDX_MODULE_1_5_PARAMS).join(', ')})`,
      collectParam,
      {}
    )
    .action(async (file: string, options: AnalyzeCliOptions) => {
      const model = modelOptionsSchema.safeParse({
        holeSource: options.holeSource,
        pamtPlacement: options.placement,
        pamtMode: options.pamtMode,
        maxMemBytes: options.maxmem ? 2 ** Number(options.maxmem) : undefined,
        params: Object.keys(options.param).length ? options.param : undefined
      })
      if (!model.success) {
        const issue = model.error.issues[0]
        ctx.stderr(
          `invalid option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'bad value'}\n`
        )
        exitCode = 2
        return
      }
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
        text: read.value.text,
        format: options.format,
        model: model.data
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
    .command('simulate')
    .description(
      'Dynamic PAMT over time for a TD workload (scenario, preset or recorded trace) on a host'
    )
    .requiredOption('--host <file>', 'host file (any format analyze reads)')
    .option('--scenario <file>', 'scenario JSON (docs/workload-model.md)')
    .addOption(new Option('--preset <name>', 'a built-in scenario').choices(PRESET_NAMES))
    .option('--trace <file>', 'recorded trace, JSON Lines or CSV (docs/traces.md)')
    .addOption(
      new Option('--refcounts <scheme>', 'refcount array for traces')
        .choices(['dense', 'sparse'])
        .default('dense')
    )
    .option(
      '--sweep <param=v1,v2,…>',
      'also sweep one parameter: share4k, tdCount or fragmentation'
    )
    .option('--json', 'print the run as JSON')
    .action(async (options: SimulateCliOptions) => {
      exitCode = await simulateCommand(options, ctx)
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
