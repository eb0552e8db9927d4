import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useHostStore } from '@renderer/stores/host'
import { useWorkloadStore } from '@renderer/stores/workload'
import { useWorkspaceStore } from '@renderer/stores/workspace'
import { useCompareStore } from '@renderer/stores/compare'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

/** One range, [1M, 8G): a second host that differs from the worked example. */
const ONE_RANGE_LOG = 'BIOS-e820: [mem 0x0000000000100000-0x00000001ffffffff] usable\n'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

async function setup(): Promise<{
  api: ReturnType<typeof modelBackedApi>
  host: ReturnType<typeof useHostStore>
  ws: ReturnType<typeof useWorkspaceStore>
  compare: ReturnType<typeof useCompareStore>
}> {
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  const host = useHostStore()
  host.connect(api)
  await startWithFirstExample(host)
  const ws = useWorkspaceStore()
  await ws.start({ confirm: () => true })
  return { api, host, ws, compare: useCompareStore() }
}

describe('pins', () => {
  it('pins the host on screen with a meaningful label and the CLI JSON summary', async () => {
    const { host, ws } = await setup()
    expect(ws.defaultPinLabel('host-analysis')).toMatch(/^worked-example\.txt · static PAMT · /)
    const pin = ws.pin('host-analysis', '  first host  ')!
    expect(pin).toMatchObject({
      id: 'p1',
      kind: 'host-analysis',
      label: 'first host',
      hostId: 'w1'
    })
    // [1M,2G) + [4G,66G): 64 GiB in 2 TDMRs = 4104·64 + 4·2 = 262,664 KB of static PAMT.
    expect(pin.summary['staticPamt.kb']).toBe(262_664)
    expect(ws.pinnedHosts).toEqual({
      w1: { hostId: host.current!.hostId, source: host.current!.source, model: {} }
    })
    expect(ws.dirty).toBe(true)
  })

  it('refuses a workload pin before any simulation, and pins a finished one with its inputs', async () => {
    const { ws } = await setup()
    const workload = useWorkloadStore()
    expect(ws.pinRefusal('workload-run')).toBe('no finished simulation')
    expect(ws.pin('workload-run')).toBeNull()
    await workload.loadPresets()
    workload.applyPreset('ten-16g-no-hugepages')
    workload.draft!.classes[0]!.count = 1
    expect(await workload.run()).toBe(true)
    const pin = ws.pin('workload-run')!
    expect(pin.label).toMatch(/^worked-example\.txt · .* · seed \d+$/)
    expect(pin.kind === 'workload-run' && pin.scenario.tdClasses[0]!.count).toBe(1)
    expect(pin.summary['result.capacity.tdsStarted']).toBe(1)
  })

  it('renames and removes pins; a host no pin refers to is dropped', async () => {
    const { ws } = await setup()
    ws.pin('host-analysis', 'a')
    ws.pin('host-analysis', 'b')
    ws.compareSelection = ['p1', 'p2']
    ws.renamePin('p2', 'renamed')
    expect(ws.pinned.map((p) => p.label)).toEqual(['a', 'renamed'])
    // Both pins share one workspace host.
    expect(Object.keys(ws.pinnedHosts)).toEqual(['w1'])
    ws.unpin('p1')
    expect(ws.compareSelection).toEqual(['p2'])
    expect(Object.keys(ws.pinnedHosts)).toEqual(['w1'])
    ws.unpin('p2')
    expect(ws.pinned).toEqual([])
    expect(ws.pinnedHosts).toEqual({})
  })

  it('keeps the hosts pins refer to through a save and an open, renumbered to the file', async () => {
    const { api, host, ws } = await setup()
    const first = host.current!.hostId
    ws.pin('host-analysis', 'worked')
    await host.importFile(new File([ONE_RANGE_LOG], 'eight.log'))
    const second = host.current!.hostId
    ws.pin('host-analysis', 'eight')
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    expect(await ws.save()).toBe(true)
    const state = api.savedStates.at(-1)!
    // The host on screen first (w1), then the other pinned host (w2); pins follow the file.
    expect(state.hosts.map((h) => h.hostId)).toEqual([second, first])
    expect(state.pinned!.map((p) => [p.label, p.hostId])).toEqual([
      ['worked', 'w2'],
      ['eight', 'w1']
    ])

    // Open the saved file in a fresh session: main analyses both hosts under new ids.
    const text = (await api.saveWorkspace({ state })).ok ? JSON.stringify({ state, hosts: [] }) : ''
    expect(text).not.toBe('')
    const saved = await api.saveWorkspace({ state })
    if (!saved.ok || !saved.value) throw new Error('save failed')
    setActivePinia(createPinia())
    const host2 = useHostStore()
    host2.connect(api)
    await host2.init()
    const ws2 = useWorkspaceStore()
    await ws2.start({ confirm: () => true })
    expect(await ws2.openUpload(new File([saved.value.text!], 'ws.pamtplan'))).toBe(true)
    expect(ws2.pinned.map((p) => [p.label, p.hostId])).toEqual([
      ['worked', 'w2'],
      ['eight', 'w1']
    ])
    expect(ws2.pinnedHosts['w2']!.source.fileName).toBe('worked-example.txt')
    expect(ws2.pinnedHosts['w1']!.source.fileName).toBe('eight.log')
    expect(host2.current!.source.fileName).toBe('eight.log')
    // The pinned hosts are main's new ids, not the old session's.
    expect([first, second]).not.toContain(ws2.pinnedHosts['w2']!.hostId)
  })
})

