import { describe, expect, it } from 'vitest'
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
