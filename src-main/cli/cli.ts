import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { describeApiError } from '@shared/api/errors'
import { hostAnalysisToJson } from '@shared/api/hostJson'
import { modelOptionsSchema } from '@shared/api/modelOptions'
import { HOST_FORMATS, type HostFormat } from '@shared/import/hostImport'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import {
  MODULE_PARAM_SET_IDS,
  TDX_MODULE_1_5_PARAMS,
  type ModuleParamSetId
} from '@shared/model/host/tdxModuleParams'
import { createServices } from '../services/createServices'
import type { PlannerService } from '../services/plannerService'
import type { HostResult } from '@shared/api/contract'
import { InlineLauncher } from '../services/jobRunner'
import { readTextFile } from '../services/readTextFile'
import { serveBrowserMode } from '../server/serve'
import { formatHostReport } from './formatHostReport'
import { formatSimulationReport } from './formatSimulationReport'
import { formatContentionReport } from './formatContentionReport'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'
import { traceContention } from '@shared/model/contention/traceContention'
import { perfLockCsv, perfLockTable } from '@shared/charts/contention/perfLock'
import { parseTraceText } from '@shared/import/trace/traceParser'
import { MAX_TRACE_TEXT_BYTES } from '@shared/import/limits'
import type { SweepParameter } from '@shared/model/runtime/sweep'
import {
  CONTENTION_PRESET_NAMES,
  PRESET_NAMES,
  contentionPresetScenario,
  presetScenario
} from '@shared/model/workload/presets'
import { scenarioSchema, type Scenario, type ScenarioInput } from '@shared/model/workload/scenario'

/** Exit codes, the same for every command (README, `--help`). */
export const EXIT_OK = 0
export const EXIT_BAD_INPUT = 1
export const EXIT_USAGE = 2
export const EXIT_INIT_FAILS = 3
const EXIT_CODES_HELP = `
Exit codes (every command):
  ${EXIT_OK}  done (analysed, simulated)
  ${EXIT_BAD_INPUT}  bad input: a file that cannot be read or parsed (one line names the file and line)
  ${EXIT_USAGE}  usage: an unknown command or option, or a value out of range
  ${EXIT_INIT_FAILS}  analyze --check: the model predicts TDX init fails on this host
`

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
  check?: boolean
  format: HostFormat | 'auto'
  holeSource?: 'e820' | 'cmr'
  placement?: 'first-candidate' | 'last-candidate'
  pamtMode?: 'static' | 'dynamic'
  module?: ModuleParamSetId
  maxmem?: '46' | '52'
  physBits?: number
  param: Record<string, number>
}

