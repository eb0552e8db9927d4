import type { z } from 'zod'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { describeApiError, type ApiError } from '@shared/api/errors'
import {
  issueSentence,
  scenarioFileIssue,
  valueAtPath,
  type FieldLabel
} from '@shared/api/issueText'
import { hostAnalysisToJson } from '@shared/api/hostJson'
import { modelOptionsSchema } from '@shared/api/modelOptions'
import { HOST_FORMATS, type HostFormat } from '@shared/import/hostImport'
import { MAX_HOST_FILE_BYTES, MAX_SCENARIO_FILE_BYTES } from '@shared/import/limits'
import {
  MODULE_PARAM_SET_IDS,
  TDX_PARAM_NAMES,
  tdxParamKey,
  type ModuleParamSetId
} from '@shared/model/host/tdxModuleParams'
import { createServices } from '../services/createServices'
import type { ProgressHub } from '../services/progressHub'
import type { PlannerService } from '../services/plannerService'
import type { HostResult } from '@shared/api/contract'
import { MAX_POOL_SIZE, WorkerThreadLauncher, type TaskLauncher } from '../services/jobRunner'
import { readTextFile } from '../services/readTextFile'
import { serveBrowserMode } from '../server/serve'
import { DATA_DIR_ENV, defaultDataDir } from '../services/workspaceService'
import { formatHostReport } from '@shared/report/text/formatHostReport'
import { formatSimulationReport } from '@shared/report/text/formatSimulationReport'
import { formatContentionReport } from '@shared/report/text/formatContentionReport'
import { formatCalibrationReport } from '@shared/report/text/formatCalibrationReport'
import { fleetCommand, type FleetCliOptions } from './fleetCommand'
import { calibrationFitOptionsSchema } from '@shared/model/contention/calibrationFit'
import {
  contentionSettingsSchema,
  withPresetSettings,
  type ContentionSettingsInput
} from '@shared/model/contention/runContention'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'
import { traceContention } from '@shared/model/contention/traceContention'
import { perfLockCsv, perfLockTable } from '@shared/charts/contention/perfLock'
import { parseTraceText } from '@shared/import/trace/traceParser'
import { MAX_TRACE_TEXT_BYTES } from '@shared/import/limits'
import {
  sweepRequestSchema,
  type SweepParameter,
  type SweepRequest
} from '@shared/model/runtime/sweep'
import { SWEEP_PARAMETERS } from '@shared/charts/workload/sweepParameter'
import { terminalSafeJson, visibleControls } from '@shared/util/controlChars'
import { basename } from 'node:path'
import {
  CONTENTION_PRESET_NAMES,
  PRESET_NAMES,
  contentionPresetScenario,
  contentionPresetSettings,
  presetScenario
} from '@shared/model/workload/presets'
import { scenarioSchema, type Scenario, type ScenarioInput } from '@shared/model/workload/scenario'
import { reportCommand, type ReportCliOptions } from './reportCommand'

/** Exit codes, the same for every command (README, `--help`). */
export const EXIT_OK = 0
export const EXIT_BAD_INPUT = 1
export const EXIT_USAGE = 2
export const EXIT_INIT_FAILS = 3
/** `report --pdf` where no Chromium can print: the HTML is written, the PDF is not. */
export const EXIT_NO_PDF = 4
/** EX_SOFTWARE of sysexits.h: an internal error, a bug in pamt-planner rather than the input. */
export const EXIT_INTERNAL = 70
/** One exit-code row of `--help`, codes right-aligned so the descriptions line up. */
const exitRow = (code: number, text: string): string => `  ${String(code).padStart(2)}  ${text}`
const EXIT_CODES_HELP = [
  '',
  'Exit codes (every command):',
  exitRow(EXIT_OK, 'done (analysed, simulated)'),
  exitRow(
    EXIT_BAD_INPUT,
    'bad input: a file that cannot be read or parsed (one line names the file and line),'
  ),
  '      or a run above the documented work limits (the line says what to shrink)',
  '      (fleet exits 1 when any file could not be read; each such file is a row saying why)',
  exitRow(EXIT_USAGE, 'usage: an unknown command or option, or a value out of range'),
  exitRow(EXIT_INIT_FAILS, 'analyze --check: the model predicts TDX init fails on this host'),
  exitRow(EXIT_NO_PDF, 'report --pdf: no Chromium to print the PDF with (the HTML was written)'),
  exitRow(
    EXIT_INTERNAL,
    'internal error: a bug, not the input; "pamt-planner: INTERNAL (file): …" names the'
  ),
  '      input to report it with',
  ''
].join('\n')

