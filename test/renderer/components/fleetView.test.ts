import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from '@renderer/App.vue'
import { useHostStore } from '@renderer/stores/host'
import { useFleetStore } from '@renderer/stores/fleet'
import { useWorkspaceStore } from '@renderer/stores/workspace'
import { DEFAULT_FLEET_SORT, filterFleetRows, sortFleetRows } from '@renderer/fleet/fleetTable'
import { filesOfDrop, filesOfInput } from '@renderer/fleet/fleetFiles'
import spr from '../../fixtures/hosts/tdx-spr-8480c-2s-256g-cmr-only.txt?raw'
import gappy from '../../fixtures/hosts/tdx-spr-gappy-cmrs-tdx10-fail.txt?raw'
import laptop from '../../fixtures/hosts/laptop-dell-xps13-9370-16g.txt?raw'
import naples from '../../fixtures/hosts/amd-epyc-naples-2s-1tib-8node.txt?raw'
import { modelBackedApi, TWO_RANGE_LOG } from '../support/modelBackedApi'
import { fleetErrorRowFor, fleetHostRow } from '../../support/fleetRows'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

async function mountFleet(): Promise<{
  w: VueWrapper
  api: ReturnType<typeof modelBackedApi>
  host: ReturnType<typeof useHostStore>
  fleet: ReturnType<typeof useFleetStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const host = useHostStore()
  const api = modelBackedApi({ 'worked-example': TWO_RANGE_LOG })
  host.connect(api)
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await host.init()
  await useWorkspaceStore().start({ confirm: () => true })
  await wrapper.get('[data-testid=nav-fleet]').trigger('click')
  await flushPromises()
  return { w: wrapper, api, host, fleet: useFleetStore() }
}

/** Four shipped logs and a file that is not a host log, under a folder as a picker names them. */
function fleetFiles(): File[] {
  const file = (name: string, text: string): File => {
    const f = new File([text], name)
    Object.defineProperty(f, 'webkitRelativePath', { value: `rack1/${name}` })
    return f
  }
  return [
    file('spr.txt', spr),
    file('gappy.txt', gappy),
    file('laptop.txt', laptop),
    file('naples.txt', naples),
    file('notes.txt', 'hello, this is not a memory map\n'),
    file('.DS_Store', 'skipped: hidden, as the CLI skips it')
  ]
}

async function settle(fleet: ReturnType<typeof useFleetStore>): Promise<void> {
  for (let i = 0; i < 50 && fleet.job; i++) await flushPromises()
  await flushPromises()
}

const shownFiles = (w: VueWrapper): string[] =>
  w.findAll('[data-testid=fleet-row]').map((r) => r.attributes('data-file')!)

