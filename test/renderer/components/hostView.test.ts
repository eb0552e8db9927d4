import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import naples from '../../fixtures/hosts/amd-epyc-naples-2s-1tib-8node.txt?raw'
import gappy from '../../fixtures/hosts/tdx-spr-gappy-cmrs-tdx10-fail.txt?raw'
import laptop from '../../fixtures/hosts/laptop-dell-xps13-9370-16g.txt?raw'
import spr from '../../fixtures/hosts/tdx-spr-8480c-2s-256g-cmr-only.txt?raw'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
afterEach(() => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
})

async function mountApp(
  examples: Record<string, string> = { 'worked-example': TWO_RANGE_LOG }
): Promise<{
  w: VueWrapper
  store: ReturnType<typeof useHostStore>
  api: ReturnType<typeof modelBackedApi>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const store = useHostStore()
  const api = modelBackedApi(examples)
  store.connect(api)
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(store)
  await flushPromises()
  return { w: wrapper, store, api }
}

describe('model options panel', () => {
  it('re-analyses with the chosen hole source, sending no unedited module parameter', async () => {
    const { w, store, api } = await mountApp()
    const hostId = store.current!.hostId
    await w.get('[data-testid=hole-source]').setValue('cmr')
    await flushPromises()
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]).toEqual({
      hostId,
      model: {
        holeSource: 'cmr',
        pamtPlacement: 'first-candidate',
        pamtMode: 'static',
        maxMemBytes: 2 ** 46
        // No params and no moduleParamSet: the fields hold the preset the log implies (TDX 1.5 by
        // default), so the model keeps choosing it (ModelOptionsPanel toModelOptions).
      }
    })
    expect(store.current?.analysis.options.holeSource).toBe('cmr')
    // No CMR lines in this host: the model says so.
    expect(w.get('[data-testid=problems]').text()).toContain('NO_CMRS_FOR_HOLES')
  })

  it('sends placement and mode changes at once', async () => {
    const { w, store, api } = await mountApp()
    await w.get('[data-testid=pamt-placement]').setValue('last-candidate')
    await flushPromises()
    await w.get('[data-testid=pamt-mode]').setValue('dynamic')
    await flushPromises()
    expect(api.requests.map((r) => [r.model.pamtPlacement, r.model.pamtMode])).toEqual([
      ['last-candidate', 'static'],
      ['last-candidate', 'dynamic']
    ])
    expect(store.current?.analysis.options).toEqual({
      holeSource: 'e820',
      pamtPlacement: 'last-candidate',
      pamtMode: 'dynamic'
    })
  })

  it('debounces parameter typing into one request 450 ms after the last key, and skips invalid values', async () => {
    const { w, store, api } = await mountApp()
    vi.useFakeTimers()
    const input = w.get('[data-testid=param-maxReservedPerTdmr]')
    await input.setValue('1')
    await vi.advanceTimersByTimeAsync(300)
    await input.setValue('')
    await vi.advanceTimersByTimeAsync(300)
    await input.setValue('2')
    // 600 ms after the first key, but only 449 ms after the last: nothing sent yet.
    await vi.advanceTimersByTimeAsync(449)
    expect(api.requests).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    vi.useRealTimers()
    await flushPromises()
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]!.model.params?.maxReservedPerTdmr).toBe(2)
    expect(store.current?.analysis.params.maxReservedPerTdmr).toBe(2)

    vi.useFakeTimers()
    await input.setValue('0')
    expect(input.attributes('aria-invalid')).toBe('true')
    await vi.advanceTimersByTimeAsync(10_000)
    vi.useRealTimers()
    await flushPromises()
    expect(api.requests).toHaveLength(1)
  })

  it('keeps the previous host on failure and shows why', async () => {
    const { w, store, api } = await mountApp()
    const before = store.current
    api.failNext = true
    await w.get('[data-testid=pamt-mode]').setValue('dynamic')
    await flushPromises()
    expect(api.requests).toHaveLength(1)
    expect(store.current).toBe(before)
    expect(w.get('[data-testid=error-banner]').text()).toContain(
      'Could not re-analyse with those options.'
    )
    expect(w.get('[data-testid=error-banner]').text()).toContain('model worker crashed')
    expect(w.get('[data-testid=static-pamt-kb]').text()).toBe('262,664')
  })

  it('shows progress while re-analysing and resets to TDX 1.5 defaults', async () => {
    const { w, store, api } = await mountApp()
    await w.get('[data-testid=param-maxTdmrs]').setValue('32')
    await w.get('[data-testid=param-maxTdmrs]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(store.current?.analysis.params.maxTdmrs).toBe(32)
    api.hold = true
    await w.get('[data-testid=reset-defaults]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=job-progress]').text()).toContain('Re-analysing')
    expect(w.get('[data-testid=model-options]').text()).toContain('re-analysing')
    api.release()
    await flushPromises()
    expect(api.requests.at(-1)!.model.params).toEqual({ ...TDX_MODULE_1_5_PARAMS })
    expect(store.current?.analysis.params.maxTdmrs).toBe(64)
    expect(w.find('[data-testid=job-progress]').exists()).toBe(false)
  })
})

