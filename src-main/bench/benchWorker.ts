import { parentPort, workerData } from 'node:worker_threads'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { PamtReplay, replayEvents } from '@shared/model/runtime/replay'
import { PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { generateEvents } from '@shared/model/workload/generateEvents'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { contentionPresetScenario } from '@shared/model/workload/presets'
import {
  contentionSettingsSchema,
  runContention,
  withPresetSettings
} from '@shared/model/contention/runContention'
import { simulateSingleLock } from '@shared/model/contention/singleLockQueue'
import { pagesPerRegionVisit } from '@shared/model/workload/regionPool'
import { contentionPresetSettings } from '@shared/model/workload/presets'
import { importHostText } from '@shared/import/importHost'
import { runImportBench } from './importBench'
import { host2TiB } from './syntheticInputs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

// Runs inside a worker with a 1 GiB heap cap, as the app's model worker does, and reports timings.
const GiB = 2 ** 30

function run(
  name: string,
  fragmentation: number,
  tdCount: number,
  tdBytes: number
): Record<string, number | string> {
  const host = analyzeHost(host2TiB())
  const scenario = scenarioSchema.parse({
    name,
    durationNs: 100e9,
    host: { fragmentation },
    tdClasses: [{ name: '4K TD', count: tdCount, memoryBytes: tdBytes, vcpus: 8, lifetimeNs: 50e9 }]
  })
  const replayOpts = {
    staticPartBytes: host.dynamicPamt.staticBytes,
    refcountBytes: host.refcounts.denseBytes,
    startNs: 0,
    endNs: scenario.durationNs,
    samples: 1000,
    checkObservedSeamcalls: false
  }
  // Generation streamed into the replay, as the app runs it; then, where the events fit in memory,
  // the replay alone on a buffered copy (repeated, for a stable figure).
  const t0 = performance.now()
  const replay = new PamtReplay(host, replayOpts)
  const { eventCount, pageOperations } = generateEvents(host, scenario, replay)
  const result = replay.finish()
  const t1 = performance.now()
  // The same run again in this (now warm) worker, as a live what-if re-runs on the app's warm
  // model worker (docs/ARCHITECTURE.md, "Warm workers"): the median of five, for the fresh fill.
  let warmMs: number | null = null
  if (fragmentation === 0) {
    const times: number[] = []
    for (let k = 0; k < 5; k++) {
      const w0 = performance.now()
      const again = new PamtReplay(host, replayOpts)
      generateEvents(host, scenario, again)
      again.finish()
      times.push(performance.now() - w0)
    }
    warmMs = times.sort((a, b) => a - b)[2]!
  }
  let replayMs: number
  if (eventCount <= 5_000_000) {
    const buffer = new PageEventBuffer(eventCount)
    generateEvents(host, scenario, buffer)
    const repeats = Math.max(1, Math.ceil(5_000_000 / eventCount))
    const r0 = performance.now()
    for (let k = 0; k < repeats; k++) replayEvents(host, buffer, null, replayOpts)
    replayMs = (performance.now() - r0) / repeats
  } else {
    // Too many events to buffer: time generation alone and take the difference.
    const g0 = performance.now()
    generateEvents(host, scenario, { emit: () => undefined })
    replayMs = Math.max(0.001, t1 - t0 - (performance.now() - g0))
  }
  const mem = process.memoryUsage()
  return {
    name,
    tds: tdCount,
    pagesPerTd: tdBytes / 4096,
    pagesPerRegionVisit: pagesPerRegionVisit(fragmentation),
    regions: Math.ceil(host.maxPfn / 512),
    events: eventCount,
    pageOps: pageOperations,
    peakPairs: result.peakPairs,
    generateAndReplayMs: +(t1 - t0).toFixed(1),
    ...(warmMs !== null ? { warmGenerateAndReplayMs: +warmMs.toFixed(1) } : {}),
    replayMs: +replayMs.toFixed(1),
    replayPageOpsPerSec: pageOperations / (replayMs / 1000),
    heapUsedMiB: +(mem.heapUsed / 2 ** 20).toFixed(1),
    arrayBuffersMiB: +(mem.arrayBuffers / 2 ** 20).toFixed(1)
  }
}

/** Contention: the calibration scenario (v6), and a lock-heavy run for events per second. */
function runContentionBench(): Record<string, number | string>[] {
  const host = analyzeHost(host2TiB())
  const calibration = contentionPresetScenario('calibration-10x16g')!
  const t0 = performance.now()
  const v6 = runContention(host, calibration, contentionSettingsSchema.parse({ designs: ['v6'] }))
  const t1 = performance.now()
  const heavy = scenarioSchema.parse({
    name: 'always-lock, 4 TDs x 4 GiB',
    durationNs: 10e9,
    tdClasses: [{ name: 'td', count: 4, memoryBytes: 4 * GiB, vcpus: 4, lifetimeNs: 2e9 }]
  })
  const t2 = performance.now()
  const lockHeavy = runContention(
    host,
    heavy,
    contentionSettingsSchema.parse({ designs: ['always-lock'] })
  )
  const t3 = performance.now()
  const lock = v6.outcomes[0]!.locks[0]!
  return [
    {
      name: 'contention: calibration scenario (10 TDs x 16 GB, v6)',
      events: v6.events,
      wallMs: +(t1 - t0).toFixed(1),
      eventsPerSec: v6.events / ((t1 - t0) / 1000),
      contended: lock.contended,
      totalWaitMs: +(lock.totalWaitNs / 1e6).toFixed(2)
    },
    {
      name: 'contention: lock-heavy (always-lock, every get and put takes the lock)',
      events: lockHeavy.events,
      wallMs: +(t3 - t2).toFixed(1),
      eventsPerSec: lockHeavy.events / ((t3 - t2) / 1000),
      contended: lockHeavy.outcomes[0]!.locks[0]!.contended,
      totalWaitMs: +(lockHeavy.outcomes[0]!.locks[0]!.totalWaitNs / 1e6).toFixed(2)
    }
  ]
}

/** The M/D/1 figure: 1 M customers on one lock, ρ = 0.5, fixed 1 µs hold (seed 1). */
const MD1 = { customers: 1_000_000, rho: 0.5, holdNs: 1000, seed: 1 }

function runMd1(): Record<string, number> {
  const t0 = performance.now()
  const r = simulateSingleLock({
    arrivalsPerNs: MD1.rho / MD1.holdNs,
    meanHoldNs: MD1.holdNs,
    hold: 'fixed',
    customers: MD1.customers,
    seed: MD1.seed
  })
  const s = (performance.now() - t0) / 1000
  return {
    customers: MD1.customers,
    // An arrival and a release per customer.
    events: 2 * MD1.customers,
    seconds: +s.toFixed(3),
    acquisitionsPerSec: Math.round(MD1.customers / s),
    meanWaitNs: +r.meanWaitNs.toFixed(2),
    // Pollaczek-Khinchine: Wq = ρ/(2μ(1−ρ)) = 0.5 × 1000 / (2 × 0.5) = 500 ns.
    theoryWaitNs: (MD1.rho * MD1.holdNs) / (2 * (1 - MD1.rho))
  }
}

/** The TDX host of the calibration (resources/hosts), as the CLI and app show it. */
function calibrationHost(): ReturnType<typeof analyzeHost> {
  const file = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
  const { resourcesDir } = workerData as { resourcesDir: string }
  const text = readFileSync(join(resourcesDir, 'hosts', file), 'utf8')
  const r = importHostText(text, file)
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host)
}

