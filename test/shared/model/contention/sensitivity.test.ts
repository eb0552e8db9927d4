import { describe, expect, it } from 'vitest'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'
import {
  judgeSensitivity,
  SENSITIVITY_METRICS,
  sensitivityPlan,
  sensitivityRange,
  separated,
  verdictAt,
  type PointMetrics,
  type SensitivityEnd,
  type SensitivityPlan
} from '@shared/model/contention/sensitivity'
import type { Spread } from '@shared/model/contention/spread'

const base = { costs: { ...DEFAULT_CONTENTION_COSTS }, kernelWindowRegions: 8 }

/** A spread written as [min, median, max]. */
const sp = (min: number, median: number, max: number): Spread => ({ min, median, max })
/** One seed's value: min = median = max. */
const one = (v: number): Spread => sp(v, v, v)

describe('sensitivity ranges: a quarter and four times the run value', () => {
  it('a cost: pamtAddNs 4000 ns gives 1000 and 16000, nothing clamped', () => {
    expect(sensitivityRange('pamtAddNs', 4000)).toEqual({
      parameter: 'pamtAddNs',
      base: 4000,
      low: 1000,
      high: 16000
    })
  })

  it('serviceCv 0.3 gives 0.075 and 1.2; 2 is held at the schema maximum 4 and says so', () => {
    expect(sensitivityRange('serviceCv', 0.3)).toMatchObject({ low: 0.075, high: 1.2 })
    expect(sensitivityRange('serviceCv', 0.3).clamped).toBeUndefined()
    // 2 × 4 = 8 > 4 (costs.ts: serviceCv ≤ 4).
    const r = sensitivityRange('serviceCv', 2)
    expect(r).toMatchObject({ low: 0.5, high: 4 })
    expect(r.clamped).toMatch(/high end held at 4, the settings' maximum/)
  })

  it('the kernel window counts whole regions, at least 1 and at most 4096', () => {
    // 8 / 4 = 2, 8 × 4 = 32: whole already.
    expect(sensitivityRange('kernelWindowRegions', 8)).toEqual({
      parameter: 'kernelWindowRegions',
      base: 8,
      low: 2,
      high: 32
    })
    // 1 / 4 = 0.25 → at least 1 region.
    const small = sensitivityRange('kernelWindowRegions', 1)
    expect(small).toMatchObject({ low: 1, high: 4 })
    expect(small.clamped).toMatch(/low end 1 region/)
    // 6 / 4 = 1.5 → rounded to 2; 6 × 4 = 24.
    expect(sensitivityRange('kernelWindowRegions', 6)).toMatchObject({ low: 2, high: 24 })
    // 3000 × 4 = 12000 > 4096 (the settings schema's maximum).
    const big = sensitivityRange('kernelWindowRegions', 3000)
    expect(big).toMatchObject({ low: 750, high: 4096 })
    expect(big.clamped).toMatch(/high end held at 4096 regions/)
  })
})

describe('sensitivity plan: what is varied and what is skipped', () => {
  it('without DEMOTE: every cost but demoteNs, and the kernel window (15 parameters, 31 points)', () => {
    const plan = sensitivityPlan(base, false)
    // costs.ts has 15 costs (serviceCv included); demoteNs is skipped; + kernelWindowRegions.
    expect(plan.parameters.map((p) => p.parameter)).toEqual([
      'pamtAddNs',
      'pamtRemoveNs',
      'augNs',
      'pageRemoveNs',
      'atomicNs',
      'lockHoldExtraNs',
      'handoffSameSocketNs',
      'handoffCrossSocketNs',
      'pageAllocNs',
      'pageFreeNs',
      'faultOutsideNs',
      'busyBackoffNs',
      'busyFailNs',
      'serviceCv',
      'kernelWindowRegions'
    ])
    expect(plan.skipped).toEqual([
      { parameter: 'demoteNs', reason: expect.stringMatching(/does not demote/) }
    ])
  })

  it('a scenario that demotes varies demoteNs too (20000 ns: 5000 and 80000)', () => {
    const plan = sensitivityPlan(base, true)
    expect(plan.parameters).toHaveLength(16)
    expect(plan.parameters.find((p) => p.parameter === 'demoteNs')).toMatchObject({
      low: 5000,
      high: 80000
    })
    expect(plan.skipped).toEqual([])
  })

  it('a parameter at 0 (the synchronized storm’s serviceCv) is skipped: a quarter of 0 is 0', () => {
    const plan = sensitivityPlan({ ...base, costs: { ...base.costs, serviceCv: 0 } }, true)
    expect(plan.parameters.some((p) => p.parameter === 'serviceCv')).toBe(false)
    expect(plan.skipped).toEqual([
      { parameter: 'serviceCv', reason: expect.stringMatching(/value in this run is 0/) }
    ])
  })

  it('the base is the run’s value, not the default: pamtAddNs 6000 gives 1500 and 24000', () => {
    const plan = sensitivityPlan({ ...base, costs: { ...base.costs, pamtAddNs: 6000 } }, false)
    expect(plan.parameters[0]).toMatchObject({ base: 6000, low: 1500, high: 24000 })
  })
})

describe('judging one point: holds, reverses, noise', () => {
  it('separated at the base only when every seed of A is below every seed of B', () => {
    expect(separated(sp(1, 2, 3), sp(4, 5, 6))).toBe(true)
    // Touching ranges (3 = 3) are not separated.
    expect(separated(sp(1, 2, 3), sp(3, 5, 6))).toBe(false)
    // One seed: A < B separates, a tie does not.
    expect(separated(one(2), one(3))).toBe(true)
    expect(separated(one(3), one(3))).toBe(false)
  })

  it('holds when A’s median is below B’s, even with overlapping ranges', () => {
    expect(verdictAt(sp(1, 4, 9), sp(2, 5, 8))).toBe('holds')
  })

  it('reverses only when every seed of A is above every seed of B', () => {
    expect(verdictAt(sp(7, 8, 9), sp(1, 2, 6))).toBe('reverses')
    expect(verdictAt(one(5), one(4))).toBe('reverses')
  })

  it('is within seed noise when the medians tie or A’s is above with the ranges overlapping', () => {
    expect(verdictAt(sp(1, 5, 9), sp(2, 5, 8))).toBe('noise')
    expect(verdictAt(sp(3, 6, 9), sp(2, 5, 8))).toBe('noise')
    // One seed, equal values: a tie.
    expect(verdictAt(one(4), one(4))).toBe('noise')
  })
})

/** Point metrics from contended and p99 spreads; the other metrics 0 unless given. */
function pm(
  contended: Spread,
  p99AddedNs: Spread,
  extra: Partial<Record<'hazards' | 'lostRaces', Spread>> = {}
): PointMetrics {
  const zero = Object.fromEntries(SENSITIVITY_METRICS.map((m) => [m, one(0)])) as PointMetrics
  return { ...zero, contended, p99AddedNs, ...extra }
}

describe('judgeSensitivity: conclusions over hand-made spreads', () => {
  // Three designs over 3 seeds. Base contended: v6 [90, 100, 110], per-2m [1, 2, 3],
  // module-only [0, 0, 0] (no kernel lock), module-only with hazards [4, 5, 6].
  // Base p99 (ns): v6 [20, 21, 22], per-2m [20, 21, 23] (overlaps v6), module-only [5, 6, 7].
  const designs = [
    { label: 'v6', design: 'v6' as const },
    { label: 'per-2m', design: 'per-2m' as const },
    { label: 'module-only', design: 'module-only' as const }
  ]
  const baseMetrics = {
    v6: pm(sp(90, 100, 110), sp(20, 21, 22)),
    'per-2m': pm(sp(1, 2, 3), sp(20, 21, 23), { lostRaces: sp(0, 1, 2) }),
    'module-only': pm(one(0), sp(5, 6, 7), { hazards: sp(4, 5, 6) })
  }
  const plan: SensitivityPlan = {
    parameters: [
      { parameter: 'pamtAddNs', base: 4000, low: 1000, high: 16000 },
      { parameter: 'serviceCv', base: 0.3, low: 0.075, high: 1.2 }
    ],
    skipped: [{ parameter: 'demoteNs', reason: 'no DEMOTE' }]
  }
  type Ends = Record<SensitivityEnd, PointMetrics>
  const perDesign: Array<Record<string, Ends>> = [
    // pamtAddNs: the order stays v6 > per-2m > module-only at both ends.
    {
      v6: { low: pm(sp(40, 50, 60), one(21)), high: pm(sp(300, 310, 320), one(22)) },
      'per-2m': { low: pm(sp(0, 1, 2), one(21)), high: pm(sp(5, 6, 7), one(22)) },
      'module-only': { low: pm(one(0), one(6)), high: pm(one(0), one(7)) }
    },
    // serviceCv: at 1.2 per-2m [40, 50, 60] rises above v6 [10, 20, 30] (reverses); at 0.075
    // per-2m [1, 8, 9] against v6 [2, 8, 12]: equal medians, within noise. module-only stays 0.
    {
      v6: { low: pm(sp(2, 8, 12), one(21)), high: pm(sp(10, 20, 30), one(21)) },
      'per-2m': { low: pm(sp(1, 8, 9), one(21)), high: pm(sp(40, 50, 60), one(21)) },
      'module-only': {
        low: pm(one(0), one(6)),
        high: pm(one(0), one(6), { hazards: sp(7, 8, 9) })
      }
    }
  ]
  const report = judgeSensitivity(designs, plan, baseMetrics, perDesign, 3, 1234)

  it('ranks the separated pairs only; overlapping ones are indistinguishable, not conclusions', () => {
    // contended: all three pairs separated (module-only 0 < per-2m 1..3 < v6 90..110).
    // p99: module-only [5, 7] is below both; v6 [20, 22] and per-2m [20, 23] overlap.
    expect(report.conclusions.map((c) => `${c.metric}: ${c.better} < ${c.worse}`).sort()).toEqual(
      [
        'contended: module-only < per-2m',
        'contended: module-only < v6',
        'contended: per-2m < v6',
        'p99AddedNs: module-only < per-2m',
        'p99AddedNs: module-only < v6'
      ].sort()
    )
    expect(report.indistinguishable).toEqual([
      {
        metric: 'p99AddedNs',
        labels: ['v6', 'per-2m'],
        text: expect.stringMatching(/indistinguishable .* at the base values .*not a conclusion/)
      }
    ])
  })

  it('per-2m < v6 breaks at serviceCv: reversed at 4×, within seed noise at ¼×', () => {
    const c = report.conclusions.find((x) => x.better === 'per-2m' && x.worse === 'v6')!
    expect(c.robust).toBe(false)
    expect(c.breaks).toEqual([
      { parameter: 'serviceCv', end: 'low', value: 0.075, how: 'noise' },
      { parameter: 'serviceCv', end: 'high', value: 1.2, how: 'reverses' }
    ])
    expect(c.text).toMatch(
      /^per-2m contends less than v6 at the base values, but not at serviceCv ¼× \(0\.075: within seed noise\), serviceCv 4× \(1\.2: reversed\)/
    )
  })

  it('a robust conclusion says it holds over every cost from ¼× to 4×, first in the list', () => {
    const robust = report.conclusions.filter((c) => c.robust)
    expect(robust.map((c) => `${c.metric}: ${c.better} < ${c.worse}`)).toEqual([
      'contended: module-only < v6',
      'contended: module-only < per-2m',
      'p99AddedNs: module-only < v6',
      'p99AddedNs: module-only < per-2m'
    ])
    // Robust ones come before the one fragile one.
    expect(report.conclusions.at(-1)!.robust).toBe(false)
    expect(robust[0]!.text).toMatch(
      /^module-only contends less than v6 for every cost from ¼× to 4×/
    )
  })

  it('the lockless design’s hazards and any lost races stand beside its conclusions', () => {
    const c = report.conclusions.find((x) => x.better === 'module-only' && x.worse === 'v6')!
    // Hazards: base [4, 6], serviceCv 4× [7, 9], elsewhere 0: the range 0–9.
    expect(c.caveats).toEqual([
      expect.stringMatching(/^module-only is lockless \(racy.*\): 0–9 hazards/)
    ])
    expect(c.text).toContain('Beside it: module-only is lockless')
    // per-2m lost races at the base [0, 2], 0 elsewhere: 0–2.
    const p = report.conclusions.find((x) => x.better === 'per-2m')!
    expect(p.caveats).toEqual([expect.stringMatching(/^per-2m lost 0–2 0→1 races/)])
    // v6 has neither: nothing beside it.
    expect(
      report.conclusions.find((x) => x.better === 'module-only' && x.worse === 'v6')!.caveats
    ).toHaveLength(1)
  })

  it('rankingHolds per parameter: contention rankings hold at pamtAddNs, not at serviceCv', () => {
    expect(report.parameters.map((p) => [p.parameter, p.rankingHolds, p.p99RankingHolds])).toEqual([
      ['pamtAddNs', true, true],
      ['serviceCv', false, true]
    ])
  })

  it('with no ranked pair on a metric, rankingHolds is null: nothing to hold', () => {
    const flat = { v6: pm(one(5), one(20)), 'per-2m': pm(one(5), one(20)) }
    const r = judgeSensitivity(
      designs.slice(0, 2),
      { parameters: [plan.parameters[0]!], skipped: [] },
      flat,
      [
        {
          v6: { low: flat.v6, high: flat.v6 },
          'per-2m': { low: flat['per-2m'], high: flat['per-2m'] }
        }
      ],
      1,
      0
    )
    expect(r.conclusions).toEqual([])
    expect(r.parameters[0]).toMatchObject({ rankingHolds: null, p99RankingHolds: null })
    // One seed: "equal", not "ranges overlap".
    expect(r.indistinguishable[0]!.text).toContain('(equal)')
  })

  it('keeps the plan’s skipped parameters, the factor and the events', () => {
    expect(report.skipped).toEqual(plan.skipped)
    expect(report.factor).toBe(4)
    expect(report.events).toBe(1234)
    expect(report.base).toBe(baseMetrics)
  })
})