export interface CliContext {
  /** The built worker entry the model runs in (out/main/chunks/worker-*.js via `?modulePath`). */
  workerPath: string
  /**
   * Where the model runs. Absent (the real CLI): one worker thread on `workerPath` with the app's
   * heap cap (WorkerThreadLauncher), so a command has the app's bounds: the same pre-flight
   * estimate and work limits (through the planner service), and a memory cap that ends a runaway
   * job with an error instead of exhausting the machine. Tests may run it inline.
   */
  launcher?: TaskLauncher
  resourcesDir: string
  rendererDir: string
  version: string
  stdout: (s: string) => void
  stderr: (s: string) => void
  /**
   * Raw writer for a progress line that redraws itself (carriage return), given only when stderr
   * is a terminal; absent when piped, so scripts see no progress.
   */
  progress?: (s: string) => void
}

/** One command's context: writers that show control characters as escapes, and its input file. */
interface CliRun extends CliContext {
  /** The file being read or modelled (its base name), for an internal error's pointer. */
  input: string | undefined
}

/**
 * Print an API error: INTERNAL is a bug (exit 70, the input named so it can be reported), every
 * other code is about the input (exit 1, "file:line: message").
 */
function failWith(run: CliRun, error: ApiError): number {
  if (error.code === 'INTERNAL') return internalError(run, error.message, error.fileName)
  run.stderr(`${describeApiError(error)}\n`)
  return EXIT_BAD_INPUT
}

/** `pamt-planner: INTERNAL (host.log): message` and exit 70. */
function internalError(run: CliRun, message: string, fileName = run.input): number {
  const where = fileName === undefined ? '' : ` (${fileName})`
  run.stderr(`pamt-planner: INTERNAL${where}: ${message.split('\n')[0]}\n`)
  return EXIT_INTERNAL
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
  /** Absent when no --param was given (commander then prints no "(default: {})" in --help). */
  param?: Record<string, number>
}

/** The option a settings field comes from, by the field's first path key (the rest is appended). */
type OptionFields = Record<string, (rest: readonly PropertyKey[]) => FieldLabel>

const flag =
  (label: string, unit?: string): ((rest: readonly PropertyKey[]) => FieldLabel) =>
  () => ({ label, ...(unit ? { unit } : {}) })

const ANALYZE_OPTION_FIELDS: OptionFields = {
  holeSource: flag('--hole-source'),
  pamtPlacement: flag('--placement'),
  pamtMode: flag('--pamt-mode'),
  moduleParamSet: flag('--module'),
  maxMemBytes: flag('--maxmem (as bytes)'),
  physAddrBits: flag('--phys-bits'),
  params: (rest) => ({
    label: `--param ${TDX_PARAM_NAMES[String(rest[0]) as keyof typeof TDX_PARAM_NAMES] ?? String(rest[0])}`
  })
}

const CONTENTION_OPTION_FIELDS: OptionFields = {
  designs: flag('--designs'),
  demoteVariants: flag('--demote'),
  costs: (rest) =>
    rest[0] === 'serviceCv'
      ? { label: '--cost serviceCv' }
      : { label: `--cost ${String(rest[0])}`, unit: 'ns' },
  sockets: flag('--sockets'),
  cpusPerSocket: flag('--cpus-per-socket'),
  kernelWindowRegions: flag('--kernel-window', 'regions'),
  tdStartJitterNs: flag('--td-start-jitter', 'ns'),
  vcpuStartJitterNs: flag('--vcpu-start-jitter', 'ns'),
  seeds: flag('--seeds')
}

