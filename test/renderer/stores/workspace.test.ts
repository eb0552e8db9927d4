import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useHostStore } from '@renderer/stores/host'
import { useWorkloadStore } from '@renderer/stores/workload'
import {
  AUTOSAVE_DEBOUNCE_MS,
  AUTOSAVE_MAX_DELAY_MS,
  UNTITLED,
  useWorkspaceStore
} from '@renderer/stores/workspace'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

async function setup(confirm: (m: string) => boolean = () => true): Promise<{
  api: ReturnType<typeof modelBackedApi>
  host: ReturnType<typeof useHostStore>
  ws: ReturnType<typeof useWorkspaceStore>
  workload: ReturnType<typeof useWorkloadStore>
}> {
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  const host = useHostStore()
  host.connect(api)
  await startWithFirstExample(host)
  const ws = useWorkspaceStore()
  await ws.start({ confirm })
  return { api, host, ws, workload: useWorkloadStore() }
}

/** Let the store's awaited API calls finish (fake timers do not run promise callbacks). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('workspace store', () => {
  it('is clean after start-up and marks a model option change as unsaved in the title', async () => {
    const { host, ws } = await setup()
    expect(ws.dirty).toBe(false)
    expect(ws.title).toBe(`${UNTITLED} — PAMT Planner`)
    await host.reanalyze({ holeSource: 'cmr' })
    expect(ws.dirty).toBe(true)
    expect(ws.title).toBe(`• ${UNTITLED} — PAMT Planner`)
  })

  it('keeps model options across imports (they used to reset on every import)', async () => {
    const { host } = await setup()
    await host.reanalyze({
      holeSource: 'cmr',
      pamtPlacement: 'last-candidate',
      pamtMode: 'dynamic',
      physAddrBits: 46,
      params: { maxTdmrs: 32 }
    })
    await host.importFile(new File([TWO_RANGE_LOG], 'other.log'))
    expect(host.current?.source.fileName).toBe('other.log')
    // The modelling choices and tweaks carry over; the PAMT mode and x86_phys_bits are the new
    // log's (this log says nothing of Dynamic PAMT: static).
    expect(host.modelOptions).toEqual({
      holeSource: 'cmr',
      pamtPlacement: 'last-candidate',
      params: { maxTdmrs: 32 }
    })
    expect(host.current?.analysis.options).toMatchObject({
      holeSource: 'cmr',
      pamtPlacement: 'last-candidate',
      pamtMode: 'static'
    })
    expect(host.current?.analysis.params.maxTdmrs).toBe(32)
  })

  it('autosaves 2 s after the last change, and at the latest 30 s after the first', async () => {
    const { api, host, ws } = await setup()
    await host.reanalyze({ holeSource: 'cmr' })
    vi.advanceTimersByTime(AUTOSAVE_DEBOUNCE_MS - 1)
    expect(api.calls).not.toContain('autosaveWorkspace')
    vi.advanceTimersByTime(1)
    await settle()
    expect(api.calls.filter((c) => c === 'autosaveWorkspace')).toHaveLength(1)
    expect(api.savedStates.at(-1)).toMatchObject({
      hosts: [{ hostId: host.current!.hostId, model: { holeSource: 'cmr' } }],
      activeHost: 0
    })
    // Changes every second keep postponing the debounce; the 30 s bound still saves.
    for (let t = 0; t < AUTOSAVE_MAX_DELAY_MS; t += 1000) {
      ws.notes = `note ${t}`
      vi.advanceTimersByTime(1000)
      await settle()
    }
    expect(api.calls.filter((c) => c === 'autosaveWorkspace')).toHaveLength(2)
  })

  it('saves explicitly: the download, then no unsaved mark', async () => {
    const { api, host, ws } = await setup()
    await host.reanalyze({ holeSource: 'cmr' })
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    expect(await ws.save()).toBe(true)
    expect(click).toHaveBeenCalledTimes(1)
    expect(api.calls).toContain('saveWorkspace')
    expect(ws.dirty).toBe(false)
    expect(ws.status).toBe('Saved ws.pamtplan')
  })

  it('offers the previous session, restores host, options and scenario, and holds autosave meanwhile', async () => {
    const first = await setup()
    await first.host.reanalyze({ pamtMode: 'static' })
    await first.workload.loadPresets()
    first.workload.draft!.name = 'edited scenario'
    first.ws.notes = 'rack 4'
    await first.ws.autosave()

    // A reload: new stores over the same main (the fake keeps its autosave).
    setActivePinia(createPinia())
    const host = useHostStore()
    host.connect(first.api)
    await startWithFirstExample(host)
    const ws = useWorkspaceStore()
    await ws.start({ confirm: () => true })
    expect(ws.restoreOffer).toMatchObject({ name: 'autosaved' })
    host.reanalyze({ holeSource: 'cmr' })
    await settle()
    const before = first.api.calls.filter((c) => c === 'autosaveWorkspace').length
    expect(await ws.autosave()).toBe(false)
    expect(first.api.calls.filter((c) => c === 'autosaveWorkspace')).toHaveLength(before)

    expect(await ws.restore()).toBe(true)
    expect(ws.restoreOffer).toBeNull()
    expect(host.modelOptions).toEqual({ pamtMode: 'static' })
    expect(host.current?.analysis.options.pamtMode).toBe('static')
    expect(useWorkloadStore().draft?.name).toBe('edited scenario')
    expect(ws.notes).toBe('rack 4')
  })

  it('asks before an open discards unsaved changes, and keeps them when told no', async () => {
    const asked: string[] = []
    const { api, host, ws } = await setup((m) => {
      asked.push(m)
      return false
    })
    await host.reanalyze({ holeSource: 'cmr' })
    const file = new File(['{"format": "pamt-planner-workspace"}'], 'other.pamtplan')
    expect(await ws.openChosenFile(file)).toBe(false)
    expect(asked).toEqual([`Discard the unsaved changes to "${UNTITLED}"?`])
    expect(api.calls.some((c) => c.startsWith('openWorkspaceText'))).toBe(false)
    expect(ws.dirty).toBe(true)
  })

  it('shows a bad workspace file as an error and keeps the host on screen', async () => {
    const { host, ws } = await setup()
    const before = host.current
    const bad = new File(['{"format": "pamt-planner-workspace", "state": '], 'cut.pamtplan')
    expect(await ws.openChosenFile(bad)).toBe(false)
    expect(host.current).toBe(before)
    expect(host.error).toMatchObject({ code: 'MALFORMED_LINE', fileName: 'cut.pamtplan', line: 1 })
    expect(ws.name).toBe(UNTITLED)
  })
})
