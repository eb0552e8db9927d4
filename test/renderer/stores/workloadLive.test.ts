import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { SimulateRequest } from '@shared/api/contract'
import { useHostStore } from '@renderer/stores/host'
import {
  LIVE_DEBOUNCE_MS,
  LIVE_MAX_REGION_VISITS,
  useWorkloadStore
} from '@renderer/stores/workload'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

// Live what-ifs (issue 14): once a simulation is on screen, an edit re-runs it after a pause, a
// newer edit supersedes a live run in flight, and the result on screen stays until the new one
// arrives. Only setTimeout is faked, so the debounce is stepped, never waited for.
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
afterEach(() => vi.useRealTimers())

/** A host (2 GiB + 64 GiB of RAM) with the default preset loaded and shrunk to 2 small TDs. */
async function setUp(): Promise<{
  api: ReturnType<typeof modelBackedApi>
  store: ReturnType<typeof useWorkloadStore>
}> {
  setActivePinia(createPinia())
  const host = useHostStore()
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  host.connect(api)
  await startWithFirstExample(host)
  const store = useWorkloadStore()
  await store.loadPresets()
  const cls = store.draft!.classes[0]!
  cls.count = 2
  cls.memoryGiB = 1
  await flushPromises()
  return { api, store }
}

const simulations = (api: ReturnType<typeof modelBackedApi>): SimulateRequest[] =>
  api.workloadRequests.filter((r): r is SimulateRequest => 'scenario' in r)

describe('workload store: live what-ifs', () => {
  it('does nothing before the first run: an edit alone starts no job', async () => {
    const { api, store } = await setUp()
    store.draft!.fragmentation = 0.3
    await flushPromises()
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS * 2)
    await flushPromises()
    expect(simulations(api)).toHaveLength(0)
  })

  it('re-runs the shown simulation once, a pause after a burst of edits', async () => {
    const { api, store } = await setUp()
    expect(await store.run()).toBe(true)
    const first = store.simulation
    for (const f of [0.1, 0.2, 0.3]) {
      store.draft!.fragmentation = f
      await flushPromises()
      vi.advanceTimersByTime(LIVE_DEBOUNCE_MS - 1)
    }
    expect(simulations(api)).toHaveLength(1)
    vi.advanceTimersByTime(1)
    await flushPromises()
    expect(simulations(api)).toHaveLength(2)
    expect(simulations(api)[1]!.scenario).toMatchObject({ host: { fragmentation: 0.3 } })
    expect(store.simulation).not.toBe(first)
    expect(store.simulation!.scenario.host.fragmentation).toBe(0.3)
  })

  it('an edit undone before the pause ends sends nothing', async () => {
    const { api, store } = await setUp()
    await store.run()
    store.draft!.fragmentation = 0.4
    await flushPromises()
    store.draft!.fragmentation = 0
    await flushPromises()
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS)
    await flushPromises()
    expect(simulations(api)).toHaveLength(1)
  })

  it('a newer edit supersedes the live run in flight, silently, and the old result stays until the new one', async () => {
    const { api, store } = await setUp()
    await store.run()
    const shown = store.simulation
    api.hold = true
    store.draft!.fragmentation = 0.2
    await flushPromises()
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS)
    await flushPromises()
    expect(store.job?.kind).toBe('live')
    const heldJob = store.job!.jobId
    expect(store.simulation).toBe(shown)
    store.draft!.fragmentation = 0.5
    await flushPromises()
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS)
    await flushPromises()
    // The held run was cancelled (no "cancelled" notice: it was replaced, not stopped).
    expect(api.calls).toContain(`cancelJob:${heldJob}`)
    expect(store.notice).toBeNull()
    api.hold = false
    api.release()
    await flushPromises()
    expect(store.simulation!.scenario.host.fragmentation).toBe(0.5)
  })

  it('the switch turns it off, and a scenario past the live size says why and waits for Run', async () => {
    const { api, store } = await setUp()
    await store.run()
    store.live = false
    store.draft!.fragmentation = 0.2
    await flushPromises()
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS)
    await flushPromises()
    expect(simulations(api)).toHaveLength(1)
    expect(store.liveBlocked).toBe('Live updates are off.')

    store.live = true
    // 2,000 TDs of 1 GiB at fragmentation 0.2 is far past the live size (the estimate's units).
    store.draft!.classes[0]!.count = 2000
    await flushPromises()
    expect(store.work!.units).toBeGreaterThan(LIVE_MAX_REGION_VISITS)
    expect(store.liveBlocked).toMatch(/^Live updates are for scenarios of up to 8 M region visits/)
    vi.advanceTimersByTime(LIVE_DEBOUNCE_MS)
    await flushPromises()
    expect(simulations(api)).toHaveLength(1)
  })
})
