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
 * The child half (`bench.js --fleet-child <dir> <jobs> <out>`): `pamt-planner fleet <dir> --json
 * --out <out>` through runCli, the CLI's own code and worker pool, in a process of its own so its
 * peak RSS is the fleet run's alone. Returns false when argv is not a child's.
 */
export async function fleetBenchChild(argv: readonly string[]): Promise<boolean> {
  if (argv[0] !== CHILD_FLAG) return false
  const [, dir, jobs, out] = argv as [string, string, string, string]
  const paths = appPaths(import.meta.url)
  const t0 = performance.now()
  const exitCode = await runCli(['fleet', dir, '--json', '--out', out, '--jobs', jobs], {
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

/**
 * `npm run bench` fleet figure (docs/fleet.md, "Bench"): generate the fleet from the shipped real
 * logs in a temporary folder, run `fleet` over it in a child process, check every host came back
 * (and exactly the bad files as error rows), and print hosts/s and the peak RSS.
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
    const out = join(work, 'rows.jsonl')
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), CHILD_FLAG, fleet.dir, String(jobs), out],
      {
        stdio: ['ignore', 'pipe', 'inherit']
      }
    )
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', () => resolve())
    })
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport
    const { lines, last } = await countLines(out)
    const summary = JSON.parse(last) as {
      type: string
      files: number
      unreadable: number
      shapes: { distinct: number }
    }
    if (summary.type !== 'summary' || summary.files !== fleet.hosts || lines !== fleet.hosts + 1)
      throw new Error(`bench: fleet wrote ${lines} lines for ${fleet.hosts} hosts`)
    if (summary.unreadable !== fleet.badFiles)
      throw new Error(`bench: ${summary.unreadable} error rows for ${fleet.badFiles} bad files`)
    const rate = fleet.hosts / (report.wallMs / 1000)
    process.stdout.write(
      `fleet: ${fleet.hosts.toLocaleString('en-US')} generated host logs (${fleet.shapes} base shapes from the shipped logs, ${fleet.holes} with a hole, ${fleet.hostJsonFiles} host JSON, ${fleet.badFiles} bad; ${(fleet.bytes / 2 ** 20).toFixed(1)} MiB; generated in ${genMs.toFixed(0)} ms)\n` +
        `  pamt-planner fleet --json --jobs ${jobs} (${availableParallelism()} cores): ${report.wallMs.toFixed(0)} ms, ${rate.toFixed(0)} hosts/s ` +
        `(target ≥ ${TARGET_HOSTS_PER_SEC} hosts/s: ${rate >= TARGET_HOSTS_PER_SEC ? 'met' : 'NOT met'}); ${summary.shapes.distinct} distinct shapes; exit ${report.exitCode}\n` +
        `  peak RSS ${(report.maxRssKiB / 1024).toFixed(0)} MiB (maxRSS of the fleet process: its main thread and its ${jobs} worker threads)\n`
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