/** `--phys-bits 46`: an integer; the shared schema checks the bounds (32-52). */
function parsePhysBits(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an integer, e.g. 46')
  return Number(value)
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

/** Read and analyse the --host file with the CLI's in-process services; an error line on failure. */
async function loadHost(
  path: string,
  ctx: CliContext
): Promise<{ planner: PlannerService; host: HostResult } | { error: string }> {
  const read = await readTextFile(path, MAX_HOST_FILE_BYTES)
  if (!read.ok) return { error: describeApiError(read.error) }
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
  return host.ok ? { planner, host: host.value } : { error: describeApiError(host.error) }
}

async function simulateCommand(options: SimulateCliOptions, ctx: CliContext): Promise<number> {
  const sources = [options.scenario, options.preset, options.trace].filter((x) => x !== undefined)
  if (sources.length !== 1) {
    ctx.stderr('give exactly one of --scenario, --preset or --trace\n')
    return EXIT_USAGE
  }
  const sweep = options.sweep ? parseSweep(options.sweep) : undefined
  if (typeof sweep === 'string') {
    ctx.stderr(`${sweep}\n`)
    return EXIT_USAGE
  }
  const loaded = await loadHost(options.host, ctx)
  if ('error' in loaded) {
    ctx.stderr(`${loaded.error}\n`)
    return EXIT_BAD_INPUT
  }
  const { planner } = loaded
  const hostId = loaded.host.hostId
  if (options.trace) {
    const stored = planner.storedHostFor(hostId)!
    const run = await planner.replayTracePath('cli', stored, options.trace, options.refcounts)
    if (!run.ok) {
      ctx.stderr(`${describeApiError(run.error)}\n`)
      return EXIT_BAD_INPUT
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
    scenario = presetScenario(options.preset, loaded.host.analysis.tdxMemoryBytes)
  } else {
    const file = await readScenarioFile(options.scenario!)
    if (!file.ok) {
      ctx.stderr(`${file.message}\n`)
      return EXIT_BAD_INPUT
    }
    scenario = file.scenario
  }
  const run = await planner.simulate({
    jobId: 'cli',
    hostId,
    scenario: scenario as ScenarioInput,
    ...(sweep ? { sweep } : {})
  })
  if (!run.ok) {
    ctx.stderr(`${describeApiError(run.error)}\n`)
    return EXIT_BAD_INPUT
  }
  ctx.stdout(
    options.json
      ? `${JSON.stringify(run.value)}\n`
      : `${formatSimulationReport(run.value.hostName, run.value.result, run.value.sweep, null)}\n`
  )
  return 0
}

interface ContentionCliOptions {
  host: string
  scenario?: string
  preset?: string
  trace?: string
  designs: string
  demote: string
  cost: Record<string, number>
  sockets?: number
  cpusPerSocket?: number
  kernelWindow?: number
  csv?: boolean
  json?: boolean
}

/** `--cost pamtAddNs=6000`: a known cost key and a number of nanoseconds. */
function collectCost(value: string, previous: Record<string, number>): Record<string, number> {
  const m = /^([A-Za-z0-9]+)=(\d+(?:\.\d+)?)$/.exec(value)
  if (!m) throw new InvalidArgumentError('expected key=nanoseconds, e.g. pamtAddNs=6000')
  if (!Object.hasOwn(DEFAULT_CONTENTION_COSTS, m[1]!)) {
    throw new InvalidArgumentError(
      `unknown cost "${m[1]}"; known: ${Object.keys(DEFAULT_CONTENTION_COSTS).join(', ')}`
    )
  }
  return { ...previous, [m[1]!]: Number(m[2]) }
}

/** Read, parse and validate a scenario file; an error sentence naming the file and field on failure. */
async function readScenarioFile(
  path: string
): Promise<{ ok: true; scenario: Scenario } | { ok: false; message: string }> {
  const text = await readTextFile(path, MAX_HOST_FILE_BYTES)
  if (!text.ok) return { ok: false, message: describeApiError(text.error) }
  let json: unknown
  try {
    json = JSON.parse(text.value.text)
  } catch (e) {
    return { ok: false, message: `${text.value.fileName}: not JSON: ${(e as Error).message}` }
  }
  const checked = scenarioSchema.safeParse(json)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    return {
      ok: false,
      message: `${text.value.fileName}: ${issue?.path.join('.') || 'scenario'}: ${issue?.message ?? 'invalid'}`
    }
  }
  return { ok: true, scenario: checked.data }
}

async function contentionCommand(options: ContentionCliOptions, ctx: CliContext): Promise<number> {
  const sources = [options.scenario, options.preset, options.trace].filter((x) => x !== undefined)
  if (sources.length !== 1) {
    ctx.stderr('give exactly one of --scenario, --preset or --trace\n')
    return EXIT_USAGE
  }
  const settings = contentionSettingsSchema.safeParse({
    designs: options.designs.split(',').map((d) => d.trim()),
    demoteVariants: options.demote.split(',').map((d) => d.trim()),
    costs: { ...DEFAULT_CONTENTION_COSTS, ...options.cost },
    ...(options.sockets !== undefined ? { sockets: options.sockets } : {}),
    ...(options.cpusPerSocket !== undefined ? { cpusPerSocket: options.cpusPerSocket } : {}),
    ...(options.kernelWindow !== undefined ? { kernelWindowRegions: options.kernelWindow } : {})
  })
  if (!settings.success) {
    const issue = settings.error.issues[0]
    ctx.stderr(`invalid ${issue?.path.join('.') ?? 'option'}: ${issue?.message ?? 'bad value'}\n`)
    return EXIT_USAGE
  }
  const loaded = await loadHost(options.host, ctx)
  if ('error' in loaded) {
    ctx.stderr(`${loaded.error}\n`)
    return EXIT_BAD_INPUT
  }
  const { planner } = loaded
  if (options.trace) {
    const text = await readTextFile(options.trace, MAX_TRACE_TEXT_BYTES)
    if (!text.ok) {
      ctx.stderr(`${describeApiError(text.error)}\n`)
      return EXIT_BAD_INPUT
    }
    const parsed = parseTraceText(text.value.text, text.value.fileName)
    if (!parsed.ok) {
      ctx.stderr(`${describeApiError(parsed.error)}\n`)
      return EXIT_BAD_INPUT
    }
    const outcomes = settings.data.designs.map((d) =>
      traceContention(loaded.host.analysis, parsed.events, d, settings.data.costs)
    )
    if (options.json) ctx.stdout(`${JSON.stringify(outcomes)}\n`)
    else {
      const rows = outcomes.map((o) => ({
        design: o.design,
        demote: 'lock-around' as const,
        locks: o.locks
      }))
      ctx.stdout(
        options.csv
          ? perfLockCsv(rows)
          : `${perfLockTable(rows)}\n(open-loop replay of ${text.value.fileName}: waits do not delay later events)\n`
      )
    }
    return 0
  }
  let scenario: Scenario
  if (options.preset) {
    scenario =
      contentionPresetScenario(options.preset) ??
      presetScenario(options.preset, loaded.host.analysis.tdxMemoryBytes)!
  } else {
    const s = await readScenarioFile(options.scenario!)
    if (!s.ok) {
      ctx.stderr(`${s.message}\n`)
      return EXIT_BAD_INPUT
    }
    scenario = s.scenario
  }
  const run = await planner.runContention({
    jobId: 'cli',
    hostId: loaded.host.hostId,
    scenario,
    settings: settings.data
  })
  if (!run.ok) {
    ctx.stderr(`${describeApiError(run.error)}\n`)
    return EXIT_BAD_INPUT
  }
  const outcomes = run.value.report.outcomes
  if (options.json) ctx.stdout(`${JSON.stringify(run.value)}\n`)
  else if (options.csv) ctx.stdout(perfLockCsv(outcomes))
  else ctx.stdout(`${formatContentionReport(run.value)}\n`)
  return 0
}

function parseCount(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer')
  return n
}

function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be 0-65535')
  return n
}

