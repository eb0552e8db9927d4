import { describe, expect, it } from 'vitest'
import { hostFixturePath } from '../../support/fixtures'
import { cli, tempFile } from '../../support/cli'

describe('pamt-planner contention --sensitivity', () => {
  /** Two 256 MiB TDs of 2 vCPUs that end after 0.5 s: 31 points of 2 designs stay small. */
  const scenario = (): string =>
    tempFile(
      'tiny.json',
      JSON.stringify({
        name: 'tiny',
        durationNs: 2e9,
        tdClasses: [{ name: 'td', count: 2, memoryBytes: 2 ** 28, vcpus: 2, lifetimeNs: 5e8 }]
      })
    )
  const args = (...more: string[]): string[] => [
    'contention',
    '--host',
    hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
    '--scenario',
    scenario(),
    '--designs',
    'v6,module-only',
    '--sensitivity',
    ...more
  ]

  it('--json carries report.sensitivity: every parameter, its ends, each design, the verdicts', async () => {
    const r = await cli(...args('--json'))
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout).report
    expect(report.settings.sensitivity).toBe(true)
    const s = report.sensitivity
    // The scenario does not demote: 15 costs − demoteNs + the kernel window = 15 parameters.
    expect(s.parameters).toHaveLength(15)
    expect(s.skipped).toEqual([{ parameter: 'demoteNs', reason: expect.any(String) }])
    const add = s.parameters.find((p: { parameter: string }) => p.parameter === 'pamtAddNs')
    // Default 4000 ns: ¼× = 1000, 4× = 16000.
    expect(add).toMatchObject({ base: 4000, low: 1000, high: 16000 })
    expect(Object.keys(add.perDesign)).toEqual(['v6', 'module-only'])
    expect(Object.keys(add.perDesign.v6.low)).toEqual([
      'contended',
      'totalWaitNs',
      'p99AddedNs',
      'hazards',
      'lostRaces'
    ])
    // module-only has no kernel lock: 0 contentions at either end.
    expect(add.perDesign['module-only'].high.contended).toEqual({ min: 0, median: 0, max: 0 })
    expect(typeof add.rankingHolds === 'boolean' || add.rankingHolds === null).toBe(true)
    expect(Array.isArray(s.conclusions)).toBe(true)
  })

  it('the text report has a line per parameter and the conclusions in words', async () => {
    const r = await cli(...args())
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines.some((l) => l.startsWith('sensitivity: each parameter alone at ¼× and 4×'))).toBe(
      true
    )
    const add = lines.find((l) => l.startsWith('pamtAddNs '))!
    expect(add).toMatch(
      /^pamtAddNs +1,000 ns–16,000 ns +\d+ \/ \d+ \/ \d+ +0 \/ 0 \/ 0 +(yes|no|—) +(yes|no|—)$/
    )
    expect(lines.some((l) => /^kernelWindowRegions +2 regions–32 regions /.test(l))).toBe(true)
    expect(lines.some((l) => l.startsWith('skipped demoteNs: the scenario does not demote'))).toBe(
      true
    )
    expect(lines.some((l) => /^robust conclusions \(\d+\):$/.test(l))).toBe(true)
    expect(lines.some((l) => /^fragile conclusions \(\d+\):$/.test(l))).toBe(true)
  })

  it('--csv is unaffected: perf’s rows only', async () => {
    const r = await cli(...args('--csv'))
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('sensitivity')
    expect(r.stdout.split('\n')[0]).toBe(
      '# output: contended, total wait, max wait, avg wait, type, caller'
    )
  })

  it('refuses always-lock on the calibration preset before running, naming the points', async () => {
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--preset',
      'calibration-10x16g',
      '--designs',
      'always-lock',
      '--sensitivity'
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/\(1 design × 31 sensitivity points\) would take about/)
    expect(r.stderr).toMatch(/always-lock costs the most/)
  })

  it('a trace replay has no sensitivity: a usage error', async () => {
    const trace = tempFile('t.trace', '')
    const r = await cli(
      'contention',
      '--host',
      hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'),
      '--trace',
      trace,
      '--sensitivity'
    )
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('--sensitivity needs --scenario or --preset')
  })
})
