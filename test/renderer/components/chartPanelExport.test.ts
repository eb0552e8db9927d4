import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { init } from 'echarts/core'
import type { EChartsOption } from 'echarts'
import ChartPanel from '@renderer/components/ChartPanel.vue'
import '@renderer/charts/echartsSetup'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

/** A chart with a zoom slider whose filler has a colour nothing else uses, so it can be found. */
const SLIDER_FILL = '#123456'
const option: EChartsOption = {
  animation: false,
  title: { text: 'Small chart' },
  dataZoom: [{ type: 'slider', fillerColor: SLIDER_FILL }],
  xAxis: { type: 'value', min: 0, max: 10 },
  yAxis: { type: 'value' },
  series: [
    {
      type: 'line',
      name: 'a',
      data: [
        [0, 1],
        [10, 2]
      ]
    }
  ]
}

function mountPanel(): VueWrapper {
  wrapper = mount(ChartPanel, {
    props: {
      chartId: 'small',
      hostName: 'spr-2s',
      scenarioName: 'mixed fleet',
      option,
      csv: 'a\n1\n'
    },
    attachTo: document.body
  })
  return wrapper
}

describe('ChartPanel exports', () => {
  it('offers PNG beside SVG and CSV, as keyboard-reachable buttons', () => {
    const w = mountPanel()
    const png = w.get('[data-testid=save-png-small]')
    expect(png.element.tagName).toBe('BUTTON')
    expect(png.text()).toBe('PNG')
    const order = w.findAll('.tools button').map((b) => b.text())
    expect(order).toEqual(['SVG', 'PNG', 'CSV'])
  })

  it('saves an SVG of the export option: background, host and scenario, no slider', async () => {
    // The same option drawn as is does contain the slider's filler colour (a check on the probe).
    const live = init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 320 })
    live.setOption(option)
    expect(live.renderToSVGString().toLowerCase()).toContain(SLIDER_FILL)
    live.dispose()

    const w = mountPanel()
    const blobs: Blob[] = []
    const names: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:x'
    })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      names.push(this.download)
    })
    await w.get('[data-testid=save-svg-small]').trigger('click')
    expect(names[0]).toMatch(/^small-spr-2s-\d{4}-\d{2}-\d{2}\.svg$/)
    const svg = await blobs[0]!.text()
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('Host spr-2s · scenario mixed fleet')
    expect(svg).toContain('Small chart')
    // The export's white background: ECharts draws it as a full-size rect right after <svg>.
    expect(svg).toMatch(/^<svg[^>]*>\s*<rect width="\d+" height="\d+" x="0" y="0" fill="#ffffff"/)
    expect(svg.toLowerCase()).not.toContain(SLIDER_FILL)
  })
})
