import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useHostStore } from '@renderer/stores/host'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

beforeEach(() => setActivePinia(createPinia()))

function setup(): {
  store: ReturnType<typeof useHostStore>
  api: ReturnType<typeof modelBackedApi>
} {
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  const store = useHostStore()
  store.connect(api)
  return { store, api }
}

describe('host store', () => {
  it('starts with no host: it lists the examples but loads none', async () => {
    const { store, api } = setup()
    await store.init()
    expect(api.calls).toEqual(['getAppInfo', 'listExampleHosts'])
    expect(store.examples.map((e) => e.id)).toEqual(['worked-example'])
    expect(store.current).toBeNull()
    expect(store.job).toBeNull()
  })

  it('analyses an example host when one is picked', async () => {
    const { store, api } = setup()
    await startWithFirstExample(store)
    expect(api.calls).toContain('analyzeExampleHost:worked-example')
    // dpamt-model.md §1.8: 262664 KB.
    expect(store.current?.analysis.staticPamt.kb).toBe(262_664)
    expect(store.job).toBeNull()
  })

  it('keeps the previous host when an import fails, and shows the error', async () => {
    const { store } = setup()
    await startWithFirstExample(store)
    const before = store.current
    const ok = await store.importFile(new File(['BIOS-e820: [mem 0x5-0x1] usable\n'], 'bad.log'))
    expect(ok).toBe(false)
    expect(store.current).toBe(before)
    expect(store.error).toMatchObject({ code: 'REVERSED_RANGE', fileName: 'bad.log', line: 1 })
  })

  it('refuses a file over the limit before reading it', async () => {
    const { store, api } = setup()
    await startWithFirstExample(store)
    const big = new File(['x'], 'huge.log')
    Object.defineProperty(big, 'size', { value: 200 * 2 ** 20 })
    expect(await store.importFile(big)).toBe(false)
    expect(store.error).toMatchObject({ code: 'FILE_TOO_LARGE', fileName: 'huge.log' })
    expect(store.error?.message).toContain('200 MiB')
    expect(api.calls.some((c) => c.startsWith('analyzeHostText'))).toBe(false)
  })

  it('tracks progress of the running job and clears the error on success', async () => {
    const { store, api } = setup()
    await startWithFirstExample(store)
    store.error = { code: 'INTERNAL', message: 'old' }
    api.hold = true
    const done = store.importFile(new File([TWO_RANGE_LOG], 'host.log'))
    await new Promise((r) => setTimeout(r, 0))
    expect(store.busy).toBe(true)
    api.emit({ jobId: store.job!.jobId, phase: 'parsing', fraction: 0.5 })
    expect(store.job).toMatchObject({ phase: 'parsing', fraction: 0.5 })
    api.emit({ jobId: 'someone-else', phase: 'parsing', fraction: 0.9 })
    expect(store.job?.fraction).toBe(0.5)
    api.release()
    expect(await done).toBe(true)
    expect(store.error).toBeNull()
    expect(store.current?.source.fileName).toBe('host.log')
  })

  it('cancels the running job and keeps the previous host', async () => {
    const { store, api } = setup()
    await startWithFirstExample(store)
    const before = store.current
    api.hold = true
    const done = store.importFile(new File([TWO_RANGE_LOG], 'slow.log'))
    await new Promise((r) => setTimeout(r, 0))
    const jobId = store.job!.jobId
    await store.cancel()
    expect(api.calls).toContain(`cancelJob:${jobId}`)
    expect(store.job).toBeNull()
    expect(await done).toBe(false)
    expect(store.current).toBe(before)
  })

  it('re-imports an example main dropped (HOST_EVICTED) in the same job, with the new options', async () => {
    const { store, api } = setup()
    await startWithFirstExample(store)
    expect(store.current?.hostId).toBe('h1')
    api.evict('h1')
    const reanalyze = vi.spyOn(api, 'reanalyzeHost')
    const reimport = vi.spyOn(api, 'analyzeExampleHost')
    const model = { pamtMode: 'dynamic' as const }
    expect(await store.reanalyze(model)).toBe(true)
    expect(api.calls.slice(-2)).toEqual(['reanalyzeHost:h1', 'analyzeExampleHost:worked-example'])
    // The same job id as the re-analysis, so its progress and cancel still apply.
    const jobId = reanalyze.mock.calls[0]![0].jobId
    expect(reimport).toHaveBeenCalledWith({ jobId, exampleId: 'worked-example', model })
    expect(store.current?.hostId).toBe('h2')
    expect(store.modelOptions).toBe(model)
    expect(store.error).toBeNull()
  })

  it('asks to re-open a file main dropped, and keeps showing it', async () => {
    const { store, api } = setup()
    await startWithFirstExample(store)
    await store.importFile(new File([TWO_RANGE_LOG], 'host.log'))
    const shown = store.current
    api.evict(shown!.hostId)
    const dropped = {
      code: 'HOST_EVICTED',
      fileName: 'host.log',
      message: 'this host was dropped from memory; re-open it'
    }
    expect(await store.reanalyze({ pamtMode: 'dynamic' })).toBe(false)
    expect(store.error).toEqual(dropped)
    expect(store.current).toBe(shown)
    store.dismissError()
    expect(await store.exportHostJson()).toBeNull()
    expect(store.error).toEqual(dropped)
    expect(store.errorAction).toBe('export')
  })
})
