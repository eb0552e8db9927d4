import { describe, expect, it } from 'vitest'
import { useBrowserMode } from './browserApp'

/**
 * Browser mode, the Contention view's calibration card, on the SPR 8480C host (all ten 16 GiB TDs
 * of the calibration preset fit). The fit runs in the real worker at its cheapest setting: one
 * seed, two grid points, so at most (2 + 1) × 6 = 18 runs of v6 (about 1 M events each).
 */
const s = useBrowserMode({
  example: 'tdx-spr-8480c-2s-256g-cmr-only',
  tab: 'contention',
  ready: 'contention-scenario'
})

describe('browser mode, calibration fit (real worker)', () => {
  it('fits from the keyboard, shows the fit and copies the costs only on "Use these costs"', async () => {
    const page = s.page
    const before = await page.getByTestId('cost-faultOutsideNs').inputValue()
    await page.getByTestId('fit-seeds').fill('1')
    await page.getByTestId('fit-points').fill('2')
    await expect(page.getByTestId('fit-bound').innerText()).resolves.toContain(
      'up to 18 runs of v6'
    )
    await page.getByTestId('fit-costs').focus()
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/fitCalibration')),
      page.keyboard.press('Enter')
    ])
    await page.getByTestId('job-progress').waitFor({ state: 'detached' })
    const status = await page.getByTestId('fit-status').innerText()
    expect(status).toMatch(/^(fitted|no fit in the band|no fit):/)
    // Four fitted values, five residual rows, and the three lists.
    for (const name of ['scale', 'pamtAddNs', 'pamtRemoveNs', 'faultOutsideNs'])
      await page.getByTestId(`fit-value-${name}`).waitFor()
    expect(await page.getByTestId('fit-residuals').locator('tbody tr').count()).toBe(5)
    const depends = await page.getByTestId('fit-depends').innerText()
    expect(depends).toContain('pageRemoveNs 3,000 ns (estimate)')
    expect(depends).toContain('kernel page window 8 regions of 2 MiB (modelled)')
    // The cost fields are untouched until asked.
    expect(await page.getByTestId('cost-faultOutsideNs').inputValue()).toBe(before)
    const fitted = (
      await page.getByTestId('fit-value-faultOutsideNs').locator('td').first().innerText()
    ).replace(/[, ns]/g, '')
    await page.getByTestId('use-fitted-costs').click()
    expect(await page.getByTestId('cost-faultOutsideNs').inputValue()).toBe(fitted)
    expect(await page.getByTestId('fitted-costs-note').innerText()).toContain(
      'The cost fields hold the costs from the fit'
    )
  })
})
