import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import ModelOptionsPanel from '@renderer/components/ModelOptionsPanel.vue'
import type { ModelOptions } from '@shared/api/modelOptions'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost, type AnalyzeHostOptions } from '@shared/model/host/analyzeHost'
import spr from '../../fixtures/hosts/tdx-spr-8480c-2s-256g-cmr-only.txt?raw'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

function mountSpr(options: AnalyzeHostOptions = {}): VueWrapper {
  const r = importHostText(spr, 'spr.txt')
  if (!r.ok) throw new Error(r.error.message)
  wrapper = mount(ModelOptionsPanel, {
    props: { analysis: analyzeHost(r.host, options), busy: false }
  })
  return wrapper
}
const sent = (w: VueWrapper): ModelOptions[] =>
  (w.emitted('change') ?? []).map((e) => e[0] as ModelOptions)

describe('model options panel: CPU physical address bits', () => {
  it('is empty by default and shows what the model used: at most 45 from the TDX KeyIDs', () => {
    const w = mountSpr()
    expect((w.get('[data-testid=phys-addr-bits]').element as HTMLInputElement).value).toBe('')
    // KeyID range [64, 128) in the log: 7 KeyID bits at least, 52 - 7 = 45.
    expect(w.get('[data-testid=phys-addr-bits-source]').text()).toBe('≤ 45 · TDX KeyIDs')
  })

  it('sends a typed value as physAddrBits', async () => {
    const w = mountSpr()
    await w.get('[data-testid=phys-addr-bits]').setValue('52')
    await w.get('[data-testid=phys-addr-bits]').trigger('keydown', { key: 'Enter' })
    expect(sent(w).at(-1)).toMatchObject({ physAddrBits: 52 })
  })

  it('refuses a value out of range and sends nothing', async () => {
    const w = mountSpr()
    await w.get('[data-testid=phys-addr-bits]').setValue('60')
    await w.get('[data-testid=phys-addr-bits]').trigger('keydown', { key: 'Enter' })
    expect(sent(w)).toEqual([])
    expect(w.get('[data-testid=phys-addr-bits-source]').text()).toBe('needs 32 to 52 or empty')
    expect(w.get('[data-testid=phys-addr-bits]').attributes('aria-invalid')).toBe('true')
  })

  it('shows a given value as such', () => {
    const w = mountSpr({ kernel: { physAddrBits: 46 } })
    expect((w.get('[data-testid=phys-addr-bits]').element as HTMLInputElement).value).toBe('46')
    expect(w.get('[data-testid=phys-addr-bits-source]').text()).toBe('46 · given')
  })
})
