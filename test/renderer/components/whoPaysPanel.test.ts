import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import WhoPaysPanel from '@renderer/components/WhoPaysPanel.vue'
import { useHostStore } from '@renderer/stores/host'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import {
  simulateScenario,
  simulateTrace,
  type SimulationResult
} from '@shared/model/runtime/simulate'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

const GiB = 2 ** 30
const imported = importHostText(TWO_RANGE_LOG, 'worked.log')
if (!imported.ok) throw new Error(imported.error.message)
const host = analyzeHost(imported.host)

/** 12 small TDs (1 GiB, 1 vCPU) and one large (8 GiB, 4 vCPUs), all from t = 0. */
const fleet: SimulationResult = simulateScenario(
  host,
  scenarioSchema.parse({
    name: 'fleet',
    durationNs: 10e9,
    samples: 32,
    kvmMaxLeaf: '4k',
    tdClasses: [
      { name: 'small', count: 12, memoryBytes: 1 * GiB, vcpus: 1 },
      { name: 'large', count: 1, memoryBytes: 8 * GiB, vcpus: 4 }
    ]
  })
)

function mountPanel(result: SimulationResult): VueWrapper {
  wrapper = mount(WhoPaysPanel, {
    props: { result, hostName: 'worked.log' },
    attachTo: document.body
  })
  return wrapper
}

describe('who pays panel', () => {
  it('charts PAMT memory per TD class and tabulates each class', async () => {
    const w = mountPanel(fleet)
    await flushPromises()
    expect(w.get('[data-testid=chart-by-class]').find('svg').exists()).toBe(true)
    const rows = w.findAll('[data-testid=class-table] tbody tr').map((r) => r.find('td').text())
    expect(rows).toEqual(['small (12 TDs)', 'large (1 TD)'])
    expect(w.get('[data-testid=chart-by-class]').text()).toContain(
      'PAMT memory charged per TD class'
    )
    await w.get('[data-testid=by-class-mode]').setValue('pairs')
    await flushPromises()
    expect(w.get('[data-testid=chart-by-class]').text()).toContain('PAMT page pairs per TD class')
  })

  it('lists the TDs charged the most first, ten until asked for all', async () => {
    const w = mountPanel(fleet)
    const body = (): string[][] =>
      w.findAll('[data-testid=td-table] tbody tr').map((r) => r.findAll('td').map((c) => c.text()))
    // The 8 GiB TD (id 12: the small class's 12 TDs are numbered first) needs the most pairs.
    expect(body()[0]!.slice(0, 2)).toEqual(['12', 'large'])
    expect(body()).toHaveLength(10)
    await w.get('[data-testid=td-table-all]').trigger('click')
    expect(body()).toHaveLength(13)
  })

  it('saves the TD table as CSV', async () => {
    const w = mountPanel(fleet)
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:x'
    })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    await w.get('[data-testid=save-csv-td-table]').trigger('click')
    const lines = (await blobs[0]!.text()).replace(/^\uFEFF/, '').split(/\r?\n/)
    expect(lines[0]).toBe(
      'td,class,peak_pair_bytes,peak_time_ns,pair_bytes_at_end,peak_cache_bytes,pairs_charged'
    )
    expect(lines[1]!.startsWith('12,large,')).toBe(true)
    // 13 rows and the header, each ended by a newline (so the split leaves one empty string).
    expect(lines).toHaveLength(15)
    expect(lines.at(-1)).toBe('')
  })

  it('shows a trace per TD only, with no class chart', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 2, 1, 42)
    ev.push(2, EventKind.Get, 3000, 1, 1, 7)
    const trace = simulateTrace(host, ev, 'trace', { refcounts: 'dense', samples: 16 })
    const w = mountPanel(trace)
    expect(w.find('[data-testid=chart-by-class]').exists()).toBe(false)
    expect(w.find('[data-testid=by-class-mode]').exists()).toBe(false)
    expect(w.get('[data-testid=no-classes]').text()).toContain('attributed per TD')
    // TD 42 allocated both pairs (0→1 on regions 3000 and 3001); TD 7's get found region 3000 paired.
    const rows = w
      .findAll('[data-testid=td-table] tbody tr')
      .map((r) => r.findAll('td').map((c) => c.text()))
    expect(rows.map((r) => [r[0], r[1], r[5]])).toEqual([
      ['42', '16.00 KiB', '2'],
      ['7', '0 B', '0']
    ])
  })
})

describe('the workload view', () => {
  it('shows who pays under a simulation result', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const hostStore = useHostStore()
    hostStore.connect(modelBackedApi({ 'worked-example': TWO_RANGE_LOG }))
    wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
    await startWithFirstExample(hostStore)
    await flushPromises()
    await wrapper.get('[data-testid=nav-workload]').trigger('click')
    await flushPromises()
    // Two 4 GiB TDs of the preset's one class: quick.
    await wrapper.get('[data-testid=class-0-count]').setValue('2')
    await wrapper.get('[data-testid=class-0-memory]').setValue('4')
    await wrapper.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const panel = wrapper.get('[data-testid=who-pays]')
    expect(panel.find('[data-testid=chart-by-class] svg').exists()).toBe(true)
    expect(panel.findAll('[data-testid=td-table] tbody tr')).toHaveLength(2)
  })
})
