import { beforeAll, describe, expect, it } from 'vitest'
import type { CalibrationFitRun } from '@shared/api/contract'
import { formatCalibrationReport } from '@shared/report/text/formatCalibrationReport'
import { hostFixturePath } from '../../support/fixtures'
import { cli, type CliRun } from '../../support/cli'

/**
 * `pamt-planner calibrate` (docs/contention-model.md, "Checks → Calibration"), at its cheapest:
 * one seed, two scales, two evaluations each: (2 + 1) × 2 = 6 runs of v6 on the calibration preset
 * (about 1 M events each), once for the file: the text report is the same run through the
 * formatter the command prints with. The values are the model's own output; the checks are the
 * shape and the wording, not the numbers. The limits are generous for a loaded 2-core machine.
 */
const SPR = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')
const CHEAP = ['--seeds', '1', '--points', '2', '--evaluations', '2']

describe('pamt-planner calibrate', { timeout: 60_000 }, () => {
  let r: CliRun
  beforeAll(async () => {
    r = await cli('calibrate', '--host', SPR, ...CHEAP, '--json')
  }, 60_000)

  it('prints the whole fit as JSON: fitted values with ranges, residuals, the three lists', () => {
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const run = JSON.parse(r.stdout)
    expect(run.hostName).toBe('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const report = run.report
    expect(report).toMatchObject({
      design: 'v6',
      seeds: [1],
      options: { seeds: 1, points: 2, evaluationsPerPoint: 2 },
      maxRuns: 6,
      machine: { sockets: 2, cpusPerSocket: 56, source: 'default' }
    })
    expect(report.runs).toBeLessThanOrEqual(6)
    expect(['fitted', 'wait-out-of-band', 'count-unreachable']).toContain(report.fit.status)
    for (const key of ['scale', 'pamtAddNs', 'pamtRemoveNs', 'faultOutsideNs'])
      expect(Object.keys(report.fit[key]).sort()).toEqual(['high', 'low', 'value'])
    // The list's numbers are the targets: 1136 contentions, 2-4 ms (dpamt-model.md §3.3).
    expect(report.fit.target).toMatchObject({
      contended: 1136,
      waitLowNs: 2e6,
      waitHighNs: 4e6,
      startup: 701,
      shutdown: 53
    })
    expect(report.fit.curve).toHaveLength(2)
    expect(report.residuals.contended.measured).toBe(1136)
    expect(report.residuals.contended.residual.median).toBe(
      report.residuals.contended.model.median - 1136
    )
    // Five checks (count, wait, split, lost races, span), each matched or not.
    expect(report.matched.length + report.unmatched.length).toBe(5)
    expect(report.dependsOn.length).toBeGreaterThanOrEqual(8)
    // Costs are modelled, not measured: the SEAMCALL ratio is kept whatever the scale.
    expect(report.fit.pamtRemoveNs.value / report.fit.pamtAddNs.value).toBeCloseTo(0.75, 9)
  })

  it('prints the fitted values, the residuals and the three lists as text', () => {
    // What `calibrate` without --json prints for this run (cli.ts: formatCalibrationReport).
    const text = formatCalibrationReport(JSON.parse(r.stdout) as CalibrationFitRun)
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^Calibration fit: v6 on Calibration: 10 TDs x 16 GB/)
    expect(lines).toContain(
      '  measured (dpamt-model.md §3.3): 1,136 contentions (2025-08-13); total wait 2.00 ms (2025-08-11) to 4.00 ms (2025-08-13), fitted at 3.00 ms'
    )
    expect(text).toMatch(/\n {2}pamtAddNs +[\d,]+ ns {3}/)
    expect(text).toMatch(/\n {2}contentions \(fitted\) +[\d,]+/)
    for (const heading of [
      'matched:',
      'did not match:',
      'the fit depends on (held at these values):'
    ])
      expect(lines).toContain(heading)
    expect(text).toMatch(
      /\nwork: \d runs of v6 \(at most 6: \(2 points \+ 1\) × 2 evaluations × 1 seed\)/
    )
  })

  it('refuses a host the calibration TDs do not fit, in one line, exit 1', async () => {
    const refused = await cli(
      'calibrate',
      '--host',
      hostFixturePath('laptop-dell-xps13-9370-16g.txt'),
      '--json'
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(
      /^the calibration scenario does not fit this host: 0 of 10 TDs fit/
    )
  })

  it('refuses seeds, points or evaluations out of range as a usage error', async () => {
    const usage = await cli('calibrate', '--host', SPR, '--seeds', '11')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/^invalid seeds: /)
    expect((await cli('calibrate', '--host', SPR, '--points', '1')).code).toBe(2)
    expect((await cli('calibrate', '--host', SPR, '--evaluations', '0')).code).toBe(2)
    expect((await cli('calibrate', '--host', SPR, '--cost', 'nope=1')).code).toBe(2)
  })
})
