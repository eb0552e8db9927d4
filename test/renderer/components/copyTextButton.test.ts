import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import CopyTextButton from '@renderer/components/CopyTextButton.vue'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import spr from '../../fixtures/hosts/tdx-spr-8480c-2s-256g-cmr-only.txt?raw'
import { modelBackedApi, startWithFirstExample } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
const realClipboard = Object.getOwnPropertyDescriptor(navigator, 'clipboard')
afterEach(() => {
  vi.useRealTimers()
  wrapper?.unmount()
  wrapper = null
  if (realClipboard) Object.defineProperty(navigator, 'clipboard', realClipboard)
  else delete (navigator as { clipboard?: unknown }).clipboard
})

/** navigator.clipboard replaced: writeText records the text, or rejects (a denied permission). */
function stubClipboard(refuse = false): string[] {
  const written: string[] = []
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: {
      writeText: (t: string) => {
        if (refuse) return Promise.reject(new Error('NotAllowedError'))
        written.push(t)
        return Promise.resolve()
      }
    }
  })
  return written
}

function mountButton(): VueWrapper {
  wrapper = mount(CopyTextButton, {
    props: { text: () => 'line one\nline two\n', what: 'host' },
    attachTo: document.body
  })
  return wrapper
}

describe('Copy as text button', () => {
  it('copies the summary and says "Copied" for two seconds', async () => {
    vi.useFakeTimers()
    const written = stubClipboard()
    const w = mountButton()
    const button = w.get('[data-testid=copy-text-host]')
    expect(button.element.tagName).toBe('BUTTON')
    expect(button.text()).toBe('Copy as text')
    await button.trigger('click')
    await flushPromises()
    expect(written).toEqual(['line one\nline two\n'])
    expect(button.text()).toBe('Copied')
    expect(w.get('[role=status]').text()).toBe('Copied')
    vi.advanceTimersByTime(2000)
    await flushPromises()
    expect(button.text()).toBe('Copy as text')
    expect(w.find('[data-testid=copy-text-dialog-host]').exists()).toBe(false)
  })

  it('without a clipboard, shows the text selected in a dialog; Esc closes it', async () => {
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: undefined })
    const w = mountButton()
    await w.get('[data-testid=copy-text-host]').trigger('click')
    await flushPromises()
    const area = w.get('[data-testid=copy-text-area-host]').element as HTMLTextAreaElement
    expect(area.value).toBe('line one\nline two\n')
    expect(document.activeElement).toBe(area)
    expect([area.selectionStart, area.selectionEnd]).toEqual([0, area.value.length])
    expect(w.get('[data-testid=copy-text-host]').text()).toBe('Copy as text')
    await w.get('[role=dialog]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(w.find('[data-testid=copy-text-dialog-host]').exists()).toBe(false)
  })

  it('falls back to the dialog when the clipboard refuses', async () => {
    stubClipboard(true)
    const w = mountButton()
    await w.get('[data-testid=copy-text-host]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=copy-text-dialog-host]').exists()).toBe(true)
    await w.get('[data-testid=copy-text-close-host]').trigger('click')
    expect(w.find('[data-testid=copy-text-dialog-host]').exists()).toBe(false)
  })

  it("copies the Host view's summary: the model's tables for the host on screen", async () => {
    const written = stubClipboard()
    const pinia = createPinia()
    setActivePinia(pinia)
    const store = useHostStore()
    store.connect(modelBackedApi({ spr }))
    wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
    await startWithFirstExample(store)
    await flushPromises()
    await wrapper.get('[data-testid=copy-text-host]').trigger('click')
    await flushPromises()
    expect(written).toHaveLength(1)
    const lines = written[0]!.split('\n')
    // modelBackedApi reports version "t"; the static total is the kernel's 1050636 KB × 1024.
    expect(lines[0]).toBe('PAMT Planner t; timing numbers are modelled, not measured')
    expect(lines).toContain('total            1,075,851,264            10,498,048')
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78)
  })
})