describe('Fleet view', () => {
  it('analyses picked files: every row, failing first, the summary in words and both histograms', async () => {
    const { w, api, fleet } = await mountFleet()
    expect(w.find('[data-testid=fleet-empty]').exists()).toBe(true)
    await fleet.analyzeFiles(filesOfInput(fleetFiles()))
    await settle(fleet)
    // Five files (the hidden one skipped), sent in one chunk.
    expect(api.calls.filter((c) => c.startsWith('analyzeFleetTexts'))).toEqual([
      'analyzeFleetTexts:5'
    ])
    // Failing first: the file not read, then the host whose TDX init fails (the gappy-CMR log,
    // whose kernel printed the failure), then the rest by name.
    expect(shownFiles(w)).toEqual([
      'rack1/notes.txt',
      'rack1/gappy.txt',
      'rack1/laptop.txt',
      'rack1/naples.txt',
      'rack1/spr.txt'
    ])
    const words = w.get('[data-testid=fleet-summary]').text()
    expect(words).toContain('Static PAMT reserves')
    expect(words).toContain('hosts that can enable TDX (4 hosts read, 1 file not read)')
    expect(words).toContain('cannot enable TDX')
    expect(words).toContain('Not read: 1 × ')
    expect(w.findAll('.chart-panel, [data-testid^=chart-]').length).toBeGreaterThan(0)
    expect(w.text()).toContain('Dynamic PAMT savings per host')
  })

  it('sorts by a header (click, and again to reverse) and filters by text and failing only', async () => {
    const { w, fleet } = await mountFleet()
    await fleet.analyzeFiles(filesOfInput(fleetFiles()))
    await settle(fleet)
    await w.get('[data-testid=fleet-sort-staticPamt]').trigger('click')
    const staticBytes = (): number[] =>
      w
        .findAll('[data-testid=fleet-row]')
        .map((r) => r.findAll('td')[6]!.attributes('title'))
        .filter((t): t is string => !!t)
        .map((t) => Number(t.replace(/[^0-9]/g, '')))
    const desc = staticBytes()
    expect(desc).toHaveLength(4)
    expect(desc).toEqual(desc.slice().sort((a, b) => b - a))
    // The file not read has no static PAMT: last whichever way.
    expect(shownFiles(w).at(-1)).toBe('rack1/notes.txt')
    await w.get('[data-testid=fleet-sort-staticPamt]').trigger('click')
    expect(staticBytes()).toEqual(desc.slice().reverse())
    expect(w.get('th[aria-sort=ascending]').text()).toContain('Static PAMT')

    await w.get('[data-testid=fleet-filter]').setValue('SPR')
    // The CPU line of both SPR logs names no "spr"; their file names do: spr.txt only.
    expect(shownFiles(w)).toEqual(['rack1/spr.txt'])
    await w.get('[data-testid=fleet-filter]').setValue('')
    await w.get('[data-testid=fleet-failing-only]').setValue(true)
    expect(shownFiles(w).sort()).toEqual(['rack1/gappy.txt', 'rack1/notes.txt'])
  })

  it('opens a row’s host in the Host view on click, and on Enter', async () => {
    const { w, host, fleet, api } = await mountFleet()
    await fleet.analyzeFiles(filesOfInput(fleetFiles()))
    await settle(fleet)
    await w.get('[data-file="rack1/spr.txt"]').trigger('click')
    await flushPromises()
    // The File is sent again with analyzeHostText, under its own name.
    expect(api.calls).toContain('analyzeHostText:spr.txt')
    expect(w.get('[data-testid=nav-host]').attributes('aria-selected')).toBe('true')
    // What the SPR host's kernel printed: "virt/tdx: 1050636 KB allocated for PAMT".
    expect(host.current?.analysis.staticPamt.kb).toBe(1_050_636)

    await w.get('[data-testid=nav-fleet]').trigger('click')
    await w.get('[data-file="rack1/laptop.txt"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(host.current?.source.fileName).toBe('laptop.txt')
    expect(w.get('[data-testid=nav-host]').attributes('aria-selected')).toBe('true')
  })

  it('runs the chosen workload preset on every host and shows its peak column', async () => {
    const { w, api, fleet } = await mountFleet()
    await w.get('[data-testid=fleet-preset]').setValue('one-16g-td')
    await fleet.analyzeFiles(filesOfInput(fleetFiles().slice(0, 1)))
    await settle(fleet)
    expect(api.fleetRequests[0]?.presetId).toBe('one-16g-td')
    expect(w.find('[data-testid=fleet-sort-peak]').exists()).toBe(true)
    expect(w.get('[data-testid=fleet-summary]').text()).toContain('Dynamic PAMT would keep')
    expect(w.get('[data-testid=fleet-summary]').text()).toContain(
      '"One 16 GiB TD, 4K-mapped, on a fresh host"'
    )
  })

  it('cancel stops between chunks and keeps the rows analysed so far', async () => {
    const { w, api, fleet } = await mountFleet()
    // 70 copies of one small log: two chunks (64 + 6 files); the first is held open.
    const many = Array.from(
      { length: 70 },
      (_, i) => new File([TWO_RANGE_LOG], `h${String(i).padStart(2, '0')}.txt`)
    )
    api.hold = true
    const run = fleet.analyzeFiles(filesOfInput(many))
    await flushPromises()
    expect(w.get('[data-testid=job-progress]').text()).toContain('0 of 70 files')
    await fleet.cancel()
    await run
    await flushPromises()
    expect(api.calls.filter((c) => c.startsWith('analyzeFleetTexts'))).toEqual([
      'analyzeFleetTexts:64'
    ])
    expect(api.calls.some((c) => c.startsWith('cancelJob'))).toBe(true)
    expect(w.get('[data-testid=job-notice]').text()).toContain('cancelled')
  })
})

describe('fleet table order and filter', () => {
  const rows = [
    fleetHostRow('b.log', 500, 5, 1, { cpu: 'Intel Xeon Gold' }),
    fleetHostRow('a.log', 1000, 10, 2),
    fleetHostRow('f.log', 700, 7, 1, { failure: 'TDMRS_EXHAUSTED' }),
    fleetErrorRowFor('e.log')
  ]
  it('puts failing rows first by default, then by file', () => {
    expect(sortFleetRows(rows, DEFAULT_FLEET_SORT).map((r) => r.file)).toEqual([
      'e.log',
      'f.log',
      'a.log',
      'b.log'
    ])
  })
  it('sorts savings by value with rows without one last, either way', () => {
    // Savings: a 1000 − 12 = 988, b 500 − 6 = 494; f cannot enable TDX, e not read: none.
    const desc = sortFleetRows(rows, { key: 'savings', descending: true }).map((r) => r.file)
    expect(desc).toEqual(['a.log', 'b.log', 'e.log', 'f.log'])
    const asc = sortFleetRows(rows, { key: 'savings', descending: false }).map((r) => r.file)
    expect(asc).toEqual(['b.log', 'a.log', 'e.log', 'f.log'])
  })
  it('filters on every word (file, CPU, codes) and on failing only', () => {
    expect(filterFleetRows(rows, 'xeon gold', false).map((r) => r.file)).toEqual(['b.log'])
    expect(filterFleetRows(rows, 'tdmrs_exhausted', false).map((r) => r.file)).toEqual(['f.log'])
    expect(filterFleetRows(rows, '', true).map((r) => r.file)).toEqual(['f.log', 'e.log'])
  })
})

describe('a dropped folder', () => {
  /** A file entry as Chromium's webkitGetAsEntry gives it. */
  const fileEntry = (fullPath: string): FileSystemFileEntry =>
    ({
      isFile: true,
      isDirectory: false,
      name: fullPath.split('/').at(-1)!,
      fullPath,
      file: (ok: (f: File) => void) => ok(new File(['x'], fullPath.split('/').at(-1)!))
    }) as unknown as FileSystemFileEntry
  /** A folder entry whose reader hands out its entries in batches of two, then an empty one. */
  const dirEntry = (fullPath: string, children: FileSystemEntry[]): FileSystemDirectoryEntry =>
    ({
      isFile: false,
      isDirectory: true,
      name: fullPath.split('/').at(-1)!,
      fullPath,
      createReader: () => {
        let i = 0
        return {
          readEntries: (ok: (e: FileSystemEntry[]) => void) => {
            ok(children.slice(i, i + 2))
            i += 2
          }
        }
      }
    }) as unknown as FileSystemDirectoryEntry

  it('is walked recursively, reading every batch, hidden names skipped, paths in name order', async () => {
    const rack = dirEntry('/fleet/rack1', [
      fileEntry('/fleet/rack1/b.log'),
      fileEntry('/fleet/rack1/.DS_Store'),
      fileEntry('/fleet/rack1/a.log')
    ])
    const root = dirEntry('/fleet', [fileEntry('/fleet/z.log'), rack, dirEntry('/fleet/.git', [])])
    const dt = {
      items: [{ kind: 'file', webkitGetAsEntry: () => root }],
      files: []
    } as unknown as DataTransfer
    expect((await filesOfDrop(dt)).map((f) => f.path)).toEqual([
      'fleet/rack1/a.log',
      'fleet/rack1/b.log',
      'fleet/z.log'
    ])
  })
})

describe('Fleet view: the run in the workspace', () => {
  it('a run marks the workspace unsaved, is autosaved, and a reload restores its summary and rows with a note', async () => {
    const { w, api, fleet } = await mountFleet()
    const ws = useWorkspaceStore()
    expect(ws.dirty).toBe(false)
    await fleet.analyzeFiles(filesOfInput(fleetFiles()))
    await settle(fleet)
    expect(ws.dirty).toBe(true)
    // Saved failing first: the file not read, the host that cannot enable TDX, then by savings.
    const state = ws.currentState()
    expect(state.fleet?.rowsTotal).toBe(5)
    expect(state.fleet?.rows.slice(0, 2).map((r) => r.file)).toEqual([
      'rack1/notes.txt',
      'rack1/gappy.txt'
    ])
    expect(state.fleet?.summary.files).toBe(5)

    // The report dialog opens on the Fleet view's own scope, with no host open.
    await w.get('[data-testid=export-report]').trigger('click')
    await flushPromises()
    expect((w.get('[data-testid=report-scope-fleet]').element as HTMLInputElement).checked).toBe(
      true
    )
    await w.get('[data-testid=report-dialog]').trigger('keydown', { key: 'Escape' })
    expect(await ws.autosave()).toBe(true)
    w.unmount()
    wrapper = null

    // A reload over the same main: the offer, then the restored fleet on the Fleet view.
    const pinia = createPinia()
    setActivePinia(pinia)
    const host = useHostStore()
    host.connect(api)
    wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
    await host.init()
    const again = useWorkspaceStore()
    await again.start({ confirm: () => true })
    expect(await again.restore()).toBe(true)
    await wrapper.get('[data-testid=nav-fleet]').trigger('click')
    await flushPromises()
    const words = wrapper.get('[data-testid=fleet-summary]').text()
    expect(words).toContain('hosts that can enable TDX (4 hosts read, 1 file not read)')
    expect(wrapper.get('[data-testid=fleet-restored]').text()).toContain(
      'Restored from the workspace: 5 of 5 rows kept'
    )
    expect(shownFiles(wrapper)).toEqual([
      'rack1/notes.txt',
      'rack1/gappy.txt',
      'rack1/laptop.txt',
      'rack1/naples.txt',
      'rack1/spr.txt'
    ])
    // Restoring is not a change of its own beyond the autosave being unsaved work.
    expect(useFleetStore().restored).toEqual({ kept: 5, total: 5 })
  })

  it('without a fleet run the dialog on the Fleet view offers no Fleet scope', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const host = useHostStore()
    host.connect(modelBackedApi({ 'worked-example': TWO_RANGE_LOG }))
    wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
    await host.init()
    await host.loadExample('worked-example')
    await wrapper.get('[data-testid=nav-fleet]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid=export-report]').trigger('click')
    await flushPromises()
    const fleetScope = wrapper.get('[data-testid=report-scope-fleet]')
    expect(fleetScope.attributes('disabled')).toBe('')
    expect(
      (wrapper.get('[data-testid=report-scope-workspace]').element as HTMLInputElement).checked
    ).toBe(true)
  })
})
