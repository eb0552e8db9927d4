import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { downloadText, useBrowserMode } from './browserApp'

/**
 * Browser mode, Contention view, the Sensitivity button on the SPR 8480C host, against the real
 * worker. The scenario is the Workload view's one-16g-td preset (one 16 GiB TD, 4 vCPUs, lazy
 * accept, no DEMOTE): 31 points of v6 and module-only with one seed are ~4 million events, a few
 * seconds here, where the calibration preset would take ten times that.
 */
const s = useBrowserMode({
  example: 'tdx-spr-8480c-2s-256g-cmr-only',
  tab: 'workload',
  ready: 'preset-select'
})

describe('browser mode, contention sensitivity (real worker)', () => {
  it('runs ¼×–4× for two designs: the words, the table, both tornado charts and the CSV', async () => {
    const page = s.page
    await page.getByTestId('preset-select').selectOption('one-16g-td')
    await page.getByTestId('nav-contention').click()
    await page.getByTestId('contention-scenario').waitFor()
    await page.getByTestId('use-workload-scenario').click()
    for (const d of ['v6', 'always-lock', 'per-2m', 'hashed', 'module-only'])
      await page.getByTestId(`design-${d}`).setChecked(d === 'v6' || d === 'module-only')
    await page.getByTestId('machine-seeds').fill('1')

    const button = page.getByTestId('run-sensitivity')
    // No DEMOTE: 14 costs + the kernel window = 15 parameters, 1 + 2 × 15 = 31 points.
    expect(await button.getAttribute('title')).toContain('31 points')
    // Keyboard: focus the button and press Enter, as a keyboard user would.
    await button.focus()
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/runContention')),
      page.keyboard.press('Enter')
    ])
    const sent = JSON.parse(answer.request().postData() ?? '{}') as {
      settings: { sensitivity: boolean }
    }
    expect(sent.settings.sensitivity).toBe(true)
    await page.getByTestId('job-progress').waitFor({ state: 'detached' })
    expect(await page.getByTestId('error-banner').count()).toBe(0)

    const panel = page.getByTestId('sensitivity')
    await panel.waitFor()
    expect(await page.getByTestId('sensitivity-skipped').innerText()).toContain(
      'Skipped demoteNs: the scenario does not demote'
    )
    // module-only takes no kernel lock, so wherever v6 contends it contends less, with its
    // hazards beside it. Whether v6 contends here is the model's output: the card says one or
    // the other.
    const card = await page.getByTestId('robust-conclusions').innerText()
    expect(card).toContain('Robust conclusions')
    expect(card).toMatch(/module-only contends less than v6|None: no ranking/)
    expect(await page.locator('[data-testid^=sensitivity-row-]').count()).toBe(15)
    expect(await page.getByTestId('sensitivity-row-kernelWindowRegions').innerText()).toContain(
      '2 regions – 32 regions'
    )
    for (const id of ['sensitivity-contended', 'sensitivity-p99'])
      expect(await page.getByTestId(`chart-${id}`).locator('svg').count()).toBeGreaterThan(0)

    const csv = await downloadText(page, 'save-sensitivity-csv')
    expect(csv.name).toMatch(/^sensitivity-tdx-spr-8480c-2s-256g-cmr-only-[\d-]+\.csv$/)
    const rows = Papa.parse<Record<string, string>>(csv.text.slice(1), {
      header: true,
      skipEmptyLines: true
    }).data
    // 2 base rows, then 15 parameters × 2 ends × 2 designs.
    expect(rows).toHaveLength(2 + 15 * 2 * 2)
    // module-only has no kernel lock: 0 contentions in every row.
    for (const r of rows.filter((x) => x['design'] === 'module-only'))
      expect(r['contended_max']).toBe('0')
    const add = rows.find(
      (r) => r['parameter'] === 'pamtAddNs' && r['end'] === 'high' && r['design'] === 'v6'
    )!
    // pamtAddNs 4000 ns × 4.
    expect(add['value']).toBe('16000')
  })
})