/**
 * One line for a settings issue in the words of the option that set it, e.g. "--sockets must be
 * at most 16 (got 99)" or "--designs "hashed:0": a design is …", not the schema's path and wording.
 */
function optionIssueLine(
  issue: z.core.$ZodIssue | undefined,
  fields: OptionFields,
  input: unknown
): string {
  if (!issue) return 'invalid options'
  const [first, ...rest] = issue.path
  const field = first !== undefined ? fields[String(first)]?.(rest) : undefined
  if (!field) return `invalid option ${issue.path.join('.')}: ${issue.message}`
  const got = valueAtPath(input, issue.path)
  const value =
    typeof got === 'string' ? `"${got}"` : typeof got === 'number' ? String(got) : undefined
  // A custom message (a design's syntax) reads best after the value it refuses.
  if (issue.code === 'invalid_format' || issue.code === 'custom')
    return `${field.label}${value ? ` ${value}` : ''}: ${issue.message}`
  return `${issueSentence(issue, field)}${value ? ` (got ${value})` : ''}`
}

/** `--phys-bits 46`: an integer; the shared schema checks the bounds (32-52). */
function parsePhysBits(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an integer, e.g. 46')
  return Number(value)
}

/**
 * `--param max_tdmrs=32` or `--param maxTdmrs=32`: a parameter by the kernel name the GUI shows or
 * by its key, an integer value; the shared schema checks the bounds.
 */
