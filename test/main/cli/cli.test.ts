import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hostFixturePath } from '../../support/fixtures'
import { cli, tempFile } from '../../support/cli'

describe('pamt-planner analyze', () => {
  it('prints the JSON contract with the kernel-exact static PAMT', async () => {
    const r = await cli('analyze', hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'), '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.staticPamt.kb).toBe(1_050_636)
    expect(json.staticPamt.bytes).toBe(1_050_636 * 1024)
    expect(json.staticPamt.levels).toEqual({
      pamt4k: 1_073_741_824,
      pamt2m: 2_097_152,
      pamt1g: 12_288
    })
    expect(json.tdmrs.map((t: { base: string; end: string }) => [t.base, t.end])).toEqual([
      ['0x0', '0x80000000'],
      ['0x100000000', '0x2080000000'],
      ['0x2080000000', '0x4080000000']
    ])
    expect(json.dynamicPamt).toMatchObject({ staticKb: 10_252, bitmapBytes: 256 * 32 * 1024 })
    expect(json.refcounts).toMatchObject({
      denseBytes: 528_384,
      sparseBytes: 524_288,
      sparsePages: 128
    })
    expect(json.kernelLog).toMatchObject({ pamtKb: 1_050_636, matches: true })
    expect(json.problems).toEqual([])
  })

  it('prints a readable report by default', async () => {
    const r = await cli('analyze', hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'))
    expect(r.stdout).toContain('= 1050636 KB')
    expect(r.stdout).toContain(
      'Kernel printed 1050636 KB allocated for PAMT; model 1050636 KB: match'
    )
  })

  it('exits non-zero with one line naming file and line on bad input', async () => {
    const path = tempFile(
      'bad.log',
      'x\ny\nBIOS-e820: [mem 0x0000000000100000-0x000000000009ffff] usable\n'
    )
    const r = await cli('analyze', path, '--json')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^bad\.log:3: /)
  })

  it('names a missing file', async () => {
    const r = await cli('analyze', '/nonexistent/host.log')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^host\.log: cannot read file/)
  })

  it('rejects an empty file and a binary file', async () => {
    expect((await cli('analyze', tempFile('empty.txt', ''))).stderr).toBe(
      'empty.txt: file is empty\n'
    )
    const bin = await cli(
      'analyze',
      tempFile('core.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]))
    )
    expect(bin.code).toBe(1)
    expect(bin.stderr).toMatch(/^core\.bin:1: file is binary/)
  })

  it('reports usage errors with exit code 2, and documents every exit code in --help', async () => {
    expect((await cli('analyze')).code).toBe(2)
    expect((await cli('frobnicate')).code).toBe(2)
    expect((await cli('analyze', 'x.txt', '--hole-source', 'bios')).code).toBe(2)
    const help = await cli('--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Exit codes (every command):')
    expect(help.stdout).toMatch(/^ {3}0 {2}done/m)
    expect(help.stdout).toMatch(/^ {3}1 {2}bad input/m)
    expect(help.stdout).toMatch(/^ {3}2 {2}usage/m)
    expect(help.stdout).toMatch(/^ {3}3 {2}analyze --check/m)
  })
})

