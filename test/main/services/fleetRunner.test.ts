import { describe, expect, it } from 'vitest'
import { err } from '../../../src-shared/api/errors'
import type { FleetRow } from '../../../src-shared/fleet/fleetRow'
import { globToRegExp } from '../../../src-main/services/fleetInputs'
import { runFleet } from '../../../src-main/services/fleetRunner'
import { InlineLauncher, type TaskLauncher } from '../../../src-main/services/jobRunner'
import type { FleetItem } from '../../../src-main/worker/protocol'
import { readHostFixture } from '../../support/fixtures'

async function* items(list: FleetItem[]): AsyncGenerator<FleetItem> {
  for (const x of list) yield x
}

describe('fleet runner', () => {
  it('retries a batch whose worker died one host at a time, so only that host is an error', async () => {
    const inline = new InlineLauncher()
    const sizes: number[] = []
    // A worker that "crashes" on any batch holding poison.txt, as an out-of-memory worker would.
    const launcher: TaskLauncher = {
      launch(task, onProgress) {
        if (task.kind === 'fleetBatch') {
          sizes.push(task.items.length)
          if (task.items.some((i) => i.file === 'poison.txt'))
            return { result: Promise.resolve(err('INTERNAL', 'worker died')), cancel: () => {} }
        }
        return inline.launch(task, onProgress)
      }
    }
    const text = readHostFixture('qemu-kvm-guest-2node-8g.txt')
    const rows: FleetRow[] = []
    const summary = await runFleet(
      items(['a', 'b', 'poison.txt', 'c'].map((file) => ({ file, text }))),
      { launcher, jobs: 1, workload: null, onRow: (r) => void rows.push(r) }
    )
    // Batches grow 1, 2, 4: [a], [b, poison] (fails), then b and poison one per job, then [c].
    expect(sizes).toEqual([1, 2, 1, 1, 1])
    expect(rows.map((r) => [r.file, r.type]).sort()).toEqual([
      ['a', 'host'],
      ['b', 'host'],
      ['c', 'host'],
      ['poison.txt', 'error']
    ])
    expect(summary).toMatchObject({ files: 4, hostsRead: 3, unreadable: 1 })
  })

  it('stops on abort: batches in flight become CANCELLED rows and no further input is read', async () => {
    const inline = new InlineLauncher()
    let launched = 0
    // The first batch runs; the second never answers until cancelled, as a busy worker would.
    const launcher: TaskLauncher = {
      launch(task, onProgress) {
        if (launched++ === 0) return inline.launch(task, onProgress)
        let settle: (r: ReturnType<typeof err>) => void = () => undefined
        const result = new Promise<ReturnType<typeof err>>((r) => (settle = r))
        return { result, cancel: () => settle(err('CANCELLED', 'cancelled')) }
      }
    }
    const text = readHostFixture('qemu-kvm-guest-2node-8g.txt')
    let listed = 0
    async function* counted(): AsyncGenerator<FleetItem> {
      for (const file of ['a', 'b', 'c', 'd', 'e']) {
        listed++
        yield { file, text }
      }
    }
    const stop = new AbortController()
    const rows: FleetRow[] = []
    const summary = await runFleet(counted(), {
      launcher,
      jobs: 2,
      workload: null,
      signal: stop.signal,
      onRow: (r) => {
        rows.push(r)
        stop.abort()
      }
    })
    // Batches of 1 and 2: [a] answers, [b, c] is cancelled; d and e are never listed.
    expect(rows.map((r) => [r.file, r.type === 'error' ? r.code : r.type])).toEqual([
      ['a', 'host'],
      ['b', 'CANCELLED'],
      ['c', 'CANCELLED']
    ])
    expect(listed).toBe(3)
    expect(summary).toMatchObject({ files: 3, hostsRead: 1, unreadable: 2 })
  })

  it('keeps at most `jobs` batches in flight', async () => {
    let live = 0
    let most = 0
    const inline = new InlineLauncher()
    const launcher: TaskLauncher = {
      launch(task, onProgress) {
        live++
        most = Math.max(most, live)
        const job = inline.launch(task, onProgress)
        return { result: job.result.finally(() => live--), cancel: job.cancel }
      }
    }
    const text = readHostFixture('qemu-kvm-guest-2node-8g.txt')
    const list = Array.from({ length: 12 }, (_, i) => ({ file: `h${i}`, text }))
    const summary = await runFleet(items(list), {
      launcher,
      jobs: 2,
      maxBatch: 2,
      workload: null,
      onRow: () => undefined
    })
    expect(summary.hostsRead).toBe(12)
    expect(most).toBe(2)
  })
})

describe('fleet workload cells', () => {
  it('models a shape once: a later host of it takes the cell a fresh run gives it', async () => {
    const text = readHostFixture('dell-r750xs-icx-1s-128g.txt')
    // The same memory map under another name with another line: the same shape.
    const twin = `[   12.3] usb 1-1: new high-speed USB device number 2\n${text}`
    const inline = new InlineLauncher()
    const known: number[] = []
    const launcher: TaskLauncher = {
      launch(task, onProgress) {
        if (task.kind === 'fleetBatch') known.push(task.knownCells.length)
        return inline.launch(task, onProgress)
      }
    }
    const run = async (list: FleetItem[]): Promise<FleetRow[]> => {
      const rows: FleetRow[] = []
      await runFleet(items(list), {
        launcher,
        jobs: 1,
        workload: { kind: 'preset', name: 'one-16g-td' },
        onRow: (r) => void rows.push(r)
      })
      return rows
    }
    const both = await run([
      { file: 'a.txt', text },
      { file: 'twin.txt', text: twin }
    ])
    // Batch 1 ([a]) knew no cell; batch 2 ([twin]) was sent a's.
    expect(known).toEqual([0, 1])
    const alone = await run([{ file: 'twin.txt', text: twin }])
    const cell = (r: FleetRow | undefined): unknown => (r?.type === 'host' ? r.scenario : r)
    expect(cell(both[1])).toEqual(cell(alone[0]))
    expect(cell(both[1])).toMatchObject({ tdsRequested: 1, tdsStarted: 1, fits: true })
  })
})

describe('fleet globs', () => {
  it.each([
    ['logs/*.txt', 'logs/a.txt', true],
    ['logs/*.txt', 'logs/sub/a.txt', false],
    ['logs/**/*.txt', 'logs/a.txt', true],
    ['logs/**/*.txt', 'logs/x/y/a.txt', true],
    ['logs/host-?.log', 'logs/host-7.log', true],
    ['logs/host-?.log', 'logs/host-17.log', false],
    ['logs/[ab].txt', 'logs/b.txt', true],
    ['logs/[!ab].txt', 'logs/b.txt', false],
    ['logs/*.{log,txt}', 'logs/a.log', true],
    ['logs/*.{log,txt}', 'logs/a.json', false],
    ['a+b/(x).txt', 'a+b/(x).txt', true]
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected)
  })
})
