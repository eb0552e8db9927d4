import { describe, expect, it } from 'vitest'
import { hostFixturePath } from '../../support/fixtures'
import { cli, tempFile } from '../../support/cli'

/**
 * Options are named, refused and explained in the user's words (issue 13, "Units and names, the
 * same everywhere"): module parameters by the kernel names the app shows, bounds as "must be at
 * most", no "(default: {})" in --help, and one exit code (2) for every value out of range.
 */
const SPR = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')

describe('pamt-planner option messages', () => {
  it('accepts a module parameter by the kernel name the app shows (max_tdmrs)', async () => {
    const byName = await cli('analyze', SPR, '--param', 'max_tdmrs=8', '--json')
    const byKey = await cli('analyze', SPR, '--param', 'maxTdmrs=8', '--json')
    expect(byName.code).toBe(0)
    expect(byName.stdout).toBe(byKey.stdout)
    expect(JSON.parse(byName.stdout).params.maxTdmrs).toBe(8)
  })

  it('names the option and its bound, with the value given', async () => {
    const bits = await cli('analyze', SPR, '--phys-bits', '99')
    expect([bits.code, bits.stderr]).toEqual([2, '--phys-bits must be at most 52 (got 99)\n'])
    const param = await cli('analyze', SPR, '--param', 'max_tdmrs=0')
    expect([param.code, param.stderr]).toEqual([
      2,
      '--param max_tdmrs must be at least 1 (got 0)\n'
    ])
    const sockets = await cli(
      'contention',
      '--host',
      SPR,
      '--preset',
      'one-16g-td',
      '--sockets',
      '99'
    )
    expect([sockets.code, sockets.stderr]).toEqual([2, '--sockets must be at most 16 (got 99)\n'])
  })

  it('says that hashed:N needs N of at least 1', async () => {
    const r = await cli(
      'contention',
      '--host',
      SPR,
      '--preset',
      'one-16g-td',
      '--designs',
      'hashed:0'
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      '--designs "hashed:0": a design is v6, always-lock, per-2m, hashed:N, mod:N (N locks, a whole number from 1 to 999999) or module-only\n'
    )
  })

  it('prints no "(default: {})" in any command’s help', async () => {
    for (const command of ['analyze', 'simulate', 'contention']) {
      const r = await cli(command, '--help')
      expect(r.code).toBe(0)
      expect(r.stdout).not.toContain('(default: {})')
    }
  })
})

describe('pamt-planner: a scenario file’s shares are fractions, and the error says so', () => {
  it('refuses share2m 50 naming the field, its unit and the value', async () => {
    const path = tempFile(
      'percent-by-mistake.json',
      JSON.stringify({
        name: 'x',
        tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1, share2m: 50 }]
      })
    )
    const r = await cli('simulate', '--host', SPR, '--scenario', path)
    expect(r.code).toBe(1)
    // The schema's maximum, 1, is 100 % of the TD's memory.
    expect(r.stderr).toBe(
      'percent-by-mistake.json: tdClasses.0.share2m must be at most 1 (a fraction: 1 = 100 %); got 50\n'
    )
  })
})
