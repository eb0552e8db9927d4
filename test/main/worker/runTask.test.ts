import { describe, expect, it } from 'vitest'
import type { JobProgress } from '@shared/api/contract'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import type { HostInput } from '@shared/model/host/memoryMap'
import { runTask, TaskCancelled } from '../../../src-main/worker/runTask'
import { readHostFixture } from '../../support/fixtures'

/**
 * The steps a worker task reports (docs/workload-model.md and docs/contention-model.md,
 * "Progress"), straight from runTask's sink: no throttle, no worker, no clock. Small runs: two
 * 256 MiB TDs on the 256 GiB SPR host.
 */
const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
const MiB = 2 ** 20

type Seen = { phase: JobProgress['phase']; fraction: number; step: string | undefined }

async function hostInput(): Promise<HostInput> {
  const r = await runTask(
    {
      kind: 'importAndAnalyze',
      fileName: FIXTURE,
      text: readHostFixture(FIXTURE),
      format: 'auto',
      model: undefined,
      source: { kind: 'file', fileName: FIXTURE }
    },
    () => undefined
  )
  if (!r.ok) throw new Error(r.error.message)
  return r.value.host
}

const scenario = scenarioSchema.parse({
  name: 'two small TDs',
  durationNs: 5e9,
  seed: 3,
  tdClasses: [{ name: 'td', count: 2, memoryBytes: 256 * MiB, vcpus: 2, lifetimeNs: 1e9 }]
})

/** Each step in the order first reported, and whether the fractions never went back. */
function stepsOf(seen: Seen[]): { steps: string[]; monotone: boolean } {
  const steps: string[] = []
  for (const s of seen) if (s.step !== undefined && steps.at(-1) !== s.step) steps.push(s.step)
  const monotone = seen.every((s, i) => i === 0 || s.fraction >= seen[i - 1]!.fraction)
  return { steps, monotone }
}

describe('runTask progress steps', () => {
  it('a workload run: generating and replaying, then the placement range named run by run', async () => {
    const seen: Seen[] = []
    const r = await runTask(
      { kind: 'simulate', host: await hostInput(), model: undefined, scenario, sweep: undefined },
      (phase, fraction, step) => seen.push({ phase, fraction, step })
    )
    expect(r.ok).toBe(true)
    // kernelPlacement 'separate' at fragmentation 0: the range repeats the run for the other two
    // placements (placementsToRun), the main run being the first of 3.
    expect(stepsOf(seen)).toEqual({
      steps: [
        'generating and replaying events',
        'placement range: interleaved (2/3)',
        'placement range: scattered (3/3)'
      ],
      monotone: true
    })
    // The first repeat starts at its share: 1 of 3 runs done.
    const repeat = seen.find((s) => s.step === 'placement range: interleaved (2/3)')!
    expect(repeat.fraction).toBeCloseTo(1 / 3, 12)
    expect(seen.at(-1)).toEqual({ phase: 'done', fraction: 1, step: undefined })
  })

  it('a sweep names the value that runs, of how many', async () => {
    const seen: Seen[] = []
    const r = await runTask(
      {
        kind: 'simulate',
        host: await hostInput(),
        model: undefined,
        scenario,
        sweep: { parameter: 'tdCount', values: [1, 2, 3] }
      },
      (phase, fraction, step) => seen.push({ phase, fraction, step })
    )
    expect(r.ok).toBe(true)
    const { steps, monotone } = stepsOf(seen)
    expect(monotone).toBe(true)
    expect(steps.slice(-3)).toEqual([
      'sweep value 1 of 3',
      'sweep value 2 of 3',
      'sweep value 3 of 3'
    ])
    // The main run is 1 of 4 runs: value 1 starts at 1/4, value 2 at 2/4.
    expect(seen.find((s) => s.step === 'sweep value 1 of 3')!.fraction).toBe(0.25)
    expect(seen.find((s) => s.step === 'sweep value 2 of 3')!.fraction).toBe(0.5)
  })

  it('a contention run on one worker: "simulating <design> (k/n)", seeds named when several', async () => {
    const seen: Seen[] = []
    const r = await runTask(
      {
        kind: 'contention',
        host: await hostInput(),
        model: undefined,
        scenario,
        settings: contentionSettingsSchema.parse({ designs: ['v6', 'per-2m'], seeds: 2 })
      },
      (phase, fraction, step) => seen.push({ phase, fraction, step })
    )
    expect(r.ok).toBe(true)
    // 2 designs × 2 seeds (3 and 4), no DEMOTE in the scenario: 4 runs, seed by seed.
    expect(stepsOf(seen)).toEqual({
      steps: [
        'simulating v6 · seed 3 (1/4)',
        'simulating per-2m · seed 3 (2/4)',
        'simulating v6 · seed 4 (3/4)',
        'simulating per-2m · seed 4 (4/4)'
      ],
      monotone: true
    })
    // Run 2 starts when run 1 of 4 is done: 1/4.
    expect(seen.find((s) => s.step === 'simulating per-2m · seed 3 (2/4)')!.fraction).toBe(0.25)
  })
})

describe('runTask cancelled from its progress sink', () => {
  it('a TaskCancelled thrown by the sink mid-run (the worker’s cancel flag) answers CANCELLED, nothing more reported', async () => {
    const host = await hostInput()
    const seen: Seen[] = []
    const r = await runTask(
      { kind: 'simulate', host, model: undefined, scenario, sweep: undefined },
      (phase, fraction, step) => {
        // The second report is inside the run (the first is its start, analysing 0).
        if (seen.length === 1) throw new TaskCancelled()
        seen.push({ phase, fraction, step })
      }
    )
    expect(r).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } })
    expect(seen).toEqual([
      { phase: 'analysing', fraction: 0, step: 'generating and replaying events' }
    ])
  })
})
