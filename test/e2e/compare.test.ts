import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  closeApp,
  downloadText,
  launchChromium,
  openApp,
  startBrowserMode,
  type BrowserModeApp
} from './browserApp'

/**
 * Pins and the Compare view end to end (issue 12, "Comparison"): two hosts and a workload run
 * pinned, the two hosts compared (the server re-runs each pin), the workspace saved with both
 * hosts, and the pins back after a reload and a restore.
 *
 * Numbers: the SPR 8480C host's kernel printed "1050636 KB allocated for PAMT". The R750xs has
 * TDMRs [0,2G) and [4G,130G): 128 GiB, 4104·128 + 4·2 = 525,320 KB. Δ = 525,320 − 1,050,636 =
 * −525,316 KB; −525,316 / 1,050,636 = −49.9998 % → "-50.00 %".
 */
const SPR = 'tdx-spr-8480c-2s-256g-cmr-only'
const R750 = 'dell-r750xs-icx-1s-128g'

let browser: Browser
let app: BrowserModeApp
let page: Page

beforeAll(async () => {
  browser = await launchChromium()
  app = await startBrowserMode()
  page = await openApp(browser, app, { empty: true })
})
afterAll(async () => {
  await closeApp(page)
  await browser?.close()
  await app?.stop()
})

/** Pin what the view of `kind` shows under `label` (the Pin… button, its field, Enter). */
async function pin(kind: string, label: string | null): Promise<string> {
  const box = page.getByTestId(`pin-${kind}`)
  await box.getByTestId('pin-open').click()
  const field = box.getByTestId('pin-label')
  const start = await field.inputValue()
  if (label !== null) await field.fill(label)
  await field.press('Enter')
  await box.getByTestId('pin-done').waitFor()
  return start
}

async function openExample(id: string): Promise<void> {
  await page.getByTestId('nav-host').click()
  await page.getByTestId('example-select').selectOption(id)
  await page
    .getByTestId('host-name')
    .filter({ hasText: `${id}.txt` })
    .waitFor()
}

/** The comparison table's cells, by row. */
async function comparisonRows(): Promise<string[][]> {
  await page.getByTestId('comparison-table').first().waitFor()
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=comparison-table] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())
    )
  )
}

