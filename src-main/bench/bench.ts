import { readFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { contentionPresetScenario, contentionPresetSettings } from '@shared/model/workload/presets'
import { withPresetSettings } from '@shared/model/contention/runContention'
import { createServices } from '../services/createServices'
import { WorkerThreadLauncher } from '../services/jobRunner'
import workerPath from '../worker/worker?modulePath'
import benchWorkerPath from './benchWorker?modulePath'
import { runCReference, type CReference, type FillShape } from './cReference'
import type { ImportBenchRow } from './importBench'
import { fleetBench, fleetBenchChild } from './fleetBench'
import { rendererBench, rendererBenchText } from './rendererBench'
import { appFillJobs } from './appJobBench'

// `npm run bench`: throughput and memory of the Dynamic PAMT replay, the contention simulation and
// the importers at their size limits, next to plain C programs doing the same work in the same run
// (src-main/bench/c). `npm run bench -- --json` prints the issue-14 figures as one JSON object.
// A benchmark, not a test: it prints figures; it fails only if the worker exceeds its 1 GiB heap.
const TARGET_PAGE_OPS_PER_SEC = 100e6
const TARGET_EVENTS_PER_SEC = 5e6

type Row = Record<string, number | string>

interface BenchMessage {
  replay: Row[]
  contention: Row[]
  imports: ImportBenchRow[]
  md1: Record<string, number>
  md1Params: { customers: number; rho: number; holdNs: number; seed: number }
  alwaysLock: Row
}

/**
 * All default designs on calibration-10x16g through the service, as the app and CLI run them: the
 * designs as parallel parts on the worker pool (docs/contention-model.md, "Parallel runs").
 */
async function runAllDesigns(resourcesDir: string): Promise<Row> {
  // The app's launcher as the app builds it (one worker kept warm), so the time is the app's.
  const launcher = new WorkerThreadLauncher(workerPath)
  const { planner } = createServices({
    mode: 'browser',
    launcher,
    resourcesDir,
    dataDir: join(tmpdir(), 'pamt-bench-data')
  })
  const file = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
  const host = await planner.analyzeHostText({
    jobId: 'bench',
    fileName: file,
    text: readFileSync(join(resourcesDir, 'hosts', file), 'utf8')
  })
  if (!host.ok) throw new Error(host.error.message)
  const id = 'calibration-10x16g'
  const t0 = performance.now()
  const r = await planner.runContention({
    jobId: 'bench',
    hostId: host.value.hostId,
    scenario: contentionPresetScenario(id)!,
    settings: withPresetSettings({}, contentionPresetSettings(id))
  })
  const s = (performance.now() - t0) / 1000
  if (!r.ok) throw new Error(r.error.message)
  return {
    designs: r.value.report.outcomes.map((o) => o.design).join(','),
    runs: r.value.report.outcomes.length,
    workers: launcher.parallelism,
    events: r.value.report.events,
    seconds: +s.toFixed(2)
  }
}

const json = process.argv.includes('--json')
// out/main/bench.js → the checkout's resources/ and src-main/bench/c/.
const root = join(import.meta.dirname, '..', '..')

function printReplay(r: Row): void {
  const rate = Number(r['replayPageOpsPerSec'])
  process.stdout.write(
    `${r['name']}\n` +
      `  ${r['tds']} TDs, ${r['events']} events, ${Number(r['pageOps']).toLocaleString('en-US')} page operations, peak ${r['peakPairs']} pairs\n` +
      `  generate + replay ${r['generateAndReplayMs']} ms (a fresh worker's first run)` +
      (r['warmGenerateAndReplayMs'] !== undefined
        ? `, ${r['warmGenerateAndReplayMs']} ms again on the warm worker (median of 5)`
        : '') +
      `; replay alone ${r['replayMs']} ms: ${(rate / 1e6).toFixed(1)} M page operations/s ` +
      `(target ≥ ${TARGET_PAGE_OPS_PER_SEC / 1e6} M/s: ${rate >= TARGET_PAGE_OPS_PER_SEC ? 'met' : 'NOT met'})\n` +
      `  worker memory: heap ${r['heapUsedMiB']} MiB, array buffers ${r['arrayBuffersMiB']} MiB (cap 1024 MiB heap)\n`
  )
}

function printContention(r: Row): void {
  const rate = Number(r['eventsPerSec'])
  const calibration = String(r['name']).includes('calibration')
  const verdict = calibration
    ? `target: the calibration scenario in a few seconds: ${Number(r['wallMs']) < 5000 ? 'met' : 'NOT met'}`
    : `target ≥ ${TARGET_EVENTS_PER_SEC / 1e6} M events/s: ${rate >= TARGET_EVENTS_PER_SEC ? 'met' : 'NOT met'}`
  process.stdout.write(
    `${r['name']}\n` +
      `  ${Number(r['events']).toLocaleString('en-US')} events in ${r['wallMs']} ms (${(rate / 1e6).toFixed(2)} M events/s, setup included; ${verdict})\n` +
      `  ${r['contended']} contended, ${r['totalWaitMs']} ms total wait\n`
  )
}

function printImport(r: ImportBenchRow): void {
  process.stdout.write(
    `${r.name}\n` +
      `  ${r.lines.toLocaleString('en-US')} lines (${r.mib} MiB) in ${r.wallMs} ms: ${(r.linesPerSec / 1e6).toFixed(2)} M lines/s\n`
  )
}

function printIssueFigures(m: BenchMessage, c: CReference, allDesigns: Row): void {
  const md1Rate = m.md1['acquisitionsPerSec']!
  const cRate = c.md1?.['acquisitionsPerSec']
  process.stdout.write(
    `M/D/1 DES, one lock (${m.md1['customers']!.toLocaleString('en-US')} customers, ρ 0.5, fixed 1 µs hold)\n` +
      `  ${(md1Rate / 1e6).toFixed(2)} M acquisitions/s; mean wait ${m.md1['meanWaitNs']} ns (theory ${m.md1['theoryWaitNs']} ns)` +
      (cRate
        ? `; C binary-heap DES ${(cRate / 1e6).toFixed(2)} M/s: ${((100 * md1Rate) / cRate).toFixed(0)} % of C (goal ≥ 80 %)\n`
        : ` (C reference: ${c.compiler})\n`) +
      `always-lock on calibration-10x16g: ${m.alwaysLock['seconds']} s, ${Number(m.alwaysLock['events']).toLocaleString('en-US')} events (goal ≤ 10 s)\n` +
      `all designs (${allDesigns['designs']}) on calibration-10x16g, ${allDesigns['workers']} workers: ${allDesigns['seconds']} s, ${Number(allDesigns['events']).toLocaleString('en-US')} events (goal ≤ 12 s)\n`
  )
  for (const [name, r] of Object.entries(c.refcount))
    process.stdout.write(
      `C per-page refcount loop, ${name}: ${r['ms']} ms for ${r['pageOperations']!.toLocaleString('en-US')} page operations\n`
    )
  if (c.compiler === 'no C compiler') process.stdout.write('C reference: no C compiler\n')
}

/** The issue-14 figures (`--json`), each with the work it did, and the C reference beside them. */
function issueJson(
  m: BenchMessage,
  c: CReference,
  allDesigns: Row,
  appJob: Row
): Record<string, unknown> {
  const [fresh, fragmented] = m.replay
  const fill = (r: Row | undefined): Record<string, unknown> => ({
    endToEndMs: r?.['generateAndReplayMs'],
    ...(r?.['warmGenerateAndReplayMs'] !== undefined
      ? { warmEndToEndMs: r['warmGenerateAndReplayMs'] }
      : {}),
    replayMs: r?.['replayMs'],
    pageOperations: r?.['pageOps'],
    events: r?.['events']
  })
  return {
    load: loadavg().map((x) => +x.toFixed(2)),
    fill2TiB: {
      ...fill(fresh),
      cRefcountLoopMs: c.refcount[String(fresh?.['name'])]?.['ms'],
      appJob
    },
    fill2TiBFragmented: {
      ...fill(fragmented),
      cRefcountLoopMs: c.refcount[String(fragmented?.['name'])]?.['ms']
    },
    md1: {
      ...m.md1,
      cAcquisitionsPerSec: c.md1?.['acquisitionsPerSec'] ?? null,
      fractionOfC: c.md1
        ? +(m.md1['acquisitionsPerSec']! / c.md1['acquisitionsPerSec']!).toFixed(3)
        : null
    },
    alwaysLockCalibration: m.alwaysLock,
    allDesigns,
    cReference: c,
    replay: m.replay,
    contention: m.contention,
    imports: m.imports
  }
}

// The fleet figure first, in a process of its own (fleetBench.ts); `-- --only fleet` runs it alone.
// `--json` prints the issue-14 figures only: the fleet figure is `--only fleet`'s.
const benchArgs = process.argv.slice(2)
if (json ? await fleetBenchChild(benchArgs) : await fleetBench(benchArgs))
  process.exit(process.exitCode ?? 0)

const worker = new Worker(benchWorkerPath, {
  resourceLimits: { maxOldGenerationSizeMb: 1024 },
  workerData: { resourcesDir: join(root, 'resources') }
})
worker.on('message', async (msg: BenchMessage) => {
  // The C programs run after the worker's figures, on the same machine in the same run.
  const fills: FillShape[] = msg.replay.map((r) => ({
    name: String(r['name']),
    tds: Number(r['tds']),
    pagesPerTd: Number(r['pagesPerTd']),
    pagesPerRegionVisit: Number(r['pagesPerRegionVisit']),
    regions: Number(r['regions'])
  }))
  const c = runCReference(join(root, 'src-main', 'bench', 'c'), msg.md1Params, fills)
  const allDesigns = await runAllDesigns(join(root, 'resources'))
  const appJob = await appFillJobs()
  // Last, with the model idle: Chromium on the browser-mode server (rendererBench.ts).
  const renderer = await rendererBench(join(import.meta.dirname, 'cli.js'))
  if (json) {
    const figures = { ...issueJson(msg, c, allDesigns, appJob), renderer }
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`)
    return
  }
  msg.replay.forEach(printReplay)
  msg.contention.forEach(printContention)
  msg.imports.forEach(printImport)
  printIssueFigures(msg, c, allDesigns)
  process.stdout.write(
    `2 TiB fill as a job through the app's worker pool, launch to result: ${appJob['newWorkerMs']} ms on a new worker, ` +
      `${appJob['prewarmedMs']} ms after the warm-up (${appJob['warmUpMs']} ms, run by the app after a host loads), ` +
      `${appJob['warmMs']} ms on the warm worker (median of 3)\n`
  )
  process.stdout.write(rendererBenchText(renderer))
})
worker.on('error', (e) => {
  process.stderr.write(`bench failed: ${e.message}\n`)
  process.exitCode = 1
})
