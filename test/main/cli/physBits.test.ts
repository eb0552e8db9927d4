import { describe, expect, it } from 'vitest'
import { hostFixturePath } from '../../support/fixtures'
import { cli } from '../../support/cli'

const SPR = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')

describe('pamt-planner analyze --phys-bits', () => {
  it('uses the given x86_phys_bits for the Dynamic PAMT check and says so', async () => {
    const r = await cli('analyze', SPR, '--json', '--phys-bits', '52')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.physAddrBits).toMatchObject({ bits: 52, kind: 'exact', source: 'parameter' })
    expect(json.problems).toEqual([
      expect.objectContaining({
        code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
        severity: 'warning',
        message: expect.stringContaining('x86_phys_bits is 52 (the physAddrBits parameter)')
      })
    ])
  })

  it('without it, bounds the value from the log (KeyID range [64, 128): at most 45)', async () => {
    const r = await cli('analyze', SPR)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'x86_phys_bits (Dynamic PAMT needs ≤ 48): at most 45 (MAXPHYADDR ≤ 52 less at least 7 KeyID bits (TDX private KeyID range [64, 128)))'
    )
  })

  it('refuses a value outside 32-52 and a non-number, naming the option', async () => {
    const high = await cli('analyze', SPR, '--phys-bits', '53')
    expect(high.code).toBe(2) // EXIT_USAGE
    expect(high.stderr).toBe('--phys-bits must be at most 52 (got 53)\n')
    const word = await cli('analyze', SPR, '--phys-bits', 'many')
    expect(word.code).toBe(2)
    expect(word.stderr).toMatch(/--phys-bits/)
  })
})
