import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { useWorkspaceStore } from '@renderer/stores/workspace'
import { SHORTCUTS } from '@shared/api/shortcuts'
import { modelBackedApi, TWO_RANGE_LOG } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

/** The app as main.ts starts it: init, then the workspace store; no host is picked. */
async function mountApp(): Promise<{
  w: VueWrapper
  api: ReturnType<typeof modelBackedApi>
  host: ReturnType<typeof useHostStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG, 'second-host': TWO_RANGE_LOG })
  host.connect(api)
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await host.init()
  await useWorkspaceStore().start({ confirm: () => true })
  await flushPromises()
  return { w: wrapper, api, host }
}

const key = (init: KeyboardEventInit, target: EventTarget = window): void => {
  target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }))
}

describe('empty state (a newcomer’s start)', () => {
  it('starts with no host and shows open, the examples and the capture commands', async () => {
    const { w, api } = await mountApp()
    expect(api.calls.some((c) => c.startsWith('analyzeExampleHost'))).toBe(false)
    expect(w.find('[data-testid=host-name]').exists()).toBe(false)
    const empty = w.get('[data-testid=empty-state]')
    expect(empty.get('[data-testid=empty-open]').text()).toContain('Upload a host file')
    expect(empty.text()).toContain('or drop a file')
    expect(
      empty
        .get('[data-testid=empty-examples]')
        .findAll('button')
        .map((b) => b.text())
    ).toEqual(['worked-example', 'second-host'])
    // The commands, character for character as docs/host-format.md gives them.
    expect(
      empty
        .get('[data-testid=capture-dmesg]')
        .findAll('code')
        .map((c) => c.text())
    ).toEqual(['sudo dmesg > host-dmesg.txt', 'journalctl -k -b > host-dmesg.txt'])
    expect(empty.get('[data-testid=capture-iomem]').text()).toContain(
      'sudo cat /proc/iomem > host-iomem.txt'
    )
    expect(empty.get('[data-testid=capture-firmware-memmap]').text()).toContain(
      'for d in /sys/firmware/memmap/*; do echo "$(cat $d/start) $(cat $d/end) $(cat $d/type)"; done > host-memmap.txt'
    )
    expect(empty.get('[data-testid=capture-lsmem]').text()).toContain(
      'lsmem -J -b -o RANGE,SIZE,STATE,NODE,ZONES > host-lsmem.json'
    )
    expect(empty.get('[data-testid=capture-numactl]').text()).toContain('numactl -H')
  })

  it('picking an example analyses it and replaces the empty state', async () => {
    const { w, api } = await mountApp()
    await w.get('[data-testid=empty-example-second-host]').trigger('click')
    await flushPromises()
    expect(api.calls).toContain('analyzeExampleHost:second-host')
    expect(w.get('[data-testid=host-name]').text()).toBe('second-host.txt')
    expect(w.find('[data-testid=empty-state]').exists()).toBe(false)
    // dpamt-model.md §1.8: the worked example's static PAMT is 262,664 KB.
    expect(w.get('[data-testid=static-pamt-kb]').text()).toBe('262,664')
  })

  it('the big Open button opens the same picker as Ctrl+O, which takes any file name', async () => {
    const { w } = await mountApp()
    const input = w.get('[data-testid=file-input]').element as HTMLInputElement
    let clicks = 0
    input.addEventListener('click', (e) => {
      clicks++
      e.preventDefault()
    })
    await w.get('[data-testid=empty-open]').trigger('click')
    key({ key: 'o', ctrlKey: true })
    expect(clicks).toBe(2)
    // No accept filter: /proc/iomem and memmap dumps have no extension.
    expect(input.hasAttribute('accept')).toBe(false)
  })
})

describe('keyboard shortcuts overlay', () => {
  it('opens with ?, lists every shortcut, traps Tab, closes with Esc and gives the focus back', async () => {
    const { w } = await mountApp()
    const opener = w.get('[data-testid=nav-host]').element as HTMLElement
    opener.focus()
    key({ key: '?', shiftKey: true }, opener)
    await flushPromises()
    const dialog = w.get('[data-testid=shortcuts-dialog]')
    expect(dialog.attributes('role')).toBe('dialog')
    expect(dialog.attributes('aria-modal')).toBe('true')
    expect(document.getElementById(dialog.attributes('aria-labelledby')!)?.textContent).toBe(
      'Keyboard shortcuts'
    )
    // One row per entry of the shared table (the same one the desktop menu is built from).
    expect(dialog.findAll('tbody tr')).toHaveLength(SHORTCUTS.length)
    expect(dialog.get('[data-testid=shortcut-saveAs]').text()).toContain('Ctrl+Shift+S')
    expect(dialog.get('[data-testid=shortcut-run]').text()).toContain('Ctrl+Enter')
    const close = w.get('[data-testid=shortcuts-close]').element
    expect(document.activeElement).toBe(close)
    // Close is the only control: Tab and Shift+Tab stay on it.
    key({ key: 'Tab' }, close)
    expect(document.activeElement).toBe(close)
    key({ key: 'Escape' }, close)
    await flushPromises()
    expect(w.find('[data-testid=shortcuts-dialog]').exists()).toBe(false)
    expect(document.activeElement).toBe(opener)
  })

  it('opens from the header button, and not when ? is typed in a field', async () => {
    const { w } = await mountApp()
    await w.get('[data-testid=empty-example-worked-example]').trigger('click')
    await flushPromises()
    key({ key: '?' }, w.get('[data-testid=param-pamt4kEntryBytes]').element)
    await flushPromises()
    expect(w.find('[data-testid=shortcuts-dialog]').exists()).toBe(false)
    await w.get('[data-testid=shortcuts-open]').trigger('click')
    expect(w.find('[data-testid=shortcuts-dialog]').exists()).toBe(true)
    await w.get('[data-testid=shortcuts-close]').trigger('click')
    expect(w.find('[data-testid=shortcuts-dialog]').exists()).toBe(false)
  })

  it('Ctrl+2 and Ctrl+3 switch views, as the desktop View menu does', async () => {
    const { w } = await mountApp()
    key({ key: '2', ctrlKey: true })
    await flushPromises()
    expect(w.get('[data-testid=nav-workload]').attributes('aria-selected')).toBe('true')
    key({ key: '3', ctrlKey: true })
    await flushPromises()
    expect(w.get('[data-testid=nav-contention]').attributes('aria-selected')).toBe('true')
  })

  it('runs the desktop menu’s commands sent through the preload bridge', async () => {
    let send: ((c: 'viewContention' | 'shortcuts') => void) | null = null
    window.pamtPlanner = {
      onMenuCommand: (l: (c: 'viewContention' | 'shortcuts') => void) => {
        send = l
        return () => (send = null)
      }
    } as unknown as NonNullable<Window['pamtPlanner']>
    try {
      const { w } = await mountApp()
      send!('viewContention')
      await flushPromises()
      expect(w.get('[data-testid=nav-contention]').attributes('aria-selected')).toBe('true')
      send!('shortcuts')
      await flushPromises()
      expect(w.find('[data-testid=shortcuts-dialog]').exists()).toBe(true)
      wrapper!.unmount()
      wrapper = null
      expect(send).toBeNull()
    } finally {
      delete window.pamtPlanner
    }
  })
})
