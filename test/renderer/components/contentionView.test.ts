import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { useContentionStore } from '@renderer/stores/contention'
import { COST_FIELDS } from '@renderer/stores/contentionFields'
import { contentionCostsSchema, DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'
import type { ScenarioPreset } from '@shared/api/contract'
import { ok } from '@shared/api/errors'
import { formatNs } from '@shared/charts/contention/labels'
import {
  FIT_STATUS_TEXT,
  fittedRows,
  residualRows
} from '@shared/charts/contention/calibrationFitText'
import { LIST_MEASUREMENT } from '@shared/model/contention/calibrationFit'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

/** A small boot storm, quick to simulate on the worked-example host. */
const SMALL = scenarioSchema.parse({
  name: 'small boot storm',
  durationNs: 3e9,
  tdClasses: [{ name: 'td', count: 3, memoryBytes: 2 ** 30, vcpus: 4, lifetimeNs: 1e9 }]
})
const SMALL_DEMOTE = scenarioSchema.parse({
  name: 'small demote',
  durationNs: 3e9,
  tdClasses: [
    {
      name: 'demoting',
      count: 1,
      memoryBytes: 2 ** 30,
      vcpus: 4,
      share2m: 1,
      demoteShare: 0.5,
      imageBytes: 4 * 2 ** 20
    },
    { name: 'booting', count: 2, memoryBytes: 2 ** 30, vcpus: 4 }
  ]
})

async function mountContention(
  examples: Record<string, string> = { 'worked-example': TWO_RANGE_LOG }
): Promise<{
  w: VueWrapper
  api: ReturnType<typeof modelBackedApi>
  store: ReturnType<typeof useContentionStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  const api = modelBackedApi(examples)
  // The real presets are 10 × 16 GiB boot storms: keep the ids, shrink the scenarios.
  const real = api.listContentionPresets.bind(api)
  api.listContentionPresets = async (req) => {
    const r = await real(req)
    if (!r.ok) return r
    return ok(
      r.value.map((p): ScenarioPreset => ({
        ...p,
        scenario: {
          ...(p.id === 'demote-under-load' ? SMALL_DEMOTE : SMALL),
          name: p.scenario.name
        }
      }))
    )
  }
  host.connect(api)
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(host)
  await flushPromises()
  await wrapper.get('[data-testid=nav-contention]').trigger('click')
  await flushPromises()
  return { w: wrapper, api, store: useContentionStore() }
}

/** v6, per-2m, hashed:64 and module-only (always-lock is the slow one). */
async function pickQuickDesigns(w: VueWrapper): Promise<void> {
  await w.get('[data-testid=design-always-lock]').setValue(false)
}

describe('contention view', () => {
  it('is the third tab, starts from the calibration preset and offers every control', async () => {
    const { w, api } = await mountContention()
    expect(api.calls).toContain('listContentionPresets')
    const tab = w.get('[data-testid=nav-contention]')
    expect(tab.attributes('aria-selected')).toBe('true')
    const select = w.get('[data-testid=contention-preset]').element as HTMLSelectElement
    expect(select.value).toBe('calibration-10x16g')
    expect([...select.options].map((o) => o.value)).toEqual([
      '',
      'calibration-10x16g',
      'synchronized-boot-storm',
      'two-td-shutdown',
      'demote-under-load'
    ])
    for (const d of ['v6', 'per-2m', 'hashed', 'module-only'])
      expect((w.get(`[data-testid=design-${d}]`).element as HTMLInputElement).checked).toBe(true)
    // always-lock starts unticked: with the form's five seeds it would exceed the work limit.
    expect((w.get('[data-testid=design-always-lock]').element as HTMLInputElement).checked).toBe(
      false
    )
    expect((w.get('[data-testid=hashed-locks]').element as HTMLInputElement).value).toBe('64')
    // mod:N is offered, off by default; the lockless design says what it is.
    expect((w.get('[data-testid=design-mod]').element as HTMLInputElement).checked).toBe(false)
    expect((w.get('[data-testid=mod-locks]').element as HTMLInputElement).disabled).toBe(true)
    expect(
      w.get('[data-testid=design-module-only]').element.closest('label')!.textContent
    ).toContain('lockless (racy')
    // Desynchronisation: jitter in ms and µs, the service-time spread as a CV.
    expect((w.get('[data-testid=machine-td-jitter]').element as HTMLInputElement).value).toBe('100')
    expect((w.get('[data-testid=machine-vcpu-jitter]').element as HTMLInputElement).value).toBe(
      '100'
    )
    expect(w.get('[data-testid=cost-serviceCv]').element.closest('label')!.textContent).toContain(
      '(CV, est. 0.3)'
    )
    // The worked example has no SRAT CPU affinity lines: the default machine, and it says so.
    expect(w.get('[data-testid=machine-source]').text()).toContain(
      '2 × 56 CPUs: default: the list measurement'
    )
    expect(w.get('[data-testid=contention-arrival]').text()).toContain('arriving together')
    for (const f of COST_FIELDS) {
      const input = w.get(`[data-testid=cost-${f.key}]`)
      expect(Number((input.element as HTMLInputElement).value)).toBe(
        DEFAULT_CONTENTION_COSTS[f.key]
      )
      // The schema's doc comment is the field's help, tied to the input.
      const help = document.getElementById(input.attributes('aria-describedby')!)
      expect(help?.textContent).toBe(f.help)
    }
    expect(w.get('[data-testid=costs-panel] summary').text()).toContain(
      'Costs (estimates — fit them)'
    )
    expect(w.get('[data-testid=costs-note]').text()).toContain(
      'No SEAMCALL latencies are published'
    )
    expect(w.get('[data-testid=calibration-note]').text()).toContain('1,136 contentions')
    expect(w.find('[data-testid=no-contention-result]').exists()).toBe(true)
    // Every control has a label.
    for (const el of w.findAll('[data-testid=contention-settings] input, select')) {
      const input = el.element as HTMLInputElement
      const labelled =
        input.closest('label') !== null || input.hasAttribute('aria-label') || input.id !== ''
      expect(labelled, input.outerHTML).toBe(true)
    }
  })

  it('lists every cost of the schema, with help', () => {
    expect(COST_FIELDS.map((f) => f.key)).toEqual(Object.keys(contentionCostsSchema.shape))
    expect(COST_FIELDS.every((f) => f.help.length > 10)).toBe(true)
  })

  it('blocks the run while the settings are invalid, naming each field', async () => {
    const { w, api } = await mountContention()
    for (const d of ['v6', 'always-lock', 'per-2m', 'hashed', 'module-only'])
      await w.get(`[data-testid=design-${d}]`).setValue(false)
    await w.get('[data-testid=demote-lock-around]').setValue(false)
    await w.get('[data-testid=demote-try-then-lock]').setValue(false)
    await w.get('[data-testid=machine-sockets]').setValue('0')
    await w.get('[data-testid=cost-pamtAddNs]').setValue('')
    await w.get('[data-testid=cost-demoteNs]').setValue('-5')
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(api.contentionRequests).toHaveLength(0)
    expect(w.get('[data-testid=designs-error]').text()).toBe('pick at least one design')
    expect(w.get('[data-testid=demote-error]').text()).toBe('pick at least one DEMOTE variant')
    // In the form's labels and units, not the schema's "Too small: expected number to be >=1".
    expect(w.get('[data-testid=machine-sockets-error]').text()).toBe('Sockets must be at least 1')
    expect(w.get('[data-testid=cost-pamtAddNs-error]').text()).toBe('enter a number')
    expect(w.get('[data-testid=cost-demoteNs-error]').text()).toBe(
      'PAGE.DEMOTE 2M→4K must be at least 0 ns'
    )
    expect((w.get('[data-testid=costs-panel]').element as HTMLDetailsElement).open).toBe(true)
    expect(w.get('[data-testid=settings-invalid]').text()).toContain('5 fields need fixing')

    // hashed:N needs a whole N.
    await w.get('[data-testid=design-hashed]').setValue(true)
    await w.get('[data-testid=hashed-locks]').setValue('0')
    expect(w.get('[data-testid=hashed-locks-error]').text()).toContain('whole number')
    // ...and so does mod:N, its error beside its own field.
    await w.get('[data-testid=hashed-locks]').setValue('8')
    await w.get('[data-testid=design-mod]').setValue(true)
    await w.get('[data-testid=mod-locks]').setValue('0')
    expect(w.find('[data-testid=hashed-locks-error]').exists()).toBe(false)
    expect(w.get('[data-testid=mod-locks-error]').text()).toContain('whole number')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }))
    await flushPromises()
    expect(api.contentionRequests).toHaveLength(0)
  })

  it('sends the selected designs, variants, machine and costs with the host’s model options', async () => {
    const { w, api } = await mountContention()
    const host = useHostStore()
    const model = { holeSource: 'e820' as const, pamtMode: 'dynamic' as const }
    await host.reanalyze(model)
    await flushPromises()
    await pickQuickDesigns(w)
    await w.get('[data-testid=hashed-locks]').setValue('16')
    await w.get('[data-testid=machine-sockets]').setValue('1')
    await w.get('[data-testid=machine-cpus]').setValue('32')
    await w.get('[data-testid=machine-window]').setValue('4')
    await w.get('[data-testid=cost-pamtAddNs]').setValue('6000')
    // The form starts at 5 seeds (the schema's default is 1); edited to 2 here.
    expect((w.get('[data-testid=machine-seeds]').element as HTMLInputElement).value).toBe('5')
    await w.get('[data-testid=machine-seeds]').setValue('2')
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(api.contentionRequests).toHaveLength(1)
    const req = api.contentionRequests[0]!
    expect(req.hostId).toBe('h1')
    expect(req.model).toEqual(model)
    expect(req.scenario).toMatchObject({ tdClasses: [{ count: 3, memoryBytes: 2 ** 30 }] })
    expect(req.settings).toEqual({
      designs: ['v6', 'per-2m', 'hashed:16', 'module-only'],
      // SMALL does not demote: try-then-lock is disabled (it cannot be unticked) but kept as
      // chosen; runContention runs only the first variant of a scenario without DEMOTE.
      demoteVariants: ['lock-around', 'try-then-lock'],
      costs: { ...DEFAULT_CONTENTION_COSTS, pamtAddNs: 6000 },
      sockets: 1,
      cpusPerSocket: 32,
      kernelWindowRegions: 4,
      tdStartJitterNs: 100e6,
      vcpuStartJitterNs: 100e3,
      timelineBins: 400,
      seeds: 2,
      sensitivity: false
    })
  })

  it('refuses 0 seeds in the form, naming the field', async () => {
    const { w, api } = await mountContention()
    await w.get('[data-testid=machine-seeds]').setValue('0')
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(api.contentionRequests).toHaveLength(0)
    // The schema's min(1), in the field's label.
    expect(w.get('[data-testid=machine-seeds-error]').text()).toBe('Seeds must be at least 1')
  })

  it('the synchronized storm preset sets jitter and spread to 0; another preset restores them', async () => {
    const { w, api } = await mountContention()
    await w.get('[data-testid=contention-preset]').setValue('synchronized-boot-storm')
    expect(w.get('[data-testid=preset-fixes]').text()).toContain('lockstep')
    expect((w.get('[data-testid=machine-td-jitter]').element as HTMLInputElement).value).toBe('0')
    expect((w.get('[data-testid=cost-serviceCv]').element as HTMLInputElement).value).toBe('0')
    await pickQuickDesigns(w)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(api.contentionRequests[0]!.settings).toMatchObject({
      tdStartJitterNs: 0,
      vcpuStartJitterNs: 0,
      costs: { serviceCv: 0 }
    })
    await w.get('[data-testid=contention-preset]').setValue('calibration-10x16g')
    expect(w.find('[data-testid=preset-fixes]').exists()).toBe(false)
    expect((w.get('[data-testid=machine-vcpu-jitter]').element as HTMLInputElement).value).toBe(
      '100'
    )
    expect((w.get('[data-testid=cost-serviceCv]').element as HTMLInputElement).value).toBe('0.3')
  })

  it('takes the machine from a host log with SRAT CPU affinity lines, and follows the host', async () => {
    const srat = [
      'SRAT: PXM 0 -> APIC 0x00 -> Node 0',
      'SRAT: PXM 0 -> APIC 0x01 -> Node 0',
      'SRAT: PXM 0 -> APIC 0x02 -> Node 0',
      'SRAT: PXM 1 -> APIC 0x10 -> Node 1',
      'SRAT: PXM 1 -> APIC 0x11 -> Node 1',
      'SRAT: PXM 2 -> APIC 0x20 -> Node 2'
    ].join('\n')
    const { w, store } = await mountContention({
      'srat-host': `${TWO_RANGE_LOG}${srat}\n`,
      'worked-example': TWO_RANGE_LOG
    })
    // 3 nodes with CPUs (3, 2, 1): 3 sockets of at most 3 CPUs; lines 3-8 of the log.
    expect((w.get('[data-testid=machine-sockets]').element as HTMLInputElement).value).toBe('3')
    expect((w.get('[data-testid=machine-cpus]').element as HTMLInputElement).value).toBe('3')
    expect(w.get('[data-testid=machine-source]').text()).toContain(
      'from the host log: 3 NUMA nodes with CPUs (3, 2, 1 APIC ids) in SRAT CPU affinity lines 3-8'
    )
    expect(store.machine.source).toBe('host')
    // Edited: the form says so and keeps the edit when the host changes.
    await w.get('[data-testid=machine-sockets]').setValue('2')
    expect(w.get('[data-testid=machine-source]').text()).toContain(
      'set in the settings (the host log says 3 × 3)'
    )
    await w.get('[data-testid=machine-sockets]').setValue('3')
    // Unedited: another host brings its own machine (the default, here).
    await useHostStore().loadExample('worked-example')
    await flushPromises()
    expect((w.get('[data-testid=machine-sockets]').element as HTMLInputElement).value).toBe('2')
    expect((w.get('[data-testid=machine-cpus]').element as HTMLInputElement).value).toBe('56')
    expect(store.machine.source).toBe('default')
  })

  it('renders perf lock contention, the design table and the charts', async () => {
    const { w, store } = await mountContention()
    await pickQuickDesigns(w)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }))
    await flushPromises()
    expect(store.run).not.toBeNull()
    const perf = w.get('[data-testid=perf-lock-table]').text()
    expect(perf).toContain('pamt_lock')
    expect(perf).toContain('spinlock')
    expect(perf).toContain(
      ' contended   total wait     max wait     avg wait         type   caller'
    )
    expect(perf).toContain('# hashed:64 (DEMOTE: lock-around)')
    const table = w.get('[data-testid=design-table]')
    expect(table.findAll('thead th').map((t) => t.text())).toEqual([
      'per design',
      'v6',
      'per-2m',
      'hashed:64',
      'module-only'
    ])
    const v6 = store.run!.report.outcomes[0]!.locks[0]!
    // The form's 5 seeds: the cell is median [min–max] of the run's spread, and the table says so.
    expect(store.run!.report.seeds).toHaveLength(5)
    const c = store.run!.report.outcomes[0]!.spread!.contended
    const n = (v: number): string => Math.round(v).toLocaleString('en-US')
    expect(w.get('[data-testid=metric-contended] td').text()).toBe(
      `${n(c.median)} [${n(c.min)}–${n(c.max)}]`
    )
    expect(c.min).toBeLessThanOrEqual(v6.contended)
    expect(v6.contended).toBeLessThanOrEqual(c.max)
    expect(w.get('[data-testid=design-table-seeds]').text()).toContain('median [min–max]')
    // A row without a spread (max wait) stays the first seed's figure.
    expect(w.get('[data-testid=metric-max-wait] td').text()).not.toContain('[')
    expect(w.get('[data-testid=metric-callers] td').text()).toMatch(/tdx_pamt_get \d+/)
    for (const key of ['p50', 'p99', 'p999', 'busy', 'retries', 'failed', 'lost-races'])
      expect(w.find(`[data-testid=metric-${key}]`).exists()).toBe(true)
    // Hazards beside BUSY and retries: one cell per design, the lockless one last.
    const hazards = w.get('[data-testid=metric-hazards]').findAll('td')
    expect(hazards.map((c) => c.text())).toEqual(
      store.run!.report.outcomes.map((o) => {
        const h = o.spread!.hazards
        return `${n(h.median)} [${n(h.min)}–${n(h.max)}]`
      })
    )
    expect(w.get('[data-testid=metric-per-lock]').findAll('td')[2]!.text()).toContain('64 locks')
    for (const id of ['chart-latency-cdf', 'chart-design-comparison', 'chart-lock-timeline'])
      expect(w.get(`[data-testid=${id}]`).find('svg').exists()).toBe(true)
    // The calibration preset ran with v6: its numbers stand beside the measurement, as the design
    // table shows them: the median [min–max] over the five seeds, not the first seed's count.
    const w6 = store.run!.report.outcomes[0]!.spread!.totalWaitNs
    const card = w.get('[data-testid=calibration-run]').text()
    expect(card).toContain(`${n(c.median)} [${n(c.min)}–${n(c.max)}] contentions`)
    expect(card).toContain(`${formatNs(w6.median)} [${formatNs(w6.min)}–${formatNs(w6.max)}] wait`)
    expect(w.get('[data-testid=calibration-run-detail]').text()).toContain(
      `Median [min–max] over seeds ${store.run!.report.seeds[0]}–${store.run!.report.seeds[4]}, as in the design table.`
    )
    // The ratio to the measured count is the median's: median / 1136.
    expect(card).toContain(`${(c.median / 1136).toFixed(2)}× the measured count`)
    // The timeline follows the selected design.
    await w.get('[data-testid=timeline-design]').setValue('3')
    expect(w.get('[data-testid=chart-lock-timeline]').text()).toContain('module-only')
  })

  it('saves the perf table as perf -x , CSV', async () => {
    const { w } = await mountContention()
    await pickQuickDesigns(w)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:x'
    })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    await w.get('[data-testid=save-perf-csv]').trigger('click')
    const text = await blobs[0]!.text()
    expect(text.split('\n')[0]).toBe(
      '# output: contended, total wait, max wait, avg wait, type, caller'
    )
    expect(text).toMatch(/\n\d+, \d+, \d+, \d+, spinlock, tdx_pamt_/)
  })

  it('disables the second DEMOTE variant, saying why, while the scenario does not demote', async () => {
    const { w } = await mountContention()
    // The calibration preset here is SMALL: no 2M pages, no DEMOTE share.
    const second = w.get('[data-testid=demote-try-then-lock]')
    const first = w.get('[data-testid=demote-lock-around]')
    expect(w.get('[data-testid=demote-note]').text()).toContain('does not demote')
    expect((second.element as HTMLInputElement).disabled).toBe(true)
    expect(second.element.closest('label')!.getAttribute('title')).toContain(
      'this scenario does not demote'
    )
    expect((first.element as HTMLInputElement).disabled).toBe(false)
    // With the first unticked, the second is the one that runs: enabled again.
    await first.setValue(false)
    expect((second.element as HTMLInputElement).disabled).toBe(false)
    await first.setValue(true)
    // A demoting scenario runs every selected variant: both enabled, each with its own help.
    await w.get('[data-testid=contention-preset]').setValue('demote-under-load')
    expect((second.element as HTMLInputElement).disabled).toBe(false)
    expect(second.element.closest('label')!.getAttribute('title')).toContain('TDX_OPERAND_BUSY')
  })

  it('runs each design per DEMOTE variant when the scenario demotes', async () => {
    const { w, store } = await mountContention()
    await w.get('[data-testid=contention-preset]').setValue('demote-under-load')
    expect(w.get('[data-testid=demote-note]').text()).toContain('this scenario demotes')
    for (const d of ['always-lock', 'per-2m', 'hashed', 'module-only'])
      await w.get(`[data-testid=design-${d}]`).setValue(false)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(store.run!.report.outcomes.map((o) => o.demote)).toEqual([
      'lock-around',
      'try-then-lock'
    ])
    expect(
      w
        .get('[data-testid=design-table]')
        .findAll('thead th')
        .map((t) => t.text())
    ).toEqual(['per design', 'v6 · lock-around', 'v6 · try-then-lock'])
    // Not the calibration preset: no run numbers beside the measurement.
    expect(w.find('[data-testid=calibration-note]').exists()).toBe(false)
  })

  it('takes the Workload view’s scenario', async () => {
    const { w, api } = await mountContention()
    await w.get('[data-testid=nav-workload]').trigger('click')
    await flushPromises()
    await w.get('[data-testid=class-0-count]').setValue('2')
    await w.get('[data-testid=class-0-memory]').setValue('1')
    await w.get('[data-testid=nav-contention]').trigger('click')
    await flushPromises()
    await w.get('[data-testid=use-workload-scenario]').trigger('click')
    await flushPromises()
    expect((w.get('[data-testid=contention-preset]').element as HTMLSelectElement).value).toBe('')
    expect(w.get('[data-testid=contention-scenario]').text()).toContain('from the Workload view')
    await w.get('[data-testid=design-always-lock]').setValue(false)
    for (const d of ['per-2m', 'hashed', 'module-only'])
      await w.get(`[data-testid=design-${d}]`).setValue(false)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(api.contentionRequests[0]!.scenario).toMatchObject({
      tdClasses: [{ count: 2, memoryBytes: 2 ** 30 }]
    })
  })

  it('refuses an invalid Workload scenario and keeps its own', async () => {
    const { w, store } = await mountContention()
    const before = store.scenario
    await w.get('[data-testid=nav-workload]').trigger('click')
    await flushPromises()
    await w.get('[data-testid=class-0-memory]').setValue('')
    await w.get('[data-testid=nav-contention]').trigger('click')
    await flushPromises()
    await w.get('[data-testid=use-workload-scenario]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=error-banner]').text()).toContain(
      'Could not take the Workload scenario.'
    )
    expect(store.scenario).toBe(before)
  })

  it('keeps the previous run when a run fails, and says so', async () => {
    const { w, api, store } = await mountContention()
    await pickQuickDesigns(w)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    const run = store.run
    const perf = w.get('[data-testid=perf-lock-table]').text()
    api.failNext = true
    await w.get('[data-testid=design-per-2m]').setValue(false)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    const banner = w.get('[data-testid=error-banner]')
    expect(banner.text()).toContain('Could not run the contention simulation.')
    expect(banner.text()).toContain('model worker crashed')
    expect(banner.text()).toContain('The previous run is still shown.')
    expect(store.run).toBe(run)
    expect(w.get('[data-testid=perf-lock-table]').text()).toBe(perf)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(w.find('[data-testid=error-banner]').exists()).toBe(false)
  })

  it('shows progress and cancels the run with Escape, keeping what was shown', async () => {
    const { w, api, store } = await mountContention()
    await pickQuickDesigns(w)
    api.hold = true
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    const jobId = store.job!.jobId
    api.emit({ jobId, phase: 'analysing', fraction: 0.4 })
    await flushPromises()
    expect(w.get('[data-testid=job-progress]').text()).toContain('40%')
    expect(w.get('[data-testid=run-contention]').attributes('disabled')).toBeDefined()
    expect(w.find('[data-testid=cancel-contention]').exists()).toBe(true)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(api.calls).toContain(`cancelJob:${jobId}`)
    expect(store.job).toBeNull()
    expect(store.run).toBeNull()
    expect(w.find('[data-testid=job-progress]').exists()).toBe(false)
    expect(w.find('[data-testid=error-banner]').exists()).toBe(false)
  })

  it('fits the costs to the measurement on the card and copies them only when asked', async () => {
    const { w, api, store } = await mountContention()
    // The preset is ~1 M events a run: the fit runs on the small storm instead, against a target
    // that storm can reach (20 contentions, 20-60 µs of wait). Every number shown is the fit's.
    api.fitScenario = SMALL
    api.fitTarget = {
      ...LIST_MEASUREMENT,
      contended: 20,
      waitLowNs: 2e4,
      waitHighNs: 6e4,
      waitTargetNs: 4e4
    }
    const costBefore = (w.get('[data-testid=cost-pamtAddNs]').element as HTMLInputElement).value
    const fitButton = w.get('[data-testid=fit-costs]')
    expect(fitButton.element.tagName).toBe('BUTTON')
    expect(fitButton.text()).toBe('Fit costs to the measurement')
    await w.get('[data-testid=fit-seeds]').setValue('1')
    await w.get('[data-testid=fit-points]').setValue('3')
    // (3 points + 1) × 6 evaluations × 1 seed.
    expect(w.get('[data-testid=fit-bound]').text()).toContain('up to 24 runs of v6')
    await fitButton.trigger('submit')
    await flushPromises()
    expect(api.fitRequests).toHaveLength(1)
    const req = api.fitRequests[0]!
    expect(req.fit).toEqual({ seeds: 1, points: 3, evaluationsPerPoint: 6 })
    // The form's settings are what the fit holds: its costs the base the scale multiplies.
    expect(req.settings?.costs).toEqual(store.settingsInput.costs)
    const report = store.fit!.report
    expect(w.get('[data-testid=fit-status]').text()).toContain(FIT_STATUS_TEXT[report.fit.status])
    for (const row of fittedRows(report)) {
      const cells = w.get(`[data-testid=fit-value-${row.name}]`).findAll('td')
      expect(cells.map((c) => c.text())).toEqual([row.value, row.range])
    }
    const residuals = w.get('[data-testid=fit-residuals]').findAll('tbody tr')
    expect(residuals).toHaveLength(5)
    expect(residuals.map((r) => r.findAll('td')[0]!.text())).toEqual(
      residualRows(report).map((r) => r.model)
    )
    const items = (id: string): string[] =>
      w
        .get(`[data-testid=${id}]`)
        .findAll('li')
        .map((li) => li.text())
    expect(
      [...items('fit-matched'), ...items('fit-unmatched')].filter((s) => s !== 'nothing')
    ).toEqual([...report.matched, ...report.unmatched])
    expect(items('fit-depends')).toEqual(report.dependsOn)
    // Nothing changed in the form, and nothing ran: the costs move only on "Use these costs".
    expect((w.get('[data-testid=cost-pamtAddNs]').element as HTMLInputElement).value).toBe(
      costBefore
    )
    expect(api.contentionRequests).toHaveLength(0)
    await w.get('[data-testid=use-fitted-costs]').trigger('click')
    for (const key of ['pamtAddNs', 'pamtRemoveNs', 'faultOutsideNs'] as const)
      expect((w.get(`[data-testid=cost-${key}]`).element as HTMLInputElement).value).toBe(
        String(Math.round(report.fit[key].value))
      )
    expect(w.get('[data-testid=fitted-costs-note]').text()).toContain(
      'The cost fields hold the costs from the fit'
    )
    expect(api.contentionRequests).toHaveLength(0)
    // A run with them says where its costs came from; an edited cost is no longer the fit's.
    await pickQuickDesigns(w)
    await w.get('[data-testid=run-contention]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=calibration-run]').text()).toContain('(costs from the fit)')
    await w.get('[data-testid=cost-augNs]').setValue('5001')
    expect(w.find('[data-testid=fitted-costs-note]').exists()).toBe(false)
  })

  it('shows the fit’s progress, disables its button while any job runs, and cancels it', async () => {
    const { w, api, store } = await mountContention()
    api.hold = true
    await w.get('[data-testid=fit-costs]').trigger('submit')
    await flushPromises()
    const jobId = store.job!.jobId
    api.emit({ jobId, phase: 'analysing', fraction: 0.25 })
    await flushPromises()
    expect(w.get('[data-testid=job-progress]').text()).toContain('Fitting the costs')
    expect(w.get('[data-testid=job-progress]').text()).toContain('25%')
    expect(w.get('[data-testid=fit-costs]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid=run-contention]').attributes('disabled')).toBeDefined()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(api.calls).toContain(`cancelJob:${jobId}`)
    expect(store.job).toBeNull()
    expect(store.fit).toBeNull()
    expect(w.find('[data-testid=fit-status]').exists()).toBe(false)
  })

  it('says why a fit is refused on a host the calibration TDs do not all fit', async () => {
    const { w } = await mountContention()
    // The worked example has 66 GiB of TDX memory: 3 of the ten 16 GiB TDs fit.
    await w.get('[data-testid=fit-costs]').trigger('submit')
    await flushPromises()
    const banner = w.get('[data-testid=error-banner]')
    expect(banner.text()).toContain('Could not fit the costs to the measurement.')
    expect(banner.text()).toContain(
      'the calibration scenario does not fit this host: 3 of 10 TDs fit'
    )
    expect(w.find('[data-testid=fit-status]').exists()).toBe(false)
  })
})

