import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { useHostStore } from '@renderer/stores/host'
import { useWorkspaceStore } from '@renderer/stores/workspace'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

/** One range, [1M, 8G): one 8 GiB TDMR. */
const ONE_RANGE_LOG = 'BIOS-e820: [mem 0x0000000000100000-0x00000001ffffffff] usable\n'

async function mountApp(): Promise<{
  wrapper: ReturnType<typeof mount>
  api: ReturnType<typeof modelBackedApi>
  host: ReturnType<typeof useHostStore>
  /** This app's stores (an earlier test's autosave timer can make its own Pinia the active one). */
  ws: ReturnType<typeof useWorkspaceStore>
}> {
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  host.connect(api)
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(host)
  const ws = useWorkspaceStore(pinia)
  await ws.start({ confirm: () => true })
  await flushPromises()
  return { wrapper, api, host, ws }
}

/** Pin the Host view's host through its Pin… button and label field. */
async function pinHost(wrapper: ReturnType<typeof mount>, label: string): Promise<void> {
  await wrapper.get('[data-testid=pin-host-analysis] [data-testid=pin-open]').trigger('click')
  await flushPromises()
  const field = wrapper.get('[data-testid=pin-label]')
  // The field starts from "<host> · <PAMT mode> PAMT · module <set>" and has the focus.
  expect((field.element as HTMLInputElement).value).toMatch(/ · static PAMT · module /)
  expect(document.activeElement).toBe(field.element)
  await field.setValue(label)
  await wrapper.get('[data-testid=pin-host-analysis] form').trigger('submit')
  await flushPromises()
}

describe('Compare view', () => {
  it('pins two hosts, compares them with Ctrl+Enter and shows both and the delta', async () => {
    const { wrapper, host } = await mountApp()
    await pinHost(wrapper, 'worked example')
    expect(wrapper.get('[data-testid=pin-done]').attributes('title')).toBe(
      'Pinned as “worked example”'
    )
    await host.importFile(new File([ONE_RANGE_LOG], 'eight.log'))
    await flushPromises()
    await pinHost(wrapper, 'eight GiB')

    // Ctrl+4 shows the Compare view, with both pins listed and none chosen yet.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '4', ctrlKey: true }))
    await flushPromises()
    expect(wrapper.get('[data-testid=nav-compare]').attributes('aria-selected')).toBe('true')
    expect(wrapper.findAll('[data-testid^=pin-row-]')).toHaveLength(2)
    expect(wrapper.get('[data-testid=compare-run]').attributes('disabled')).toBeDefined()
    await wrapper.get('[data-testid=pin-select-p1]').setValue(true)
    await wrapper.get('[data-testid=pin-select-p2]').setValue(true)
    expect(wrapper.get('[data-testid=compare-run]').attributes('disabled')).toBeUndefined()

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }))
    await flushPromises()
    const table = wrapper.get('[data-testid=comparison-table]')
    const headers = table.findAll('th').map((h) => h.text())
    expect(headers).toEqual([
      'metric',
      'unit',
      'worked example',
      'eight GiB',
      'Δ vs worked example',
      'Δ (%)'
    ])
    // Static PAMT 4104·64 + 8 = 262,664 KB against 4104·8 + 4 = 32,836 KB:
    // Δ −229,828 KB, −229,828 / 262,664 = −87.4989… % → "−87.50 %".
    const row = table
      .findAll('tr')
      .map((r) => r.findAll('td').map((c) => c.text()))
      .find((cells) => cells[0] === 'Static PAMT' && cells[1] === 'KiB')
    expect(row).toEqual(['Static PAMT', 'KiB', '262,664', '32,836', '-229,828', '-87.50 %'])
    // The overlaid static vs Dynamic PAMT chart follows the table (block 1 of the section).
    expect(wrapper.find('[data-testid=chart-compare-1]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('renames and removes pins, and says when the selection mixes kinds', async () => {
    const { wrapper, ws } = await mountApp()
    await pinHost(wrapper, 'host pin')
    await wrapper.get('[data-testid=nav-compare]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid=pin-rename-p1]').setValue('renamed pin')
    await wrapper.get('[data-testid=pin-rename-p1]').trigger('change')
    expect(ws.pinned[0]!.label).toBe('renamed pin')
    // A workload pin beside it: the hint says the kinds are compared apart.
    ws.pinned = [
      ...ws.pinned,
      {
        ...ws.pinned[0]!,
        id: 'p2',
        kind: 'workload-run',
        scenario: scenarioSchema.parse({
          name: 'one TD',
          tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }]
        })
      }
    ]
    await flushPromises()
    await wrapper.get('[data-testid=pin-select-p1]').setValue(true)
    await wrapper.get('[data-testid=pin-select-p2]').setValue(true)
    expect(wrapper.get('[data-testid=compare-hint]').text()).toBe(
      'The selection mixes kinds (1 host analysis, 1 workload run): each kind is compared within itself.'
    )
    await wrapper.get('[data-testid=pin-remove-p1]').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid^=pin-row-]')).toHaveLength(1)
    expect(ws.compareSelection).toEqual(['p2'])
    wrapper.unmount()
  })
})
