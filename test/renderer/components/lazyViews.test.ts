import { flushPromises, mount } from '@vue/test-utils'
import { h, type Component } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { viewLoadErrorText } from '@renderer/views/viewLoadError'
import type * as LazyViews from '@renderer/views/lazyViews'

// setup.ts replaces lazyViews with the eager views for the other component tests; here the real
// wrappers are under test.
const { lazyView } = await vi.importActual<typeof LazyViews>('@renderer/views/lazyViews')

const Loaded: Component = { render: () => h('p', { 'data-testid': 'loaded' }, 'the view') }

/** A loader the test settles by hand, as a chunk download that is still under way. */
function pendingLoader(): {
  loader: () => Promise<{ default: Component }>
  resolve: () => void
  reject: (e: unknown) => void
} {
  let resolve!: (m: { default: Component }) => void
  let reject!: (e: unknown) => void
  const p = new Promise<{ default: Component }>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Shaped as an import()'s module namespace, which Vue recognises by its toStringTag.
  const module = { default: Loaded, [Symbol.toStringTag]: 'Module' }
  return { loader: () => p, resolve: () => resolve(module), reject }
}

/** Mount a lazy view inside a parent, as App.vue's tab panel holds it. */
function mountInPanel(view: Component): ReturnType<typeof mount> {
  return mount({ render: () => h('div', { role: 'tabpanel' }, [h(view)]) })
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('lazy views', () => {
  it('shows a role="status" placeholder naming the view while its chunk loads, then the view', async () => {
    vi.useFakeTimers()
    const chunk = pendingLoader()
    const w = mountInPanel(lazyView('Fleet', chunk.loader))
    // Nothing for the first 200 ms (a cached chunk does not flash the placeholder) …
    expect(w.find('[role=status]').exists()).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    // … then the placeholder, announced politely.
    const status = w.get('[role=status]')
    expect(status.text()).toBe('Loading the Fleet view…')
    // flushPromises waits on a real timer.
    vi.useRealTimers()
    chunk.resolve()
    await flushPromises()
    expect(w.find('[role=status]').exists()).toBe(false)
    expect(w.get('[data-testid=loaded]').text()).toBe('the view')
  })

  it('says in one line which view failed to load, why, and to reload', async () => {
    // Vue reports the failed load on the console as well; keep the test output clean.
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const chunk = pendingLoader()
    const w = mountInPanel(lazyView('Compare', chunk.loader))
    chunk.reject(
      new TypeError('Failed to fetch dynamically imported module: /assets/CompareView.js')
    )
    await flushPromises()
    const alert = w.get('[role=alert]')
    expect(alert.text()).toBe(
      'Could not load the Compare view (Failed to fetch dynamically imported module: ' +
        '/assets/CompareView.js); reload the page to try again.'
    )
  })
})

describe('viewLoadErrorText', () => {
  it('keeps a multi-line reason on one line', () => {
    expect(viewLoadErrorText('Workload', new Error('network\n  gone'))).toBe(
      'Could not load the Workload view (network gone); reload the page to try again.'
    )
  })

  it('leaves out the parentheses when there is no reason', () => {
    expect(viewLoadErrorText('Contention', undefined)).toBe(
      'Could not load the Contention view; reload the page to try again.'
    )
  })
})
