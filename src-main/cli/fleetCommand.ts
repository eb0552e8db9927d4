import { createWriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { toCsv } from '@shared/charts/csv'
import { formatBytes } from '@shared/charts/formatBytes'
import { FLEET_CSV_FIELDS, fleetCsvCells, type FleetRow } from '@shared/fleet/fleetRow'
import type { FleetSummary } from '@shared/fleet/fleetSummary'
import { terminalSafeJson, visibleControls } from '@shared/util/controlChars'
import { presetScenario } from '@shared/model/workload/presets'
import type { Scenario } from '@shared/model/workload/scenario'
import { expandFleetInputs } from '../services/fleetInputs'
import { runFleet, type FleetProgress } from '../services/fleetRunner'
import { defaultPoolSize, WorkerThreadLauncher, type TaskLauncher } from '../services/jobRunner'
import type { FleetWorkload } from '../worker/protocol'

export interface FleetCliOptions {
  jobs?: number
  scenario?: string
  preset?: string
  json?: boolean
  csv?: boolean
  out?: string
  summary?: string
}

/** What the fleet command needs of the CLI's run context (cli.ts CliRun). */
export interface FleetCliRun {
  workerPath: string
  launcher?: TaskLauncher
  /** Writers that show control characters as escapes (reports, JSON). */
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** The process's own stdout, for CSV, whose CRLF records the escaping writer would mangle. */
  rawStdout: (s: string) => void
  /** A progress line writer, present only when stderr is a terminal (docs/fleet.md). */
  progress?: ((s: string) => void) | undefined
  readScenario: (
    path: string
  ) => Promise<{ ok: true; scenario: Scenario } | { ok: false; message: string }>
}

/** Most worker threads `--jobs` may ask for. */
export const MAX_FLEET_JOBS = 64

/** Width of the file column of the human-readable table. */
const FILE_COLUMN = 44

function cell(text: string, width: number, right = false): string {
  const t = text.length > width ? `…${text.slice(text.length - width + 1)}` : text
  return right ? t.padStart(width) : t.padEnd(width)
}

const TABLE_HEADER = [
  cell('file', FILE_COLUMN),
  cell('format', 15),
  cell('nodes', 5, true),
  cell('TDX memory', 12, true),
  cell('TDMRs', 5, true),
  cell('static PAMT', 12, true),
  cell('DPAMT static', 12, true),
  cell('model/kernel', 22),
  'problems'
].join(' ')

/** One line of the human-readable table (docs/fleet.md, "Output"). */
export function fleetTableLine(row: FleetRow): string {
  if (row.type === 'error')
    return `${cell(row.file, FILE_COLUMN)} not read: ${row.code}${row.line !== null ? ` at line ${row.line}` : ''}: ${row.message}`
  const s = row.scenario
  const workload = !s
    ? ''
    : 'error' in s
      ? `  workload: ${s.error.code}`
      : `  workload peak ${formatBytes(s.peakTotalBytes)}, ${s.tdsStarted}/${s.tdsRequested} TDs`
  return [
    cell(row.file, FILE_COLUMN),
    cell(row.format, 15),
    cell(String(row.nodeCount), 5, true),
    cell(formatBytes(row.host.tdxMemoryBytes), 12, true),
    cell(String(row.tdmrCount), 5, true),
    cell(formatBytes(row.staticPamt.bytes), 12, true),
    cell(formatBytes(row.dynamicPamt.staticBytes), 12, true),
    cell(`${row.verdict.model}/${row.verdict.kernel}`, 22),
    (row.problemCodes.join(',') || '-') + workload
  ].join(' ')
}

/** A CSV record with every text cell's control characters shown as escapes (never raw to a terminal). */
function csvLine(row: FleetRow): string {
  const cells = fleetCsvCells(row).map((c) => (typeof c === 'string' ? visibleControls(c) : c))
  return toCsv({ fields: [...FLEET_CSV_FIELDS], data: [cells] }, { header: false })
}

/** A sink that writes to a file, waiting for the stream to drain so memory stays bounded. */
function fileSink(path: string): {
  write: (s: string) => Promise<void>
  close: () => Promise<void>
} {
  const stream = createWriteStream(path)
  // A write error (disk full) is kept and thrown at the next write or at close.
  let failure: Error | null = null
  stream.on('error', (e) => (failure = e))
  const check = (): void => {
    if (failure) throw failure
  }
  return {
    write: async (s) => {
      check()
      if (!stream.write(s))
        await new Promise<void>((resolve) => {
          const done = (): void => {
            stream.off('drain', done)
            stream.off('close', done)
            resolve()
          }
          stream.on('drain', done)
          stream.on('close', done)
        })
      check()
    },
    close: async () => {
      check()
      await new Promise<void>((resolve) => stream.end(resolve))
      check()
    }
  }
}

function progressLine(p: FleetProgress): string {
  const rate = p.listed ? '' : ', listing files'
  return `\rfleet: ${p.rows.toLocaleString('en-US')} done${p.unreadable ? ` (${p.unreadable} not read)` : ''}, ${p.inFlight} in progress${rate}\x1b[K`
}

/**
 * `pamt-planner fleet`: every host of a fleet through the worker pool, one row per host streamed
 * as it finishes, then the summary (docs/fleet.md). Resolves to the exit code: 1 when any file
 * could not be read or imported (its row says why), else 0.
 */
export async function fleetCommand(
  inputs: readonly string[],
  options: FleetCliOptions,
  run: FleetCliRun
): Promise<
  { code: 'usage' | 'bad-input'; message: string } | { code: 'done'; summary: FleetSummary }
> {
  if (options.json && options.csv)
    return { code: 'usage', message: 'give --json or --csv, not both' }
  if (options.scenario !== undefined && options.preset !== undefined)
    return { code: 'usage', message: 'give --scenario or --preset, not both' }
  if (options.jobs !== undefined && options.jobs > MAX_FLEET_JOBS)
    return {
      code: 'usage',
      message: `--jobs must be at most ${MAX_FLEET_JOBS} (each worker may grow to a 1536 MiB heap)`
    }
  let workload: FleetWorkload | null = null
  let workloadName: string | null = null
  if (options.preset !== undefined) {
    workload = { kind: 'preset', name: options.preset }
    // A preset's name does not depend on the host (only host-90pct-4k's TD count does).
    workloadName = presetScenario(options.preset)?.name ?? options.preset
  } else if (options.scenario !== undefined) {
    const s = await run.readScenario(options.scenario)
    if (!s.ok) return { code: 'bad-input', message: s.message }
    workload = { kind: 'scenario', scenario: s.scenario }
    workloadName = s.scenario.name
  }
  const jobs = options.jobs ?? defaultPoolSize()
  // Every worker that answered a batch is kept for the next one (keepWarm: the pool), so a run
  // pays each thread's start-up once, not once per batch; they are unref'd, so the CLI still exits.
  const launcher =
    run.launcher ??
    new WorkerThreadLauncher(run.workerPath, { poolSize: jobs, maxQueued: jobs, keepWarm: jobs })

  const file = options.out !== undefined ? fileSink(options.out) : null
  // Reports and JSON go through the escaping writer; CSV records are escaped cell by cell.
  const write = async (s: string, csv = false): Promise<void> => {
    if (file) await file.write(s)
    else if (csv) run.rawStdout(s)
    else run.stdout(s)
  }
  const mode = options.json ? 'json' : options.csv ? 'csv' : 'table'
  // The header alone: Papa ends an empty table's header with an extra record separator.
  if (mode === 'csv')
    await write(
      toCsv({ fields: [...FLEET_CSV_FIELDS], data: [] }).replace(/(\r\n)+$/, '\r\n'),
      true
    )
  if (mode === 'table') await write(`${TABLE_HEADER}\n`)

  let lastProgress = ''
  const summary = await runFleet(expandFleetInputs(inputs), {
    launcher,
    jobs,
    workload,
    workloadName,
    onRow: (row) =>
      mode === 'json'
        ? write(`${terminalSafeJson(row)}\n`)
        : mode === 'csv'
          ? write(csvLine(row), true)
          : write(`${visibleControls(fleetTableLine(row))}\n`),
    ...(run.progress
      ? {
          onProgress: (p: FleetProgress) => {
            const line = progressLine(p)
            if (line !== lastProgress) run.progress!(line)
            lastProgress = line
          }
        }
      : {})
  })
  if (run.progress) run.progress('\r\x1b[K')
  if (mode === 'json') await write(`${terminalSafeJson(summary)}\n`)
  else if (mode === 'table') await write(`\n${summary.words.join('\n')}\n`)
  else run.stderr(`${summary.words.join('\n')}\n`)
  if (file) await file.close()
  if (options.summary !== undefined)
    await writeFile(options.summary, `${JSON.stringify(summary, null, 2)}\n`)
  return { code: 'done', summary }
}
