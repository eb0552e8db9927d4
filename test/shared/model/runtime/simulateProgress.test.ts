import { describe, expect, it } from 'vitest'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { VISITS_PER_REPORT } from '@shared/model/runtime/countingSink'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { estimateSimulationWork } from '@shared/model/workEstimate'
import { syntheticHost } from '../../../support/testHosts'

const GiB = 2 ** 30

describe('simulation progress', () => {
  // 64 GiB of RAM at [4 GiB, 68 GiB); 3 TDs of 16 GiB at fragmentation 0.5: each 4K visit takes
  // round(512^0.5) = 23 pages, so 48 GiB / 4 KiB / 23 ≈ 547 k guest visits for the gets and as
  // many for the puts: about 1.1 M visits, some 16 reports of VISITS_PER_REPORT (65,536) in the
  // main run, and as many in its one placement repeat ('interleaved'; at f > 0 'scattered' is the
  // same run as 'separate').
  const host = syntheticHost('progress', [{ base: 4 * GiB, end: 68 * GiB }])
  const scenario = scenarioSchema.parse({
    name: 'progress',
    durationNs: 10e9,
    host: { fragmentation: 0.5 },
    tdClasses: [{ name: 'td', count: 3, memoryBytes: 16 * GiB, vcpus: 2, lifetimeNs: 5e9 }]
  })

  it('moves forward only, in many steps, through the main run and its placement repeat, and ends at 1', () => {
    const seen: number[] = []
    const expected = estimateSimulationWork(scenario, host).units
    const r = simulateScenario(host, scenario, undefined, {
      progress: { onProgress: (f) => seen.push(f), expectedRegionVisits: expected }
    })
    expect(r.placementRange?.computed).toBe(true)
    expect(seen.length).toBeGreaterThan(20)
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!)
    expect(seen[seen.length - 1]).toBe(1)
    // Two shares (main run, one repeat): the main run reports up to 1/2, then the repeat.
    expect(seen).toContain(0.5)
    expect(seen.filter((f) => f < 0.5).length).toBeGreaterThan(5)
    expect(seen.filter((f) => f > 0.5 && f < 1).length).toBeGreaterThan(5)
    // The estimate is an upper bound on the main run's visits, so its share is never overrun.
    expect(seen.filter((f) => f < 0.5).every((f) => f <= 0.495)).toBe(true)
    expect(VISITS_PER_REPORT).toBe(65_536)
  })

  it('gives the same result with and without progress', () => {
    const plain = simulateScenario(host, scenario)
    const tracked = simulateScenario(host, scenario, undefined, {
      progress: { onProgress: () => undefined, expectedRegionVisits: 1 }
    })
    expect(tracked.replay.peakPairs).toBe(plain.replay.peakPairs)
    expect(tracked.placementRange).toEqual(plain.placementRange)
  })
})
