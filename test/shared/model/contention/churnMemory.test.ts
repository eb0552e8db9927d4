import { describe, expect, it } from 'vitest'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import { simulateContention } from '@shared/model/contention/simulateContention'
import { presetScenario } from '@shared/model/workload/presets'
import { WorkBudget } from '@shared/model/workLimits'
import { fixtureHost } from '../../../support/testHosts'
import { simulateTiny } from './support'

/**
 * A TD admitted because an earlier one ended reuses that TD's memory, as the admission check
 * counts it (capacity.ts admitTds). Before this was modelled the contention model placed every
 * started TD's memory up front and never gave any back: on a churning scenario (mixed-fleet-churn,
 * seeds 2 and 3) later TDs started with no memory, and every kernel page then walked the whole
 * exhausted pool, so the run never finished.
 *
 * The tiny host is 1 GiB: 512 regions of 2 MiB. Each TD is 768 MiB of 4K-mapped memory = 384
 * regions = 196,608 pages, so two cannot be placed side by side (768 regions > 512). The first
 * lives 100 µs; the second starts 500 µs after it (staggered), when the first has ended.
 */
describe('TD memory under churn', () => {
  it('gives an ended TD’s memory to the TD that starts after it', () => {
    const o = simulateTiny(
      [
        {
          name: 'td',
          count: 2,
          memoryBytes: 768 * 2 ** 20,
          imageBytes: 0,
          vcpus: 1,
          lifetimeNs: 100e3,
          arrival: { mode: 'staggered', startNs: 0, intervalNs: 500e3 }
        }
      ],
      'v6'
    )
    // Every guest page of both TDs is faulted in: 2 × 196,608. Without the give-back the second
    // TD got only what the first left, 512 − 384 regions less the kernel's, under 65,536 pages.
    expect(o.faults).toBe(2 * 196_608)
  })
})

describe('a churning preset with DEMOTE', () => {
  it('finishes per-2m on mixed-fleet-churn without a DEMOTE retrying BUSY forever', () => {
    // Seed 1 of the preset, per-2m, lock-around. When an ended TD's regions went back to the pool
    // during the run, the kernel page window drew a DEMOTE's pair pages from the very region it
    // demoted (the ended TD's vCPU was still demoting): the module refuses a pair page inside the
    // exclusive target, so it retried TDX_OPERAND_BUSY ~17.8 million times and passed any event
    // limit. The run is ~14 M events (the model's own count); 40 M is a bound with room.
    const host = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const scenario = presetScenario('mixed-fleet-churn', host.tdxMemoryBytes)!
    const settings = { ...contentionSettingsSchema.parse({}), sockets: 2, cpusPerSocket: 56 }
    const budget = new WorkBudget(40e6, 'simulation events', 'test bound')
    const o = simulateContention(
      host,
      scenario,
      'per-2m',
      'lock-around',
      settings,
      undefined,
      budget
    )
    expect(o.demotes).toBeGreaterThan(0)
    // BUSY retries come from real conflicts only: tens, not millions (the model's own output: 44-47
    // over seeds 1-3 before the give-back counted as used).
    expect(o.retries).toBeLessThan(1000)
  })
})
