import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  closeApp,
  downloadText,
  launchChromium,
  openApp,
  startBrowserMode,
  waitForText,
  type BrowserModeApp
} from './browserApp'

/**
 * Workspaces end to end (issue 12): save, reload and restore on one server; then a fresh server
 * with a fresh data folder opens the saved file. Numbers: the SPR 8480C host's TDMRs cover
 * 256 GiB; with 8-byte PAMT_4K entries PAMT_4K is 256 GiB / 4 KiB × 8 B = 524,288 KB, plus
 * PAMT_2M 2,048 KB and PAMT_1G 12 KB = 526,348 KB (the kernel printed 1,050,636 KB with 16 B).
 */
const SPR = 'tdx-spr-8480c-2s-256g-cmr-only'
const TITLE = 'Untitled workspace — PAMT Planner'

let browser: Browser
const apps: BrowserModeApp[] = []
const pages: Page[] = []
let savedPath = ''

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  for (const p of pages) await closeApp(p)
  await browser?.close()
  for (const a of apps) await a.stop()
})

async function start(): Promise<{ app: BrowserModeApp; page: Page }> {
  const app = await startBrowserMode()
  apps.push(app)
  // Empty: the title starts clean, and the first change is the user's own.
  const page = await openApp(browser, app, { empty: true })
  pages.push(page)
  return { app, page }
}

const title = (page: Page): Promise<string> => page.evaluate(() => document.title)

describe('browser mode, workspaces', () => {
  it('saves, reloads and restores the host, its options and the edited scenario', async () => {
    const { page } = await start()
    expect(await title(page)).toBe(TITLE)
    await page.getByTestId('example-select').selectOption(SPR)
    await page.getByText(`${SPR}.txt`, { exact: true }).first().waitFor()
    await page.getByTestId('param-pamt4kEntryBytes').fill('8')
    await page.getByTestId('param-pamt4kEntryBytes').press('Enter')
    await waitForText(page, 'static-pamt-kb', '526,348')
    await page.waitForFunction((t) => document.title === `• ${t}`, TITLE)

    // Save: browser mode downloads the .pamtplan; the unsaved mark goes.
    const saved = await downloadText(page, 'workspace-save')
    savedPath = saved.path
    expect(saved.name).toBe('Untitled-workspace.pamtplan')
    expect(JSON.parse(saved.text)).toMatchObject({
      format: 'pamt-planner-workspace',
      version: 3,
      hosts: [{ source: { fileName: `${SPR}.txt` }, model: { params: { pamt4kEntryBytes: 8 } } }]
    })
    await page.waitForFunction((t) => document.title === t, TITLE)

    // Then edit the scenario: unsaved again, and autosaved 2 s later.
    // Waits for the autosave that carries the edit (an earlier one may already show "autosaved").
    await page.getByTestId('nav-workload').click()
    const editSaved = page.waitForResponse(
      (r) =>
        r.url().endsWith('/api/autosaveWorkspace') &&
        (r.request().postData() ?? '').includes('e2e restored scenario')
    )
    await page.getByTestId('scenario-name').fill('e2e restored scenario')
    await page.waitForFunction((t) => document.title === `• ${t}`, TITLE)
    expect((await editSaved).ok()).toBe(true)

    // Reload (accepting the unsaved-changes prompt): the empty state, and the offer.
    page.on('dialog', (d) => void d.accept())
    await page.reload()
    await page.getByTestId('restore-banner').waitFor()
    // Keyboard: the focus is on Restore.
    await page.keyboard.press('Enter')
    await page.getByTestId('restore-banner').waitFor({ state: 'detached' })
    await page.getByText(`${SPR}.txt`, { exact: true }).first().waitFor()
    await page.getByTestId('nav-host').click()
    await waitForText(page, 'static-pamt-kb', '526,348')
    expect(await page.getByTestId('param-pamt4kEntryBytes').inputValue()).toBe('8')
    await page.getByTestId('nav-workload').click()
    expect(await page.getByTestId('scenario-name').inputValue()).toBe('e2e restored scenario')
    // Restored from the autosave, not from a file: unsaved.
    expect(await title(page)).toBe(`• ${TITLE}`)
  })

  it('opens the saved workspace in a fresh server with a fresh data folder', async () => {
    expect(savedPath).not.toBe('')
    const { page } = await start()
    // A fresh data folder has no previous session to offer.
    expect(await page.getByTestId('restore-banner').count()).toBe(0)
    await page.getByTestId('file-input').setInputFiles({
      name: 'lab.pamtplan',
      mimeType: 'application/json',
      buffer: readFileSync(savedPath)
    })
    await page.getByText(`${SPR}.txt`, { exact: true }).first().waitFor()
    await waitForText(page, 'static-pamt-kb', '526,348')
    expect(await page.getByTestId('param-pamt4kEntryBytes').inputValue()).toBe('8')
    expect(await page.getByTestId('workspace-status').innerText()).toContain('Opened lab.pamtplan')
    expect(await title(page)).toBe(TITLE)
  })
})