function collectParam(
  value: string,
  previous: Record<string, number> | undefined
): Record<string, number> {
  const m = /^([A-Za-z0-9_]+)=(\d+)$/.exec(value)
  if (!m) throw new InvalidArgumentError('expected name=integer, e.g. max_tdmrs=32')
  const key = tdxParamKey(m[1]!)
  if (!key) {
    throw new InvalidArgumentError(
      `unknown parameter "${m[1]}"; known: ${Object.values(TDX_PARAM_NAMES).join(', ')} (or their camelCase keys, e.g. maxTdmrs)`
    )
  }
  return { ...previous, [key]: Number(m[2]) }
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

/**
 * `--sweep share4k=0,0.5,1` → the sweep request, or an error sentence. The values are checked as
 * the API checks them (sweepRequestSchema): each as the scenario field it sets, 2-101 of them.
 */
function parseSweep(text: string): SweepRequest | string {
  const m = /^(share4k|tdCount|fragmentation)=(.+)$/.exec(text)
  if (!m) return 'expected --sweep share4k|tdCount|fragmentation=v1,v2,… (shares in %)'
  const parameter = m[1] as SweepParameter
  const typed = m[2]!.split(',').map((v) => (v.trim() === '' ? NaN : Number(v.trim())))
  if (typed.some((v) => !Number.isFinite(v))) return '--sweep: the values must be numbers'
  // Shares and fragmentation are typed in percent, as in the app's sweep panel; the model takes
  // fractions. Out of range is refused here, in the unit the user typed.
  const { percent, label } = SWEEP_PARAMETERS[parameter]
  if (percent) {
    const bad = typed.find((v) => v < 0 || v > 100)
    if (bad !== undefined)
      return `--sweep: ${parameter} (${label}) is in percent, from 0 to 100; got ${bad}`
  }
  const values = percent ? typed.map((v) => v / 100) : typed
  const checked = sweepRequestSchema.safeParse({ parameter, values })
  if (!checked.success) {
    const issue = checked.error.issues[0]
    return issue?.path[0] === 'values' && issue.path.length === 1
      ? `--sweep: a sweep takes 2 to 101 values (${issue.message})`
      : `--sweep: ${issue?.message ?? 'invalid'}`
  }
  return checked.data
}

/** The services of one command: the app's, on the context's launcher (see CliContext.launcher). */
function cliServices(ctx: CliRun): ReturnType<typeof createServices> {
  return createServices({
    mode: 'browser',
    // The app's pool: a contention run's designs and seeds run on the cores (defaultPoolSize).
    launcher: ctx.launcher ?? new WorkerThreadLauncher(ctx.workerPath),
    resourcesDir: ctx.resourcesDir
  })
}

/**
 * On a terminal (`write` is the CLI's progress writer, given only when stderr is one; callers
 * pass undefined for --json): one line on
 * stderr that redraws itself with the job's percentage and step, "contention:  45 % · simulating
 * v6 (2/5)" (docs/contention-model.md, "Progress"), wiped when the returned function is called.
 * Piped or with --json: nothing.
 */
export function terminalProgress(
  write: ((s: string) => void) | undefined,
  hub: Pick<ProgressHub, 'subscribe'>,
  command: string
): () => void {
  if (!write) return () => undefined
  let last = ''
  const unsubscribe = hub.subscribe((p) => {
    if (p.jobId !== 'cli' || p.phase === 'done') return
    const what =
      p.phase === 'queued' ? 'queued: waiting for a free model worker' : (p.step ?? p.phase)
    // The step goes through visibleControls like every byte the CLI prints; \x1b[K clears what
    // a longer previous line left.
    const line = `\r${command}: ${(100 * p.fraction).toFixed(0).padStart(3)} % · ${visibleControls(what)}\x1b[K`
    if (line !== last) write(line)
    last = line
  })
  return () => {
    unsubscribe()
    write('\r\x1b[K')
  }
}

/** Read and analyse the --host file with the CLI's in-process services; the error on failure. */
async function loadHost(
  path: string,
  ctx: CliRun
): Promise<
  { planner: PlannerService; progress: ProgressHub; host: HostResult } | { error: ApiError }
> {
  ctx.input = basename(path)
  const read = await readTextFile(path, MAX_HOST_FILE_BYTES)
  if (!read.ok) return { error: read.error }
  const { planner, progress } = cliServices(ctx)
  const host = await planner.analyzeHostText({
    jobId: 'cli',
    fileName: read.value.fileName,
    text: read.value.text
  })
  return host.ok ? { planner, progress, host: host.value } : { error: host.error }
}

async function simulateCommand(options: SimulateCliOptions, ctx: CliRun): Promise<number> {
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
  if ('error' in loaded) return failWith(ctx, loaded.error)
  const { planner } = loaded
  const hostId = loaded.host.hostId
  if (options.trace) {
    const stored = planner.storedHostFor(hostId)!
    ctx.input = basename(options.trace)
    const run = await planner.replayTracePath('cli', stored, options.trace, options.refcounts)
    if (!run.ok) return failWith(ctx, run.error)
    ctx.stdout(
      options.json
        ? `${terminalSafeJson(run.value)}\n`
        : `${formatSimulationReport(run.value.hostName, run.value.result, null, run.value.trace)}\n`
    )
    return 0
  }
  let scenario: unknown
  if (options.preset) {
    scenario = presetScenario(options.preset, loaded.host.analysis.tdxMemoryBytes)
  } else {
    ctx.input = basename(options.scenario!)
    const file = await readScenarioFile(options.scenario!)
    if (!file.ok) {
      ctx.stderr(`${file.message}\n`)
      return EXIT_BAD_INPUT
    }
    scenario = file.scenario
  }
  const stop = terminalProgress(
    options.json ? undefined : ctx.progress,
    loaded.progress,
    'simulate'
  )
  const run = await planner.simulate({
    jobId: 'cli',
    hostId,
    scenario: scenario as ScenarioInput,
    ...(sweep ? { sweep } : {})
  })
  stop()
  if (!run.ok) return failWith(ctx, run.error)
  ctx.stdout(
    options.json
      ? `${terminalSafeJson(run.value)}\n`
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
  /** Absent when no --cost was given. */
  cost?: Record<string, number>
  sockets?: number
  cpusPerSocket?: number
  kernelWindow?: number
  tdStartJitter?: number
  vcpuStartJitter?: number
  seeds?: number
  sensitivity?: boolean
  csv?: boolean
  json?: boolean
}

/** `--cost pamtAddNs=6000`: a known cost key and a number of nanoseconds. */
function collectCost(
  value: string,
  previous: Record<string, number> | undefined
): Record<string, number> {
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
  const text = await readTextFile(path, MAX_SCENARIO_FILE_BYTES, 'scenario files')
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
      message: `${text.value.fileName}: ${issue ? scenarioFileIssue(issue, json) : 'invalid scenario'}`
    }
  }
  return { ok: true, scenario: checked.data }
}

