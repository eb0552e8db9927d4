import { describe, expect, it } from 'vitest'
import {
  CalibrationCancelled,
  fitCalibrationCosts,
  fitScales,
  LIST_MEASUREMENT,
  type CalibrationTarget,
  type FitConfig,
  type FitEvaluator,
  type FitSample
} from '@shared/model/contention/calibrationFit'

/**
 * The search of the calibration fit (docs/contention-model.md, "Checks → Calibration") on fake
 * evaluators whose answers are solved by hand: no simulation runs here.
 *
 * Target of every case: 1000 contentions, wait band 2–4 ms aiming at 3 ms (round numbers; the
 * list's own are tested through the real model elsewhere).
 */
const TARGET: CalibrationTarget = {
  ...LIST_MEASUREMENT,
  contended: 1000,
  waitLowNs: 2e6,
  waitHighNs: 4e6,
  waitTargetNs: 3e6
}
const BASE = { pamtAddNs: 4000, pamtRemoveNs: 3000, faultOutsideNs: 8000 }
const CONFIG: FitConfig = { target: TARGET, base: BASE, points: 9, evaluationsPerPoint: 6 }

/** One seed's sample with the count and wait given; the rest zero. */
const sample = (contended: number, totalWaitNs: number): FitSample => ({
  contended,
  totalWaitNs,
  startup: contended,
  shutdown: 0,
  lostRaces: 0,
  spanNs: 0,
  events: 1
})

/**
 * count = K·s/f and wait = c·s·count, K = 8e6 ns, c = 3000 ns. The count equals 1000 where
 * f = K·s/1000 = 8000·s ns, so along that curve W = 3000·s·1000 = 3 ms · s: W = 3 ms at s = 1,
 * 2 ms at s = 2/3, 4 ms at s = 4/3.
 */
const K = 8e6
const linear =
  (c: number): FitEvaluator =>
  ({ scale, faultOutsideNs }) => {
    const count = (K * scale) / faultOutsideNs
    return [sample(count, c * scale * count)]
  }

