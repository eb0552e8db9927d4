import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticBootLog } from '../../src-main/bench/syntheticInputs'
import { useBrowserMode } from './browserApp'

/**
 * Browser mode keeps the page responsive while a 60 MB host log imports (issue 14): the file goes
 * to the server as the raw request body (httpClient uploadText), so the page's thread never reads,
 * decodes or JSON-escapes it, and a click during the import takes effect at once.
 */
const s = useBrowserMode()
let dir = ''
let logPath = ''

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pamt-e2e-large-'))
  logPath = join(dir, 'big-boot.log')
  // 60,000,000 characters: an e820 table of [0, 0x9efff] and [1 MiB, 2 GiB), a CMR, then the same
  // seven noise lines repeated (src-main/bench/syntheticInputs.ts).
  writeFileSync(logPath, syntheticBootLog(60_000_000).text)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('browser mode, a 60 MB host log', () => {
  it('answers a click on another view while the import runs, then shows the imported host', async () => {
    const page = s.page
    // Everything that depends on timing happens in the page, so a loaded machine that delays the
    // test process cannot make the import end before the test looks: as soon as the import's
    // progress bar appears, the page clicks the Workload tab itself (a click event handled while
    // the upload and the parse run), and it records when the tab got selected and when the
    // progress bar went away (page clock).
    await page.evaluate(() => {
      const w = window as unknown as {
        seen: { tab?: number; progressGone?: number; progress?: number }
      }
      w.seen = {}
      new MutationObserver(() => {
        const now = performance.now()
        const bar = document.querySelector('[data-testid=job-progress]')
        if (bar && w.seen.progress === undefined) {
          w.seen.progress = now
          document.querySelector<HTMLElement>('[data-testid=nav-workload]')?.click()
        }
        if (!bar && w.seen.progress !== undefined && w.seen.progressGone === undefined)
          w.seen.progressGone = now
        const tab = document.querySelector('[data-testid=nav-workload]')
        if (tab?.getAttribute('aria-selected') === 'true' && w.seen.tab === undefined)
          w.seen.tab = now
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })
    // How the file travels: as the raw text/plain body, with the request in a header (checked
    // on the request the browser sends, not by timing anything).
    const uploads: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/api/analyzeHostText')) uploads.push(r.headers()['content-type'] ?? '')
    })
    await page.getByTestId('file-input').setInputFiles(logPath)
    // The end state, not a transient: the Workload tab selected by the page's own click, then the
    // imported host on the Host view.
    await page.locator('[data-testid=nav-workload][aria-selected=true]').waitFor()
    await page.getByTestId('nav-host').click()
    await page.getByTestId('host-name').getByText('big-boot.log').waitFor()
    const seen = await page.evaluate(
      () =>
        (window as unknown as { seen: { tab?: number; progress?: number; progressGone?: number } })
          .seen
    )
    expect(seen.progress).toBeDefined()
    expect(seen.tab).toBeDefined()
    expect(seen.progressGone).toBeDefined()
    // The click switched the view while the import was still running.
    expect(seen.tab!).toBeLessThan(seen.progressGone!)
    expect(await page.getByTestId('host-name').innerText()).toBe('big-boot.log')
    expect(uploads).toEqual(['text/plain; charset=utf-8'])
  })
})
