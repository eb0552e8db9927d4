import { describe, expect, it } from 'vitest'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { capacityCaveat, capacitySentence } from '@shared/charts/workload/capacityText'
import {
  scaleScenarioToHost,
  scenarioCapacity,
  tdFootprintBytes
} from '@shared/model/workload/capacity'
import { presetScenario } from '@shared/model/workload/presets'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { fixtureHost, GiB, MiB } from '../../../support/testHosts'

const P = TDX_MODULE_1_5_PARAMS
const spr = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')

describe('a TD’s footprint: guest memory plus its control and S-EPT pages', () => {
  it('16 GiB of 4K pages, 4 vCPUs: 16 GiB + (31 + 8209) pages', () => {
    const cls = presetScenario('ten-16g-no-hugepages')!.tdClasses[0]!
    // 31 control = 1 TDR + 6 TDCS + 4 × (1 TDVPR + 5 TDCX); 8209 S-EPT = 8192 PT + 16 PD + 1 PDPT.
    expect(tdFootprintBytes(cls, P)).toBe(16 * GiB + 8240 * 4096)
  })
})

describe('the capacity check before running', () => {
  it('says how many TDs fit, in TDs and GiB', () => {
    // 7 × 32 GiB TDs on the SPR host (255.33 GiB): each holds 32 GiB + kernel pages, so 7 fit
    // (≈ 224.1 GiB) and an 8th (≈ 256.1 GiB) does not.
    const s = scenarioSchema.parse({
      name: 'eight',
      tdClasses: [{ name: '32 GiB', count: 8, memoryBytes: 32 * GiB, vcpus: 4 }]
    })
    const c = scenarioCapacity(s, spr.tdxMemoryBytes, spr.params)
    expect(c).toMatchObject({ tdsRequested: 8, tdsStarted: 7, fits: false })
    expect(capacitySentence(c)).toBe('7 of 8 TDs fit (224 GiB of 256 GiB; 255.33 GiB TDX memory)')
    expect(capacityCaveat(c)).toBe(
      '1 of 8 TDs do not fit and were not started: 32.00 GiB of TD memory left out. Every figure is for the 7 TDs that started.'
    )
  })

  it('says so plainly when everything fits', () => {
    const c = scenarioCapacity(presetScenario('one-16g-td')!, spr.tdxMemoryBytes, spr.params)
    expect(capacitySentence(c)).toBe('All 1 TD fit (16 GiB of 255.33 GiB TDX memory)')
    expect(capacityCaveat(c)).toBeNull()
  })
})

describe('scaling a scenario to the host', () => {
  it('halves a TD larger than the host until it fits: 704 GiB → 352 → 176 GiB on 255 GiB', () => {
    const big = presetScenario('guest-704g-1g-pages')!
    const scaled = scaleScenarioToHost(big, spr.tdxMemoryBytes, spr.params)!
    // 352 GiB is above 95 % of 255.33 GiB; 176 GiB is below. 1G-backed: whole GiB kept.
    expect(scaled.tdClasses[0]!.memoryBytes).toBe(176 * GiB)
    expect(scaled.tdClasses[0]!.count).toBe(1)
    expect(scaled.name).toBe(`${big.name} (scaled to this host)`)
    expect(scenarioCapacity(scaled, spr.tdxMemoryBytes, spr.params).fits).toBe(true)
  })

  it('shrinks counts in proportion, then one TD at a time', () => {
    // 20 × 16 GiB at once need 20 × 16.03 GiB = 320.6 GiB; 95 % of 255.33 GiB is 242.6 GiB:
    // ⌊20 · 242.6 / 320.6⌋ = 15 TDs (240.5 GiB), which fit.
    const s = scenarioSchema.parse({
      name: 'twenty',
      tdClasses: [{ name: '16 GiB', count: 20, memoryBytes: 16 * GiB, vcpus: 4 }]
    })
    const scaled = scaleScenarioToHost(s, spr.tdxMemoryBytes, spr.params)!
    expect(scaled.tdClasses[0]!.count).toBe(15)
    expect(scaled.tdClasses[0]!.memoryBytes).toBe(16 * GiB)
  })

  it('leaves a scenario that fits alone, and gives up when not even 2 MiB fits', () => {
    expect(scaleScenarioToHost(presetScenario('one-16g-td')!, spr.tdxMemoryBytes, P)).toBeNull()
    const s = scenarioSchema.parse({
      name: 'tiny host',
      tdClasses: [{ name: 'td', count: 1, memoryBytes: 4 * MiB, vcpus: 1, imageBytes: 0 }]
    })
    // A 1 MiB "host": even a 2 MiB TD cannot fit.
    expect(scaleScenarioToHost(s, MiB, P)).toBeNull()
  })
})