describe('saving with an evicted pinned host', () => {
  it('names the pinned hosts and says to re-open or unpin', async () => {
    const { api, host, ws } = await setup()
    await host.importFile(new File([ONE_RANGE_LOG], 'eight.log'))
    ws.pin('host-analysis', 'eight')
    const pinnedId = host.current!.hostId
    await host.loadExample('worked-example')
    api.evict(pinnedId)
    expect(await ws.save()).toBe(false)
    expect(host.error).toEqual({
      code: 'HOST_EVICTED',
      message:
        'a host pins refer to was dropped from memory (one of eight.log); re-open it, or remove the pins that refer to it, and save again'
    })
  })
})

describe('compare store', () => {
  it('re-runs each chosen pin and builds the comparison, first pin the reference', async () => {
    const { api, host, ws, compare } = await setup()
    ws.pin('host-analysis', 'worked')
    await host.importFile(new File([ONE_RANGE_LOG], 'eight.log'))
    ws.pin('host-analysis', 'eight')
    compare.toggle('p1')
    expect(compare.canCompare).toBe(false)
    compare.toggle('p2')
    expect(await compare.run()).toBe(true)
    expect(api.calls.filter((c) => c.startsWith('reanalyzeHost'))).toHaveLength(2)
    const table = compare.section!.blocks.find((b) => b.kind === 'table')
    if (table?.kind !== 'table') throw new Error('no table')
    // Static PAMT: worked 262,664 KB; [1M,8G) is one 8 GiB TDMR: 4104·8 + 4 = 32,836 KB.
    // Δ = 32,836 − 262,664 = −229,828 KB; −229,828 / 262,664 = −87.4989… %.
    expect(table.rows.find((r) => r[0] === 'Static PAMT' && r[1] === 'KiB')).toEqual([
      'Static PAMT',
      'KiB',
      262_664,
      32_836,
      -229_828,
      -87.5
    ])
    expect(compare.current).toBe(true)
    compare.toggle('p2')
    expect(compare.current).toBe(false)
  })

  it('re-imports an evicted example in the same job, and asks for an evicted file again', async () => {
    const { api, host, ws, compare } = await setup()
    const example = host.current!.hostId
    ws.pin('host-analysis', 'worked')
    await host.importFile(new File([ONE_RANGE_LOG], 'eight.log'))
    const file = host.current!.hostId
    ws.pin('host-analysis', 'eight')
    compare.toggle('p1')
    compare.toggle('p2')
    api.evict(example)
    expect(await compare.run()).toBe(true)
    expect(api.calls).toContain('analyzeExampleHost:worked-example')
    expect(ws.pinnedHosts['w1']!.hostId).not.toBe(example)

    api.evict(file)
    expect(await compare.run()).toBe(false)
    expect(compare.error).toMatchObject({
      code: 'HOST_EVICTED',
      fileName: 'eight.log',
      message: 'this host was dropped from memory; re-open it and pin "eight" again'
    })
  })

  it('cancels: the job stops, nothing is replaced, and a notice says so', async () => {
    const { api, host, ws, compare } = await setup()
    ws.pin('host-analysis', 'a')
    await host.importFile(new File([ONE_RANGE_LOG], 'eight.log'))
    ws.pin('host-analysis', 'b')
    compare.toggle('p1')
    compare.toggle('p2')
    api.hold = true
    const running = compare.run()
    await Promise.resolve()
    expect(compare.job?.label).toBe('Comparing: re-running 1 of 2, a')
    await compare.cancel()
    expect(await running).toBe(false)
    expect(compare.section).toBeNull()
    expect(compare.notice).toMatch(/cancelled/)
  })
})
