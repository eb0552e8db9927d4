import { describe, expect, it } from 'vitest'
import { readTextFile } from '../../../src-main/services/readTextFile'
import { hostFixturePath } from '../../support/fixtures'
import { cli, tempFile } from '../../support/cli'

const SPR = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')
/** Any byte a terminal acts on: C0 controls but newline, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

describe('pamt-planner: a memory map too large for argument spreading', () => {
  it('analyses 300,000 alternating 4 KiB e820 ranges instead of overflowing the stack', async () => {
    // 150,000 usable pages above 4 GiB, each followed by a reserved one: before the fix
    // Math.min(...ranges) in placement.ts threw "Maximum call stack size exceeded" (V8 takes
    // roughly 120,000 spread arguments). 300,000 lines is the size and safely above it.
    const hex = (x: number): string => `0x${x.toString(16).padStart(16, '0')}`
    const lines = ['BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable']
    for (let i = 0; i < 300_000; i++) {
      const base = 2 ** 32 + i * 4096
      lines.push(
        `BIOS-e820: [mem ${hex(base)}-${hex(base + 4095)}] ${i % 2 ? 'reserved' : 'usable'}`
      )
    }
    const r = await cli('analyze', tempFile('alternating.log', lines.join('\n')), '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    // TDX memory is built from whole memory blocks; no run of RAM here is larger than 640 KiB, so
    // no PAMT chunk (hundreds of contiguous pages) has room: the model says so as a problem.
    expect(json.problems.map((p: { code: string }) => p.code)).toContain('PAMT_ALLOCATION_FAILED')
  })
})

describe('pamt-planner: control characters never reach the terminal', () => {
  const hostJson = (name: string): string =>
    JSON.stringify({
      format: 'pamt-planner-host',
      version: 1,
      name,
      memory: [{ base: '0x100000', end: '0x80000000', type: 'ram', label: 'usable' }]
    })

  it('prints an escape sequence in a host name as visible text in the report', async () => {
    const r = await cli('analyze', tempFile('host.json', hostJson('\x1b]0;pwned\x07\x1b[31mRED')))
    expect(r.code).toBe(0)
    expect(r.stdout).not.toMatch(RAW_CONTROL)
    expect(r.stdout.split('\n')[0]).toMatch(/^\\x1b]0;pwned\\x07\\x1b\[31mRED: /)
  })

  it('keeps --json valid JSON while escaping C1 controls and bidi overrides', async () => {
    const name = 'a\u009b31mb\u202ec'
    const r = await cli('analyze', tempFile('host.json', hostJson(name)), '--json')
    expect(r.code).toBe(0)
    expect(r.stdout).not.toMatch(RAW_CONTROL)
    expect(r.stdout).not.toContain('\u202e')
    // The JSON still carries the name exactly: the escapes are JSON's own \u form.
    expect(r.stdout).toContain(String.raw`"name": "a\u009b31mb\u202ec"`)
    expect(JSON.parse(r.stdout).host.name).toBe(name)
  })

  it('shows control bytes an error message echoes, and a control character in a file name', async () => {
    const r = await cli(
      'analyze',
      tempFile('bad\x1b[2J.log', 'BIOS-e820: [mem 0x100000-0x\x1b[31m0fffff] usable\n')
    )
    expect(r.code).toBe(1)
    expect(r.stderr).not.toMatch(RAW_CONTROL)
    expect(r.stderr).toMatch(/^bad\\x1b\[2J\.log:1: /)
  })

  it('escapes what commander echoes back from the command line', async () => {
    const r = await cli('frobnicate\x1b[31m')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown command 'frobnicate\\x1b[31m'")
    expect(r.stderr).not.toMatch(RAW_CONTROL)
  })
})

describe('pamt-planner simulate --sweep: each value checked as the field it sets', () => {
  const simulate = (sweep: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    cli('simulate', '--host', SPR, '--preset', 'one-16g-td', '--sweep', sweep)

  it('takes shares in percent, as the app does, and refuses 150 % naming the unit', async () => {
    const r = await simulate('share4k=0,150')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      '--sweep: share4k (4K-mapped share of TD memory) is in percent, from 0 to 100; got 150\n'
    )
    // 0, 50 and 100 % are the fractions 0, 0.5 and 1 the model takes.
    const ok = await simulate('share4k=0,50,100')
    expect(ok.code).toBe(0)
    const json = await cli(
      'simulate',
      '--host',
      SPR,
      '--preset',
      'one-16g-td',
      '--sweep',
      'share4k=0,50,100',
      '--json'
    )
    expect(JSON.parse(json.stdout).sweep.points.map((p: { value: number }) => p.value)).toEqual([
      0, 0.5, 1
    ])
  })

  it('refuses fragmentation 100000 % and a TD count of a billion', async () => {
    const frag = await simulate('fragmentation=0,100000')
    expect(frag.code).toBe(2)
    expect(frag.stderr).toContain('fragmentation (Host fragmentation (modelled)) is in percent')
    const count = await simulate('tdCount=1,1000000000')
    expect(count.code).toBe(2)
    expect(count.stderr).toContain(
      'tdCount value 1000000000 is not a whole number of TDs from 1 to 100,000'
    )
    expect((await simulate('tdCount=1,2.5')).stderr).toContain('tdCount value 2.5 is not')
  })

  it('refuses one value, or 102', async () => {
    expect((await simulate('share4k=50')).code).toBe(2)
    const many = Array.from({ length: 102 }, (_, i) => (100 * i) / 101).join(',')
    const r = await simulate(`share4k=${many}`)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^--sweep: a sweep takes 2 to 101 values/)
  })
})

describe('pamt-planner: the same work limits as the app', () => {
  it('refuses 64 classes of 100,000 TDs before planning any of them', async () => {
    const scenario = tempFile(
      'fleet.json',
      JSON.stringify({
        name: 'fleet',
        tdClasses: Array.from({ length: 64 }, (_, i) => ({
          name: `c${i}`,
          count: 100_000,
          memoryBytes: 2 ** 22,
          vcpus: 1
        }))
      })
    )
    const r = await cli('simulate', '--host', SPR, '--scenario', scenario)
    expect(r.code).toBe(1)
    // 64 × 100,000 = 6,400,000 TDs against the 100,000 a run may plan.
    expect(r.stderr).toBe(
      'the scenario asks for 6.4 million TDs in one run, more than the limit of 100,000 (docs/workload-model.md, "Work limits"): lower the TD counts.\n'
    )
  })

  it('refuses a contention run whose SEAMCALLs hold a range busy for 0.1 s', async () => {
    const r = await cli(
      'contention',
      '--host',
      SPR,
      '--preset',
      'calibration-10x16g',
      '--designs',
      'module-only',
      '--cost',
      'pamtAddNs=100000000'
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^this contention run \(1 design\) would take about [\d.]+ billion/)
    expect(r.stderr).toContain('lower the SEAMCALL costs (pamtAddNs, pamtRemoveNs, demoteNs)')
  })

  it('still runs a TD too large for the host at once: it is not started (capacity)', async () => {
    // count 100,000 TDs of 1e15 bytes: none fits 256 GiB, so none is sized or run.
    const scenario = tempFile(
      'huge.json',
      JSON.stringify({
        name: 'huge',
        tdClasses: [{ name: 'big', count: 100_000, memoryBytes: 1e15, vcpus: 1 }]
      })
    )
    const r = await cli('simulate', '--host', SPR, '--scenario', scenario, '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).result.capacity).toMatchObject({
      tdsRequested: 100_000,
      tdsStarted: 0
    })
  })

  it('says which limit a too-large scenario file broke', async () => {
    const big = tempFile('big.scenario.json', Buffer.alloc(4 * 2 ** 20 + 1, 0x20))
    const r = await cli('simulate', '--host', SPR, '--scenario', big)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'big.scenario.json: file is 4 MiB, larger than the 4 MiB limit for scenario files\n'
    )
  })
})

describe('readTextFile: the too-large message names what the limit is for', () => {
  it('traces and scenario files are not "host logs"', async () => {
    const path = tempFile('t.csv', 'x'.repeat(100))
    const trace = await readTextFile(path, 10, 'traces')
    expect(trace.ok || trace.error.message).toMatch(/limit for traces$/)
    const host = await readTextFile(path, 10)
    expect(host.ok || host.error.message).toMatch(/limit for host logs$/)
  })
})

describe('pamt-planner --help: exit code 70', () => {
  it('documents the internal-error exit code', async () => {
    const help = await cli('--help')
    expect(help.stdout).toMatch(/^ {2}70 {2}internal error: a bug, not the input/m)
  })
})
