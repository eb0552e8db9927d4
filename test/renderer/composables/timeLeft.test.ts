import { describe, expect, it } from 'vitest'
import {
  createTimeLeftEstimator,
  MIN_ELAPSED_MS,
  MIN_PROGRESS,
  SMOOTHING_MS,
  timeLeftText
} from '@renderer/composables/timeLeft'

// Hand-made (time, fraction) sequences; the estimator never reads a clock.
describe('time-left estimate', () => {
  it('the thresholds are the documented 1 s, 5 % and a 1.5 s smoothing', () => {
    expect([MIN_ELAPSED_MS, MIN_PROGRESS, SMOOTHING_MS]).toEqual([1000, 0.05, 1500])
  })

  it('says nothing before 1 s and 5 % have passed', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'analysing', 0)
    expect(e.msLeft(0)).toBeNull()
    e.observe(900, 'analysing', 0.5) // 50 % but only 0.9 s
    expect(e.msLeft(900)).toBeNull()
    const slow = createTimeLeftEstimator()
    slow.observe(0, 'analysing', 0)
    slow.observe(5000, 'analysing', 0.04) // 5 s but only 4 %
    expect(slow.msLeft(5000)).toBeNull()
    slow.tick(9000)
    expect(slow.msLeft(9000)).toBeNull()
  })

  it('first estimate: elapsed·(1 − f)/f, and it counts down between events', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'analysing', 0)
    e.observe(10_000, 'analysing', 0.2)
    // 10 s for 20 %: 10,000 × 0.8 / 0.2 = 40,000 ms left.
    expect(e.msLeft(10_000)).toBe(40_000)
    expect(timeLeftText(e.msLeft(10_000))).toBe('about 40 s left')
    // No event for 5 s: the same finish time, 5 s nearer.
    expect(e.msLeft(15_000)).toBe(35_000)
  })

  it('counts the pace from the last event before the fraction moved, not the start-up', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'analysing', 0)
    e.observe(2_000, 'analysing', 0) // worker start-up, host analysis: still 0
    e.observe(12_000, 'analysing', 0.2)
    // From 2,000: 10,000 ms for 20 %, 40,000 ms left (from 0 it would be 48,000).
    expect(e.msLeft(12_000)).toBe(40_000)
  })

  it('smooths a fast stretch instead of jumping to it', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'analysing', 0)
    e.observe(10_000, 'analysing', 0.2) // finish 50,000 (above)
    e.observe(11_500, 'analysing', 0.5)
    // Raw: 11,500 + 11,500 × 0.5/0.5 = 23,000. Moved by 1 − e^(−1500/1500) = 0.63212 of the gap:
    // 50,000 − 0.63212 × 27,000 = 32,932.7; left at 11,500: 21,432.7 ms (raw alone: 11,500).
    expect(e.msLeft(11_500)).toBeCloseTo(50_000 - (1 - Math.exp(-1)) * 27_000 - 11_500, 6)
    expect(e.msLeft(11_500)).toBeCloseTo(21_432.7, 0)
  })

  it('grows while the fraction stalls (clock ticks with the same fraction)', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'analysing', 0)
    e.observe(10_000, 'analysing', 0.2) // finish 50,000
    e.tick(13_000)
    // Raw: 13,000 + 13,000 × 0.8/0.2 = 65,000; share 1 − e^(−3000/1500) = 0.864665:
    // 50,000 + 0.864665 × 15,000 = 62,970.0; left 49,970.0 ms: "about 50 s left", not 35 s.
    expect(e.msLeft(13_000)).toBeCloseTo(49_970.0, 0)
    expect(timeLeftText(e.msLeft(13_000))).toBe('about 50 s left')
  })

  it('says nothing while queued or done, and starts again on a new phase or a fraction that goes back', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'parsing', 0)
    e.observe(10_000, 'parsing', 0.2)
    expect(e.msLeft(10_000)).toBe(40_000)
    // Parsing done, analysing from 0: the parse's pace says nothing about the analysis.
    e.observe(10_500, 'analysing', 0)
    expect(e.msLeft(10_500)).toBeNull()
    e.observe(11_500, 'analysing', 0.5)
    // From the phase's start: 1,000 ms for 50 %: 1,000 × 0.5/0.5 = 1,000 ms left.
    expect(e.msLeft(11_500)).toBe(1000)
    expect(timeLeftText(e.msLeft(11_500))).toBe('less than 5 s left')
    e.observe(12_000, 'analysing', 0.3) // went back: start again
    expect(e.msLeft(12_000)).toBeNull()
    e.observe(20_000, 'queued', 0)
    expect(e.msLeft(20_000)).toBeNull()
    e.tick(21_000)
    expect(e.msLeft(21_000)).toBeNull()
    e.observe(30_000, 'done', 1)
    expect(e.msLeft(30_000)).toBeNull()
  })

  it('never says less than nothing', () => {
    const e = createTimeLeftEstimator()
    e.observe(0, 'analysing', 0)
    e.observe(10_000, 'analysing', 0.2) // finish 50,000
    expect(e.msLeft(60_000)).toBe(0)
  })
})

describe('time left in words', () => {
  it('rounds to 5 s under a minute, to the minute under 90 minutes, then to the hour', () => {
    expect(timeLeftText(null)).toBeNull()
    expect(timeLeftText(4_999)).toBe('less than 5 s left')
    expect(timeLeftText(5_000)).toBe('about 5 s left')
    // 42.4 s / 5 = 8.48 → 8 × 5 = 40.
    expect(timeLeftText(42_400)).toBe('about 40 s left')
    // 57.4 s → 55; 57.5 s is nearer a minute than 55 s.
    expect(timeLeftText(57_400)).toBe('about 55 s left')
    expect(timeLeftText(57_500)).toBe('about 1 min left')
    // 90 s = 1.5 min → 2.
    expect(timeLeftText(90_000)).toBe('about 2 min left')
    // 89.9 min → 90 min; 90 min = 1.5 h → 2 h.
    expect(timeLeftText(89.9 * 60_000)).toBe('about 90 min left')
    expect(timeLeftText(90 * 60_000)).toBe('about 2 h left')
  })
})
