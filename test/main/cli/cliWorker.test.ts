import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorker, type BuiltWorker } from '../../support/buildWorker'
import { cli, cliWith } from '../../support/cli'
import { hostFixturePath } from '../../support/fixtures'

/**
 * The CLI as users run it: without a launcher in its context it runs every model job in a worker
 * thread of the real bundled worker entry (the app's heap cap and pool), not on its own thread
 * (issue: "The CLI must use the same limits, the same pre-flight estimate and the same worker
 * bounds as the app"). Every other CLI test runs inline for speed; these pin the worker path.
 */
const SPR = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')

let built: BuiltWorker
beforeAll(async () => {
  built = await buildWorker()
}, 120_000)
afterAll(async () => {
  await built.cleanup()
})

const viaWorker = (...args: string[]): ReturnType<typeof cli> =>
  cliWith({ workerPath: built.workerPath }, ...args)

describe('pamt-planner runs its model in a worker thread', () => {
  it('analyses a host in the worker exactly as inline', async () => {
    const [worker, inline] = [
      await viaWorker('analyze', SPR, '--json'),
      await cli('analyze', SPR, '--json')
    ]
    expect(worker.stderr).toBe('')
    expect(worker.code).toBe(0)
    expect(worker.stdout).toBe(inline.stdout)
  })

  it('runs a fleet in a pool of worker threads with the rows and summary inline gives', async () => {
    const hosts = [
      SPR,
      hostFixturePath('dell-r750xs-icx-1s-128g.txt'),
      hostFixturePath('qemu-kvm-guest-2node-8g.txt'),
      '/nonexistent/host.log'
    ]
    const [worker, inline] = [
      await viaWorker('fleet', ...hosts, '--json', '--jobs', '2'),
      await cli('fleet', ...hosts, '--json', '--jobs', '2')
    ]
    expect(worker.code).toBe(1)
    // Rows come as hosts finish: compare them in file order, and the summary as a whole.
    const rows = (out: string): string[] => out.trim().split('\n')
    const [wRows, iRows] = [rows(worker.stdout), rows(inline.stdout)]
    expect(wRows.slice(0, -1).sort()).toEqual(iRows.slice(0, -1).sort())
    expect(JSON.parse(wRows.at(-1)!)).toEqual(JSON.parse(iRows.at(-1)!))
  })

  it('refuses a contention run over the work limit before any worker starts', async () => {
    // Five seeds of always-lock on the calibration preset: ~290 M events a seed (docs/
    // contention-model.md, "Repetition") against a 400 M limit, refused by the service's estimate.
    const r = await viaWorker(
      'contention',
      '--host',
      SPR,
      '--preset',
      'calibration-10x16g',
      '--designs',
      'always-lock',
      '--seeds',
      '5'
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/WORK_TOO_LARGE|more than the limit of 400 million/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('reports a missing worker entry as an internal error (exit 70) with one line', async () => {
    const r = await cliWith({ workerPath: `${built.dir}/no-such-worker.mjs` }, 'analyze', SPR)
    expect(r.code).toBe(70)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('model worker')
  })
})
