import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { UNTITLED, useWorkspaceStore } from '@renderer/stores/workspace'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

/** The app as main.ts starts it: host init, then the workspace store (which asks for the session). */
async function mountApp(api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })): Promise<{
  wrapper: ReturnType<typeof mount>
  api: ReturnType<typeof modelBackedApi>
  /**
   * This app's workspace store. Tests use it rather than a bare useWorkspaceStore(): an earlier
   * test's autosave timer runs an action of its own Pinia, which makes that Pinia the active one.
   */
  ws: ReturnType<typeof useWorkspaceStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  host.connect(api)
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(host)
  const ws = useWorkspaceStore(pinia)
  await ws.start({ confirm: () => true })
  await flushPromises()
  return { wrapper, api, ws }
}

describe('workspace UI', () => {
  it('titles the window with the workspace name, and • once the name is edited', async () => {
    const { wrapper } = await mountApp()
    expect(document.title).toBe(`${UNTITLED} — PAMT Planner`)
    expect(wrapper.find('[data-testid=workspace-dirty]').exists()).toBe(false)
    await wrapper.get('[data-testid=workspace-name]').setValue('Lab')
    await flushPromises()
    expect(document.title).toBe('• Lab — PAMT Planner')
    expect(wrapper.find('[data-testid=workspace-dirty]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('offers the previous session with Restore focused; Dismiss sets it aside', async () => {
    // A first session autosaves; the second start finds it.
    const first = await mountApp()
    first.ws.notes = 'from the last session'
    await first.ws.autosave()
    first.wrapper.unmount()

    const { wrapper, api } = await mountApp(first.api)
    const banner = wrapper.get('[data-testid=restore-banner]')
    expect(banner.text()).toContain('Restore the previous session?')
    expect(banner.attributes('aria-labelledby')).toBe('restore-title')
    expect(document.activeElement?.getAttribute('data-testid')).toBe('restore-session')
    await wrapper.get('[data-testid=dismiss-restore]').trigger('click')
    await flushPromises()
    expect(api.calls).toContain('dismissAutosave')
    expect(wrapper.find('[data-testid=restore-banner]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('Restore brings back the notes and offers nothing more', async () => {
    const first = await mountApp()
    first.ws.notes = 'rack 4'
    await first.ws.autosave()
    first.wrapper.unmount()

    const { wrapper, ws } = await mountApp(first.api)
    await wrapper.get('[data-testid=restore-session]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=restore-banner]').exists()).toBe(false)
    expect(ws.notes).toBe('rack 4')
    expect(wrapper.get('[data-testid=workspace-status]').text()).toContain('Restored')
    wrapper.unmount()
  })
})
