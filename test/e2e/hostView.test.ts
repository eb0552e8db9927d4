import { describe, expect, it } from 'vitest'
import { hostFixturePath } from '../support/fixtures'
import { useBrowserMode } from './browserApp'
import { E2E_WAIT_MS } from './timeouts'

const pageErrors: string[] = []
const s = useBrowserMode({
  onPage: (page) => {
    pageErrors.length = 0
    page.on('pageerror', (e) => pageErrors.push(e.message))
  }
})

const text = (testId: string): Promise<string> => s.page.getByTestId(testId).innerText()

describe('browser mode, host view', () => {
  it('analyses the picked example host and draws both charts', async () => {
    expect(await text('host-name')).toBe('dell-r750xs-icx-1s-128g.txt')
    expect(await text('static-pamt-kb')).toBe('525,320')
    for (const chart of ['chart-pamt-by-level', 'chart-refcounts']) {
      // ECharts' SVG renderer draws each bar as a <path>; the titles are <text>.
      await s.page.locator(`[data-testid=${chart}] svg path`).first().waitFor({ state: 'attached' })
      expect(await s.page.locator(`[data-testid=${chart}] svg path`).count()).toBeGreaterThan(4)
    }
    expect(await s.page.locator('[data-testid=chart-pamt-by-level] svg').innerHTML()).toContain(
      '512.00 MiB'
    )
    expect(pageErrors).toEqual([])
  })

  it('removes the token from the address bar once it is kept', async () => {
    expect(s.page.url()).toBe(`${s.app.origin}/`)
  })

  it('imports the SPR 8480C log and shows the 1050636 KB its kernel printed', async () => {
    await s.page
      .getByTestId('file-input')
      .setInputFiles(hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt'))
    await s.page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    expect(await text('host-name')).toBe('tdx-spr-8480c-2s-256g-cmr-only.txt')
    expect(await text('static-pamt-kb')).toBe('1,050,636')
    expect(await text('kernel-kb')).toBe('1,050,636 KB')
    expect(await text('model-kb')).toBe('1,050,636 KB')
    expect(await text('calibration-verdict')).toContain('exact match')
    expect(await s.page.locator('[data-testid=tdmr-table] tbody tr').count()).toBe(3)
  })

  it('copies the host summary as text from the keyboard, and says Copied', async () => {
    // 127.0.0.1 is a secure context; headless Chromium still wants the clipboard permissions.
    await s.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: s.app.origin
    })
    const button = s.page.getByTestId('copy-text-host')
    await button.focus()
    await s.page.keyboard.press('Enter')
    await s.page.getByTestId('copy-text-host').getByText('Copied').waitFor()
    const copied = await s.page.evaluate(() => navigator.clipboard.readText())
    const lines = copied.split('\n')
    expect(lines[1]).toBe('Host: dell-r750xs-icx-1s-128g.txt (e820 memory map)')
    // The same static PAMT the table shows (525,320 KB), in the kernel's own KB.
    expect(copied).toContain('static PAMT 525320 KB')
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78)
    expect(pageErrors).toEqual([])
  })

  it('shows a bad file as an error naming file and line, keeping the previous host', async () => {
    await s.page.getByTestId('file-input').setInputFiles({
      name: 'broken.log',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\nBIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff\n'
      )
    })
    await s.page.getByTestId('error-banner').waitFor()
    expect(await text('error-banner')).toContain('broken.log:2:')
    expect(await text('host-name')).toBe('dell-r750xs-icx-1s-128g.txt')
    await s.page.keyboard.press('Escape')
    await s.page.getByTestId('error-banner').waitFor({ state: 'detached' })
  })

  it('refuses an empty file and a binary file with clear errors', async () => {
    await s.page
      .getByTestId('file-input')
      .setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) })
    await s.page.getByTestId('error-banner').waitFor()
    expect(await text('error-banner')).toContain('empty.txt: file is empty')
    await s.page.getByTestId('file-input').setInputFiles({
      name: 'vmlinux',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])
    })
    await s.page.getByText('vmlinux:1: file is binary', { exact: false }).waitFor()
    expect(await text('host-name')).toBe('dell-r750xs-icx-1s-128g.txt')
  })

  it('imports a dropped file', async () => {
    const content = 'BIOS-e820: [mem 0x0000000000100000-0x000000107fffffff] usable\n'
    await s.page.evaluate((c) => {
      const dt = new DataTransfer()
      dt.items.add(new File([c], 'dropped.log', { type: 'text/plain' }))
      const target = document.querySelector('.app')!
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }))
      target.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })
      )
    }, content)
    await s.page.getByText('dropped.log', { exact: true }).first().waitFor()
    // [1 MiB, 66 GiB) in one block → TDMR [0, 66 GiB): 4104·66 + 4 KB.
    expect(await text('static-pamt-kb')).toBe((4104 * 66 + 4).toLocaleString('en-US'))
  })

  it('analyses a boot log dropped on the Workload view as a host, not as a trace', async () => {
    await s.page.locator('#tab-workload').click()
    await s.page.locator('#view-workload').waitFor()
    const content = '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000207fffffff] usable\n'
    await s.page.evaluate((c) => {
      const dt = new DataTransfer()
      dt.items.add(new File([c], 'boot-on-workload.log', { type: 'text/plain' }))
      const target = document.querySelector('.app')!
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }))
      target.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })
      )
    }, content)
    // The Host view comes forward with the new host; no trace error.
    await s.page.locator('#view-host').waitFor()
    await s.page.getByText('boot-on-workload.log', { exact: true }).first().waitFor()
    // [1 MiB, 130 GiB) in one block → TDMR [0, 130 GiB): 4104·130 + 4 KB.
    expect(await text('static-pamt-kb')).toBe((4104 * 130 + 4).toLocaleString('en-US'))
    expect(await s.page.getByTestId('error-banner').count()).toBe(0)
  })

  it('switches between example hosts', async () => {
    await s.page.getByTestId('example-select').selectOption('hp-superdome2-16s-12tb')
    await s.page.getByText('hp-superdome2-16s-12tb.txt', { exact: true }).first().waitFor()
    expect(await s.page.locator('[data-testid=tdmr-table] tbody tr').count()).toBeGreaterThan(0)
  })

  it('refuses the API without the token', async () => {
    // A second context: the app without the token in its address (nothing stored either).
    const context = await s.browser.newContext()
    context.setDefaultTimeout(E2E_WAIT_MS)
    try {
      const other = await context.newPage()
      await other.goto(`${s.app.origin}/`)
      await other.getByTestId('error-banner').waitFor()
      expect(await other.getByTestId('error-banner').innerText()).toContain('access token')
    } finally {
      await context.close()
    }
  })
})