describe('host view tables', () => {
  it('renders the per-node table from the model', async () => {
    const { w, store } = await mountApp({ naples })
    const a = store.current!.analysis
    expect(a.nodes.length).toBeGreaterThan(1)
    const rows = w.findAll('[data-testid=node-table] tbody tr')
    expect(rows).toHaveLength(a.nodes.length)
    for (const n of a.nodes) {
      const row = w.get(`[data-testid=node-row-${n.nid}]`)
      expect(row.text()).toContain(n.tdmrIndexes.map((i) => `#${i}`).join(' ') || '—')
    }
  })

  it('shows reserved-area counts against the limit and flags exhaustion', async () => {
    const { w, store } = await mountApp({ naples })
    const a = store.current!.analysis
    a.tdmrs.forEach((t, i) => {
      expect(w.get(`[data-testid=tdmr-areas-${i}]`).text()).toContain(
        `${t.reservedAreas.length} / ${a.params.maxReservedPerTdmr}`
      )
    })
    await w.get('[data-testid=param-maxReservedPerTdmr]').setValue('1')
    await w.get('[data-testid=param-maxReservedPerTdmr]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    const b = store.current!.analysis
    const i = b.tdmrs.findIndex((t) => t.reservedAreasExhausted)
    expect(i).toBeGreaterThanOrEqual(0)
    expect(w.get(`[data-testid=tdmr-row-${i}]`).classes()).toContain('exhausted')
    expect(w.get(`[data-testid=tdmr-areas-${i}]`).text()).toContain('exhausted')
    expect(w.get('[data-testid=verdict]').text()).toContain('TDX init fails')
    expect(w.get('[data-testid=verdict]').text()).toContain('RESERVED_AREAS_EXHAUSTED')
  })

  it('marks modelled numbers with a modelled badge and shows the import summary', async () => {
    const { w } = await mountApp()
    expect(w.get('[data-testid=row-refcount-sparse-pt]').find('.badge.modelled').exists()).toBe(
      true
    )
    expect(w.get('[data-testid=row-static-pamt]').find('.badge.exact').exists()).toBe(true)
    const imp = w.get('[data-testid=import-summary]')
    expect(imp.text()).toContain('dmesg')
    expect(imp.text()).toContain('lines skipped')
    expect(w.get('[data-testid=verdict]').text()).toContain('TDX init succeeds')
  })
})

describe('verdict banner: the kernel’s outcome leads', () => {
  it('the gappy-CMR log: red, the kernel failed, the model fits, the SEAMCALL named', async () => {
    const { w } = await mountApp({ gappy })
    const banner = w.get('[data-testid=verdict]')
    expect(banner.classes()).toContain('fail')
    expect(w.get('[data-testid=verdict-kernel]').text()).toBe(
      "✗ The kernel's TDX init failed (line 18): module initialization failed (-5)."
    )
    expect(w.get('[data-testid=verdict-model]').text()).toContain('Model: TDX init succeeds.')
    expect(w.get('[data-testid=verdict-explanation]').text()).toContain(
      "the kernel's failure lies elsewhere: SEAMCALL 0x0000000000000022 failed with 0xc000050500000000 (line 15)"
    )
  })

  it('a log without TDX: neutral, says so and what the figures assume', async () => {
    const { w } = await mountApp({ laptop })
    expect(w.get('[data-testid=verdict]').classes()).toContain('neutral')
    expect(w.get('[data-testid=verdict-kernel]').text()).toBe('This log has no TDX lines.')
    expect(w.get('[data-testid=verdict-explanation]').text()).toBe(
      'The figures assume all usable RAM were TDX-convertible memory.'
    )
  })

  it('the SPR 8480C log: green, the kernel initialized TDX and no explanation is needed', async () => {
    const { w } = await mountApp({ spr })
    expect(w.get('[data-testid=verdict]').classes()).toContain('ok')
    expect(w.get('[data-testid=verdict-kernel]').text()).toBe(
      '✓ The kernel initialized TDX (line 18).'
    )
    expect(w.find('[data-testid=verdict-explanation]').exists()).toBe(false)
  })
})

describe('address map panel', () => {
  it('renders an SVG and switches between compressed and linear axes', async () => {
    const { w } = await mountApp()
    const panel = w.get('[data-testid=chart-address-map]')
    expect(panel.find('svg').exists()).toBe(true)
    expect(panel.get('[data-testid=scale-compressed]').attributes('aria-checked')).toBe('true')
    await panel.get('[data-testid=scale-linear]').trigger('click')
    await flushPromises()
    expect(panel.get('[data-testid=scale-linear]').attributes('aria-checked')).toBe('true')
    expect(panel.find('svg').exists()).toBe(true)
    expect(panel.get('[data-testid=map-window]').text()).toContain('[0x0, 0x1080000000)')
  })

  it('zooms from the keyboard and resets', async () => {
    const { w } = await mountApp()
    const panel = w.get('[data-testid=chart-address-map]')
    const full = panel.get('[data-testid=map-window]').text()
    await panel.get('.canvas-wrap').trigger('keydown', { key: '+' })
    expect(panel.get('[data-testid=map-window]').text()).not.toBe(full)
    await panel.get('[data-testid=reset-zoom]').trigger('click')
    expect(panel.get('[data-testid=map-window]').text()).toBe(full)
  })
})

describe('export host JSON', () => {
  it('asks the API for the shown host', async () => {
    const { store, api } = await mountApp()
    const file = await store.exportHostJson()
    expect(api.calls).toContain(`exportHostJson:${store.current!.hostId}`)
    expect(file?.fileName).toBe('worked-example.host.json')
    expect(JSON.parse(file!.text)).toMatchObject({ format: 'pamt-planner-host' })
  })
})
