import { describe, expect, it } from 'vitest'
import { median, nearestRank, panFigures } from '../../../src-main/bench/rendererMetrics'
import { rendererBench, rendererBenchText } from '../../../src-main/bench/rendererBench'

describe('renderer figures from frame times', () => {
  it('takes the nearest-rank 95th percentile: the smallest time at or above 95 % of the frames', () => {
    // 20 frames 1..20 ms: rank ⌈0.95 × 20⌉ = 19 → 19 ms. 4 frames: ⌈3.8⌉ = 4 → the largest.
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i)
    expect(nearestRank(twenty, 95)).toBe(19)
    expect(nearestRank([40, 10, 30, 20], 95)).toBe(40)
    expect(nearestRank([], 95)).toBeNaN()
  })

  it('takes the median as the middle frame, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2)
    // [10, 20, 30, 40]: (20 + 30) / 2 = 25.
    expect(median([40, 10, 30, 20])).toBe(25)
  })

  it('summarises a pan: points, frame count, median and p95 to 0.1 ms', () => {
    const f = panFigures({
      points: 1_000_000,
      heldPoints: 3_600,
      sampling: [null],
      partsAligned: true,
      peakHeld: true,
      zoomBefore: { start: 0, end: 100 },
      zoomAfter: { start: 16, end: 26 },
      // Median (16.66 + 16.7) / 2 = 16.68 → 16.7; p95 of 4 = the largest, 33.34 → 33.3.
      frameMs: [16.66, 33.34, 16.7, 16.0],
      longestPathCommands: 100
    })
    expect(f).toEqual({ points: 1_000_000, frames: 4, medianFrameMs: 16.7, p95FrameMs: 33.3 })
  })
})

describe('the bench’s renderer entry', () => {
  it('is skipped, naming what was searched, when there is no Chromium', async () => {
    const saved = process.env['PAMT_PLANNER_CHROMIUM']
    // findChromium takes $PAMT_PLANNER_CHROMIUM alone when it is set: a missing file means none.
    process.env['PAMT_PLANNER_CHROMIUM'] = '/nonexistent/chromium'
    try {
      const r = await rendererBench('/nonexistent/cli.js')
      expect(r).toEqual({
        skipped: 'no Chromium: $PAMT_PLANNER_CHROMIUM (/nonexistent/chromium) is not an executable'
      })
      expect(rendererBenchText(r)).toBe(
        'renderer: skipped (no Chromium: $PAMT_PLANNER_CHROMIUM (/nonexistent/chromium) is not an executable)\n'
      )
    } finally {
      if (saved === undefined) delete process.env['PAMT_PLANNER_CHROMIUM']
      else process.env['PAMT_PLANNER_CHROMIUM'] = saved
    }
  })

  it('prints the figures in the human form', () => {
    expect(
      rendererBenchText({
        firstContentfulPaintMs: 412.3,
        pan1M: { points: 1_000_000, frames: 20, medianFrameMs: 850.1, p95FrameMs: 990 }
      })
    ).toBe(
      'renderer: first contentful paint 412.3 ms (example host picked)\n' +
        '  pan of 1,000,000 points over 20 frames: median 850.1 ms, p95 990 ms a frame\n'
    )
  })
})
