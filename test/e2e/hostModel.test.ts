import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, startBrowserMode, type BrowserModeApp } from './browserApp'

let app: BrowserModeApp
let browser: Browser
let page: Page

const formatFixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/formats/${name}`, import.meta.url))

beforeAll(async () => {
  app = await startBrowserMode()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
})
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  await page.goto(app.url)
  await page.getByTestId('host-name').waitFor()
})

const text = (testId: string): Promise<string> => page.getByTestId(testId).innerText()

describe('browser mode, host model (NUMA, options, formats)', () => {
  it('shows the 16 NUMA nodes and 17 TDMRs of the 12 TiB host, and its address map', async () => {
    await page.getByTestId('example-select').selectOption('hp-superdome2-16s-12tb')
    await page.getByTestId('node-row-15').waitFor()
    expect(await page.locator('[data-testid=node-table] tbody tr').count()).toBe(16)
    await page.getByTestId('tdmr-row-16').waitFor()
    expect(await page.getByTestId('tdmr-row-17').count()).toBe(0)
    expect(await text('static-pamt-kb')).toBe((4104 * 12288 + 4 * 49).toLocaleString('en-US'))
    await page
      .locator('[data-testid=chart-address-map] svg path')
      .first()
      .waitFor({ state: 'attached' })
  })

  it('re-analyses in the worker when a TDX module parameter changes, and names the failing TDMR', async () => {
    await page.getByTestId('example-select').selectOption('laptop-dell-xps13-9370-16g')
    await page.getByText('laptop-dell-xps13-9370-16g.txt', { exact: true }).first().waitFor()
    expect(await text('verdict')).toContain('succeeds')
    await page.getByTestId('param-maxReservedPerTdmr').fill('2')
    await page.getByTestId('param-maxReservedPerTdmr').press('Enter')
    await page.getByTestId('verdict-error').waitFor()
    expect(await text('verdict-error')).toContain('reserved areas exhausted')
    await page.getByTestId('reset-defaults').click()
    await page.getByTestId('verdict-error').waitFor({ state: 'detached' })
  })

  it('re-analyses with CMR holes and Dynamic PAMT chunks: the PAMT placements move', async () => {
    await page.getByTestId('example-select').selectOption('tdx-spr-8480c-2s-256g-cmr-only')
    await page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    // Static chunks: the second lands at 0x11f8fd000 (test/shared/model/host/realHosts.test.ts).
    expect(await text('tdmr-table')).toContain('0x11f8fd000')
    await page.getByTestId('hole-source').selectOption('cmr')
    await page.getByTestId('pamt-mode').selectOption('dynamic')
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-testid=tdmr-table]')?.textContent?.includes('0x11f8fd000')
    )
    expect(await text('static-pamt-kb')).toBe('1,050,636')
    expect(await text('verdict')).toContain('succeeds')
  })

  it('imports /proc/iomem and says what it recognised', async () => {
    await page
      .getByTestId('file-input')
      .setInputFiles(formatFixture('proc-iomem-r750xs-1s-128g.txt'))
    await page.getByText('proc-iomem-r750xs-1s-128g.txt', { exact: true }).first().waitFor()
    expect(await text('import-summary')).toContain('proc-iomem')
    expect(await text('static-pamt-kb')).toBe('525,320')
  })

  it('exports the host as JSON that imports back to the same numbers', async () => {
    await page.getByTestId('example-select').selectOption('tdx-spr-8480c-2s-256g-cmr-only')
    await page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-host-json').click()
    ])
    const path = await download.path()
    const json = readFileSync(path, 'utf8')
    expect(JSON.parse(json).format).toBe('pamt-planner-host')
    await page.getByTestId('file-input').setInputFiles({
      name: 'spr.host.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json)
    })
    await page.getByText('spr.host.json', { exact: true }).first().waitFor()
    expect(await text('static-pamt-kb')).toBe('1,050,636')
  })
})
