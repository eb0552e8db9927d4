import { describe, expect, it } from 'vitest'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { WORK_LIMITS, estimateContentionWork } from '@shared/model/workEstimate'
import { scenarioSchema } from '@shared/model/workload/scenario'

const GiB = 2 ** 30
const host = { tdxMemoryBytes: 256 * GiB, params: TDX_MODULE_1_5_PARAMS }

/** The calibration preset's TDs: 10 × 16 GiB, 4 vCPUs, all 4K, shut down at 15 s; no DEMOTE. */
const calibration = scenarioSchema.parse({
  name: 'calibration',
  durationNs: 40e9,
  tdClasses: [{ name: 'td', count: 10, memoryBytes: 16 * GiB, vcpus: 4, lifetimeNs: 15e9 }]
})

const estimate = (input: Record<string, unknown>): ReturnType<typeof estimateContentionWork> =>
  estimateContentionWork(calibration, host, contentionSettingsSchema.parse(input))

describe('contention work with a sensitivity', () => {
  it('is the sum of the 31 points, each with its own costs: the base, then each end', () => {
    // Without DEMOTE: 14 costs (demoteNs skipped) at ¼× and 4× their defaults, and the kernel
    // window (2 and 32 regions, which the estimate does not depend on): 1 + 2 × 15 = 31 points.
    // Listed by hand from costs.ts's defaults.
    const costs: Array<[string, number]> = [
      ['pamtAddNs', 4000],
      ['pamtRemoveNs', 3000],
      ['augNs', 5000],
      ['pageRemoveNs', 3000],
      ['atomicNs', 20],
      ['lockHoldExtraNs', 50],
      ['handoffSameSocketNs', 100],
      ['handoffCrossSocketNs', 400],
      ['pageAllocNs', 250],
      ['pageFreeNs', 150],
      ['faultOutsideNs', 8000],
      ['busyBackoffNs', 1000],
      ['busyFailNs', 300],
      ['serviceCv', 0.3]
    ]
    const designs = ['v6', 'per-2m']
    let sum = estimate({ designs }).units
    for (const [key, value] of costs)
      for (const v of [value / 4, value * 4])
        sum += estimate({ designs, costs: { [key]: v } }).units
    for (const w of [2, 32]) sum += estimate({ designs, kernelWindowRegions: w }).units
    const e = estimate({ designs, sensitivity: true })
    expect(e.units).toBe(sum)
    // Costs only change the retry term, so the whole is about 31 plain runs (here within 5 %).
    expect(e.units / estimate({ designs }).units).toBeGreaterThan(31 * 0.95)
    expect(e.limit).toBe(WORK_LIMITS.sensitivityEvents)
  })

  it('allows the form’s default designs with 5 seeds on the calibration preset', () => {
    const e = estimate({
      designs: ['v6', 'per-2m', 'hashed:64', 'module-only'],
      seeds: 5,
      sensitivity: true
    })
    expect(e.refusal).toBeNull()
  })

  it('refuses always-lock, naming the sensitivity points and how to shrink the run', () => {
    const e = estimate({ designs: ['always-lock'], sensitivity: true })
    expect(e.refusal).toMatch(
      /^this contention run \(1 design × 31 sensitivity points\) would take about [\d.]+ billion simulation events, more than the limit of 3\.5 billion/
    )
    expect(e.refusal).toMatch(/pick fewer designs or seeds/)
    expect(e.refusal).toMatch(/always-lock costs the most\.$/)
  })

  it('names seeds and points together', () => {
    const e = estimate({ seeds: 3, sensitivity: true })
    // Five default designs (always-lock among them) × 3 seeds × 31 points.
    expect(e.refusal).toMatch(/\(5 designs × 3 seeds × 31 sensitivity points\)/)
  })

  it('without a sensitivity the plain limit applies', () => {
    expect(estimate({ designs: ['v6'] }).limit).toBe(WORK_LIMITS.contentionEvents)
  })
})
