import { Worker } from 'node:worker_threads'
import benchWorkerPath from './benchWorker?modulePath'
import type { ImportBenchRow } from './importBench'
import { fleetBench } from './fleetBench'

// `npm run bench`: throughput and memory of the Dynamic PAMT replay, the contention simulation and
// the importers at their size limits.
// A benchmark, not a test: it prints figures; it fails only if the worker exceeds its 1 GiB heap.
const TARGET_PAGE_OPS_PER_SEC = 100e6
const TARGET_EVENTS_PER_SEC = 5e6

type Row = Record<string, number | string>

function printReplay(r: Row): void {
  const rate = Number(r['replayPageOpsPerSec'])
  process.stdout.write(
    `${r['name']}\n` +
      `  ${r['tds']} TDs, ${r['events']} events, ${Number(r['pageOps']).toLocaleString('en-US')} page operations, peak ${r['peakPairs']} pairs\n` +
      `  generate + replay ${r['generateAndReplayMs']} ms; replay alone ${r['replayMs']} ms: ${(rate / 1e6).toFixed(1)} M page operations/s ` +
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

// The fleet figure first, in a process of its own (fleetBench.ts); `-- --only fleet` runs it alone.
if (await fleetBench(process.argv.slice(2))) process.exit(process.exitCode ?? 0)

const worker = new Worker(benchWorkerPath, { resourceLimits: { maxOldGenerationSizeMb: 1024 } })
worker.on('message', (msg: { replay: Row[]; contention: Row[]; imports: ImportBenchRow[] }) => {
  msg.replay.forEach(printReplay)
  msg.contention.forEach(printContention)
  msg.imports.forEach(printImport)
})
worker.on('error', (e) => {
  process.stderr.write(`bench failed: ${e.message}\n`)
  process.exitCode = 1
})
