import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hostFixturePath, readHostFixture } from '../../support/fixtures'
import { cli, cliWith } from '../../support/cli'
import { RESOURCES_DIR } from '../../support/services'
import { runCli } from '../../../src-main/cli/cli'
import { InlineLauncher, type TaskLauncher } from '../../../src-main/services/jobRunner'
import { FLEET_CSV_FIELDS, type FleetHostRow } from '../../../src-shared/fleet/fleetRow'
import type { FleetSummary } from '../../../src-shared/fleet/fleetSummary'

const FIXTURES = readdirSync(hostFixturePath('.'))
  .filter((n) => n.endsWith('.txt'))
  .sort()

/** A fresh folder with these files (name → text). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)

const BAD_LOG = 'x\ny\nBIOS-e820: [mem 0x0000000000100000-0x000000000009ffff] usable\n'

describe('pamt-planner fleet', () => {
  it('gives every shipped log the figures analyze --json gives it', async () => {
    const fleet = await cli('fleet', ...FIXTURES.map(hostFixturePath), '--json')
    expect(fleet.code).toBe(0)
    const lines = jsonLines(fleet.stdout)
    expect(lines).toHaveLength(FIXTURES.length + 1)
    const rows = new Map(
      lines.slice(0, -1).map((r) => [String(r['file']), r as unknown as FleetHostRow])
    )
    for (const name of FIXTURES) {
      const row = rows.get(hostFixturePath(name))!
      expect(row.type, name).toBe('host')
      const a = JSON.parse((await cli('analyze', hostFixturePath(name), '--json')).stdout)
      // The shared fields, under the same names (a row flattens analyze's lists to counts).
      expect(
        {
          host: row.host,
          staticPamt: row.staticPamt,
          dynamicPamt: row.dynamicPamt,
          refcounts: row.refcounts,
          initSucceeds: row.initSucceeds,
          verdict: row.verdict,
          nodeCount: row.nodeCount,
          tdmrCount: row.tdmrCount,
          problemCodes: row.problemCodes
        },
        name
      ).toEqual({
        host: {
          name: a.host.name,
          ramBytes: a.host.ramBytes,
          tdxMemoryBytes: a.host.tdxMemoryBytes,
          memorySource: a.host.memorySource,
          numaSource: a.host.numaSource
        },
        staticPamt: { kb: a.staticPamt.kb, bytes: a.staticPamt.bytes },
        dynamicPamt: { staticKb: a.dynamicPamt.staticKb, staticBytes: a.dynamicPamt.staticBytes },
        refcounts: { denseBytes: a.refcounts.denseBytes, sparseBytes: a.refcounts.sparseBytes },
        initSucceeds: a.initSucceeds,
        verdict: {
          model: a.verdict.model,
          kernel: a.verdict.kernel,
          kernelFailure: a.verdict.kernelFailure
        },
        nodeCount: a.nodes.length,
        tdmrCount: a.tdmrs.length,
        problemCodes: a.problems.map((p: { code: string }) => p.code)
      })
    }
    // The kernel-exact host, checked against the value its kernel printed (1050636 KB), and its CPU
    // as its smpboot line prints it.
    const spr = rows.get(hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'))!
    expect(spr.staticPamt.kb).toBe(1_050_636)
    expect(spr.cpu).toBe('Intel(R) Xeon(R) Platinum 8480CTDX')
    expect(spr.verdict.kernel).toBe('succeeded')
    const summary = lines.at(-1) as unknown as FleetSummary
    expect(summary.type).toBe('summary')
    expect(summary.files).toBe(FIXTURES.length)
    // The gappy-CMR host's kernel printed that init failed: the only one that cannot enable TDX.
    expect(summary.cannotEnableTdx.map((g) => [g.code, g.count, g.files])).toEqual([
      ['KERNEL_INIT_FAILED', 1, [hostFixturePath('tdx-spr-gappy-cmrs-tdx10-fail.txt')]]
    ])
    expect(summary.tdxCapable).toBe(FIXTURES.length - 1)
  })

  it('turns a bad file into an error row, keeps going, and exits 1', async () => {
    const dir = folder({
      'a-good.txt': readHostFixture('dell-r750xs-icx-1s-128g.txt'),
      'b-bad.log': BAD_LOG,
      'c-empty.log': ''
    })
    const r = await cli('fleet', dir, join(dir, 'missing.log'), '--json')
    expect(r.code).toBe(1)
    const lines = jsonLines(r.stdout)
    const byFile = new Map(lines.slice(0, -1).map((l) => [l['file'], l]))
    expect(byFile.get(join(dir, 'a-good.txt'))!['type']).toBe('host')
    // The e820 line on line 3 ends before it starts.
    expect(byFile.get(join(dir, 'b-bad.log'))).toMatchObject({
      type: 'error',
      code: 'REVERSED_RANGE',
      line: 3
    })
    expect(byFile.get(join(dir, 'c-empty.log'))).toMatchObject({
      type: 'error',
      code: 'EMPTY_FILE'
    })
    expect(byFile.get(join(dir, 'missing.log'))).toMatchObject({
      type: 'error',
      code: 'FILE_UNREADABLE',
      line: null
    })
    const summary = lines.at(-1)!
    expect(summary).toMatchObject({ type: 'summary', files: 4, hostsRead: 1, unreadable: 3 })
  })

  it('expands a folder recursively and a quoted glob, skipping dot files', async () => {
    const dir = folder({
      'top.txt': readHostFixture('qemu-kvm-guest-2node-8g.txt'),
      // Not a host: an error row of its own.
      x: ''
    })
    const files: Record<string, string> = {
      'rack1/a.txt': readHostFixture('qemu-q35-guest-20g-on-emr.txt'),
      'rack1/deep/b.txt': readHostFixture('laptop-dell-xps13-9370-16g.txt'),
      'rack1/deep/c.log': readHostFixture('desktop-amd-msi-a320m-16g.txt'),
      '.git/ignored.txt': 'not a host'
    }
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true })
      writeFileSync(join(dir, name), text)
    }
    const all = await cli('fleet', dir, '--json')
    expect(all.code).toBe(1)
    const fileRows = jsonLines(all.stdout)
      .slice(0, -1)
      .map((r) => [String(r['file']).slice(dir.length + 1), r['type']])
    expect(fileRows.sort()).toEqual([
      ['rack1/a.txt', 'host'],
      ['rack1/deep/b.txt', 'host'],
      ['rack1/deep/c.log', 'host'],
      ['top.txt', 'host'],
      ['x', 'error']
    ])
    const glob = await cli('fleet', `${dir}/**/*.txt`, '--json')
    expect(glob.code).toBe(0)
    expect(
      jsonLines(glob.stdout)
        .slice(0, -1)
        .map((r) => String(r['file']).slice(dir.length + 1))
        .sort()
    ).toEqual(['rack1/a.txt', 'rack1/deep/b.txt', 'top.txt'])
    const none = await cli('fleet', `${dir}/*.nothing`, '--json')
    expect(none.code).toBe(1)
    expect(jsonLines(none.stdout)[0]).toMatchObject({
      type: 'error',
      code: 'FILE_UNREADABLE',
      message: 'no file matches this pattern'
    })
  })

  it('streams: the first row is written while a later host is still being analysed', async () => {
    // A launcher that runs each batch inline but holds the second batch's answer until released:
    // the test, not the clock, decides when each host finishes.
    const inline = new InlineLauncher()
    let release: () => void = () => undefined
    const held = new Promise<void>((r) => (release = r))
    let launched = 0
    const launcher: TaskLauncher = {
      launch(task, onProgress) {
        const n = launched++
        const job = inline.launch(task, onProgress)
        return {
          result: n === 0 ? job.result : held.then(() => job.result),
          cancel: job.cancel
        }
      }
    }
    const a = hostFixturePath('dell-r750xs-icx-1s-128g.txt')
    const b = hostFixturePath('qemu-kvm-guest-2node-8g.txt')
    let out = ''
    let firstRowSeen: () => void = () => undefined
    const seen = new Promise<void>((r) => (firstRowSeen = r))
    // Batches grow 1, 2, …: with two jobs, host a is batch 1 and host b batch 2, both in flight.
    const done = runCli(['fleet', a, b, '--json', '--jobs', '2'], {
      launcher,
      workerPath: 'unused-inline',
      resourcesDir: RESOURCES_DIR,
      rendererDir: 'unused-inline',
      version: '0.0.0-test',
      stdout: (s) => {
        out += s
        if (out.includes('"type":"host"')) firstRowSeen()
      },
      stderr: () => undefined
    })
    await seen
    expect(launched).toBe(2)
    expect(jsonLines(out).map((r) => r['file'])).toEqual([a])
    release()
    expect(await done).toBe(0)
    expect(jsonLines(out).map((r) => r['file'] ?? r['type'])).toEqual([a, b, 'summary'])
  })

  it('shows progress on stderr only when stderr is a terminal', async () => {
    const path = hostFixturePath('qemu-kvm-guest-2node-8g.txt')
    let progress = ''
    let stderr = ''
    const code = await runCli(['fleet', path, '--json'], {
      launcher: new InlineLauncher(),
      workerPath: 'unused-inline',
      resourcesDir: RESOURCES_DIR,
      rendererDir: 'unused-inline',
      version: '0.0.0-test',
      stdout: () => undefined,
      stderr: (s) => (stderr += s),
      // main.ts passes this only when process.stderr.isTTY.
      progress: (s) => (progress += s)
    })
    expect(code).toBe(0)
    expect(progress).toContain('\rfleet: 1 done, 0 in progress')
    expect(progress.endsWith('\r\x1b[K')).toBe(true)
    expect(stderr).toBe('')
    // Not a terminal (no progress writer): nothing on stderr at all.
    expect((await cli('fleet', path, '--json')).stderr).toBe('')
  })

  it('writes CSV through csv.ts: one header, a record per host, a formula cell defused', async () => {
    const log = `${readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')}[    1.5] smpboot: CPU0: =HYPERLINK("http://x") (family: 0x6, model: 0x8f, stepping: 0x8)\n`
    // The real CPU0 line comes first in the file, so move the formula one to the top.
    const dir = folder({
      'evil.txt': log
        .split('\n')
        .filter((l) => !l.includes('Platinum 8480CTDX (family'))
        .join('\n'),
      'bad.log': BAD_LOG
    })
    const r = await cli('fleet', dir, '--csv')
    expect(r.code).toBe(1)
    const records = r.stdout.split('\r\n')
    expect(records[0]).toBe(FLEET_CSV_FIELDS.join(','))
    expect(records.at(-1)).toBe('')
    expect(records).toHaveLength(4)
    const host = records.find((l) => l.startsWith('host,'))!
    expect(host).toContain(`,"'=HYPERLINK(""http://x"")",`)
    expect(host).toContain(',1050636,')
    const error = records.find((l) => l.startsWith('error,'))!
    expect(error).toMatch(/,REVERSED_RANGE,.*,3$/)
    // CSV keeps stdout for records: the summary's words go to stderr.
    expect(r.stderr).toContain('Static PAMT reserves 1.00 GiB across 1 host that can enable TDX')
  })

  it('models a preset on every host with the figures simulate gives it', async () => {
    const path = hostFixturePath('dell-r750xs-icx-1s-128g.txt')
    const fleet = await cli('fleet', path, '--preset', 'one-16g-td', '--json')
    const [row, summary] = jsonLines(fleet.stdout) as unknown as [FleetHostRow, FleetSummary]
    const sim = JSON.parse(
      (await cli('simulate', '--host', path, '--preset', 'one-16g-td', '--json')).stdout
    )
    expect(row.scenario).toEqual({
      name: sim.result.scenarioName,
      peakTotalBytes: sim.result.replay.peakTotalBytes,
      averageTotalBytes: sim.result.replay.averageTotalBytes,
      savingsAtPeakBytes: sim.result.savingsAtPeakBytes,
      savingsAverageBytes: sim.result.savingsAverageBytes,
      tdsRequested: 1,
      tdsStarted: 1,
      fits: true
    })
    expect(summary.scenario).toMatchObject({
      hosts: 1,
      peakTotalBytes: sim.result.replay.peakTotalBytes
    })
    expect(summary.words[1]).toMatch(/^Dynamic PAMT would keep .* for "One 16 GiB TD/)
  })

  it('prints a table and the summary in words by default', async () => {
    const r = await cli('fleet', hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'))
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^file +format +nodes +TDX memory +TDMRs +static PAMT/)
    expect(lines[1]).toContain('tdx-spr-8480c-2s-256g-cmr-only.txt')
    // 1050636 KiB = 1.0020 GiB; its DPAMT static part 10252 KiB = 10.01 MiB.
    expect(lines[1]).toMatch(/ 1\.00 GiB +10\.01 MiB succeeds\/succeeded/)
    expect(r.stdout).toContain('Static PAMT reserves 1.00 GiB across 1 host that can enable TDX')
  })

  it('refuses --json with --csv and --scenario with --preset', async () => {
    const path = hostFixturePath('dell-r750xs-icx-1s-128g.txt')
    expect((await cli('fleet', path, '--json', '--csv')).code).toBe(2)
    expect(
      (
        await cliWith(
          { workerPath: 'x', launcher: new InlineLauncher() },
          'fleet',
          path,
          '--scenario',
          's.json',
          '--preset',
          'one-16g-td'
        )
      ).code
    ).toBe(2)
  })

  it('--out writes the rows and the summary to a file, stdout stays empty', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fleet-out-')), 'rows.jsonl')
    const r = await cli(
      'fleet',
      hostFixturePath('qemu-kvm-guest-2node-8g.txt'),
      '--json',
      '--out',
      out
    )
    expect(r.stdout).toBe('')
    const lines = jsonLines(readFileSync(out, 'utf8'))
    expect(lines.map((l) => l['type'])).toEqual(['host', 'summary'])
  })
})