describe('pamt-planner analyze: verdict', () => {
  const hostsDir = hostFixturePath('')
  const hosts = readdirSync(hostsDir).filter((f) => f.endsWith('.txt'))
  it.each(hosts)('%s: --json carries the verdict', async (name) => {
    const r = await cli('analyze', join(hostsDir, name), '--json')
    expect(r.code).toBe(0)
    const { verdict } = JSON.parse(r.stdout) as { verdict: Record<string, unknown> }
    expect(Object.keys(verdict)).toEqual([
      'model',
      'kernel',
      'tdxInLog',
      'kernelLine',
      'kernelFailure',
      'explanation'
    ])
    expect(verdict['tdxInLog']).toBe(name.startsWith('tdx-'))
  })

  it('the gappy-CMR log: kernel failed, model succeeds, the report leads with both', async () => {
    const path = hostFixturePath('tdx-spr-gappy-cmrs-tdx10-fail.txt')
    const json = JSON.parse((await cli('analyze', path, '--json')).stdout)
    expect(json.verdict).toMatchObject({ model: 'succeeds', kernel: 'failed', tdxInLog: true })
    const report = (await cli('analyze', path)).stdout.split('\n')
    expect(report[3]).toBe('  TDX init: kernel FAILED (line 18); model succeeds')
    expect(report[4]).toContain("the kernel's failure lies elsewhere: SEAMCALL 0x0000000000000022")
  })

  it('a laptop log: no TDX lines, said in the report', async () => {
    const r = await cli('analyze', hostFixturePath('laptop-dell-xps13-9370-16g.txt'))
    expect(r.stdout).toContain('TDX init: kernel not in log (no TDX lines); model succeeds')
    expect(r.stdout).toContain('The figures assume all usable RAM were TDX-convertible memory')
  })

  it('--check exits 3 when the model predicts init fails, 0 when it succeeds', async () => {
    const spr = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')
    expect((await cli('analyze', spr, '--check')).code).toBe(0)
    // One TDMR cannot cover the SPR host's three memory blocks on two nodes.
    const fails = await cli('analyze', spr, '--check', '--json', '--param', 'maxTdmrs=1')
    expect(fails.code).toBe(3)
    expect(JSON.parse(fails.stdout).verdict).toMatchObject({ model: 'fails', kernel: 'succeeded' })
    // Without --check the same analysis exits 0: it was analysed.
    expect((await cli('analyze', spr, '--param', 'maxTdmrs=1')).code).toBe(0)
  })
})

describe('pamt-planner analyze options', () => {
  it('extends the JSON with nodes, reserved areas, chunks and the options in force', async () => {
    const r = await cli('analyze', hostFixturePath('qemu-q35-guest-20g-on-emr.txt'), '--json')
    const json = JSON.parse(r.stdout)
    expect(json.options).toEqual({
      holeSource: 'e820',
      pamtPlacement: 'first-candidate',
      pamtMode: 'static'
    })
    expect(json.nodes).toHaveLength(1)
    expect(json.tdmrs[0].holes).toEqual([
      { base: '0x0', end: '0x100000' },
      { base: '0x7ffdc000', end: '0x80000000' }
    ])
    expect(json.tdmrs[1].reservedAreas.map((a: { kind: string }) => a.kind)).toEqual([
      'pamt',
      'pamt'
    ])
    expect(json.tdmrs[1].pamtChunk).toMatchObject({ base: '0x104825000', zone: 'Normal' })
    expect(json.initSucceeds).toBe(true)
  })

  it('applies --param and reports the kernel verdict it causes', async () => {
    const r = await cli(
      'analyze',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--json',
      '--param',
      'maxReservedPerTdmr=2'
    )
    const json = JSON.parse(r.stdout)
    expect(json.params.maxReservedPerTdmr).toBe(2)
    expect(json.initSucceeds).toBe(false)
    expect(json.problems.map((p: { code: string }) => p.code)).toContain('RESERVED_AREAS_EXHAUSTED')
  })

  it('switches the hole source and placement', async () => {
    const r = await cli(
      'analyze',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--json',
      '--hole-source',
      'cmr',
      '--placement',
      'last-candidate',
      '--pamt-mode',
      'dynamic'
    )
    const json = JSON.parse(r.stdout)
    expect(json.options).toEqual({
      holeSource: 'cmr',
      pamtPlacement: 'last-candidate',
      pamtMode: 'dynamic'
    })
    expect(json.staticPamt.kb).toBe(1_050_636)
  })

  it('rejects unknown or out-of-range parameters with a usage error', async () => {
    const unknown = await cli(
      'analyze',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--param',
      'bogus=1'
    )
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('unknown parameter "bogus"')
    const zero = await cli(
      'analyze',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--param',
      'maxTdmrs=0'
    )
    expect(zero.code).toBe(2)
    expect(zero.stderr).toBe('--param max_tdmrs must be at least 1 (got 0)\n')
    const badChoice = await cli(
      'analyze',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--hole-source',
      'bios'
    )
    expect(badChoice.code).not.toBe(0)
  })
})