async function contentionCommand(options: ContentionCliOptions, ctx: CliRun): Promise<number> {
  const sources = [options.scenario, options.preset, options.trace].filter((x) => x !== undefined)
  if (sources.length !== 1) {
    ctx.stderr('give exactly one of --scenario, --preset or --trace\n')
    return EXIT_USAGE
  }
  const input: ContentionSettingsInput = {
    designs: options.designs.split(',').map((d) => d.trim()) as ContentionSettingsInput['designs'],
    demoteVariants: options.demote
      .split(',')
      .map((d) => d.trim()) as ContentionSettingsInput['demoteVariants'],
    costs: { ...DEFAULT_CONTENTION_COSTS, ...(options.cost ?? {}) },
    ...(options.sockets !== undefined ? { sockets: options.sockets } : {}),
    ...(options.cpusPerSocket !== undefined ? { cpusPerSocket: options.cpusPerSocket } : {}),
    ...(options.kernelWindow !== undefined ? { kernelWindowRegions: options.kernelWindow } : {}),
    ...(options.tdStartJitter !== undefined ? { tdStartJitterNs: options.tdStartJitter } : {}),
    ...(options.vcpuStartJitter !== undefined
      ? { vcpuStartJitterNs: options.vcpuStartJitter }
      : {}),
    ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
    ...(options.sensitivity ? { sensitivity: true } : {})
  }
  // A preset's own settings (the synchronized storm's zero jitter and CV), unless given here.
  const preset = options.preset ? contentionPresetSettings(options.preset) : {}
  if (options.cost?.['serviceCv'] !== undefined) delete preset.serviceCv
  if (options.tdStartJitter !== undefined) delete preset.tdStartJitterNs
  if (options.vcpuStartJitter !== undefined) delete preset.vcpuStartJitterNs
  const settingsInput = withPresetSettings(input, preset)
  const settings = contentionSettingsSchema.safeParse(settingsInput)
  if (!settings.success) {
    ctx.stderr(
      `${optionIssueLine(settings.error.issues[0], CONTENTION_OPTION_FIELDS, settingsInput)}\n`
    )
    return EXIT_USAGE
  }
  const loaded = await loadHost(options.host, ctx)
  if ('error' in loaded) return failWith(ctx, loaded.error)
  const { planner } = loaded
  if (options.trace) {
    if (options.sensitivity) {
      ctx.stderr('--sensitivity needs --scenario or --preset: a trace replay is open loop\n')
      return EXIT_USAGE
    }
    ctx.input = basename(options.trace)
    const text = await readTextFile(options.trace, MAX_TRACE_TEXT_BYTES, 'traces')
    if (!text.ok) return failWith(ctx, text.error)
    const parsed = parseTraceText(text.value.text, text.value.fileName)
    if (!parsed.ok) return failWith(ctx, parsed.error)
    const outcomes = settings.data.designs.map((d) =>
      traceContention(loaded.host.analysis, parsed.events, d, settings.data.costs)
    )
    if (options.json) ctx.stdout(`${terminalSafeJson(outcomes)}\n`)
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
    ctx.input = basename(options.scenario!)
    const s = await readScenarioFile(options.scenario!)
    if (!s.ok) {
      ctx.stderr(`${s.message}\n`)
      return EXIT_BAD_INPUT
    }
    scenario = s.scenario
  }
  // always-lock on a large scenario runs for many seconds: say how far, and which run.
  const stop = terminalProgress(
    options.json ? undefined : ctx.progress,
    loaded.progress,
    'contention'
  )
  const run = await planner.runContention({
    jobId: 'cli',
    hostId: loaded.host.hostId,
    scenario,
    settings: settings.data
  })
  stop()
  if (!run.ok) return failWith(ctx, run.error)
  const outcomes = run.value.report.outcomes
  if (options.json) ctx.stdout(`${terminalSafeJson(run.value)}\n`)
  else if (options.csv) ctx.stdout(perfLockCsv(outcomes))
  else ctx.stdout(`${formatContentionReport(run.value)}\n`)
  return 0
}

