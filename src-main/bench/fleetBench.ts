import { spawn } from 'node:child_process'
import { createReadStream, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import workerPath from '../worker/worker?modulePath'
import { appPaths } from '../services/appPaths'
import { defaultPoolSize } from '../services/jobRunner'
import { runCli } from '../cli/cli'
import { generateFleet } from './fleetGenerator'

/** The figure: 10,000 generated hosts, at least 200 hosts/s on 2 cores. */
const FLEET_HOSTS = 10_000
const TARGET_HOSTS_PER_SEC = 200
const CHILD_FLAG = '--fleet-child'

/** What the child process reports: the run as `pamt-planner fleet` does it, and its own peak RSS. */
interface ChildReport {
  exitCode: number
  wallMs: number
  /** process.resourceUsage().maxRSS in KiB: the child's main thread and every worker thread. */
  maxRssKiB: number
}

/**
 * The child half (`bench.js --fleet-child <dir or glob> <jobs> <out> [fleet options]`): `pamt-planner fleet <dir> --json
 * --out <out>` through runCli, the CLI's own code and worker pool, in a process of its own so its
 * peak RSS is the fleet run's alone. Returns false when argv is not a child's.
 */
export async function fleetBenchChild(argv: readonly string[]): Promise<boolean> {
  if (argv[0] !== CHILD_FLAG) return false
  const [, dir, jobs, out, ...extra] = argv as [string, string, string, string, ...string[]]
  const paths = appPaths(import.meta.url)
  const t0 = performance.now()
  const exitCode = await runCli(['fleet', dir, '--json', '--out', out, '--jobs', jobs, ...extra], {
    workerPath,
    resourcesDir: paths.resourcesDir,
    rendererDir: paths.rendererDir,
    version: 'bench',
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s)
  })
  const report: ChildReport = {
    exitCode,
    wallMs: performance.now() - t0,
    maxRssKiB: process.resourceUsage().maxRSS
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
  return true
}

/** Lines of a file and its last line, streamed (the rows file of 10,000 hosts is not read whole). */
async function countLines(path: string): Promise<{ lines: number; last: string }> {
  let lines = 0
  let tail = ''
  let last = ''
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (tail + (chunk as string)).split('\n')
    tail = parts.pop() ?? ''
    lines += parts.length
    if (parts.length > 0) last = parts[parts.length - 1]!
  }
  return { lines, last }
}

/**
 * The bench's fleet hook: run the child half, or the fleet figure unless `--only` names another
 * figure. True when the bench should stop here (the child, or `--only fleet`).
 */
export async function fleetBench(argv: readonly string[]): Promise<boolean> {
  if (await fleetBenchChild(argv)) return true
  const only = argv[0] === '--only' ? argv[1] : undefined
  if (only === undefined || only === 'fleet') await runFleetBench()
  return only === 'fleet'
}

interface RunFigures {
  report: ChildReport
  summary: { type: string; files: number; unreadable: number; shapes: { distinct: number } }
  lines: number
}

/** `pamt-planner fleet <input> --json --out … [extra]` in a child process; its report and summary. */
async function runChild(
  input: string,
  jobs: number,
  out: string,
  extra: string[]
): Promise<RunFigures> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), CHILD_FLAG, input, String(jobs), out, ...extra],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', () => resolve())
  })
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport
  const { lines, last } = await countLines(out)
  return { report, summary: JSON.parse(last) as RunFigures['summary'], lines }
}

/** Hosts of the preset figure: the first ten racks (a glob, so the glob path is measured too). */
const PRESET_RACKS = 'rack-00?'
const PRESET_HOSTS = 1000
const PRESET = 'ten-16g-no-hugepages'

/**
 * `npm run bench` fleet figures (docs/fleet.md, "Bench"): generate the fleet from the shipped real
 * logs in a temporary folder, run `fleet` over it in a child process, check every host came back
 * (and exactly the bad files as error rows), and print hosts/s and the peak RSS; then the first
 * 1,000 hosts with a workload preset on each.
 */
export async function runFleetBench(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const work = mkdtempSync(join(tmpdir(), 'pamt-fleet-bench-'))
  try {
    const g0 = performance.now()
    const fleet = generateFleet(
      join(root, 'test', 'fixtures', 'hosts'),
      join(work, 'fleet'),
      FLEET_HOSTS
    )
    const genMs = performance.now() - g0
    const jobs = defaultPoolSize()
    const plain = await runChild(fleet.dir, jobs, join(work, 'rows.jsonl'), [])
    if (
      plain.summary.type !== 'summary' ||
      plain.summary.files !== fleet.hosts ||
      plain.lines !== fleet.hosts + 1
    )
      throw new Error(`bench: fleet wrote ${plain.lines} lines for ${fleet.hosts} hosts`)
    if (plain.summary.unreadable !== fleet.badFiles)
      throw new Error(
        `bench: ${plain.summary.unreadable} error rows for ${fleet.badFiles} bad files`
      )
    const rate = fleet.hosts / (plain.report.wallMs / 1000)
    process.stdout.write(
      `fleet: ${fleet.hosts.toLocaleString('en-US')} generated host logs (${fleet.shapes} base shapes from the shipped logs, ${fleet.holes} with a hole, ${fleet.hostJsonFiles} host JSON, ${fleet.badFiles} bad; ${(fleet.bytes / 2 ** 20).toFixed(1)} MiB; generated in ${genMs.toFixed(0)} ms)\n` +
        `  pamt-planner fleet --json --jobs ${jobs} (${availableParallelism()} cores): ${plain.report.wallMs.toFixed(0)} ms, ${rate.toFixed(0)} hosts/s ` +
        `(target ≥ ${TARGET_HOSTS_PER_SEC} hosts/s: ${rate >= TARGET_HOSTS_PER_SEC ? 'met' : 'NOT met'}); ${plain.summary.shapes.distinct} distinct shapes; exit ${plain.report.exitCode}\n` +
        `  peak RSS ${(plain.report.maxRssKiB / 1024).toFixed(0)} MiB (maxRSS of the fleet process: its main thread and its ${jobs} worker threads)\n`
    )
    const glob = join(fleet.dir, PRESET_RACKS, '*')
    const preset = await runChild(glob, jobs, join(work, 'preset.jsonl'), ['--preset', PRESET])
    if (preset.summary.files !== PRESET_HOSTS)
      throw new Error(`bench: the preset run gave ${preset.summary.files} rows for ${PRESET_HOSTS}`)
    process.stdout.write(
      `  with --preset ${PRESET} on the first ${PRESET_HOSTS.toLocaleString('en-US')} hosts (${preset.summary.shapes.distinct} shapes, each modelled about once): ` +
        `${preset.report.wallMs.toFixed(0)} ms, ${(PRESET_HOSTS / (preset.report.wallMs / 1000)).toFixed(0)} hosts/s, peak RSS ${(preset.report.maxRssKiB / 1024).toFixed(0)} MiB\n`
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
