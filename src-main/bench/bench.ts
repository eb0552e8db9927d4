import { Worker } from 'node:worker_threads'
import benchWorkerPath from './benchWorker?modulePath'

// `npm run bench`: replay throughput and memory for the Dynamic PAMT runtime. A benchmark, not a
// test: it prints figures and fails only if the worker runs out of its 1 GiB heap.
const TARGET_PAGE_OPS_PER_SEC = 100e6
const worker = new Worker(benchWorkerPath, { resourceLimits: { maxOldGenerationSizeMb: 1024 } })
worker.on('message', (rows: Array<Record<string, number | string>>) => {
  for (const r of rows) {
    const rate = Number(r['replayPageOpsPerSec'])
    process.stdout.write(
      `${r['name']}\n` +
        `  ${r['tds']} TDs, ${r['events']} events, ${Number(r['pageOps']).toLocaleString('en-US')} page operations, peak ${r['peakPairs']} pairs\n` +
        `  generate + replay ${r['generateAndReplayMs']} ms; replay alone ${r['replayMs']} ms: ${(rate / 1e6).toFixed(1)} M page operations/s ` +
        `(target ≥ ${TARGET_PAGE_OPS_PER_SEC / 1e6} M/s: ${rate >= TARGET_PAGE_OPS_PER_SEC ? 'met' : 'NOT met'})\n` +
        `  worker memory: heap ${r['heapUsedMiB']} MiB, array buffers ${r['arrayBuffersMiB']} MiB (cap 1024 MiB heap)\n`
    )
  }
})
worker.on('error', (e) => {
  process.stderr.write(`bench failed: ${e.message}\n`)
  process.exitCode = 1
})
