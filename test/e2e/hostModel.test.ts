import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { downloadText, useBrowserMode, waitForText } from './browserApp'

const s = useBrowserMode()

const formatFixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/formats/${name}`, import.meta.url))

const text = (testId: string): Promise<string> => s.page.getByTestId(testId).innerText()

describe('browser mode, host model (NUMA, options, formats)', () => {
  it('shows the 16 NUMA nodes and 17 TDMRs of the 12 TiB host, and its address map', async () => {
    await s.page.getByTestId('example-select').selectOption('hp-superdome2-16s-12tb')
    await s.page.getByTestId('node-row-15').waitFor()
    expect(await s.page.locator('[data-testid=node-table] tbody tr').count()).toBe(16)
    await s.page.getByTestId('tdmr-row-16').waitFor()
    expect(await s.page.getByTestId('tdmr-row-17').count()).toBe(0)
    expect(await text('static-pamt-kb')).toBe((4104 * 12288 + 4 * 49).toLocaleString('en-US'))
    await s.page
      .locator('[data-testid=chart-address-map] svg path')
      .first()
      .waitFor({ state: 'attached' })
  })

  it('re-analyses in the worker when a TDX module parameter changes, and names the failing TDMR', async () => {
    await s.page.getByTestId('example-select').selectOption('laptop-dell-xps13-9370-16g')
    await s.page.getByText('laptop-dell-xps13-9370-16g.txt', { exact: true }).first().waitFor()
    expect(await text('verdict')).toContain('succeeds')
    await s.page.getByTestId('param-maxReservedPerTdmr').fill('2')
    await s.page.getByTestId('param-maxReservedPerTdmr').press('Enter')
    await s.page.getByTestId('verdict-error').waitFor()
    expect(await text('verdict-error')).toContain('reserved areas exhausted')
    await s.page.getByTestId('reset-defaults').click()
    await s.page.getByTestId('verdict-error').waitFor({ state: 'detached' })
  })

  it('resets the module parameters: the static PAMT shown before the edit returns', async () => {
    await s.page.getByTestId('example-select').selectOption('tdx-spr-8480c-2s-256g-cmr-only')
    await s.page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    const params = s.page.locator('[data-testid^="param-"]')
    const readParams = (): Promise<string[]> =>
      params.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))
    const defaults = await readParams()
    // TDX module 1.5: 16-byte PAMT entries at every level.
    expect(await s.page.getByTestId('param-pamt4kEntryBytes').inputValue()).toBe('16')
    expect(await text('static-pamt-kb')).toBe('1,050,636')
    expect(await s.page.getByTestId('reset-defaults').isDisabled()).toBe(true)

    // The TDMRs cover 256 GiB: PAMT_4K = 256 GiB / 4 KiB × 16 B = 1 GiB = 1,048,576 KB, PAMT_2M
    // 2,048 KB and PAMT_1G 12 KB (one page per TDMR) make the kernel's 1,050,636 KB. With 8-byte
    // 4K entries PAMT_4K halves to 524,288 KB: 524,288 + 2,048 + 12 = 526,348 KB.
    await s.page.getByTestId('param-pamt4kEntryBytes').fill('8')
    await s.page.getByTestId('param-pamt4kEntryBytes').press('Enter')
    await waitForText(s.page, 'static-pamt-kb', '526,348')
    expect(await s.page.getByTestId('reset-defaults').isEnabled()).toBe(true)

    await s.page.getByTestId('reset-defaults').click()
    await waitForText(s.page, 'static-pamt-kb', '1,050,636')
    expect(await readParams()).toEqual(defaults)
    expect(await s.page.getByTestId('reset-defaults').isDisabled()).toBe(true)
  })

  it('re-analyses with CMR holes and Dynamic PAMT chunks: the PAMT placements move', async () => {
    await s.page.getByTestId('example-select').selectOption('tdx-spr-8480c-2s-256g-cmr-only')
    await s.page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    // Static chunks: the second lands at 0x11f8fd000 (test/shared/model/host/realHosts.test.ts).
    expect(await text('tdmr-table')).toContain('0x11f8fd000')
    await s.page.getByTestId('hole-source').selectOption('cmr')
    await s.page.getByTestId('pamt-mode').selectOption('dynamic')
    await s.page.waitForFunction(
      () =>
        !document.querySelector('[data-testid=tdmr-table]')?.textContent?.includes('0x11f8fd000')
    )
    expect(await text('static-pamt-kb')).toBe('1,050,636')
    expect(await text('verdict')).toContain('succeeds')
  })

  it('imports /proc/iomem and says what it recognised', async () => {
    await s.page
      .getByTestId('file-input')
      .setInputFiles(formatFixture('proc-iomem-r750xs-1s-128g.txt'))
    await s.page.getByText('proc-iomem-r750xs-1s-128g.txt', { exact: true }).first().waitFor()
    expect(await text('import-summary')).toContain('proc-iomem')
    expect(await text('static-pamt-kb')).toBe('525,320')
  })

  it('exports the host as JSON that imports back to the same numbers', async () => {
    await s.page.getByTestId('example-select').selectOption('tdx-spr-8480c-2s-256g-cmr-only')
    await s.page.getByText('tdx-spr-8480c-2s-256g-cmr-only.txt', { exact: true }).first().waitFor()
    const { text: json } = await downloadText(s.page, 'export-host-json')
    expect(JSON.parse(json).format).toBe('pamt-planner-host')
    await s.page.getByTestId('file-input').setInputFiles({
      name: 'spr.host.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json)
    })
    await s.page.getByText('spr.host.json', { exact: true }).first().waitFor()
    expect(await text('static-pamt-kb')).toBe('1,050,636')
  })
})