interface CalibrateCliOptions {
  host: string
  seeds?: number
  points?: number
  evaluations?: number
  cost: Record<string, number>
  json?: boolean
}

/**
 * `pamt-planner calibrate`: fit the SEAMCALL scale and faultOutsideNs to the list's measurement on
 * the calibration preset (docs/contention-model.md, "Checks → Calibration").
 */
async function calibrateCommand(options: CalibrateCliOptions, ctx: CliRun): Promise<number> {
  const fit = calibrationFitOptionsSchema.safeParse({
    ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
    ...(options.points !== undefined ? { points: options.points } : {}),
    ...(options.evaluations !== undefined ? { evaluationsPerPoint: options.evaluations } : {})
  })
  const settings = contentionSettingsSchema.safeParse({
    costs: { ...DEFAULT_CONTENTION_COSTS, ...options.cost }
  })
  if (!fit.success || !settings.success) {
    const issue = fit.success ? settings.error?.issues[0] : fit.error.issues[0]
    ctx.stderr(`invalid ${issue?.path.join('.') ?? 'option'}: ${issue?.message ?? 'bad value'}\n`)
    return EXIT_USAGE
  }
  const loaded = await loadHost(options.host, ctx)
  if ('error' in loaded) return failWith(ctx, loaded.error)
  const stop = terminalProgress(
    options.json ? undefined : ctx.progress,
    loaded.progress,
    'calibrate'
  )
  const run = await loaded.planner.fitCalibration({
    jobId: 'cli',
    hostId: loaded.host.hostId,
    settings: settings.data,
    fit: fit.data
  })
  stop()
  if (!run.ok) return failWith(ctx, run.error)
  ctx.stdout(
    options.json ? `${terminalSafeJson(run.value)}\n` : `${formatCalibrationReport(run.value)}\n`
  )
  return EXIT_OK
}

