import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

async function mountApp(): Promise<{
  wrapper: ReturnType<typeof mount>
  store: ReturnType<typeof useHostStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const store = useHostStore()
  store.connect(modelBackedApi({ 'worked-example': TWO_RANGE_LOG }))
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(store)
  await flushPromises()
  return { wrapper, store }
}

describe('App', () => {
  it('shows the model numbers for the loaded host', async () => {
    const { wrapper } = await mountApp()
    expect(wrapper.get('[data-testid=host-name]').text()).toBe('worked-example.txt')
    expect(wrapper.get('[data-testid=static-pamt-kb]').text()).toBe('262,664')
    expect(wrapper.get('[data-testid=dpamt-static-kb]').text()).toBe('2,568')
    expect(wrapper.get('[data-testid=row-refcount-sparse]').text()).toContain('32 pages')
    expect(wrapper.findAll('[data-testid=tdmr-table] tbody tr')).toHaveLength(2)
    expect(wrapper.find('[data-testid=calibration]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('draws both charts as SVG', async () => {
    const { wrapper } = await mountApp()
    for (const id of ['chart-pamt-by-level', 'chart-refcounts']) {
      expect(wrapper.get(`[data-testid=${id}]`).find('svg').exists()).toBe(true)
    }
    wrapper.unmount()
  })

  it('shows an error banner that Escape dismisses, keeping the host', async () => {
    const { wrapper, store } = await mountApp()
    await store.importFile(new File([''], 'empty.log'))
    await flushPromises()
    expect(wrapper.get('[data-testid=error-banner]').text()).toContain('empty.log: file is empty')
    expect(wrapper.get('[data-testid=host-name]').text()).toBe('worked-example.txt')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(wrapper.find('[data-testid=error-banner]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows kernel vs model when the log has the KB line', async () => {
    const { wrapper, store } = await mountApp()
    const log = TWO_RANGE_LOG + '[    9.1] virt/tdx: 262668 KB allocated for PAMT\n'
    await store.importFile(new File([log], 'calib.log'))
    await flushPromises()
    expect(wrapper.get('[data-testid=kernel-kb]').text()).toBe('262,668 KB')
    expect(wrapper.get('[data-testid=model-kb]').text()).toBe('262,664 KB')
    expect(wrapper.get('[data-testid=calibration-verdict]').text()).toContain(
      'model is 4 KB below the kernel'
    )
    expect(wrapper.get('[data-testid=problems]').text()).toContain('KERNEL_KB_MISMATCH')
    wrapper.unmount()
  })
})