describe('pamt-planner simulate', () => {
  it('runs a preset and prints the savings and break-even', async () => {
    const r = await cli(
      'simulate',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--preset',
      'one-16g-td'
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('savings vs static at peak')
    expect(r.stdout).toContain('break-even 4K-mapped memory')
  })

  it('leads with capacity: on a 16 GiB laptop no 16 GiB TD fits, and the report says so first', async () => {
    const host = hostFixturePath('laptop-dell-xps13-9370-16g.txt')
    const json = JSON.parse(
      (await cli('simulate', '--host', host, '--preset', 'ten-16g-no-hugepages', '--json')).stdout
    )
    // A 16 GiB TD needs 16 GiB + 8240 kernel pages; the laptop has less than 16 GiB of RAM.
    expect(json.result.capacity).toMatchObject({
      tdsRequested: 10,
      tdsStarted: 0,
      requestedBytes: 160 * 2 ** 30,
      startedBytes: 0,
      fits: false
    })
    expect(json.result.capacity.tdxMemoryBytes).toBeLessThan(16 * 2 ** 30)
    const text = (await cli('simulate', '--host', host, '--preset', 'ten-16g-no-hugepages')).stdout
    const lines = text.split('\n')
    expect(lines[1]).toMatch(
      /^ {2}capacity: 0 of 10 TDs fit \(0 GiB of 160 GiB; 15\.\d+ GiB TDX memory\)$/
    )
    expect(lines[2]).toBe(
      '  NOT ALL TDs FIT: 10 of 10 TDs do not fit and were not started: 160.00 GiB of TD memory left out. Every figure is for the 0 TDs that started.'
    )
    expect(text).toContain('savings vs static at peak (0 TDs started)')
  })

  it('prints the run as JSON with a sweep', async () => {
    const r = await cli(
      'simulate',
      '--host',
      hostFixturePath('qemu-q35-guest-20g-on-emr.txt'),
      '--preset',
      'one-16g-td',
      '--sweep',
      'share4k=0,100',
      '--json'
    )
    const run = JSON.parse(r.stdout)
    expect(run.sweep.points).toHaveLength(2)
    expect(run.result.replay.totalBytes).toHaveLength(1000)
  })

  it('validates a scenario file, naming the field', async () => {
    const path = tempFile(
      'bad-scenario.json',
      JSON.stringify({
        name: 'x',
        tdClasses: [{ name: 'td', count: 0, memoryBytes: 2 ** 30, vcpus: 1 }]
      })
    )
    const r = await cli(
      'simulate',
      '--host',
      hostFixturePath('qemu-q35-guest-20g-on-emr.txt'),
      '--scenario',
      path
    )
    expect(r.code).toBe(1)
    // count 0 against the schema's minimum of 1, named by its JSON path.
    expect(r.stderr).toBe('bad-scenario.json: tdClasses.0.count must be at least 1; got 0\n')
  })

  it('needs exactly one workload source', async () => {
    const r = await cli('simulate', '--host', hostFixturePath('qemu-q35-guest-20g-on-emr.txt'))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('exactly one of --scenario, --preset or --trace')
  })
})

describe('pamt-planner contention', () => {
  const smallScenario = (): string =>
    tempFile(
      'small.json',
      JSON.stringify({
        name: 'small shutdown',
        durationNs: 5e9,
        tdClasses: [{ name: 'td', count: 2, memoryBytes: 2 ** 31, vcpus: 4, lifetimeNs: 1e9 }]
      })
    )

  it('prints perf lock contention rows per design for a preset', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--designs',
      'v6,module-only'
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      ' contended   total wait     max wait     avg wait         type   caller'
    )
    expect(r.stdout).toMatch(/spinlock {3}tdx_pamt_(get|put)/)
    expect(r.stdout).toContain('(no kernel lock: the TDX module try-locks only)')
  })

  it('leads a contention report with capacity: the calibration cannot run on a laptop', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--preset',
      'calibration-10x16g',
      '--designs',
      'v6',
      '--json'
    )
    expect(r.code).toBe(0)
    const run = JSON.parse(r.stdout)
    // Ten 16 GB TDs; the laptop has under 16 GiB of TDX memory, so none starts.
    expect(run.report.capacity).toMatchObject({ tdsRequested: 10, tdsStarted: 0, fits: false })
    expect(run.report.outcomes[0].faults).toBe(0)
    const text = await cli(
      'contention',
      '--host',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--preset',
      'calibration-10x16g',
      '--designs',
      'v6'
    )
    expect(text.stdout.split('\n')[1]).toMatch(/^ {2}capacity: 0 of 10 TDs fit/)
    expect(text.stdout.split('\n')[2]).toMatch(/^ {2}NOT ALL TDs FIT: /)
  })

  it('says where the machine and the timing came from, and shows hazards beside BUSY', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--designs',
      'v6,mod:16,module-only'
    )
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    // The SPR log has no SRAT CPU affinity lines: the default machine, and the line says so.
    expect(lines[2]).toBe(
      "  machine: 2 sockets × 56 CPUs (default: the list measurement's 2 sockets of a Xeon 8480C (the log has no SRAT CPU affinity lines))"
    )
    expect(lines[3]).toBe(
      '  timing (modelled): TD start jitter 100 ms, vCPU start jitter 100 µs, service-time CV 0.3'
    )
    const head = lines.find((l) => l.startsWith('design '))!
    expect(head.endsWith('BUSY  retries  failed  hazards')).toBe(true)
    expect(lines.some((l) => l.startsWith('mod:16 '))).toBe(true)
  })

  it('runs the synchronized storm preset in lockstep unless a timing option says otherwise', async () => {
    const base = [
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--preset',
      'synchronized-boot-storm',
      '--designs',
      'v6',
      '--json'
    ]
    const storm = JSON.parse((await cli(...base)).stdout)
    expect(storm.report.settings).toMatchObject({ tdStartJitterNs: 0, vcpuStartJitterNs: 0 })
    expect(storm.report.settings.costs.serviceCv).toBe(0)
    const own = JSON.parse(
      (await cli(...base, '--cost', 'serviceCv=0.5', '--vcpu-start-jitter', '2000')).stdout
    )
    expect(own.report.settings).toMatchObject({ tdStartJitterNs: 0, vcpuStartJitterNs: 2000 })
    expect(own.report.settings.costs.serviceCv).toBe(0.5)
    expect(own.report.machine).toMatchObject({ sockets: 2, cpusPerSocket: 56, source: 'default' })
  })

  it('--seeds 3 runs seeds 1, 2, 3: JSON outcomes carry min ≤ median ≤ max, the text a median line', async () => {
    const base = [
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--designs',
      'v6',
      '--seeds',
      '3'
    ]
    const json = await cli(...base, '--json')
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout).report
    // The scenario file sets no seed: the schema's default 1, then 2 and 3.
    expect(report.seeds).toEqual([1, 2, 3])
    expect(report.settings.seeds).toBe(3)
    const spread = report.outcomes[0].spread
    for (const m of ['contended', 'totalWaitNs', 'p99AddedNs', 'busy', 'hazards', 'lostRaces']) {
      expect(spread[m].min).toBeLessThanOrEqual(spread[m].median)
      expect(spread[m].median).toBeLessThanOrEqual(spread[m].max)
    }
    const text = await cli(...base)
    expect(text.code).toBe(0)
    const lines = text.stdout.split('\n')
    const over = lines.indexOf(
      "over 3 seeds (1, 2, 3): median [min–max]; the rows above are seed 1's"
    )
    expect(over).toBeGreaterThan(0)
    const row = lines.slice(over).find((l) => l.startsWith('v6 '))!
    const c = spread.contended
    expect(row).toContain(`${c.median} [${c.min}–${c.max}]`)
  })

  it('without --seeds runs one seed and reports no spread', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--designs',
      'v6',
      '--json'
    )
    const report = JSON.parse(r.stdout).report
    expect(report.seeds).toEqual([1])
    expect(report.outcomes[0].spread).toBeUndefined()
  })

  it('rejects 51 seeds with one line', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--seeds',
      '51'
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('--seeds must be at most 50 (got 51)\n')
  })

  it('rejects a negative jitter with one line', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--td-start-jitter',
      '-5'
    )
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('must be a number of nanoseconds, 0 or more')
  })

  it('prints the -x , CSV with raw nanoseconds', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--designs',
      'hashed:16',
      '--csv'
    )
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe('# output: contended, total wait, max wait, avg wait, type, caller')
    expect(lines[1]).toBe('# design: hashed:16, demote: lock-around')
    expect(lines[2]).toMatch(/^\d+, \d+, \d+, \d+, spinlock, /)
  })

  it('replays a trace open-loop', async () => {
    const trace = tempFile(
      't.csv',
      [
        't_ns,ev,pfn,level,n,cpu,td',
        '0,get,0x100000,4k,1,0,1',
        '10,get,0x100200,4k,1,1,1',
        '20,put,0x100000,4k,1,0,1'
      ].join('\n')
    )
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--trace',
      trace,
      '--designs',
      'v6',
      '--csv'
    )
    // Two 0->1 gets 10 ns apart: the second waits for the first's PAMT.ADD; then a 1->0 put waits too.
    expect(r.stdout.split('\n')[2]).toMatch(/^2, /)
  })

  it('rejects an unknown design or cost', async () => {
    const bad = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--designs',
      'v7'
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      'a design is v6, always-lock, per-2m, hashed:N, mod:N (N locks, a whole number from 1 to 999999) or module-only'
    )
    const cost = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--scenario',
      smallScenario(),
      '--cost',
      'warpNs=1'
    )
    expect(cost.code).not.toBe(0)
    expect(cost.stderr).toContain('unknown cost "warpNs"')
  })
})