describe('browser mode, pins and the Compare view', () => {
  it('pins two hosts and a workload run, and compares the two hosts with their delta', async () => {
    await openExample(SPR)
    const sprLabel = await pin('host-analysis', 'SPR 8480C')
    expect(sprLabel).toMatch(new RegExp(`^${SPR}\\.txt · (static|dynamic) PAMT · module `))
    await openExample(R750)
    await pin('host-analysis', 'R750xs')

    // A small run on the R750xs: two TDs of the default preset.
    await page.getByTestId('nav-workload').click()
    await page.getByTestId('scenario-editor').waitFor()
    await page.getByTestId('class-0-count').fill('2')
    await page.getByTestId('run-simulation').click()
    await page.getByTestId('peak-total').waitFor()
    await page.getByTestId('job-progress').waitFor({ state: 'detached' })
    const runLabel = await pin('workload-run', null)
    expect(runLabel).toMatch(new RegExp(`^${R750}\\.txt · .+ · seed \\d+$`))

    // Ctrl+4: the Compare view lists the three pins.
    await page.keyboard.press('Control+4')
    await page.getByTestId('pins-table').waitFor()
    expect(await page.locator('[data-testid^=pin-row-]').count()).toBe(3)
    await page.getByTestId('pin-select-p1').check()
    await page.getByTestId('pin-select-p2').check()
    await page.getByTestId('compare-run').click()
    const rows = await comparisonRows()
    const headers = await page.locator('[data-testid=comparison-table] thead th').allInnerTexts()
    expect(headers.map((h) => h.trim())).toEqual([
      'metric',
      'unit',
      'SPR 8480C',
      'R750xs',
      'Δ vs SPR 8480C',
      'Δ (%)'
    ])
    expect(rows.find((r) => r[0] === 'Static PAMT' && r[1] === 'KiB')).toEqual([
      'Static PAMT',
      'KiB',
      '1,050,636',
      '525,320',
      '-525,316',
      '-50.00 %'
    ])
    // TDMRs: 3 and 2.
    expect(rows.find((r) => r[0] === 'TDMRs')?.slice(2, 5)).toEqual(['3', '2', '-1'])
    await page
      .locator('[data-testid=chart-compare-1] canvas, [data-testid=chart-compare-1] svg')
      .first()
      .waitFor()

    // The comparison goes into a report: from the Compare view the dialog starts on it; main
    // re-runs both pins and prints the PDF, whose text holds both labels and the delta.
    await page.getByTestId('export-report').click()
    await page.getByTestId('report-dialog').waitFor()
    expect(await page.getByTestId('report-scope-comparison').isChecked()).toBe(true)
    await page.getByTestId('report-format-pdf').check()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-export').click()
    ])
    const words = execFileSync('pdftotext', ['-layout', await download.path(), '-'], {
      encoding: 'utf8'
    })
    expect(words).toContain('Comparison of pinned results')
    expect(words).toMatch(/Static PAMT\s+KiB\s+1,050,636\s+525,320\s+-525,316/)
    expect(words).toContain('R750xs')
  })

  it('saves both hosts with the pins, and restores them after a reload', async () => {
    const saved = await downloadText(page, 'workspace-save')
    const doc = JSON.parse(saved.text) as {
      hosts: Array<{ id: string; source: { fileName: string } }>
      activeHostId: string
      pinned: Array<{ id: string; kind: string; label: string; hostId: string }>
    }
    // The host on screen (R750xs) first, then the SPR host only a pin refers to.
    expect(doc.hosts.map((h) => [h.id, h.source.fileName])).toEqual([
      ['w1', `${R750}.txt`],
      ['w2', `${SPR}.txt`]
    ])
    expect(doc.pinned.map((p) => [p.id, p.kind, p.hostId])).toEqual([
      ['p1', 'host-analysis', 'w2'],
      ['p2', 'host-analysis', 'w1'],
      ['p3', 'workload-run', 'w1']
    ])

    // A rename after the save is autosaved; a reload offers the session back. Wait for the
    // autosave that carries the new label (an earlier one may already show "autosaved").
    const renamedSaved = page.waitForResponse(
      (r) =>
        r.url().endsWith('/api/autosaveWorkspace') &&
        (r.request().postData() ?? '').includes('two TDs')
    )
    await page.getByTestId('pin-rename-p3').fill('two TDs')
    await page.getByTestId('pin-rename-p3').press('Enter')
    expect((await renamedSaved).ok()).toBe(true)
    page.on('dialog', (d) => void d.accept())
    await page.reload()
    await page.getByTestId('restore-session').click()
    await page.getByTestId('restore-banner').waitFor({ state: 'detached' })
    await page
      .getByTestId('host-name')
      .filter({ hasText: `${R750}.txt` })
      .waitFor()
    await page.getByTestId('nav-compare').click()
    await page.getByTestId('pins-table').waitFor()
    const labels = await page
      .locator('[data-testid^=pin-rename-]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))
    expect(labels).toEqual(['SPR 8480C', 'R750xs', 'two TDs'])
    // The restored pins still compare: the SPR host came back from the autosave too.
    await page.getByTestId('pin-select-p1').check()
    await page.getByTestId('pin-select-p2').check()
    await page.getByTestId('compare-run').click()
    const rows = await comparisonRows()
    expect(rows.find((r) => r[0] === 'Static PAMT' && r[1] === 'KiB')?.slice(2)).toEqual([
      '1,050,636',
      '525,320',
      '-525,316',
      '-50.00 %'
    ])
  })
})
