import { describe, expect, it } from 'vitest'
import { closeApp, DEFAULT_EXAMPLE, openApp, startBrowserMode, useBrowserMode } from './browserApp'

/**
 * A newcomer's walkthrough (issue 13) in Chromium against the real browser-mode server: the empty
 * state, the shortcuts overlay, the connection banners, the DEMOTE variants and "(modified)".
 */
const s = useBrowserMode({ empty: true })

async function pickDell(): Promise<void> {
  await s.page.getByTestId(`empty-example-${DEFAULT_EXAMPLE}`).click()
  await s.page.getByTestId('host-name').waitFor()
}

describe('browser mode, a newcomer’s walkthrough', () => {
  it('starts empty: the commands, an Open button that opens the picker, and working examples', async () => {
    const { page } = s
    expect(await page.getByTestId('host-name').count()).toBe(0)
    expect(await page.getByTestId('capture-iomem').innerText()).toContain(
      'sudo cat /proc/iomem > host-iomem.txt'
    )
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByTestId('empty-open').click()
    ])
    expect(chooser.isMultiple()).toBe(false)
    await pickDell()
    expect(await page.getByTestId('host-name').innerText()).toBe(`${DEFAULT_EXAMPLE}.txt`)
    expect(await page.getByTestId('empty-state').count()).toBe(0)
  })

  it('opens the shortcuts overlay with ?, closes it with Esc and gives the focus back', async () => {
    const { page } = s
    await page.getByTestId('nav-host').focus()
    await page.keyboard.press('?')
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await dialog.waitFor()
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    expect(await dialog.innerText()).toContain('Save the workspace under another name')
    const focused = (): Promise<string | null | undefined> =>
      page.evaluate(() => document.activeElement?.getAttribute('data-testid'))
    expect(await focused()).toBe('shortcuts-close')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('shortcuts-close')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await focused()).toBe('nav-host')
  })

  it('says the access token is no longer valid when the server refuses it', async () => {
    const { page } = s
    // The server sees another token, as after a restart with the old page still open.
    await page.route('**/api/analyzeExampleHost', (route) =>
      route.continue({
        headers: { ...route.request().headers(), authorization: 'Bearer not-the-token' }
      })
    )
    await page.getByTestId(`empty-example-${DEFAULT_EXAMPLE}`).click()
    expect(await page.getByTestId('error-headline').innerText()).toBe(
      'This page’s access token is no longer valid.'
    )
    expect(await page.getByTestId('error-retry').count()).toBe(0)
  })

  it('says the server cannot be reached once it is gone, with Retry', async () => {
    const app = await startBrowserMode()
    const page = await openApp(s.browser, app, { empty: true })
    try {
      await app.stop()
      await page.getByTestId(`empty-example-${DEFAULT_EXAMPLE}`).click()
      expect(await page.getByTestId('error-headline').innerText()).toBe(
        'Cannot reach the PAMT Planner server.'
      )
      // Retry sends the pick again; the server is still gone, so the banner comes back.
      await page.getByTestId('error-retry').click()
      await page.getByTestId('error-retry').waitFor()
      expect(await page.getByTestId('empty-state').count()).toBe(1)
    } finally {
      await closeApp(page)
    }
  })

  it('disables the DEMOTE variant that does not run, and marks an edited preset (modified)', async () => {
    const { page } = s
    await pickDell()
    await page.getByTestId('nav-workload').click()
    const preset = page.getByTestId('preset-select')
    await preset.waitFor()
    const label = (): Promise<string> =>
      preset.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]!.text)
    expect(await label()).not.toContain('(modified)')
    await page.getByTestId('class-0-count').fill('3')
    await expect.poll(label).toMatch(/^\(modified\) /)

    await page.getByTestId('nav-contention').click()
    // The calibration preset has no 2M pages: nothing demotes, only lock-around runs.
    const second = page.getByTestId('demote-try-then-lock')
    await second.waitFor()
    expect(await second.isDisabled()).toBe(true)
    await page.getByTestId('contention-preset').selectOption('demote-under-load')
    await expect.poll(() => second.isDisabled()).toBe(false)
  })
})
