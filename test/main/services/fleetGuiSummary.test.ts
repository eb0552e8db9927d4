import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FLEET_VIEW_WORD_OPTIONS } from '../../../src-shared/api/fleetContract'
import type { JobProgress } from '../../../src-shared/api/contract'
import { planFleetChunks } from '../../../src-shared/fleet/fleetChunks'
import type { FleetRow } from '../../../src-shared/fleet/fleetRow'
import {
  FleetSummaryAccumulator,
  fleetSummaryWords,
  type FleetSummary
} from '../../../src-shared/fleet/fleetSummary'
import { createServices } from '../../../src-main/services/createServices'
import { runFleet } from '../../../src-main/services/fleetRunner'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
import { hostFixturePath, readHostFixture } from '../../support/fixtures'

const FIXTURES = readdirSync(hostFixturePath('.'))
  .filter((f) => f.endsWith('.txt'))
  .sort()

/** The CLI's run: `pamt-planner fleet test/fixtures/hosts` through runFleet, files by name. */
async function cliSummary(presetId: string | null): Promise<FleetSummary> {
  async function* inputs(): AsyncGenerator<{ file: string; path: string }> {
    for (const f of FIXTURES) yield { file: f, path: hostFixturePath(f) }
  }
  const summary = await runFleet(inputs(), {
    launcher: new InlineLauncher(),
    jobs: 1,
    workload: presetId ? { kind: 'preset', name: presetId } : null,
    onRow: () => undefined
  })
  // The view's words say how to choose a workload in the view; everything else is the same.
  return { ...summary, words: fleetSummaryWords(summary, FLEET_VIEW_WORD_OPTIONS) }
}

/**
 * The Fleet view's run as the store does it (stores/fleet.ts): chunks planned by planFleetChunks
 * (here at most 5 files a chunk, so the 12 logs take three requests), each sent to
 * analyzeFleetTexts through the request schema's service, the rows folded into the CLI's
 * accumulator.
 */
async function guiSummary(
  presetId: string | null
): Promise<{ summary: FleetSummary; rows: FleetRow[] }> {
  const { planner } = createServices({
    mode: 'browser',
    launcher: new InlineLauncher(),
    resourcesDir: hostFixturePath('.')
  })
  const texts = FIXTURES.map((f) => readHostFixture(f))
  const acc = new FleetSummaryAccumulator(null)
  const rows: FleetRow[] = []
  const steps = planFleetChunks(
    texts.map((t) => t.length),
    { maxFiles: 5, targetBytes: 32 * 2 ** 20, maxFileBytes: 64 * 2 ** 20 }
  )
  expect(steps.map((s) => (s.kind === 'chunk' ? s.indexes.length : 0))).toEqual([5, 5, 2])
  for (const step of steps) {
    if (step.kind !== 'chunk') throw new Error('no fixture is over the host limit')
    const out = await planner.analyzeFleetTexts({
      jobId: 'fleet-gui',
      files: step.indexes.map((i) => ({ fileName: FIXTURES[i]!, text: texts[i]! })),
      ...(presetId ? { presetId } : {})
    })
    if (!out.ok) throw new Error(out.error.message)
    for (const r of out.value.rows) {
      acc.add(r)
      rows.push(r)
    }
  }
  return { summary: acc.result(FLEET_VIEW_WORD_OPTIONS), rows }
}

describe('the Fleet view’s summary is the CLI’s', () => {
  it('for the shipped logs without a workload', async () => {
    const gui = await guiSummary(null)
    expect(gui.summary).toEqual(await cliSummary(null))
    // 12 shipped logs, every one a host (README of test/fixtures/hosts).
    expect(gui.summary).toMatchObject({ files: 12, hostsRead: 12, unreadable: 0 })
    // The SPR host's static PAMT is what its kernel printed: "1050636 KB allocated for PAMT".
    const spr = gui.rows.find((r) => r.file === 'tdx-spr-8480c-2s-256g-cmr-only.txt')
    expect(spr?.type === 'host' && spr.staticPamt.kb).toBe(1_050_636)
    // The gappy-CMR host is the one whose kernel printed an init failure (fixture header).
    const failing = gui.summary.cannotEnableTdx.flatMap((g) => g.files)
    expect(failing).toContain('tdx-spr-gappy-cmrs-tdx10-fail.txt')
    expect(gui.summary.words[0]).toMatch(
      /^Static PAMT reserves .* across \d+ hosts that can enable TDX \(12 hosts read\)\.$/
    )
    expect(gui.summary.words.join(' ')).toContain('choose a workload above and run again')
  })

  it('for the shipped logs with a workload preset on every host', async () => {
    const gui = await guiSummary('one-16g-td')
    const cli = await cliSummary('one-16g-td')
    expect(gui.summary).toEqual(cli)
    expect(gui.summary.scenario?.name).toBe('One 16 GiB TD, 4K-mapped, on a fresh host')
  })
})

describe('desktop Fleet view: a folder walked in main', () => {
  it('runs every file of the chosen folder, and opens only the paths it listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pamt-fleet-'))
    mkdirSync(join(dir, 'rack1'))
    writeFileSync(
      join(dir, 'rack1', 'spr.txt'),
      readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
    )
    writeFileSync(join(dir, 'laptop.txt'), readHostFixture('laptop-dell-xps13-9370-16g.txt'))
    writeFileSync(join(dir, 'notes.txt'), 'not a memory map\n')
    writeFileSync(join(dir, '.hidden.txt'), 'skipped, as the CLI skips it\n')
    let chosen: string | null = dir
    const progress: JobProgress[] = []
    const services = createServices({
      mode: 'desktop',
      launcher: new InlineLauncher(),
      resourcesDir: hostFixturePath('.'),
      showOpenDialog: async (what) => (what === 'fleet' ? chosen : null)
    })
    services.progress.subscribe((p) => progress.push(p))
    const out = await services.planner.openFleetFolder({ jobId: 'ff' })
    if (!out.ok || !out.value) throw new Error('no fleet run')
    const run = out.value
    // Three files (the hidden one skipped): two hosts and one file not read.
    expect(run.rows.map((r) => [r.file, r.type]).sort()).toEqual([
      [join(dir, 'laptop.txt'), 'host'],
      [join(dir, 'notes.txt'), 'error'],
      [join(dir, 'rack1', 'spr.txt'), 'host']
    ])
    expect(run).toMatchObject({ folder: dir, rowsDropped: 0 })
    expect(run.summary).toMatchObject({ files: 3, hostsRead: 2, unreadable: 1 })
    // The last progress is all three files done.
    expect(progress.filter((p) => p.jobId === 'ff').at(-1)?.fraction).toBe(1)

    const host = await services.planner.openFleetHost({
      jobId: 'fh',
      path: join(dir, 'rack1', 'spr.txt')
    })
    // What the SPR host's kernel printed: "virt/tdx: 1050636 KB allocated for PAMT".
    expect(host.ok && host.value.analysis.staticPamt.kb).toBe(1_050_636)
    const other = await services.planner.openFleetHost({
      jobId: 'fo',
      path: join(dir, '.hidden.txt')
    })
    expect(other).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })

    chosen = null
    expect(await services.planner.openFleetFolder({ jobId: 'fc' })).toEqual({
      ok: true,
      value: null
    })
  })
})