function parseNs(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number of nanoseconds, 0 or more')
  return n
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
export async function runCli(argv: readonly string[], outer: CliContext): Promise<number> {
  let exitCode = EXIT_OK
  // Every byte printed goes through these: text from a file (a host name, a label, an echoed line)
  // cannot drive the terminal. JSON is written with terminalSafeJson, so it stays valid JSON.
  const ctx: CliRun = {
    ...outer,
    stdout: (s) => outer.stdout(visibleControls(s, true)),
    stderr: (s) => outer.stderr(visibleControls(s, true)),
    input: undefined
  }
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
      '--param <name=value>',
      `TDX module parameter by its kernel name, repeatable (${Object.values(TDX_PARAM_NAMES).join(', ')}; default: the module's)`,
      collectParam
    )
    .action(async (file: string, options: AnalyzeCliOptions) => {
      const modelInput = {
        holeSource: options.holeSource,
        pamtPlacement: options.placement,
        pamtMode: options.pamtMode,
        moduleParamSet: options.module,
        maxMemBytes: options.maxmem ? 2 ** Number(options.maxmem) : undefined,
        physAddrBits: options.physBits,
        params: options.param && Object.keys(options.param).length ? options.param : undefined
      }
      const model = modelOptionsSchema.safeParse(modelInput)
      if (!model.success) {
        ctx.stderr(`${optionIssueLine(model.error.issues[0], ANALYZE_OPTION_FIELDS, modelInput)}\n`)
        exitCode = EXIT_USAGE
        return
      }
      ctx.input = basename(file)
      const read = await readTextFile(file, MAX_HOST_FILE_BYTES)
      if (!read.ok) {
        exitCode = failWith(ctx, read.error)
        return
      }
      const { planner } = cliServices(ctx)
      const result = await planner.analyzeHostText({
        jobId: 'cli',
        fileName: read.value.fileName,
        text: read.value.text,
        format: options.format,
        model: model.data
      })
      if (!result.ok) {
        exitCode = failWith(ctx, result.error)
        return
      }
      ctx.stdout(
        options.json
          ? `${terminalSafeJson(hostAnalysisToJson(result.value.analysis), 2)}\n`
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
      'also sweep one parameter: share4k, tdCount or fragmentation (share4k and fragmentation in %, e.g. share4k=0,50,100)'
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
      'comma-separated: v6, always-lock, per-2m, hashed:N (hash_64), mod:N (region mod N), module-only (lockless, racy)',
      'v6,always-lock,per-2m,hashed:64,module-only'
    )
    .option(
      '--demote <list>',
      'DEMOTE variants: lock-around, try-then-lock',
      'lock-around,try-then-lock'
    )
    .option(
      '--cost <key=ns>',
      'override a cost in ns (serviceCv: their coefficient of variation, 0 = constant), repeatable (docs/contention-model.md)',
      collectCost
    )
    .option(
      '--sockets <n>',
      'sockets (default: NUMA nodes with CPUs in the log’s SRAT lines, else 2)',
      parseCount
    )
    .option(
      '--cpus-per-socket <n>',
      'CPUs per socket (default: from the log’s SRAT lines, else 56)',
      parseCount
    )
    .option(
      '--td-start-jitter <ns>',
      'each TD starts up to this much after its arrival (modelled, default 100 ms)',
      parseNs
    )
    .option(
      '--vcpu-start-jitter <ns>',
      'each vCPU starts up to this much after its TD (modelled, default 100 µs)',
      parseNs
    )
    .option(
      '--kernel-window <n>',
      'kernel page window in 2 MiB regions (modelled, default 8)',
      parseCount
    )
    .option(
      '--seeds <n>',
      'run every design with seeds seed, seed+1, … (1-50, default 1) and report median [min–max] (docs/contention-model.md, "Repetition")',
      parseCount
    )
    .option(
      '--sensitivity',
      'also run each cost and the kernel window alone at ¼× and 4× and say which rankings hold (docs/contention-model.md, "Sensitivity")'
    )
    .option('--csv', 'print perf lock contention -x , CSV (raw ns)')
    .option('--json', 'print the report as JSON')
    .action(async (options: ContentionCliOptions) => {
      exitCode = await contentionCommand(options, ctx)
    })

  program
    .command('calibrate')
    .description(
      'fit pamtAddNs/pamtRemoveNs (one scale) and faultOutsideNs to the list’s 1136 contentions and 2-4 ms on the calibration preset'
    )
    .requiredOption('--host <file>', 'host file (any format analyze reads)')
    .option(
      '--seeds <n>',
      'seeds per evaluation, the fit reads their median (1-10, default 3)',
      parseCount
    )
    .option('--points <n>', 'scales on the grid ×0.25 to ×4 (2-17, default 9)', parseCount)
    .option(
      '--evaluations <n>',
      'evaluations per scale when solving faultOutsideNs (2-12, default 6)',
      parseCount
    )
    .option(
      '--cost <key=ns>',
      'hold another cost at this value, repeatable; pamtAddNs/pamtRemoveNs set the base the scale multiplies',
      collectCost,
      {}
    )
    .option('--json', 'print the whole fit as JSON')
    .action(async (options: CalibrateCliOptions) => {
      exitCode = await calibrateCommand(options, ctx)
    })

  program
    .command('fleet')
    .description(
      'analyse many hosts (files, folders, quoted globs) in the worker pool: one row per host as it finishes, then a summary (docs/fleet.md)'
    )
    .argument(
      '<inputs...>',
      'host files, folders (searched recursively) or quoted globs such as "logs/**/*.txt"'
    )
    .option(
      '--jobs <n>',
      `worker threads at once, 1-64 (default: the cores Node may use, at most ${MAX_POOL_SIZE})`,
      parseCount
    )
    .option('--scenario <file>', 'also model this workload on every host (scenario JSON)')
    .addOption(
      new Option('--preset <name>', 'also model this built-in workload on every host').choices(
        PRESET_NAMES
      )
    )
    .option('--json', 'JSON Lines: one object per host, then {"type":"summary",…}')
    .option('--csv', 'CSV: one record per host (the summary goes to stderr, or --summary)')
    .option(
      '--out <file>',
      'write the rows (and, for --json and the table, the summary) to this file'
    )
    .option('--summary <file>', 'also write the summary as JSON to this file')
    .action(async (inputs: string[], options: FleetCliOptions) => {
      ctx.input = undefined
      const done = await fleetCommand(inputs, options, {
        workerPath: ctx.workerPath,
        ...(ctx.launcher ? { launcher: ctx.launcher } : {}),
        stdout: ctx.stdout,
        stderr: ctx.stderr,
        rawStdout: outer.stdout,
        progress: outer.progress,
        readScenario: readScenarioFile
      })
      if (done.code !== 'done') {
        ctx.stderr(`${done.message}\n`)
        exitCode = done.code === 'usage' ? EXIT_USAGE : EXIT_BAD_INPUT
        return
      }
      exitCode = done.summary.unreadable > 0 ? EXIT_BAD_INPUT : EXIT_OK
    })

  program
    .command('report')
    .description(
      'write a self-contained HTML report (and a PDF through Chromium) of a host, a workload and its contention, or a workspace (docs/reports.md)'
    )
    .option('--host <file>', 'host file (any format analyze reads)')
    .addOption(
      new Option('--preset <name>', 'a built-in scenario').choices([
        ...PRESET_NAMES,
        ...CONTENTION_PRESET_NAMES
      ])
    )
    .option('--scenario <file>', 'scenario JSON (docs/workload-model.md)')
    .option('--contention', 'also run the contention designs on the scenario')
    .option('--workspace <file>', 'a .pamtplan workspace: report every host in it')
    .option(
      '--compare <pins>',
      'with --workspace: also compare these pinned results, 2-4 ids such as p1,p2'
    )
    .requiredOption('--out <file>', 'the HTML report to write')
    .option(
      '--pdf <file>',
      `also print it to PDF with Chromium ($PAMT_PLANNER_CHROMIUM, else chromium, google-chrome on PATH; exit ${EXIT_NO_PDF} if none)`
    )
    .action(async (options: ReportCliOptions) => {
      exitCode = await reportCommand(options, ctx, {
        services: () => cliServices(ctx).planner,
        fail: (e) => failWith(ctx, e),
        readScenarioFile,
        codes: { ok: EXIT_OK, usage: EXIT_USAGE, badInput: EXIT_BAD_INPUT, noPdf: EXIT_NO_PDF }
      })
    })

  program
    .command('serve')
    .description('browser mode: serve the app on 127.0.0.1 with a per-launch token')
    .option('-p, --port <port>', 'port (0 = any free port)', parsePort, 5178)
    .option(
      '--data-dir <dir>',
      `folder for the autosave and session record (default: $${DATA_DIR_ENV}, else $XDG_DATA_HOME/pamt-planner, else ~/.local/share/pamt-planner)`
    )
    .action(async (options: { port: number; dataDir?: string }) => {
      let server
      const dataDir = options.dataDir ?? defaultDataDir()
      try {
        server = await serveBrowserMode({ ...ctx, port: options.port, dataDir })
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRINUSE' || options.port === 0) throw e
        ctx.stderr(`port ${options.port} is in use; using a free port instead\n`)
        server = await serveBrowserMode({ ...ctx, port: 0, dataDir })
      }
      ctx.stdout(`PAMT Planner (browser mode) at ${server.url}\n`)
      ctx.stdout(`data folder (autosave): ${visibleControls(dataDir)}\n`)
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
    // Commander's own errors are usage errors (help and --version exit 0).
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    const message = e instanceof Error ? e.message : String(e)
    // A system error (a port in use, a permission) is the environment's, not a bug.
    const code = (e as { code?: unknown } | null)?.code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      ctx.stderr(`pamt-planner: ${message}\n`)
      return EXIT_BAD_INPUT
    }
    return internalError(ctx, message)
  }
  return exitCode
}
