import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hostFixturePath } from '../support/fixtures'
import { useBrowserMode } from './browserApp'

const pageErrors: string[] = []
const s = useBrowserMode({
  empty: true,
  onPage: (page) => {
    pageErrors.length = 0
    page.on('pageerror', (e) => pageErrors.push(e.message))
  }
})

/** The shipped logs (test/fixtures/hosts), and a file that is not a host log. */
function fleetPaths(): string[] {
  const logs = readdirSync(hostFixturePath('.'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => hostFixturePath(f))
  const bad = join(mkdtempSync(join(tmpdir(), 'pamt-fleet-')), 'not-a-host.txt')
  writeFileSync(bad, 'this is a note, not a memory map\n')
  return [...logs, bad]
}

describe('browser mode, Fleet view', () => {
  it('uploads the shipped logs and a bad file: every row, failing first, the words, and a row opens its host', async () => {
    const page = s.page
    await page.getByTestId('nav-fleet').click()
    await page.getByTestId('fleet-empty').waitFor()
    const paths = fleetPaths()
    await page.getByTestId('fleet-files-input').setInputFiles(paths)
    const rows = page.getByTestId('fleet-row')
    // Every file is a row: 12 shipped logs and the bad file.
    await page.locator(`[data-testid=fleet-row] >> nth=${paths.length - 1}`).waitFor()
    expect(await rows.count()).toBe(13)
    // Failing first: the file that is not a host log (not read), then the host whose TDX init
    // fails (its kernel printed so: tdx-spr-gappy-cmrs-tdx10-fail.txt).
    expect(await rows.nth(0).getAttribute('data-file')).toBe('not-a-host.txt')
    expect(await rows.nth(0).innerText()).toContain('not read')
    const failing = page.locator('[data-testid=fleet-row].bad')
    const failingFiles = await failing.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-file'))
    )
    expect(failingFiles).toContain('tdx-spr-gappy-cmrs-tdx10-fail.txt')
    // Every failing row comes before every other.
    const all = await rows.evaluateAll((els) => els.map((e) => e.classList.contains('bad')))
    expect(all.indexOf(false)).toBe(failingFiles.length)
    const words = await page.getByTestId('fleet-summary').innerText()
    expect(words).toContain('Static PAMT reserves')
    expect(words).toContain('(12 hosts read, 1 file not read)')
    expect(words).toContain('cannot enable TDX')
    expect(words).toMatch(/distinct shapes?; gaining most/)

    await page.locator('[data-file="tdx-spr-8480c-2s-256g-cmr-only.txt"]').click()
    await page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    expect(await page.getByTestId('nav-host').getAttribute('aria-selected')).toBe('true')
    // What the SPR host's kernel printed: "virt/tdx: 1050636 KB allocated for PAMT".
    await page.getByTestId('static-pamt-kb').waitFor()
    expect(await page.getByTestId('static-pamt-kb').innerText()).toBe('1,050,636')
    expect(pageErrors).toEqual([])
  })

  it('the fleet run goes into the report and the workspace: an HTML fleet report, then reload and restore', async () => {
    const page = s.page
    await page.getByTestId('nav-fleet').click()
    // The autosave that carries the fleet run (its failing file), whenever it comes.
    const fleetSaved = page.waitForResponse(
      (r) =>
        r.url().endsWith('/api/autosaveWorkspace') &&
        (r.request().postData() ?? '').includes('not-a-host.txt')
    )
    const paths = fleetPaths()
    await page.getByTestId('fleet-files-input').setInputFiles(paths)
    await page.locator(`[data-testid=fleet-row] >> nth=${paths.length - 1}`).waitFor()
    const first = (await page.locator('[data-testid=fleet-summary] p').first().innerText()).trim()
    expect(first).toContain('(12 hosts read, 1 file not read)')
    // An earlier test's autosave may be on offer; it holds autosaving until dismissed.
    if (await page.getByTestId('restore-banner').count())
      await page.getByTestId('dismiss-restore').click()

    // The dialog opens on the Fleet scope; the HTML holds the summary and a failing host's file.
    await page.getByTestId('export-report').click()
    await page.getByTestId('report-dialog').waitFor()
    expect(await page.getByTestId('report-scope-fleet').isChecked()).toBe(true)
    await page.getByTestId('report-format-html').check()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-export').click()
    ])
    expect(download.suggestedFilename()).toMatch(/\.fleet-report\.html$/)
    const html = readFileSync(await download.path(), 'utf8')
    expect(html).toContain(first)
    expect(html).toContain('tdx-spr-gappy-cmrs-tdx10-fail.txt')
    expect(html).toContain('not-a-host.txt')

    // Autosaved with the fleet run; a reload offers it, and Restore shows the summary again.
    expect((await fleetSaved).ok()).toBe(true)
    page.on('dialog', (d) => void d.accept())
    await page.reload()
    await page.getByTestId('restore-session').click()
    await page.getByTestId('restore-banner').waitFor({ state: 'detached' })
    await page.getByTestId('nav-fleet').click()
    await page.getByTestId('fleet-restored').waitFor()
    expect(await page.getByTestId('fleet-restored').innerText()).toContain(
      'Restored from the workspace: 13 of 13 rows kept'
    )
    expect((await page.locator('[data-testid=fleet-summary] p').first().innerText()).trim()).toBe(
      first
    )
    expect(await page.getByTestId('fleet-row').count()).toBe(13)
    expect(pageErrors).toEqual([])
  })
})
