import { describe, expect, it } from 'vitest'
import { emptyKernelTdxLog } from '@shared/model/host/memoryMap'
import {
  DEFAULT_HOST_STORE_BYTES,
  HostStore,
  storedHostBytes,
  type StoredHost
} from '../../../src-main/services/hostStore'
import { inlineServices } from '../../support/services'
import { createServices } from '../../../src-main/services/createServices'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
import { RESOURCES_DIR } from '../../support/services'

/** A stored host whose size, for the tests' sizeOf, is `bytes` (carried in tdxMemoryBytes). */
function entry(bytes: number): StoredHost {
  return {
    host: {
      name: 'h',
      ranges: [],
      memorySource: 'e820',
      numaMemblks: [],
      numaSource: 'none',
      cmrs: [],
      kernelLog: emptyKernelTdxLog()
    },
    summary: {
      formats: [],
      fileName: 'h',
      linesTotal: 0,
      recognised: [],
      linesSkipped: 0,
      skippedSamples: [],
      notes: []
    },
    source: { kind: 'file', fileName: 'h' },
    tdxMemoryBytes: bytes
  }
}
const sizeByTdx = (e: StoredHost): number => e.tdxMemoryBytes

describe('HostStore', () => {
  it('drops the least recently used hosts past its byte budget, a read counting as a use', () => {
    const store = new HostStore(100, sizeByTdx)
    expect(store.add(entry(40))).toBe('h1')
    expect(store.add(entry(40))).toBe('h2')
    // 80 of 100 bytes. Reading h1 makes h2 the least recently used.
    expect(store.get('h1')).toBeDefined()
    expect(store.add(entry(40))).toBe('h3')
    // 120 > 100: h2 goes (not h1, the oldest), leaving 80.
    expect(store.ids()).toEqual(['h1', 'h3'])
    expect(store.totalBytes).toBe(80)
    expect(store.get('h2')).toBeUndefined()
  })

  it('keeps the newest host even when it alone is over the budget', () => {
    const store = new HostStore(100, sizeByTdx)
    store.add(entry(40))
    store.add(entry(40))
    expect(store.add(entry(150))).toBe('h3')
    expect(store.ids()).toEqual(['h3'])
    expect(store.totalBytes).toBe(150)
  })

  it('tells a dropped id from one it never held', () => {
    const store = new HostStore(50, sizeByTdx)
    store.add(entry(40))
    store.add(entry(40)) // 80 > 50: h1 is dropped
    expect(store.wasEvicted('h1')).toBe(true)
    expect(store.wasEvicted('h2')).toBe(false) // held
    expect(store.wasEvicted('h3')).toBe(false) // not yet issued
    expect(store.wasEvicted('h0')).toBe(false)
    expect(store.wasEvicted('h01')).toBe(false)
    expect(store.wasEvicted('x1')).toBe(false)
  })

  it('sizes a host by its JSON form', () => {
    const one = entry(0)
    const two = entry(0)
    two.host.ranges.push({
      baseBytes: 0,
      endBytes: 4096,
      type: 'ram',
      typeLabel: 'usable',
      line: 1
    })
    // The range's JSON, {"baseBytes":0,"endBytes":4096,"type":"ram","typeLabel":"usable","line":1}:
    // braces 2, commas between fields 4, keys with quotes and colon 12 + 11 + 7 + 12 + 7 = 49,
    // values 1 ("0") + 4 ("4096") + 5 ('"ram"') + 8 ('"usable"') + 1 ("1") = 19; 2 + 4 + 49 + 19 =
    // 74. It is the array's first element, so no comma joins it to another.
    expect(storedHostBytes(two) - storedHostBytes(one)).toBe(74)
  })

  it('defaults to a 128 MiB budget', () => {
    expect(DEFAULT_HOST_STORE_BYTES).toBe(134_217_728)
  })
})

describe('PlannerService with a host dropped from the store', () => {
  it('answers HOST_EVICTED for a dropped host and NOT_FOUND for one never stored', async () => {
    // A 1-byte budget holds only the newest host: every host is longer than that as JSON.
    const { planner } = createServices({
      mode: 'browser',
      launcher: new InlineLauncher(),
      resourcesDir: RESOURCES_DIR,
      hostStoreBytes: 1
    })
    const first = await planner.analyzeExampleHost({
      jobId: 'a',
      exampleId: 'laptop-dell-xps13-9370-16g'
    })
    const second = await planner.analyzeExampleHost({
      jobId: 'b',
      exampleId: 'laptop-dell-xps13-9370-16g'
    })
    if (!first.ok || !second.ok) throw new Error('examples did not load')
    const evicted = {
      ok: false,
      error: {
        code: 'HOST_EVICTED',
        message: 'this host was dropped from memory to make room for newer ones; re-open it'
      }
    }
    const hostId = first.value.hostId
    expect(await planner.reanalyzeHost({ jobId: 'c', hostId, model: {} })).toEqual(evicted)
    expect(await planner.exportHostJson({ hostId })).toEqual(evicted)
    expect(await planner.listScenarioPresets({ hostId })).toEqual(evicted)
    expect((await planner.exportHostJson({ hostId: second.value.hostId })).ok).toBe(true)
    expect(await planner.exportHostJson({ hostId: 'h99' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' }
    })
  })

  it('keeps many ordinary hosts under the default budget', async () => {
    const { planner } = inlineServices()
    const ids: string[] = []
    // More than the old count cap of 16.
    for (let i = 0; i < 20; i++) {
      const r = await planner.analyzeExampleHost({
        jobId: `j${i}`,
        exampleId: 'laptop-dell-xps13-9370-16g'
      })
      if (!r.ok) throw new Error(r.error.message)
      ids.push(r.value.hostId)
    }
    for (const hostId of ids) expect((await planner.exportHostJson({ hostId })).ok).toBe(true)
  })
})
