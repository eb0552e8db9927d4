import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, openApp, startBrowserMode, type BrowserModeApp } from './browserApp'

let app: BrowserModeApp
let browser: Browser
let page: Page

beforeAll(async () => {
  app = await startBrowserMode()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
})
beforeEach(async () => {
  page = await openApp(browser, app, {
    example: 'tdx-spr-8480c-2s-256g-cmr-only',
    tab: 'contention'
  })
  await page.getByTestId('contention-settings').waitFor()
})

describe('browser mode, contention view (real worker)', () => {
  it('runs the calibration scenario for four designs and shows perf lock contention rows', async () => {
    await page.getByTestId('contention-preset').selectOption('calibration-10x16g')
    // Leave always-lock out: it takes every lock, tens of seconds to simulate.
    if (await page.getByTestId('design-always-lock').isChecked())
      await page.getByTestId('design-always-lock').uncheck()
    await page.getByTestId('run-contention').click()
    await page.getByTestId('perf-lock-table').waitFor({ timeout: 60_000 })
    const table = await page.getByTestId('perf-lock-table').innerText()
    expect(table).toContain('contended')
    expect(table).toContain('spinlock')
    expect(table).toContain('tdx_pamt_get')
    // The CLI and the model tests give 1163 contentions for v6 on this host and preset.
    expect(await page.getByTestId('calibration-run').innerText()).toContain('1,163')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('save-perf-csv').click()
    ])
    const csv = readFileSync(await download.path(), 'utf8')
    expect(csv.split('\n')[0]).toBe(
      '# output: contended, total wait, max wait, avg wait, type, caller'
    )
  })

  it('runs both DEMOTE variants on the DEMOTE-under-load preset', async () => {
    await page.getByTestId('contention-preset').selectOption('demote-under-load')
    for (const d of ['always-lock', 'per-2m', 'hashed', 'module-only']) {
      const box = page.getByTestId(`design-${d}`)
      if (await box.isChecked()) await box.uncheck()
    }
    await page.getByTestId('run-contention').click()
    await page.getByTestId('perf-lock-table').waitFor({ timeout: 60_000 })
    const table = await page.getByTestId('perf-lock-table').innerText()
    expect(table).toContain('lock-around')
    expect(table).toContain('try-then-lock')
  })
})
