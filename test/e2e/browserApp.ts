import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
// The headless flags this machine's Chromium needs: one list with the bench's and the PDF's.
import { CHROMIUM_ARGS } from '../../src-main/services/pdf/chromiumPdf'
import { startServeChild } from '../../src-main/cli/serveChild'
import { E2E_WAIT_MS, SERVER_START_MS } from './timeouts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

export interface BrowserModeApp {
  url: string
  origin: string
  /** The server's data folder (autosave, session record): a fresh temporary one unless given. */
  dataDir: string
  stop(): Promise<void>
}

/**
 * Start the built app in browser mode exactly as `npm run serve` does (out/main/cli.js serve), on a
 * free port, and return the tokenised URL it prints.
 */
export async function startBrowserMode(opts: { dataDir?: string } = {}): Promise<BrowserModeApp> {
  const cli = `${ROOT}out/main/cli.js`
  if (!existsSync(cli))
    throw new Error(
      'out/main/cli.js is missing: run `electron-vite build` first (npm run test:e2e does)'
    )
  // Never the user's own data folder: an autosave there would offer a restore to the next run.
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pamt-e2e-data-'))
  const { url, stop } = await startServeChild(cli, dataDir, SERVER_START_MS, ROOT)
  return { url, origin: new URL(url).origin, dataDir, stop }
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium)`
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: E2E_WAIT_MS
  })
}

/** The host most specs start from: the first example, which the app used to load by itself. */
export const DEFAULT_EXAMPLE = 'dell-r750xs-icx-1s-128g'

export interface OpenOptions {
  /**
   * The example host to pick from the empty state once the app is up (default DEFAULT_EXAMPLE).
   * The app starts with no host (issue 13); this is the newcomer's first click.
   */
  example?: string
  /** Leave the app in its empty state (no example picked); `example` is then ignored. */
  empty?: boolean
  tab?: 'workload' | 'contention'
  /** A test id to wait for once the tab is shown (the view has loaded its presets). */
  ready?: string
  /** Called with the new page before it loads (to listen for page errors). */
  onPage?: (page: Page) => void
}

/**
 * A new page, in its own browser context, on the app: loaded, with an example host picked (or
 * left empty) and optionally a tab. Every Playwright wait on it (locators, events, navigation) times out
 * after E2E_WAIT_MS, below the test timeout. Close it with closeApp.
 */
export async function openApp(
  browser: Browser,
  app: BrowserModeApp,
  opts: OpenOptions = {}
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } })
  context.setDefaultTimeout(E2E_WAIT_MS)
  context.setDefaultNavigationTimeout(E2E_WAIT_MS)
  const page = await context.newPage()
  opts.onPage?.(page)
  await page.goto(app.url)
  // Up: the examples are listed in the empty state.
  await page.getByTestId('empty-examples').locator('button').first().waitFor()
  if (!opts.empty) {
    const example = opts.example ?? DEFAULT_EXAMPLE
    await page.getByTestId('example-select').selectOption(example)
    await page.getByText(`${example}.txt`, { exact: true }).first().waitFor()
  }
  if (opts.tab) await page.getByTestId(`nav-${opts.tab}`).click()
  if (opts.ready) await page.getByTestId(opts.ready).waitFor()
  return page
}

/** Close a page opened by openApp together with its browser context (downloads included). */
export async function closeApp(page: Page | undefined): Promise<void> {
  await page?.context().close()
}

/** One server and one Chromium per test file, and a fresh page (own context) per test. */
export interface BrowserModeSession {
  readonly app: BrowserModeApp
  readonly browser: Browser
  /** The page of the running test. */
  readonly page: Page
}

/**
 * Register the hooks of an e2e file: start the app and Chromium once, open a page before each test
 * with `opts`, close it (and its context) after each test, stop everything at the end.
 */
export function useBrowserMode(opts: OpenOptions = {}): BrowserModeSession {
  const shared = useAppAndBrowser()
  let page: Page | undefined
  beforeEach(async () => {
    page = await openApp(shared.browser, shared.app, opts)
  })
  afterEach(async () => {
    await closeApp(page)
    page = undefined
  })
  return {
    get app() {
      return shared.app
    },
    get browser() {
      return shared.browser
    },
    get page() {
      return need(page, 'the page')
    }
  }
}

/** The server and Chromium of one e2e file, started once and stopped at its end. */
export function useAppAndBrowser(): { readonly app: BrowserModeApp; readonly browser: Browser } {
  let app: BrowserModeApp | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    app = await startBrowserMode()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })
  return {
    get app() {
      return need(app, 'the app')
    },
    get browser() {
      return need(browser, 'the browser')
    }
  }
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`${what} is not ready: use it inside a test`)
  return v
}

/** Click a test id that downloads a file; the file's suggested name and its text (UTF-8). */
export async function downloadText(
  page: Page,
  testId: string
): Promise<{ name: string; text: string; path: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click()
  ])
  const path = await download.path()
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8'), path }
}

/** Wait until the element with `testId` shows exactly `expected` (trimmed text). */
export async function waitForText(page: Page, testId: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === want,
    [testId, expected] as const
  )
}

/** "1,163" → 1163 (the en-US grouping the views use). */
export function parseInteger(text: string): number {
  const clean = text.trim().replace(/,/g, '')
  if (!/^-?\d+$/.test(clean)) throw new Error(`not an integer: ${JSON.stringify(text)}`)
  return Number(clean)
}

/** A card's exact byte count from its title, "78,438,400 bytes" → 78438400. */
export async function titleBytes(page: Page, testId: string): Promise<number> {
  const title = (await page.getByTestId(testId).getAttribute('title')) ?? ''
  const m = /^(-?[\d,]+) bytes$/.exec(title)
  if (!m) throw new Error(`${testId}: title ${JSON.stringify(title)} is not "<n> bytes"`)
  return parseInteger(m[1]!)
}

/** The contention view's per-design table: column labels and each metric row's cells by label. */
export async function readDesignTable(
  page: Page
): Promise<{ labels: string[]; cell: (metric: string, label: string) => string }> {
  await page.getByTestId('design-table').waitFor()
  const { labels, rows } = await page.evaluate(() => {
    const table = document.querySelector('[data-testid=design-table]')!
    const labels = [...table.querySelectorAll('thead th[data-testid^="design-col-"]')].map((th) =>
      th.getAttribute('data-testid')!.slice('design-col-'.length)
    )
    const rows: Record<string, string[]> = {}
    for (const tr of table.querySelectorAll('tbody tr[data-testid^="metric-"]'))
      rows[tr.getAttribute('data-testid')!.slice('metric-'.length)] = [
        ...tr.querySelectorAll('td')
      ].map((td) => (td.textContent ?? '').trim())
    return { labels, rows }
  })
  return {
    labels,
    cell: (metric, label) => {
      const i = labels.indexOf(label)
      const row = rows[metric]
      if (i < 0 || !row) throw new Error(`no cell ${metric} / ${label} (columns: ${labels})`)
      return row[i]!
    }
  }
}
