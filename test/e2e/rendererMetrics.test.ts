import { describe, expect, it } from 'vitest'
import { measureRenderer, PAN_REQUEST } from '../../src-main/bench/rendererMetrics'
import { useAppAndBrowser } from './browserApp'
import { E2E_WAIT_MS } from './timeouts'

/**
 * The renderer's figures as `npm run bench` takes them (src-main/bench/rendererMetrics.ts): first
 * contentful paint and a one-million-point pan. No timed assertion (CI is a loaded 2-core
 * machine): the test checks that every figure exists and is a finite positive number, and that
 * the chart really rendered a million model points, sampled by LTTB with the peak kept,
 * and panned.
 */
// No page per test: measureRenderer opens its own fresh contexts.
const session = useAppAndBrowser()

describe('renderer measurements (browser mode, real Chromium)', () => {
  it('measures first paint and a 1 M-point pan of the real over-time chart, which really pans', async () => {
    // The bench's million points, but 4 pan steps instead of its 20: the test only needs to see
    // the chart pan.
    const request = { ...PAN_REQUEST, steps: 4 }
    const { figures, pan } = await measureRenderer(session.browser, session.app.url, {
      timeoutMs: E2E_WAIT_MS,
      pan: request
    })
    const positive = (x: number): boolean => Number.isFinite(x) && x > 0
    expect(positive(figures.firstContentfulPaintMs)).toBe(true)

    // The model's run has exactly the samples asked for (replay.ts samples [start, end] in
    // `samples` points): 1,000,000.
    expect(PAN_REQUEST.samples).toBe(1_000_000)
    expect(figures.pan1M.points).toBe(1_000_000)
    // The chart holds a sample of them (pamtOverTimeChart, docs/workload-model.md "Long series"):
    // an overview of at most OVERVIEW_POINTS (1,200) outside the window, WINDOW_POINTS (2,400)
    // inside it, and the peak's first and last sample: at most 3,602, and more than the window's.
    expect(pan.heldPoints).toBeGreaterThan(2_400)
    expect(pan.heldPoints).toBeLessThanOrEqual(3_602)
    // Sampled by us, on the stack's total, so every stacked part is held at the same sample
    // times, and ECharts' own sampling is off for all five series (four areas, the static PAMT
    // line); the peak sample is among the held points, although the window has moved past it.
    expect(pan.partsAligned).toBe(true)
    expect(pan.peakHeld).toBe(true)
    expect(pan.sampling.every((s) => s === null || s === 'none')).toBe(true)
    // What is drawn is sampled: far fewer path commands than points. A stacked area's outline
    // runs along its top and back along its base over the held points: under 2 × 3,602 + a few,
    // well under 10,000 (a path of every point would have 1,000,000).
    expect(pan.longestPathCommands).toBeGreaterThan(0)
    expect(pan.longestPathCommands).toBeLessThan(10_000)

    // It panned: the whole axis at first, then step 0 zooms to [0, 10] % and each of the 4 steps
    // moves the window 4 %: step 4 is [4 × 4, 10 + 4 × 4] = [16, 26].
    expect(pan.zoomBefore).toEqual({ start: 0, end: 100 })
    expect(pan.zoomAfter).toEqual({ start: 16, end: 26 })

    // One frame per pan step, each a finite positive time; the figures summarise them.
    expect(figures.pan1M.frames).toBe(4)
    expect(pan.frameMs).toHaveLength(4)
    for (const ms of pan.frameMs) expect([ms, positive(ms)]).toEqual([ms, true])
    expect(positive(figures.pan1M.medianFrameMs)).toBe(true)
    expect(figures.pan1M.p95FrameMs).toBeGreaterThanOrEqual(figures.pan1M.medianFrameMs)
  })
})
