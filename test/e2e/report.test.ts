import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useBrowserMode } from './browserApp'

/**
 * Reports end to end (issue 12, "Reports"): in the browser app, on the SPR 8480C example host,
 * "Export report…" downloads the HTML, then the PDF the server prints with Chromium; pdftotext
 * finds the key numbers in the PDF. By hand: the log prints 1,050,636 KB of static PAMT, which the
 * model matches (3 TDMRs, 256 GiB: PAMT_4K 1,048,576 KiB + PAMT_2M 2,048 KiB + PAMT_1G 12 KiB);
 * Dynamic PAMT's static part is the 4K bitmap 8,192 KiB + PAMT_2M 2,048 KiB + PAMT_1G 12 KiB =
 * 10,252 KiB.
 */
const SPR = 'tdx-spr-8480c-2s-256g-cmr-only'
const s = useBrowserMode({ example: SPR })

/** Open the dialog, pick the format, export; the download's name and file path. */
async function exportReport(
  page: Page,
  format: 'html' | 'pdf'
): Promise<{ name: string; path: string }> {
  await page.getByTestId('export-report').click()
  await page.getByTestId('report-dialog').waitFor()
  await page.getByTestId(`report-format-${format}`).check()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('report-export').click()
  ])
  return { name: download.suggestedFilename(), path: await download.path() }
}

describe('browser mode, reports', () => {
  it('exports the host report as HTML and as a PDF whose text holds the key numbers', async () => {
    const page = s.page
    const html = await exportReport(page, 'html')
    expect(html.name).toBe(`${SPR}.host-report.html`)
    const text = readFileSync(html.path, 'utf8')
    expect(text).not.toMatch(/<script|https?:\/\//i)
    expect(text).toContain('1,050,636')

    const pdf = await exportReport(page, 'pdf')
    expect(pdf.name).toBe(`${SPR}.host-report.pdf`)
    expect(readFileSync(pdf.path).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const words = execFileSync('pdftotext', ['-layout', pdf.path, '-'], { encoding: 'utf8' })
    expect(words).toContain(`${SPR}.txt`)
    expect(words).toContain('1,050,636')
    expect(words).toContain('10,252')
    expect(words).toContain('Modelled assumptions')
  })

  it('exports the Workload view’s run with its capacity sentence first', async () => {
    const page = s.page
    await page.getByTestId('nav-workload').click()
    await page.getByTestId('preset-select').selectOption('one-16g-td')
    await page.getByTestId('run-simulation').click()
    await page.getByTestId('peak-total').waitFor()
    await page.getByTestId('job-progress').waitFor({ state: 'detached' })
    const html = await exportReport(page, 'html')
    expect(html.name).toBe(`${SPR}.workload-report.html`)
    const text = readFileSync(html.path, 'utf8')
    // One 16 GiB TD on the host's 255.33 GiB of TDX memory.
    expect(text).toContain('<p>Capacity: All 1 TD fit (16 GiB of 255.33 GiB TDX memory).</p>')
    expect(text).toContain('<figcaption>PAMT over time</figcaption>')
  })

  it('opens the dialog from the keyboard and closes it with Esc', async () => {
    const page = s.page
    await page.keyboard.press('Control+Shift+E')
    await page.getByTestId('report-dialog').waitFor()
    // The focus is on this view's scope (the Host view).
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe(
      'host'
    )
    await page.keyboard.press('Escape')
    await page.getByTestId('report-dialog').waitFor({ state: 'detached' })
  })
})
