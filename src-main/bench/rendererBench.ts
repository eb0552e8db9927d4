import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type * as Playwright from 'playwright-core'
import { CHROMIUM_ARGS, chromiumSearchText, findChromium } from '../services/pdf/chromiumPdf'
import { startServeChild } from '../cli/serveChild'
import { measureRenderer, rendererFiguresText, type RendererFigures } from './rendererMetrics'

/**
 * `npm run bench`'s renderer figures (issue 14, "Renderer"): the built app in browser mode
 * (`out/main/cli.js serve`, as `npm run serve` runs it) driven by this machine's Chromium
 * ($PAMT_PLANNER_CHROMIUM, else chromium on PATH; never a downloaded browser) through
 * playwright-core, measured by rendererMetrics.ts. No Chromium, or no playwright-core (an install
 * without dev dependencies): the entry says why it was skipped and the bench goes on; a measurement
 * that fails says so in `failed`, and the bench's other figures still print.
 */
export type RendererBenchResult = RendererFigures | { skipped: string } | { failed: string }

/** Generous: the measurement takes a few seconds here; past this something hangs. */
const WAIT_MS = 120_000

/** Start `cli.js serve` on a free port with a throwaway data folder; its URL and a stop. */
async function startServer(
  cliPath: string
): Promise<{ url: string; stop: () => Promise<void>; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pamt-bench-renderer-'))
  const { url, stop } = await startServeChild(cliPath, dataDir, WAIT_MS)
  return { url, stop, dataDir }
}

/** Measure the renderer; `cliPath` is the built CLI next to bench.js. */
export async function rendererBench(cliPath: string): Promise<RendererBenchResult> {
  const executablePath = findChromium()
  if (!executablePath)
    return { skipped: `no Chromium: ${chromiumSearchText().replace(/^no Chromium found: /, '')}` }
  let playwright: typeof Playwright
  try {
    playwright = await import('playwright-core')
  } catch (e) {
    return { skipped: `no playwright-core (a dev dependency): ${(e as Error).message}` }
  }
  try {
    return await measure(executablePath, playwright, cliPath)
  } catch (e) {
    return { failed: (e as Error).message.split('\n')[0]! }
  }
}

async function measure(
  executablePath: string,
  playwright: typeof Playwright,
  cliPath: string
): Promise<RendererFigures> {
  const server = await startServer(cliPath)
  try {
    const browser = await playwright.chromium.launch({
      executablePath,
      args: CHROMIUM_ARGS,
      timeout: WAIT_MS
    })
    try {
      return (await measureRenderer(browser, server.url, { timeoutMs: WAIT_MS })).figures
    } finally {
      await browser.close()
    }
  } finally {
    await server.stop()
    rmSync(server.dataDir, { recursive: true, force: true })
  }
}

/** The human form's lines for the renderer entry. */
export function rendererBenchText(r: RendererBenchResult): string {
  if ('skipped' in r) return `renderer: skipped (${r.skipped})\n`
  if ('failed' in r) return `renderer: measurement failed: ${r.failed}\n`
  return rendererFiguresText(r)
}
