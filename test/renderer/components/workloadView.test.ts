import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { getInstanceByDom } from 'echarts/core'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { useWorkloadStore } from '@renderer/stores/workload'
import type { SimulateRequest } from '@shared/api/contract'
import { modelBackedApi, startWithFirstExample, TWO_RANGE_LOG } from '../support/modelBackedApi'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

const GiB = 2 ** 30

async function mountWorkload(): Promise<{
  w: VueWrapper
  api: ReturnType<typeof modelBackedApi>
  store: ReturnType<typeof useWorkloadStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  host.connect(api)
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await startWithFirstExample(host)
  await flushPromises()
  await wrapper.get('[data-testid=nav-workload]').trigger('click')
  await flushPromises()
  return { w: wrapper, api, store: useWorkloadStore() }
}

/** A small, quick scenario: two 4 GiB TDs with half their memory 2M-mapped. */
async function editSmall(w: VueWrapper): Promise<void> {
  await w.get('[data-testid=class-0-count]').setValue('2')
  await w.get('[data-testid=class-0-memory]').setValue('4')
  await w.get('[data-testid=class-0-share2m]').setValue('50')
  await w.get('[data-testid=scenario-seed]').setValue('7')
}

const simulateRequests = (api: ReturnType<typeof modelBackedApi>): SimulateRequest[] =>
  api.workloadRequests.filter((r): r is SimulateRequest => 'scenario' in r)

