import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { useWorkloadStore } from '@renderer/stores/workload'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('workload store: the work limits before any request', () => {
  it('refuses 200,000 TDs with the limit and what to shrink, and sends nothing', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const host = useHostStore()
    const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
    host.connect(api)
    wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
    await startWithFirstExample(host)
    await flushPromises()
    await wrapper.get('[data-testid=nav-workload]').trigger('click')
    await flushPromises()
    const store = useWorkloadStore()
    store.draft!.classes[0]!.count = 100_000
    store.addClass()
    store.draft!.classes[1]!.count = 100_000
    expect(store.work?.tdsPerRun).toBe(200_000)
    const sent = api.workloadRequests.length
    expect(await store.run()).toBe(false)
    expect(store.error).toMatchObject({
      code: 'WORK_TOO_LARGE',
      message:
        'the scenario asks for 200,000 TDs in one run, more than the limit of 100,000 (docs/workload-model.md, "Work limits"): lower the TD counts.'
    })
    expect(api.workloadRequests.length).toBe(sent)
  })
})
