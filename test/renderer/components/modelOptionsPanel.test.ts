import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import ModelOptionsPanel from '@renderer/components/ModelOptionsPanel.vue'
import type { ModelOptions } from '@shared/api/modelOptions'
import { importHostText } from '@shared/import/importHost'
import {
  analyzeHost,
  type AnalyzeHostOptions,
  type HostAnalysis
} from '@shared/model/host/analyzeHost'
import { TDX_MODULE_1_5_PARAMS, TDX_MODULE_DPAMT_PARAMS } from '@shared/model/host/tdxModuleParams'
import gappy from '../../fixtures/hosts/tdx-spr-gappy-cmrs-tdx10-fail.txt?raw'
import spr from '../../fixtures/hosts/tdx-spr-8480c-2s-256g-cmr-only.txt?raw'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

function analysisOf(text: string, options: AnalyzeHostOptions = {}): HostAnalysis {
  const r = importHostText(text, 'host.txt')
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host, options)
}

function mountPanel(analysis: HostAnalysis): VueWrapper {
  wrapper = mount(ModelOptionsPanel, { props: { analysis, busy: false } })
  return wrapper
}

const sent = (w: VueWrapper): ModelOptions[] =>
  (w.emitted('change') ?? []).map((e) => e[0] as ModelOptions)

const inputValue = (w: VueWrapper, key: string): string =>
  (w.get(`[data-testid=param-${key}]`).element as HTMLInputElement).value

describe('model options panel: the TDX module parameter set', () => {
  it('shows the set the log implies: TDX 1.0 for the gappy log, with its TDCS size', () => {
    const w = mountPanel(analysisOf(gappy))
    const select = w.get('[data-testid=module-param-set]')
    expect((select.element as HTMLSelectElement).value).toBe('1.0')
    expect(select.findAll('option').map((o) => o.text())).toEqual([
      'TDX module 1.0 (from the log)',
      'TDX module 1.5',
      'Dynamic PAMT module'
    ])
    expect(w.get('[data-testid=module-param-set-source]').text()).toBe(
      'TDX module 1.0, from the log: module version 1.0 build 457 (20230206)'
    )
    // 4 TDCS pages × 4096 B in TDX 1.0.
    expect(inputValue(w, 'tdcsBaseBytes')).toBe('16384')
    expect(w.get('[data-testid=model-options]').text()).toContain('preset: TDX module 1.0')
    // 1.0 has no Dynamic PAMT: its bitmap bits keep the 1.5 value, marked unverified.
    expect(w.find('[data-testid=unverified-pamtBitmapBitsPerPage]').exists()).toBe(true)
    expect(w.get('[data-testid=unverified-note]').text()).toContain('unverified')
    expect(w.get('[data-testid=reset-defaults]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid=reset-defaults]').text()).toBe('Reset to TDX module 1.0')
  })

  it('sends only the edited parameter, and marks it against the set’s value', async () => {
    const w = mountPanel(analysisOf(gappy))
    await w.get('[data-testid=param-maxTdmrs]').setValue('32')
    await w.get('[data-testid=param-maxTdmrs]').trigger('keydown', { key: 'Enter' })
    expect(sent(w)).toEqual([
      {
        holeSource: 'e820',
        pamtPlacement: 'first-candidate',
        pamtMode: 'static',
        maxMemBytes: 2 ** 46,
        params: { maxTdmrs: 32 }
      }
    ])
    expect(w.get('[data-testid=param-maxTdmrs]').classes()).toContain('changed')
    expect(w.get('#param-maxTdmrs-hint').text()).toBe('· 1.0: 64')
  })

  it('a PAMT mode change sends no set and no parameter, so the model can move to the DPAMT module', async () => {
    const w = mountPanel(analysisOf(spr))
    await w.get('[data-testid=pamt-mode]').setValue('dynamic')
    expect(sent(w)).toEqual([
      {
        holeSource: 'e820',
        pamtPlacement: 'first-candidate',
        pamtMode: 'dynamic',
        maxMemBytes: 2 ** 46
      }
    ])
  })

  it('picking a set fills in its values and sends them; reset returns to the set the log implies', async () => {
    const w = mountPanel(analysisOf(spr))
    expect((w.get('[data-testid=module-param-set]').element as HTMLSelectElement).value).toBe('1.5')
    await w.get('[data-testid=module-param-set]').setValue('dpamt')
    // 9 TDCS pages × 4096 B in the Dynamic PAMT module.
    expect(inputValue(w, 'tdcsBaseBytes')).toBe('36864')
    expect(sent(w).at(-1)).toMatchObject({
      moduleParamSet: 'dpamt',
      params: { ...TDX_MODULE_DPAMT_PARAMS }
    })

    // The re-analysis comes back with the picked set; reset is now offered.
    await w.setProps({
      analysis: analysisOf(spr, { moduleParamSet: 'dpamt', params: TDX_MODULE_DPAMT_PARAMS })
    })
    expect(w.get('[data-testid=module-param-set-source]').text()).toBe(
      'Dynamic PAMT module, chosen: the log implies TDX module 1.5'
    )
    const reset = w.get('[data-testid=reset-defaults]')
    expect(reset.attributes('disabled')).toBeUndefined()
    expect(reset.text()).toBe('Reset to TDX module 1.5')
    await reset.trigger('click')
    const last = sent(w).at(-1)!
    expect(last.moduleParamSet).toBeUndefined()
    expect(last.params).toEqual({ ...TDX_MODULE_1_5_PARAMS })
    expect((w.get('[data-testid=module-param-set]').element as HTMLSelectElement).value).toBe('1.5')
    expect(inputValue(w, 'tdcsBaseBytes')).toBe('24576')
  })
})