/** `pamt-planner`: the same services as the app, from a terminal. Resolves to the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode = EXIT_OK
  const program = new Command('pamt-planner')
    .description('Static vs Dynamic PAMT memory for Intel TDX hosts')
    .version(ctx.version)
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .addHelpText('after', EXIT_CODES_HELP)

  program
    .command('analyze')
    .description(
      'analyse a host: boot log (dmesg), /proc/iomem, firmware memmap, lsmem JSON or host JSON'
    )
    .argument('<file>', 'host file')
    .option('--json', 'print the JSON contract instead of the report')
    .option(
      '--check',
      `exit ${EXIT_INIT_FAILS} when the model predicts TDX init fails (for scripts and CI)`
    )
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
      new Option(
        '--module <set>',
        'TDX module parameter preset (default: from the module version in the log, else 1.5)'
      ).choices([...MODULE_PARAM_SET_IDS])
    )
    .addOption(
      new Option('--maxmem <bits>', 'MAXMEM: 46 (4-level paging, default) or 52 (5-level)').choices(
        ['46', '52']
      )
    )
    .option(
      '--phys-bits <bits>',
      'CPU physical address bits (x86_phys_bits, /proc/cpuinfo "address sizes") for the DPAMT 48-bit check (default: from the log)',
      parsePhysBits
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
        moduleParamSet: options.module,
        maxMemBytes: options.maxmem ? 2 ** Number(options.maxmem) : undefined,
        physAddrBits: options.physBits,
        params: Object.keys(options.param).length ? options.param : undefined
      })
      if (!model.success) {
        const issue = model.error.issues[0]
        ctx.stderr(
          `invalid option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'bad value'}\n`
        )
        exitCode = EXIT_USAGE
        return
      }
      const read = await readTextFile(file, MAX_HOST_FILE_BYTES)
      if (!read.ok) {
        ctx.stderr(`${describeApiError(read.error)}\n`)
        exitCode = EXIT_BAD_INPUT
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
        exitCode = EXIT_BAD_INPUT
        return
      }
      ctx.stdout(
        options.json
          ? `${JSON.stringify(hostAnalysisToJson(result.value.analysis), null, 2)}\n`
          : `${formatHostReport(result.value)}\n`
      )
      if (options.check && result.value.analysis.verdict.model === 'fails')
        exitCode = EXIT_INIT_FAILS
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
    .command('contention')
    .description(
      'pamt_lock contention per design for a TD workload (scenario, preset or recorded trace)'
    )
    .requiredOption('--host <file>', 'host file (any format analyze reads)')
    .option('--scenario <file>', 'scenario JSON (docs/workload-model.md)')
    .addOption(
      new Option('--preset <name>', 'a built-in scenario').choices([
        ...CONTENTION_PRESET_NAMES,
        ...PRESET_NAMES
      ])
    )
    .option('--trace <file>', 'recorded trace: open-loop lock replay (docs/contention-model.md)')
    .option(
      '--designs <list>',
      'comma-separated: v6, always-lock, per-2m, hashed:N, module-only',
      'v6,always-lock,per-2m,hashed:64,module-only'
    )
    .option(
      '--demote <list>',
      'DEMOTE variants: lock-around, try-then-lock',
      'lock-around,try-then-lock'
    )
    .option(
      '--cost <key=ns>',
      'override a cost in ns, repeatable (docs/contention-model.md)',
      collectCost,
      {}
    )
    .option('--sockets <n>', 'sockets (default 2)', parseCount)
    .option('--cpus-per-socket <n>', 'CPUs per socket (default 56)', parseCount)
    .option(
      '--kernel-window <n>',
      'kernel page window in 2 MiB regions (modelled, default 8)',
      parseCount
    )
    .option('--csv', 'print perf lock contention -x , CSV (raw ns)')
    .option('--json', 'print the report as JSON')
    .action(async (options: ContentionCliOptions) => {
      exitCode = await contentionCommand(options, ctx)
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
    // Commander's own errors are usage errors (help and --version exit 0); anything else is ours.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    ctx.stderr(`pamt-planner: ${e instanceof Error ? e.message : String(e)}\n`)
    return EXIT_BAD_INPUT
  }
  return exitCode
}
