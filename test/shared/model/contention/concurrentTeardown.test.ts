import { beforeAll, describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import type { ContentionOutcome } from '@shared/model/contention/simulateContention'
import { contentionSettingsSchema, runContention } from '@shared/model/contention/runContention'
import { contentionPresetScenario } from '@shared/model/workload/presets'
import { readHostFixture } from '../../../support/fixtures'

/**
 * SEED003's question, "Contend heavily when two TD's shutting down at the same time?", as the
 * preset `two-td-shutdown`: two 16 GiB TDs (8 vCPUs each, 4K) on a fragmented host (f = 0.5: 23
 * pages per region visit, so a TD's region holds about 64 of its pages), started together, ending
 * together at 10 s after faulting in (about 7 s), on the SPR host. Default settings, v6.
 */
const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'

describe('two TDs tearing down at once', () => {
  let v6: ContentionOutcome
  beforeAll(() => {
    const imported = importHostText(readHostFixture(FIXTURE), FIXTURE)
    if (!imported.ok) throw new Error(imported.error.message)
    v6 = runContention(
      analyzeHost(imported.host),
      contentionPresetScenario('two-td-shutdown')!,
      contentionSettingsSchema.parse({ designs: ['v6'] })
    ).outcomes[0]!
  })

  it('both VMM threads put at the same time: teardown starts after the faults end', () => {
    // The faults end before 10 s; teardown: 4 Mi PAGE.REMOVEs of 3 µs per TD, 12.6 s or more.
    expect(v6.faultSpanNs).toBeLessThan(10e9)
    expect(v6.teardownSpanNs).toBeGreaterThan(12e9)
  })

  it('shows put contention: over a thousand tdx_pamt_put waits', () => {
    // Estimate by hand: each VMM empties a region every ~64 puts of ~3 µs (≈ 196 µs) and holds
    // pamt_lock ~3.05 µs for its PAMT.REMOVE, a share of 1.6 %; with independent phases, each of
    // the 2 × ~65 000 REMOVEs finds the other VMM holding the lock 1.6 % of the time: ~2000.
    // Half of that is the bound.
    expect(v6.locks[0]!.contendedByCaller['tdx_pamt_put']).toBeGreaterThan(1000)
    expect(v6.pamtRemoves).toBeGreaterThan(2 * 60_000)
  })
})