describe('workload view', () => {
  it('starts from the host’s presets and keeps the host view one click away', async () => {
    const { w, api } = await mountWorkload()
    expect(api.calls).toContain('listScenarioPresets:h1')
    const select = w.get('[data-testid=preset-select]').element as HTMLSelectElement
    expect(select.value).toBe('ten-16g-no-hugepages')
    expect(w.get('[data-testid=scenario-editor]').text()).toContain('TD classes')
    expect(w.get('[data-testid=class-0-share4k]').text()).toBe('100')
    expect(w.find('[data-testid=no-result]').exists()).toBe(true)
    await w.get('[data-testid=nav-host]').trigger('click')
    expect(w.get('[data-testid=static-pamt-kb]').text()).toBe('262,664')
  })

  it('marks the preset "(modified)" once the draft differs from it, and not after an undo', async () => {
    const { w } = await mountWorkload()
    const label = (): string =>
      (
        w.get('[data-testid=preset-select]').element as HTMLSelectElement
      ).selectedOptions[0]!.text.trim()
    const title = label()
    expect(title).not.toContain('(modified)')
    const count = w.get('[data-testid=class-0-count]')
    const before = (count.element as HTMLInputElement).value
    await count.setValue(String(Number(before) + 1))
    expect(label()).toBe(`(modified) ${title}`)
    // Typed back to the preset's value: the same scenario, so no longer modified.
    await count.setValue(before)
    expect(label()).toBe(title)
    // Only the selected preset is marked.
    const others = [...(w.get('[data-testid=preset-select]').element as HTMLSelectElement).options]
    await w.get('[data-testid=scenario-seed]').setValue('12345')
    expect(others.filter((o) => o.text.includes('(modified)'))).toHaveLength(1)
  })

  it('checks capacity before running, offers to scale, and leads the result with it', async () => {
    const { w, store } = await mountWorkload()
    // TDX memory: [1 MiB, 2 GiB) + [4 GiB, 66 GiB) = 2047 + 63488 MiB = 65535 MiB (≈ 64 GiB).
    // A 16 GiB TD holds 16 GiB + 8240 kernel pages (≈ 16.03 GiB): 3 fit, a 4th would need 64.1.
    const check = w.get('[data-testid=scenario-capacity]')
    expect(check.classes()).toContain('over')
    expect(check.text()).toContain('⚠ 3 of 10 TDs fit (48 GiB of 160 GiB; 64 GiB TDX memory).')
    // Run as is: the result says first that 7 TDs were left out.
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=result-capacity]').text()).toContain(
      '7 of 10 TDs do not fit and were not started: 112.00 GiB of TD memory left out.'
    )
    expect(w.get('[data-testid=savings-at-peak]').text()).toContain('(3 of 10 TDs)')
    // Scale: ⌊10 · 0.95 · 65535 MiB / (10 · 16.03 GiB)⌋ = 3 TDs, which fit.
    await w.get('[data-testid=scale-to-host]').trigger('click')
    await flushPromises()
    expect(store.draft!.classes[0]!.count).toBe(3)
    expect(w.get('[data-testid=scenario-capacity]').text()).toContain(
      '✓ All 3 TDs fit (48 GiB of 64 GiB TDX memory).'
    )
    expect(w.find('[data-testid=scale-to-host]').exists()).toBe(false)
  })

  it('sends the edited scenario and shows the results', async () => {
    const { w, api } = await mountWorkload()
    await editSmall(w)
    expect(w.get('[data-testid=class-0-share4k]').text()).toBe('50')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const [req] = simulateRequests(api)
    expect(req).toMatchObject({
      hostId: 'h1',
      scenario: {
        seed: 7,
        durationNs: 60e9,
        refcounts: 'dense',
        tdClasses: [
          {
            count: 2,
            memoryBytes: 4 * GiB,
            share2m: 0.5,
            share1g: 0,
            accept: { mode: 'lazy', durationNs: 20e9, steps: 64 },
            lifetimeNs: 40e9
          }
        ]
      }
    })
    expect(req!.model).toBeUndefined()
    expect(w.get('[data-testid=peak-total]').text()).toContain('Peak Dynamic PAMT')
    expect(w.get('[data-testid=static-pamt-ref]').text()).toContain('256.51 MiB')
    expect(w.get('[data-testid=static-pamt-ref]').attributes('title')).toBe('268,967,936 bytes')
    expect(Number(w.get('[data-testid=add-count] .v').text().replace(/,/g, ''))).toBeGreaterThan(0)
    expect(w.get('[data-testid=savings-at-peak]').text()).toContain('Saved at peak')
    expect(w.get('[data-testid=break-even]').text()).toContain('of 4K-mapped TD memory')
    for (const id of ['chart-pamt-over-time', 'chart-per-node']) {
      expect(w.get(`[data-testid=${id}]`).find('svg').exists()).toBe(true)
    }
  })

  it('zooms the over-time chart to Dynamic PAMT with a toggle button, static PAMT a marker', async () => {
    const { w } = await mountWorkload()
    await editSmall(w)
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const toggle = w.get('[data-testid=zoom-dynamic]')
    // A real button (Tab reaches it, Enter and Space press it) that says what it does.
    expect(toggle.element.tagName).toBe('BUTTON')
    expect(toggle.attributes('aria-pressed')).toBe('false')
    expect(toggle.attributes('title')).toContain('static PAMT stays')
    const chartText = (): string => w.get('[data-testid=chart-pamt-over-time] svg').text()
    expect(chartText()).not.toContain('off scale')
    await toggle.trigger('click')
    await flushPromises()
    expect(toggle.attributes('aria-pressed')).toBe('true')
    // Static PAMT here is 256.51 MiB (268,967,936 B), over 10 times this run's Dynamic PAMT peak.
    expect(chartText()).toContain('static 256.51 MiB')
    expect(chartText()).toContain('off scale')
    await toggle.trigger('click')
    await flushPromises()
    expect(chartText()).not.toContain('off scale')
  })

  it('draws a long run sampled, says so, and re-samples the window it is zoomed to', async () => {
    const { w } = await mountWorkload()
    await editSmall(w)
    // 10,001 samples over 10 s (one a millisecond): over SAMPLE_ABOVE (4,000), drawn sampled.
    await w.get('[data-testid=scenario-duration]').setValue('10')
    await w.get('[data-testid=scenario-samples]').setValue('10001')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const panel = w.get('[data-testid=chart-pamt-over-time]')
    expect(panel.text()).toContain('10,001 samples, drawn LTTB-sampled')
    expect(panel.text()).toContain('the CSV has every sample')
    const el = panel.element.querySelector('[_echarts_instance_]') as HTMLElement
    const chart = getInstanceByDom(el)!
    const held = (): number[] =>
      (chart.getOption() as { series: Array<{ data: number[][] }> }).series[2]!.data.map(
        (d) => d[0]!
      )
    // Whole run: WINDOW_POINTS (2,400) by LTTB and at most the peak's two samples besides.
    expect(held().length).toBeLessThanOrEqual(2402)
    chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 20, end: 30 })
    await flushPromises()
    // 2 s to 3 s holds samples 2,000 to 3,000, 1,001 of them, fewer than WINDOW_POINTS: all drawn.
    expect(held().filter((x) => x >= 2 && x <= 3)).toHaveLength(1001)
  })

  it('runs with Ctrl+Enter and the host’s model options', async () => {
    const { w, api } = await mountWorkload()
    const host = useHostStore()
    await editSmall(w)
    const model = { holeSource: 'e820' as const, pamtMode: 'dynamic' as const }
    await host.reanalyze(model)
    await flushPromises()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }))
    await flushPromises()
    expect(simulateRequests(api)[0]!.model).toEqual(model)
  })

  it('shows field errors inline and does not send an invalid scenario', async () => {
    const { w, api } = await mountWorkload()
    await w.get('[data-testid=class-0-memory]').setValue('')
    await w.get('[data-testid=class-0-share2m]').setValue('80')
    await w.get('[data-testid=class-0-share1g]').setValue('40')
    await w.get('[data-testid=scenario-samples]').setValue('3')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    expect(simulateRequests(api)).toHaveLength(0)
    expect(w.get('[data-testid=class-0-memory-error]').text()).toBe('enter a number')
    // In the field's label and the unit the user typed, not the schema's words.
    expect(w.get('[data-testid=class-0-error]').text()).toBe(
      '2M share + 1G share must be at most 100 %'
    )
    expect(w.get('[data-testid=scenario-samples-error]').text()).toBe('Samples must be at least 16')
    expect(w.get('[data-testid=scenario-invalid]').text()).toContain('3 fields need fixing')
    expect(w.get('[data-testid=class-0-share4k]').text()).toBe('-20')
  })

  it('names a share over 100 % in percent, as typed', async () => {
    const { w, api } = await mountWorkload()
    await w.get('[data-testid=class-0-share2m]').setValue('150')
    await w.get('[data-testid=class-0-memory]').setValue('0')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    expect(simulateRequests(api)).toHaveLength(0)
    // share2m 1.5 against the schema's max of 1, shown ×100 in %.
    expect(w.get('[data-testid=class-0-share2m-error]').text()).toBe(
      '2M share must be at most 100 %'
    )
    // The schema's minimum, 2^21 bytes, in binary units.
    expect(w.get('[data-testid=class-0-memory-error]').text()).toBe(
      'Memory must be at least 2.00 MiB'
    )
  })

  it('keeps the previous result when a run fails, and says so', async () => {
    const { w, api, store } = await mountWorkload()
    await editSmall(w)
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const before = w.get('[data-testid=peak-total]').text()
    const run = store.simulation
    api.failNext = true
    await w.get('[data-testid=class-0-count]').setValue('3')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const banner = w.get('[data-testid=error-banner]')
    expect(banner.text()).toContain('Could not run the simulation.')
    expect(banner.text()).toContain('model worker crashed')
    expect(banner.text()).toContain('The previous result is still shown.')
    expect(store.simulation).toBe(run)
    expect(w.get('[data-testid=peak-total]').text()).toBe(before)
    // Escape dismisses the banner.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(w.find('[data-testid=error-banner]').exists()).toBe(false)
  })

  it('shows progress and cancels the run with Escape', async () => {
    const { w, api, store } = await mountWorkload()
    await editSmall(w)
    api.hold = true
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const jobId = store.job!.jobId
    api.emit({ jobId, phase: 'analysing', fraction: 0.4 })
    await flushPromises()
    expect(w.get('[data-testid=job-progress]').text()).toContain('40%')
    expect(w.get('[data-testid=run-simulation]').attributes('disabled')).toBeDefined()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(api.calls).toContain(`cancelJob:${jobId}`)
    expect(w.find('[data-testid=job-progress]').exists()).toBe(false)
    expect(store.simulation).toBeNull()
    // The cancel is said, so whatever is on screen does not pass for the cancelled run.
    const label = w.get('[data-testid=job-notice]').text()
    expect(label).toMatch(/: cancelled\. Nothing on screen comes from it\.Dismiss$/)
    await w.get('[data-testid=job-notice] button').trigger('click')
    expect(w.find('[data-testid=job-notice]').exists()).toBe(false)
  })

  it('replays an uploaded trace and lists its findings with line numbers', async () => {
    const { w, api } = await mountWorkload()
    const trace = [
      't_ns,ev,pfn,level,n,cpu,td',
      '1000,get,0x100000,4k,1,0,1',
      '2000,put,0x200000,4k,1,0,1',
      '3000,put,0x100000,4k,1,0,1'
    ].join('\n')
    const input = w.get('[data-testid=trace-input]')
    Object.defineProperty(input.element, 'files', {
      value: [new File([trace], 'capture.csv')],
      configurable: true
    })
    await input.trigger('change')
    await flushPromises()
    expect(api.calls).toContain('replayTraceText:capture.csv')
    const findings = w.get('[data-testid=trace-findings]')
    expect(findings.text()).toContain('line 3')
    expect(findings.text()).toContain('PUT_WITHOUT_GET')
    expect(w.get('[data-testid=trace-summary]').text()).toContain('Event rows3')
    expect(w.get('[data-testid=add-count] .v').text()).toBe('1')
    expect(w.get('[data-testid=result-title]').text()).toContain('Trace')
  })

  it('draws the sweep over TD count', async () => {
    const { w, api } = await mountWorkload()
    await editSmall(w)
    await w.get('[data-testid=sweep-parameter]').setValue('tdCount')
    await w.get('[data-testid=sweep-from]').setValue('1')
    await w.get('[data-testid=sweep-to]').setValue('3')
    await w.get('[data-testid=sweep-steps]').setValue('3')
    await w.get('[data-testid=run-sweep]').trigger('click')
    await flushPromises()
    expect(simulateRequests(api)[0]!.sweep).toEqual({ parameter: 'tdCount', values: [1, 2, 3] })
    expect(w.get('[data-testid=chart-sweep]').find('svg').exists()).toBe(true)
    expect(w.find('[data-testid=chart-pamt-over-time]').exists()).toBe(true)
  })

  it('opens a scenario file, naming the field a bad one gets wrong', async () => {
    const { w, store } = await mountWorkload()
    const bad = { name: 'x', tdClasses: [{ name: 'a', count: 0, memoryBytes: GiB, vcpus: 1 }] }
    expect(await store.openScenarioFile(new File([JSON.stringify(bad)], 'bad.json'))).toBe(false)
    await flushPromises()
    expect(w.get('[data-testid=error-banner]').text()).toContain('bad.json: tdClasses[0].count:')
    expect(w.get('[data-testid=error-banner]').text()).toContain(
      'The scenario being edited is unchanged.'
    )
    const good = {
      name: 'from file',
      tdClasses: [{ name: 'b', count: 3, memoryBytes: 2 * GiB, vcpus: 1 }]
    }
    expect(await store.openScenarioFile(new File([JSON.stringify(good)], 'good.json'))).toBe(true)
    await flushPromises()
    expect((w.get('[data-testid=scenario-name]').element as HTMLInputElement).value).toBe(
      'from file'
    )
    expect((w.get('[data-testid=class-0-count]').element as HTMLInputElement).value).toBe('3')
    // Saving writes the same scenario back, with the schema's defaults.
    const saved = JSON.parse(store.scenarioFile()!.text)
    expect(saved).toMatchObject({ format: 'pamt-planner-scenario', name: 'from file', seed: 1 })
    expect(saved.tdClasses[0]).toMatchObject({ count: 3, memoryBytes: 2 * GiB })
  })

  it('edits the KVM leaf, S-EPT levels and conversions, labelled as modelled with their sources', async () => {
    const { w, api } = await mountWorkload()
    await editSmall(w)
    // 2M leaves by default; 1G is offered only as a future option, and says so.
    const leaf = w.get('[data-testid=scenario-kvm-max-leaf]')
    expect((leaf.element as HTMLSelectElement).value).toBe('2m')
    expect(leaf.text()).toContain('1G (future: not in KVM today)')
    expect(w.find('[data-testid=future-1g-leaf]').exists()).toBe(false)
    await leaf.setValue('1g')
    expect(w.get('[data-testid=future-1g-leaf]').text()).toContain('not in KVM today')
    await leaf.setValue('2m')
    // The conversions group carries a "modelled" badge naming the kernel rule it follows.
    const group = w.get('[data-testid=class-0-conversions]')
    expect(group.get('.badge').text()).toBe('modelled')
    expect(group.get('.badge').attributes('title')).toContain('v5S 31/45')
    // The guest swiotlb default for 4 GiB: 6 % = 257698037 B → 984 · 256 KiB = 246 MiB.
    await w.get('[data-testid=class-0-pool-mode]').setValue('swiotlb')
    expect(w.get('[data-testid=class-0-pool-default]').text()).toBe('guest default 246.00 MiB')
    // Each field's tooltip says where its default comes from.
    const tip = (id: string): string | null =>
      w.get(`[data-testid=${id}]`).element.closest('label')!.getAttribute('title')
    expect(tip('class-0-pool-offset')).toContain('swiotlb_memblock_alloc')
    expect(tip('class-0-scattered')).toContain('Modelled default 0')
    expect(tip('class-0-sept-levels')).toContain('setup_tdparams_eptp_controls')
    expect(tip('scenario-kvm-max-leaf')).toContain('PG_LEVEL_4K')
    await w.get('[data-testid=class-0-pool-offset]').setValue('100')
    await w.get('[data-testid=class-0-scattered]').setValue('1')
    await w.get('[data-testid=class-0-pages-per-split]').setValue('4')
    await w.get('[data-testid=class-0-scattered-for]').setValue('5')
    await w.get('[data-testid=class-0-sept-levels]').setValue('5')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const [req] = simulateRequests(api)
    expect(req!.scenario).toMatchObject({
      kvmMaxLeaf: '2m',
      tdClasses: [
        {
          septLevels: 5,
          conversions: {
            poolBytes: 'swiotlb',
            poolOffsetPages: 100,
            scatteredBytes: 2 ** 20,
            pagesPerSplit: 4,
            atNs: 0,
            scatteredSharedForNs: 5e9
          }
        }
      ]
    })
    // The result names its conversion inputs. Per TD: 246 MiB = 62976 pages from page 100 of
    // the 1023 2M mappings: 412 in slot 0 (split), 122 whole, 100 in slot 123 (split); 1 MiB of
    // scattered buffers in groups of 4: 64 more splits. 66 splits, 122 whole.
    const notes = w.get('[data-testid=conversion-notes]').text()
    expect(notes).toContain('246.00 MiB shared pool (the guest swiotlb default')
    expect(notes).toContain('from page 100 of its first 2 MiB')
    expect(notes).toContain(
      'Per TD: 66 2M mappings split (a pair each), 122 2M mappings converted whole'
    )
    expect(notes).toContain('Placement in GPA is modelled.')
  })

  it('says when conversions do not fit the TD', async () => {
    const { w, api } = await mountWorkload()
    await editSmall(w)
    // 4 GiB TD: 64 GiB of scattered buffers cannot fit.
    await w.get('[data-testid=class-0-scattered]').setValue('65536')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    expect(simulateRequests(api)).toHaveLength(0)
    expect(w.get('[data-testid=class-0-conversions-error]').text()).toContain(
      'conversions do not fit the memory after the image'
    )
  })

  it('shows the pairs under every kernel placement, with a modelled badge, and sends the choice', async () => {
    const { w, api } = await mountWorkload()
    // The ten-16g preset with one TD: 16 GiB with a 4 MiB image, 4 vCPUs, lazy accept in 64
    // steps. separate (the default): 8192 guest regions + 8240 kernel pages packed in 17 = 8209
    // pairs. scattered: each kernel allocation in a region of its own, the control pages, the
    // image's S-EPT and one per accept step: 8192 + 1 + 1 + 64 = 8258. Peaks on this host
    // (static part 2568 KiB, refcounts 132 KiB, caches 160 KiB): 68532 KiB = 66.93 MiB and
    // 68532 + 49 · 8 = 68924 KiB = 67.31 MiB.
    await w.get('[data-testid=class-0-count]').setValue('1')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const peak = w.get('[data-testid=peak-total]')
    expect(peak.text()).toContain('8,209 pairs')
    expect(w.get('[data-testid=placement-range]').text()).toBe('(8,209–8,258 by placement)')
    expect(w.get('[data-testid=placement-range-bytes]').text()).toBe(
      '66.93 MiB–67.31 MiB by placement'
    )
    expect(peak.get('.badge').text()).toBe('modelled')
    expect(peak.get('.badge').attributes('title')).toContain('host.kernelPlacement')
    expect(peak.get('.badge').attributes('title')).toContain("most with 'scattered'")
    const select = w.get('[data-testid=scenario-kernel-placement]')
    expect((select.element as HTMLSelectElement).value).toBe('separate')
    expect(select.element.closest('label')!.getAttribute('title')).toContain('guest_memfd')
    await select.setValue('scattered')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    expect(simulateRequests(api).at(-1)!.scenario.host).toMatchObject({
      kernelPlacement: 'scattered'
    })
    expect(w.get('[data-testid=peak-total]').text()).toContain('8,258 pairs')
    expect(w.get('[data-testid=placement-range]').text()).toBe('(8,209–8,258 by placement)')
  })

  it('shows pairs leaked by failed PAMT.REMOVEs beside pages leaked by failed reclaims', async () => {
    const { w } = await mountWorkload()
    // One 16 GiB TD torn down at 40 s, every teardown SEAMCALL failing: its 8240 kernel pages
    // are never reclaimed (never put), and each of its 8192 guest regions' last put takes the
    // refcount 1→0 and fails PAMT.REMOVE: 8192 pairs · 8 KiB = 64 MiB leaked.
    await w.get('[data-testid=class-0-count]').setValue('1')
    await w.get('[data-testid=scenario-reclaim]').setValue('100')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    const notes = w.get('[data-testid=generation-notes]').text()
    expect(notes).toContain('8,240 pages leaked by failed reclaims')
    expect(w.get('[data-testid=leaked-pairs]').text()).toBe(
      '8,192 pairs (64.00 MiB) leaked by failed PAMT.REMOVEs: the refcount stays 1.'
    )
  })

  it('adds and removes TD classes', async () => {
    const { w, api } = await mountWorkload()
    await editSmall(w)
    await w.get('[data-testid=add-class]').trigger('click')
    expect(w.findAll('fieldset.td-class')).toHaveLength(2)
    await w.get('[data-testid=class-1-accept]').setValue('lazy')
    await w.get('[data-testid=class-1-arrival]').setValue('poisson')
    await w.get('[data-testid=class-1-arrival-interval]').setValue('5')
    await w.get('[data-testid=run-simulation]').trigger('click')
    await flushPromises()
    expect(simulateRequests(api)[0]!.scenario.tdClasses[1]).toMatchObject({
      accept: { mode: 'lazy', durationNs: 20e9, steps: 64 },
      arrival: { mode: 'poisson', startNs: 0, meanIntervalNs: 5e9 }
    })
    await w.get('[data-testid=class-0-remove]').trigger('click')
    expect(w.findAll('fieldset.td-class')).toHaveLength(1)
    expect(w.get('[data-testid=class-0-remove]').attributes('disabled')).toBeDefined()
  })
})
