import { beforeAll, describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { contentionSettingsSchema, runContention } from '@shared/model/contention/runContention'
import { contentionPresetScenario } from '@shared/model/workload/presets'
import { readHostFixture } from '../../../support/fixtures'

/**
 * hashed:N hashes the region (hash_64) so the table size barely matters, while mod:N aliases: the
 * calibration's 40 vCPUs each walk their own 2048 consecutive regions, so at any moment their
 * regions differ by multiples of 2048, and region mod 64 is then the same lock for all of them
 * whenever they walk in step. Calibration preset, default settings, seeds 1..3 (the scenario seed
 * drives arrivals, jitter and service times), medians of the contended acquisitions.
 */
const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
const SEEDS = [1, 2, 3]
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

describe('hashed:64, hashed:63 and mod:64 on the calibration preset', () => {
  const contended: Record<string, number[]> = { 'hashed:64': [], 'hashed:63': [], 'mod:64': [] }
  beforeAll(() => {
    const imported = importHostText(readHostFixture(FIXTURE), FIXTURE)
    if (!imported.ok) throw new Error(imported.error.message)
    const host = analyzeHost(imported.host)
    const settings = contentionSettingsSchema.parse({
      designs: ['hashed:64', 'hashed:63', 'mod:64']
    })
    for (const seed of SEEDS) {
      const scenario = { ...contentionPresetScenario('calibration-10x16g')!, seed }
      for (const o of runContention(host, scenario, settings).outcomes)
        contended[o.design]!.push(o.locks[0]!.contended)
    }
  })

  it('hashed:64 and hashed:63 agree within seed noise (medians within a factor of 2)', () => {
    // A table of 63 or 64 locks spreads the same ~165 000 acquisitions evenly either way; the
    // contention left is the chance that two of 40 independent vCPUs meet on one of ~64 locks.
    const ratio = median(contended['hashed:64']!) / median(contended['hashed:63']!)
    expect(ratio).toBeGreaterThan(0.5)
    expect(ratio).toBeLessThan(2)
  })

  it('mod:64 aliases: its median is over three times hashed:64’s', () => {
    expect(median(contended['mod:64']!)).toBeGreaterThan(3 * median(contended['hashed:64']!))
  })
})