describe('pamt-planner analyze: TDX module parameter set', () => {
  const gappy = hostFixturePath('tdx-spr-gappy-cmrs-tdx10-fail.txt')
  const spr = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')

  it('--json and the report name the set the log implies', async () => {
    const json = JSON.parse((await cli('analyze', gappy, '--json')).stdout)
    expect(json.moduleParamSet).toMatchObject({
      id: '1.0',
      source: 'log',
      versionLine: '1.0 build 457 (20230206)'
    })
    // TDX 1.0: 4 TDCS pages × 4096 B.
    expect(json.params.tdcsBaseBytes).toBe(16_384)
    const report = (await cli('analyze', gappy)).stdout
    expect(report).toContain(
      '  TDX module parameters: TDX module 1.0, from the log: module version 1.0 build 457 (20230206)'
    )
  })

  it('--module overrides the set; --param still wins over it', async () => {
    const r = await cli('analyze', spr, '--json', '--module', 'dpamt', '--param', 'maxTdmrs=32')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.moduleParamSet).toMatchObject({
      id: 'dpamt',
      source: 'user',
      impliedId: '1.5',
      overridden: ['maxTdmrs']
    })
    // Dynamic PAMT module: 9 TDCS pages × 4096 B; max_tdmrs from --param.
    expect(json.params).toMatchObject({ tdcsBaseBytes: 36_864, maxTdmrs: 32 })
    // PAMT entry sizes are 16 B in every set: the kernel-exact static PAMT is unchanged.
    expect(json.staticPamt.kb).toBe(1_050_636)
    const report = (await cli('analyze', spr, '--module', '1.0')).stdout
    expect(report).toContain(
      '  TDX module parameters: TDX module 1.0, chosen: the log implies TDX module 1.5'
    )
  })

  it('rejects an unknown set with a usage error', async () => {
    const r = await cli('analyze', spr, '--module', '2.0')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("'2.0' is invalid")
  })
})
