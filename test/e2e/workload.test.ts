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
  page = await openApp(browser, app, { example: 'tdx-spr-8480c-2s-256g-cmr-only', tab: 'workload' })
  await page.getByTestId('scenario-editor').waitFor()
})

const text = (testId: string): Promise<string> => page.getByTestId(testId).innerText()

describe('browser mode, workload view (real worker)', () => {
  it('runs the 10 x 16 GiB preset: peak, savings against static, one REMOVE per ADD', async () => {
    await page.getByTestId('preset-select').selectOption('ten-16g-no-hugepages')
    await page.getByTestId('run-simulation').click()
    await page.getByTestId('peak-total').waitFor()
    // The same numbers the CLI prints for this host and preset (test/main/cli): 653.34 MiB peak.
    expect(await text('peak-total')).toContain('653.34 MiB')
    expect(await text('static-pamt-ref')).toContain('1.00 GiB')
    expect(await text('add-count')).toContain('82,081')
    expect(await text('remove-count')).toContain('82,081')
    await page
      .locator('[data-testid=chart-pamt-over-time] svg path')
      .first()
      .waitFor({ state: 'attached' })
  })

  it('draws a sweep over the 4K share', async () => {
    await page.getByTestId('preset-select').selectOption('one-16g-td')
    await page.getByTestId('sweep-parameter').selectOption('share4k')
    await page.getByTestId('run-sweep').click()
    await page.locator('[data-testid=chart-sweep] svg path').first().waitFor({ state: 'attached' })
  })

  it('replays an uploaded trace and lists what it found, with lines', async () => {
    const csv = [
      '# a put without a get on line 4',
      't_ns,ev,pfn,level,n,cpu,td',
      '1000,get,0x100000,4k,1,0,1',
      '2000,put,0x200000,4k,1,0,1',
      '3000,put,0x100000,4k,1,0,1'
    ].join('\n')
    await page
      .getByTestId('trace-input')
      .setInputFiles({ name: 'bad-order.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByTestId('trace-findings').waitFor()
    expect(await text('trace-findings')).toContain('PUT_WITHOUT_GET')
    expect(await text('trace-findings')).toMatch(/line 4\b/)
  })
})
