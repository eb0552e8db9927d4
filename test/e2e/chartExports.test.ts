import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { downloadText, useBrowserMode } from './browserApp'

const s = useBrowserMode()

/** The 8-byte PNG signature (PNG spec §5.2) and the IHDR width and height (big-endian, at 16, 20). */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/**
 * Probes for controls in ECharts 6's SVG output: the start of the slider's handle icon path, and
 * the stroke colour of the toolbox icons. The address map test checks that the live chart has them.
 */
const SLIDER_HANDLE = 'd="M0 1.628L0 2M0 0L0 0.375'
const TOOLBOX_ICON = 'stroke="#6578ba"'

const host = 'dell-r750xs-icx-1s-128g.txt'

describe('browser mode, chart exports', () => {
  it('saves a chart as SVG and as PNG at twice its size, with background and host, no slider', async () => {
    const canvas = s.page.locator('[data-testid=chart-pamt-by-level] .canvas')
    await canvas.locator('svg path').first().waitFor({ state: 'attached' })
    const box = (await canvas.boundingBox())!

    const svg = await downloadText(s.page, 'save-svg-pamt-by-level')
    expect(svg.name).toMatch(/^pamt-by-level-dell-r750xs-icx-1s-128g-\d{4}-\d{2}-\d{2}\.svg$/)
    // A white background rect first, the header naming the host, and no controls.
    expect(svg.text).toMatch(/^<svg[^>]*>\s*<rect [^>]*fill="#ffffff"/)
    expect(svg.text).toContain(`Host ${host}`)
    expect(svg.text).not.toContain(SLIDER_HANDLE)
    expect(svg.text).not.toContain(TOOLBOX_ICON)
    const [, w, h] = /<svg width="(\d+)" height="(\d+)"/.exec(svg.text)!.map(Number)
    // As wide as the chart on screen; 44 px of header above its 340 px.
    expect(w).toBe(Math.round(box.width))
    expect(h).toBeGreaterThanOrEqual(340 + 44)

    const png = await downloadText(s.page, 'save-png-pamt-by-level')
    expect(png.name).toMatch(/\.png$/)
    const bytes = readFileSync(png.path)
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    expect(bytes.readUInt32BE(16)).toBe(2 * w!)
    expect(bytes.readUInt32BE(20)).toBe(2 * h!)
  })

  it('saves the address map with its colour key and without its toolbox', async () => {
    const live = s.page.locator('[data-testid=chart-address-map] svg').first()
    await live.locator('path').first().waitFor({ state: 'attached' })
    // The probes do find the slider and the toolbox on screen.
    const shown = await live.innerHTML()
    expect(shown).toContain(SLIDER_HANDLE)
    expect(shown).toContain(TOOLBOX_ICON)
    const svg = await downloadText(s.page, 'save-svg-address-map')
    for (const label of ['RAM node 0', 'PAMT area', 'TDMR (alternating)'])
      expect(svg.text).toContain(`>${label}<`)
    expect(svg.text).toMatch(/^<svg[^>]*>\s*<rect [^>]*fill="#ffffff"/)
    expect(svg.text).toContain(`Host ${host}`)
    expect(svg.text).not.toContain(SLIDER_HANDLE)
    expect(svg.text).not.toContain(TOOLBOX_ICON)
  })
})
