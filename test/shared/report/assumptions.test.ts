import { describe, expect, it } from 'vitest'
import { buildAssumptionsSection } from '@shared/report/assumptions'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import type { ReportTable } from '@shared/report/reportBlocks'
import { fixtureHost } from '../../support/testHosts'

describe('modelled assumptions', () => {
  it('lists every contention cost with the value used and the code’s default, marked modelled', () => {
    const settings = contentionSettingsSchema.parse({ costs: { pamtAddNs: 6000 } })
    const s = buildAssumptionsSection({ hosts: [], scenario: null, contention: settings })
    const t = s.blocks.find(
      (b) => b.kind === 'table' && b.title === 'Contention model'
    ) as ReportTable
    for (const [k, v] of Object.entries(DEFAULT_CONTENTION_COSTS)) {
      const row = t.rows.find((r) => r[0] === `costs.${k}`)
      expect(row, k).toBeDefined()
      expect(row![2]).toBe(v)
    }
    // The value used is the request's: 6000 set here, against the default 4000.
    expect(t.rows.find((r) => r[0] === 'costs.pamtAddNs')!.slice(1, 3)).toEqual([6000, 4000])
    expect(new Set(t.rowMarks)).toEqual(new Set(['modelled']))
  })

  it('marks the kernel rules kernel-exact and the host model’s choices modelled', () => {
    const a = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const s = buildAssumptionsSection({ hosts: [a], scenario: null, contention: null })
    const [rules, host] = s.blocks as ReportTable[]
    expect(new Set(rules!.rowMarks)).toEqual(new Set(['kernel-exact']))
    expect(new Set(host!.rowMarks)).toEqual(new Set(['modelled']))
    // Defaults of the host model: holes from memory blocks (e820), first-candidate placement.
    expect(host!.rows.find((r) => r[0] === 'hole source')!.slice(1, 3)).toEqual(['e820', 'e820'])
    expect(host!.rows.find((r) => r[0] === 'PAMT placement')!.slice(1, 3)).toEqual([
      'first-candidate',
      'first-candidate'
    ])
  })
})