/** The calibration preset with its own settings and the given designs, timed. */
function runCalibration(designs: string[]): Record<string, number | string> {
  const host = calibrationHost()
  const id = 'calibration-10x16g'
  const settings = contentionSettingsSchema.parse(
    withPresetSettings({ designs: designs as never }, contentionPresetSettings(id))
  )
  const t0 = performance.now()
  const r = runContention(host, contentionPresetScenario(id)!, settings)
  const s = (performance.now() - t0) / 1000
  return {
    designs: designs.join(','),
    runs: r.outcomes.length,
    events: r.events,
    seconds: +s.toFixed(2),
    contended: r.outcomes.reduce((n, o) => n + (o.locks[0]?.contended ?? 0), 0)
  }
}

const results = [
  // The target: a 2 TiB host filled with 4K-mapped TDs (128 × 16 GiB), fresh host.
  run('2 TiB filled with 4K TDs, fresh host', 0, 127, 16 * GiB),
  // The same at fragmentation 0.5 (23 pages per region visit): many more, smaller events.
  run('2 TiB filled with 4K TDs, fragmentation 0.5', 0.5, 127, 16 * GiB)
]
const md1 = runMd1()
const alwaysLock = runCalibration(['always-lock'])
parentPort?.postMessage({
  replay: results,
  contention: runContentionBench(),
  imports: runImportBench(),
  md1,
  md1Params: MD1,
  alwaysLock
})