describe('contention view: sensitivity (¼×–4×)', () => {
  /** v6 and module-only, one seed: 31 points of 2 small runs each. */
  async function pickSensitivityDesigns(w: VueWrapper): Promise<void> {
    for (const d of ['always-lock', 'per-2m', 'hashed'])
      await w.get(`[data-testid=design-${d}]`).setValue(false)
    await w.get('[data-testid=machine-seeds]').setValue('1')
  }

  it('a Sensitivity button beside Run says what it runs and roughly how long', async () => {
    const { w } = await mountContention()
    await pickSensitivityDesigns(w)
    const button = w.get('[data-testid=run-sensitivity]')
    // A real button: focusable and run with Enter or Space like Run.
    expect(button.element.tagName).toBe('BUTTON')
    expect(button.attributes('type')).toBe('button')
    expect(button.text()).toBe('Sensitivity (¼×–4×)')
    // The small scenario does not demote: 14 costs (demoteNs skipped) + the kernel window = 15
    // parameters, 1 + 2 × 15 = 31 points.
    const title = button.attributes('title')!
    expect(title).toContain('each cost and the kernel window alone at ¼× and 4×')
    expect(title).toMatch(/: 31 points, 31× a plain run, up to about (a minute|\d+ minutes)/)
  })

  it('runs with sensitivity: true and shows the conclusions in words, the table and two tornado charts', async () => {
    const { w, api, store } = await mountContention()
    await pickSensitivityDesigns(w)
    await w.get('[data-testid=run-sensitivity]').trigger('click')
    await flushPromises()
    expect(api.contentionRequests).toHaveLength(1)
    expect(api.contentionRequests[0]!.settings).toMatchObject({
      designs: ['v6', 'module-only'],
      seeds: 1,
      sensitivity: true
    })
    const s = store.run!.report.sensitivity!
    const panel = w.get('[data-testid=sensitivity]')
    expect(panel.text()).toContain('Sensitivity (¼×–4×)')
    expect(w.get('[data-testid=sensitivity-skipped]').text()).toContain(
      'Skipped demoteNs: the scenario does not demote'
    )
    // Every robust conclusion is said in the card, in the model's own words.
    const card = w.get('[data-testid=robust-conclusions]')
    expect(card.find('h3').text()).toBe('Robust conclusions')
    for (const c of s.conclusions.filter((x) => x.robust)) expect(card.text()).toContain(c.text)
    // module-only has no kernel lock, so it contends 0 times wherever v6 contends at all: the
    // conclusion exists, and its hazards stand beside it.
    const lockless = s.conclusions.find((c) => c.metric === 'contended')!
    expect(lockless).toMatchObject({ better: 'module-only', worse: 'v6' })
    expect(card.text()).toContain('module-only is lockless (racy; rejected in the v2 review)')
    // One row per parameter, with its ends.
    expect(w.findAll('[data-testid^=sensitivity-row-]')).toHaveLength(15)
    expect(w.get('[data-testid=sensitivity-row-pamtAddNs]').text()).toContain(
      '1,000 ns – 16,000 ns'
    )
    // The design picker, and both charts in ChartPanels (SVG and CSV export).
    const pick = w.get('[data-testid=sensitivity-design]').element as HTMLSelectElement
    expect([...pick.options].map((o) => o.value)).toEqual(['v6', 'module-only'])
    for (const id of ['sensitivity-contended', 'sensitivity-p99']) {
      expect(w.find(`[data-testid=chart-${id}]`).exists()).toBe(true)
      expect(w.find(`[data-testid=save-csv-${id}]`).exists()).toBe(true)
    }
  })

  it('disables both buttons while it runs, shows its points in the progress, and cancels', async () => {
    const { w, api, store } = await mountContention()
    await pickSensitivityDesigns(w)
    api.hold = true
    await w.get('[data-testid=run-sensitivity]').trigger('click')
    await flushPromises()
    const jobId = store.job!.jobId
    api.emit({ jobId, phase: 'analysing', fraction: 0.25 })
    await flushPromises()
    const bar = w.get('[data-testid=job-progress]').text()
    expect(bar).toContain('2 designs × 31 sensitivity points')
    expect(bar).toContain('25%')
    expect(w.get('[data-testid=run-sensitivity]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid=run-contention]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid=cancel-contention]').trigger('click')
    await flushPromises()
    expect(api.calls).toContain(`cancelJob:${jobId}`)
    expect(store.job).toBeNull()
    expect(w.find('[data-testid=sensitivity]').exists()).toBe(false)
  })
})