describe('calibration fit search (fake evaluators, solved by hand)', () => {
  it('scales its grid evenly in log from ×0.25 to ×4', () => {
    // 0.25 · 16^(k/8): 0.25, 0.354, 0.5, 0.707, 1, 1.41, 2, 2.83, 4.
    const s = fitScales(9, 0.25, 4)
    expect(s[0]).toBeCloseTo(0.25, 12)
    expect(s[2]).toBeCloseTo(0.5, 12)
    expect(s[4]).toBeCloseTo(1, 12)
    expect(s[8]).toBeCloseTo(4, 12)
  })

  it('finds s = 1 and faultOutsideNs = 8000 where count = K·s/f and wait = c·s·count meet 1000 and 3 ms', () => {
    const calls: number[] = []
    const evaluate: FitEvaluator = (p) => {
      calls.push(p.faultOutsideNs)
      return linear(3000)(p)
    }
    const fit = fitCalibrationCosts(evaluate, CONFIG)
    // The first solve starts at base f × s = 8000 · 0.25 = 2000 = K·0.25/1000: the root. Each next
    // one starts at the last root × (s / last s) = 8000·s: the root again. So every solve ends on
    // its first evaluation: 9 grid points, and one more at the interpolated s.
    expect(fit.curve.map((p) => p.status)).toEqual(Array(9).fill('matched'))
    expect(fit.evaluations).toBe(10)
    expect(calls).toHaveLength(10)
    expect(fit.maxEvaluations).toBe(60)
    for (const p of fit.curve) expect(p.best.faultOutsideNs).toBeCloseTo(8000 * p.scale, 6)
    // W = 3 ms · s is a straight line in log-log, so the interpolation is exact: s = 1.
    expect(fit.status).toBe('fitted')
    expect(fit.fitted.how).toBe('interpolated')
    expect(fit.scale.value).toBeCloseTo(1, 9)
    expect(fit.faultOutsideNs.value).toBeCloseTo(8000, 6)
    expect(fit.pamtAddNs.value).toBeCloseTo(4000, 6)
    expect(fit.pamtRemoveNs.value).toBeCloseTo(3000, 6)
    // The range: W = 2 ms at s = 2/3, 4 ms at s = 4/3 (one seed: min = median = max), and f = 8000·s.
    expect(fit.scale.low).toBeCloseTo(2 / 3, 9)
    expect(fit.scale.high).toBeCloseTo(4 / 3, 9)
    expect(fit.pamtAddNs.low).toBeCloseTo((4000 * 2) / 3, 6)
    expect(fit.pamtAddNs.high).toBeCloseTo((4000 * 4) / 3, 6)
    expect(fit.faultOutsideNs.low).toBeCloseTo((8000 * 2) / 3, 6)
    expect(fit.faultOutsideNs.high).toBeCloseTo((8000 * 4) / 3, 6)
    expect(fit.rangeBounds).toEqual({ low: 'wait', high: 'wait' })
  })

  it('brackets and converges when the count falls as 1/f² (the first step overshoots)', () => {
    // count = K2·s/f², K2 = 6.4e10 ns²: the count is 1000 at f = √(K2·s/1000) = 8000·√s. The step
    // assumes slope -1, so it lands off the root and the bracket does the rest. Matched means the
    // median count within ±2 % of 1000, so f within √(K2·s/1020) … √(K2·s/980).
    const K2 = 6.4e10
    const fit = fitCalibrationCosts(({ scale, faultOutsideNs }) => {
      const count = (K2 * scale) / faultOutsideNs ** 2
      return [sample(count, 3000 * scale * count)]
    }, CONFIG)
    for (const p of fit.curve) {
      expect(p.status).toBe('matched')
      expect(p.trail.length).toBeLessThanOrEqual(6)
      expect(p.best.faultOutsideNs).toBeGreaterThanOrEqual(Math.sqrt((K2 * p.scale) / 1020))
      expect(p.best.faultOutsideNs).toBeLessThanOrEqual(Math.sqrt((K2 * p.scale) / 980))
    }
    // W = 3000·s·count with count within ±2 % of 1000: W = 3 ms where s is within 1/1.02 … 1/0.98.
    expect(fit.status).toBe('fitted')
    expect(fit.scale.value).toBeGreaterThan(1 / 1.02 - 1e-9)
    expect(fit.scale.value).toBeLessThan(1 / 0.98 + 1e-9)
  })

  it('says when no scale brings the wait into the band, and gives the closest grid point', () => {
    // c = 100: W = 100·s·1000 = 0.1 ms · s, at most 0.4 ms at s = 4, below 2 ms everywhere. The
    // closest to 3 ms in log is the largest: s = 4, f = 32000.
    const fit = fitCalibrationCosts(linear(100), CONFIG)
    expect(fit.status).toBe('wait-out-of-band')
    expect(fit.fitted.how).toBe('grid')
    expect(fit.scale.value).toBeCloseTo(4, 9)
    expect(fit.faultOutsideNs.value).toBeCloseTo(32000, 6)
    expect(fit.scale.low).toBeNull()
    expect(fit.rangeBounds).toBeNull()
    // No extra solve: the grid's nine evaluations only.
    expect(fit.evaluations).toBe(9)
  })

  it('stops a scale at the count floor: a shutdown part that no faultOutsideNs reaches', () => {
    // count = 1500·s + K·s/f. At f = 1 ms (the search's largest) the count is 1500·s + 8·s; for
    // s ≥ 0.707 that is ≥ 1066 > 1020, above the target whatever f: 'count-above'. At s ≤ 0.5 the
    // root is f = K·s / (1000 − 1500·s): 3200 ns at 0.25, 16000 ns at 0.5. W = 3000·s·count is then
    // at most 3000 · 0.5 · 1020 = 1.53 ms < 2 ms: out of the band, the closest point is s = 0.5.
    const fit = fitCalibrationCosts(({ scale, faultOutsideNs }) => {
      const count = 1500 * scale + (K * scale) / faultOutsideNs
      return [sample(count, 3000 * scale * count)]
    }, CONFIG)
    expect(fit.curve.slice(0, 3).map((p) => p.status)).toEqual(['matched', 'matched', 'matched'])
    expect(fit.curve.slice(3).every((p) => p.status === 'count-above')).toBe(true)
    // Past the first scale above the floor, a solve starts at 1 ms and ends at its first evaluation.
    for (const p of fit.curve.slice(4)) expect(p.trail).toHaveLength(1)
    expect(fit.status).toBe('wait-out-of-band')
    expect(fit.scale.value).toBeCloseTo(0.5, 9)
    // f within the ±2 % count tolerance of the root 16000: 750 + 4e6/f ∈ [980, 1020].
    expect(fit.faultOutsideNs.value).toBeGreaterThanOrEqual(4e6 / 270 - 1e-6)
    expect(fit.faultOutsideNs.value).toBeLessThanOrEqual(4e6 / 230 + 1e-6)
  })

  it('says when no scale reaches the count at all, and gives the closest', () => {
    // count = 5000 + K·s/f never falls below 5000: every scale is 'count-above'. The closest count
    // is the smallest, at the smallest scale and the largest f: 5000 + 8e6·0.25/1e6 = 5002.
    const fit = fitCalibrationCosts(({ scale, faultOutsideNs }) => {
      const count = 5000 + (K * scale) / faultOutsideNs
      return [sample(count, 3000 * scale * count)]
    }, CONFIG)
    expect(fit.curve.every((p) => p.status === 'count-above')).toBe(true)
    expect(fit.status).toBe('count-unreachable')
    expect(fit.scale.value).toBeCloseTo(0.25, 12)
    expect(fit.fitted.best.contended.median).toBeCloseTo(5002, 9)
  })

  it('keeps its bracket through a count that is not monotone in f (seed-like noise)', () => {
    // count = K·s/f · (1 + 0.1·sin(60·ln f)): the wiggle's slope (0.1 · 60 = 6 in ln count per ln f)
    // swamps the trend (-1), so the count rises and falls many times along f. A root lies where
    // the count is 1000 whatever the wiggle; bisecting on the sign finds one. The solve may spend
    // its six evaluations first: then its best is kept and it says 'not-converged'.
    const fit = fitCalibrationCosts(({ scale, faultOutsideNs }) => {
      const count =
        ((K * scale) / faultOutsideNs) * (1 + 0.1 * Math.sin(60 * Math.log(faultOutsideNs)))
      return [sample(count, 3000 * scale * count)]
    }, CONFIG)
    for (const p of fit.curve) {
      expect(p.trail.length).toBeLessThanOrEqual(6)
      expect(['matched', 'not-converged']).toContain(p.status)
      if (p.status === 'matched')
        expect(Math.abs(p.best.contended.median - 1000)).toBeLessThanOrEqual(20)
      // Every point tried stays within the search's bounds.
      for (const t of p.trail) {
        expect(t.faultOutsideNs).toBeGreaterThanOrEqual(500 - 1e-9)
        expect(t.faultOutsideNs).toBeLessThanOrEqual(1e6 + 1e-9)
      }
    }
    expect(fit.evaluations).toBeLessThanOrEqual(fit.maxEvaluations)
  })

  it('reads the median over seeds and widens the range by the seed spread', () => {
    // Three seeds at every point: waits ×0.9, ×1, ×1.1 of 3 ms·s (the count exact at 1000). The
    // median wait is 3 ms · s: s = 1 as before. The range ends where the largest seed's wait
    // (3.3 ms · s) falls to 2 ms, s = 2/3.3 = 0.606, and where the smallest (2.7 ms · s) passes
    // 4 ms, s = 4/2.7 = 1.481.
    const fit = fitCalibrationCosts(({ scale, faultOutsideNs }) => {
      const count = (K * scale) / faultOutsideNs
      return [0.9, 1, 1.1].map((k) => sample(count, k * 3000 * scale * count))
    }, CONFIG)
    expect(fit.scale.value).toBeCloseTo(1, 9)
    expect(fit.scale.low).toBeCloseTo(2 / 3.3, 9)
    expect(fit.scale.high).toBeCloseTo(4 / 2.7, 9)
    expect(fit.fitted.best.totalWaitNs).toEqual({
      min: expect.closeTo(2.7e6, 3),
      median: expect.closeTo(3e6, 3),
      max: expect.closeTo(3.3e6, 3)
    })
  })

  it('fits inside the band without crossing the target: the nearest grid point, with its range', () => {
    // W = 2.5 ms · s^0.01 along the curve (count exact): from 2.46 ms at s = 0.25 to 2.53 ms at
    // s = 4, inside the band and never 3 ms. The nearest to 3 ms is s = 4; the range is the
    // whole grid, ended by the grid itself.
    const fit = fitCalibrationCosts(({ scale, faultOutsideNs }) => {
      const count = (K * scale) / faultOutsideNs
      return [sample(count, 2.5e6 * scale ** 0.01 * (count / 1000))]
    }, CONFIG)
    expect(fit.status).toBe('fitted')
    expect(fit.fitted.how).toBe('grid')
    expect(fit.scale.value).toBeCloseTo(4, 9)
    expect(fit.scale.low).toBeCloseTo(0.25, 9)
    expect(fit.scale.high).toBeCloseTo(4, 9)
    expect(fit.rangeBounds).toEqual({ low: 'grid-edge', high: 'grid-edge' })
  })

  it('reports progress that only rises and ends at 1', () => {
    const seen: number[] = []
    fitCalibrationCosts(linear(3000), { ...CONFIG, onProgress: (f) => seen.push(f) })
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!)
    expect(seen.at(-1)).toBe(1)
    expect(seen[0]!).toBeGreaterThan(0)
  })

  it('stops between evaluations when cancelled', () => {
    let calls = 0
    const evaluate: FitEvaluator = (p) => {
      calls++
      return linear(3000)(p)
    }
    expect(() =>
      fitCalibrationCosts(evaluate, { ...CONFIG, isCancelled: () => calls >= 3 })
    ).toThrow(CalibrationCancelled)
    expect(calls).toBe(3)
  })
})
