import { describe, expect, it } from 'vitest'
import {
  contentionSettingsSchema,
  runContention,
  runSeeds
} from '@shared/model/contention/runContention'
import { outcomeMetrics, spreadOf, SPREAD_METRICS } from '@shared/model/contention/spread'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { fixtureHost } from '../../../support/testHosts'

const host = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')

/** Three small TDs arriving together: v6 and hashed:4 contend, and the seed moves the jitter. */
const scenario = scenarioSchema.parse({
  name: 'repeated',
  seed: 11,
  durationNs: 1e9,
  tdClasses: [{ name: 'td', count: 3, memoryBytes: 2 ** 27, vcpus: 2, lifetimeNs: 2e8 }]
})
const settings = (seeds: number): ReturnType<typeof contentionSettingsSchema.parse> =>
  contentionSettingsSchema.parse({
    designs: ['v6', 'hashed:4'],
    // Jitter small enough that the TDs overlap, so contention happens in every seed.
    tdStartJitterNs: 1e5,
    seeds
  })

describe('repetition over seeds', () => {
  const repeated = runContention(host, scenario, settings(3))
  // Independent single-seed runs of the seeds the repetition uses: 11, 12, 13.
  const single = [11, 12, 13].map((seed) => runContention(host, { ...scenario, seed }, settings(1)))

  it('runs seed, seed + 1, seed + 2 and reports them', () => {
    expect(repeated.seed).toBe(11)
    expect(repeated.seeds).toEqual([11, 12, 13])
  })

  it('each metric has min ≤ median ≤ max, the median being the middle single-seed run', () => {
    repeated.outcomes.forEach((o, i) => {
      const spread = o.spread!
      for (const m of SPREAD_METRICS) {
        const s = spread[m]
        expect(s.min).toBeLessThanOrEqual(s.median)
        expect(s.median).toBeLessThanOrEqual(s.max)
        // Sort the three independent runs' values: the spread is their first, second and last.
        const values = single.map((r) => outcomeMetrics(r.outcomes[i]!)[m]).sort((a, b) => a - b)
        expect(s).toEqual({ min: values[0], median: values[1], max: values[2] })
      }
    })
    // The seeds differ in their draws, so at least one design's contention is not the same in all.
    expect(
      repeated.outcomes.some((o) => o.spread!.totalWaitNs.min < o.spread!.totalWaitNs.max)
    ).toBe(true)
  })

  it("keeps the first seed's outcome as every other field, and sums the events of all seeds", () => {
    repeated.outcomes.forEach((o, i) => {
      const { spread, ...rest } = o
      expect(spread).toBeDefined()
      expect(rest).toEqual(single[0]!.outcomes[i])
    })
    expect(repeated.events).toBe(single.reduce((s, r) => s + r.events, 0))
  })

  it('a single seed has no spread', () => {
    expect(single[0]!.seeds).toEqual([11])
    expect(single[0]!.outcomes.every((o) => o.spread === undefined)).toBe(true)
  })
})

describe('spreadOf', () => {
  it('takes the middle value of an odd count, the mean of the middle two of an even count', () => {
    expect(spreadOf([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5 })
    // Sorted 1, 2, 4, 10: (2 + 4) / 2 = 3.
    expect(spreadOf([10, 2, 1, 4])).toEqual({ min: 1, median: 3, max: 10 })
    expect(spreadOf([7])).toEqual({ min: 7, median: 7, max: 7 })
  })

  it('wraps the seeds past 2^32 - 1 to 0', () => {
    expect(runSeeds(2 ** 32 - 2, 3)).toEqual([2 ** 32 - 2, 2 ** 32 - 1, 0])
  })
})
