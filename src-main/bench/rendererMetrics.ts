import type { Browser, Page } from 'playwright-core'
import {
  TEST_HOOKS_FLAG,
  TEST_HOOKS_GLOBAL,
  type PanMeasurement,
  type PanRequest
} from '@shared/api/testHooks'

/**
 * The renderer's figures (issue 14, "Renderer"), taken in Chromium against the browser-mode
 * server: the first contentful paint of the app with a host picked, and the frame times of a pan
 * across a one-million-point PAMT-over-time chart. Shared by the end-to-end test, which checks the
 * measurements exist and the chart really panned (never how fast), and by `npm run bench`, which
 * prints them (rendererBench.ts). The in-page half is src-renderer/src/testHooks/rendererHooks.ts;
 * docs/ARCHITECTURE.md, "Renderer measurements".
 */

/** The host picked before measuring: the first example, as a newcomer would. */
export const METRICS_EXAMPLE = 'dell-r750xs-icx-1s-128g'
/**
 * The pan: one TD of 16 GiB (a preset that fits every example) sampled 1,000,000 times, then
 * 20 steps. The "a million points"; 20 frames give a median and a 95th percentile.
 */
export const PAN_REQUEST: PanRequest = { samples: 1_000_000, steps: 20, preset: 'one-16g-td' }

export interface RendererFigures {
  /** performance's first-contentful-paint of the page load, ms from navigation start. */
  firstContentfulPaintMs: number
  pan1M: { points: number; frames: number; medianFrameMs: number; p95FrameMs: number }
}

export interface RendererMeasurement {
  figures: RendererFigures
  /** What the hook saw, for the test's checks that the chart rendered and panned. */
  pan: PanMeasurement
}

/** The nearest-rank percentile `p` (0 < p ≤ 100) of `values`: the smallest value ≥ p % of them. */
export function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = Array.from(values).sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** The median: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = Array.from(values).sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Figures from a pan measurement, rounded to 0.1 ms (frame times are whole or 1/10 ms). */
export function panFigures(pan: PanMeasurement): RendererFigures['pan1M'] {
  const round = (ms: number): number => Math.round(ms * 10) / 10
  return {
    points: pan.points,
    frames: pan.frameMs.length,
    medianFrameMs: round(median(pan.frameMs)),
    p95FrameMs: round(nearestRank(pan.frameMs, 95))
  }
}

/** Wait for the examples, pick `example`, wait until the Host view names it. */
async function pickExample(page: Page, example: string): Promise<void> {
  await page.getByTestId('empty-examples').locator('button').first().waitFor()
  await page.getByTestId('example-select').selectOption(example)
  await page.getByText(`${example}.txt`, { exact: true }).first().waitFor()
}

/**
 * Open the app at `url` (a browser-mode URL with its token) in a fresh context of `browser`, with
 * the test hooks asked for, pick `example`, and take the figures. Every wait fails after
 * `timeoutMs` with Playwright's own message.
 */
export async function measureRenderer(
  browser: Browser,
  url: string,
  opts: { timeoutMs: number; example?: string; pan?: PanRequest }
): Promise<RendererMeasurement> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } })
  context.setDefaultTimeout(opts.timeoutMs)
  context.setDefaultNavigationTimeout(opts.timeoutMs)
  try {
    // Before any page script: main.ts loads the hooks' chunk only when it finds the flag.
    await context.addInitScript(`window.${TEST_HOOKS_FLAG} = true`)
    const page = await context.newPage()
    await page.goto(url)
    await pickExample(page, opts.example ?? METRICS_EXAMPLE)
    // A fresh context, so the paint includes fetching every chunk the first screen needs.
    const fcp = await page.evaluate<number | null>(
      `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null`
    )
    if (fcp === null) throw new Error('Chromium recorded no first-contentful-paint')
    await page.waitForFunction(`!!window.${TEST_HOOKS_GLOBAL}`)
    const request = opts.pan ?? PAN_REQUEST
    const pan = await page.evaluate<PanMeasurement>(
      `window.${TEST_HOOKS_GLOBAL}.measurePan(${JSON.stringify(request)})`
    )
    return {
      figures: { firstContentfulPaintMs: Math.round(fcp * 10) / 10, pan1M: panFigures(pan) },
      pan
    }
  } finally {
    await context.close()
  }
}

/** One line per figure, for the bench's human form. */
export function rendererFiguresText(f: RendererFigures): string {
  return (
    `renderer: first contentful paint ${f.firstContentfulPaintMs} ms (example host picked)\n` +
    `  pan of ${f.pan1M.points.toLocaleString('en-US')} points over ${f.pan1M.frames} frames: ` +
    `median ${f.pan1M.medianFrameMs} ms, p95 ${f.pan1M.p95FrameMs} ms a frame\n`
  )
}
