import { describe, expect, it } from 'vitest'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog, type MemoryRange } from '@shared/model/host/memoryMap'
import { importHostText } from '@shared/import/importHost'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { PAIR_BYTES, replayEvents } from '@shared/model/runtime/replay'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { presetScenario } from '@shared/model/workload/presets'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { readHostFixture } from '../../../support/fixtures'

const GiB = 2 ** 30
const MiB = 2 ** 20
const ram = (base: number, end: number): MemoryRange => ({
  baseBytes: base,
  endBytes: end,
  type: 'ram',
  typeLabel: 'usable',
  line: 0
})

/** dpamt-model.md §1.8: RAM [1M, 2G) and [4G, 66G), one node. */
const workedExample: HostAnalysis = analyzeHost({
  name: 'worked-example',
  ranges: [ram(0x100000, 2 * GiB), ram(4 * GiB, 66 * GiB)],
  memorySource: 'e820',
  numaMemblks: [],
  numaSource: 'none',
  cmrs: [],
  kernelLog: emptyKernelTdxLog()
})

function fixtureHost(name: string): HostAnalysis {
  const r = importHostText(readHostFixture(name), name)
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host)
}

describe('one 16 GiB TD, fully 4K-mapped, on a fresh host (dpamt-model.md §2.8-2.9)', () => {
  const scenario = scenarioSchema.parse({
    name: 'one TD',
    durationNs: 60e9,
    tdClasses: [
      {
        name: 'td',
        count: 1,
        memoryBytes: 16 * GiB,
        vcpus: 4,
        imageBytes: 4 * MiB,
        lifetimeNs: 30e9
      }
    ]
  })
  const r = simulateScenario(workedExample, scenario)

  it('uses exactly the pairs counted by hand: guest regions plus control and S-EPT regions', () => {
    // Guest: 16 GiB / 2 MiB = 8192 regions, filled whole. Kernel pages: control 1 TDR + 6 TDCS +
    // 4 vCPUs × (1 TDVPR + 5 TDCX) = 31, S-EPT 8192 PT + 16 PD + 1 PDPT = 8209; 8240 pages packed
    // 512 to a region from the node's top = 17 regions.
    expect(r.replay.peakPairs).toBe(8192 + 17)
    expect(r.replay.addCount).toBe(8192 + 17)
    // Peak = DPAMT static part (2568 KiB) + dense refcounts (33 pages) + pairs + 4 × 10 cache pages.
    expect(r.replay.peakTotalBytes).toBe(
      2568 * 1024 + 33 * 4096 + (8192 + 17) * PAIR_BYTES + 40 * 4096
    )
  })

  it('returns to the static part plus refcounts exactly after teardown', () => {
    const last = r.replay.totalBytes[r.replay.totalBytes.length - 1]
    expect(last).toBe(2568 * 1024 + 33 * 4096)
    expect(r.replay.pairsAtEnd).toBe(0)
    expect(r.replay.removeCount).toBe(r.replay.addCount)
    expect(r.replay.findings).toEqual([])
  })

  it('compares with static PAMT: savings at peak and the break-even', () => {
    expect(r.staticPamtBytes).toBe(262_664 * 1024)
    expect(r.savingsAtPeakBytes).toBe(r.staticPamtBytes - r.replay.peakTotalBytes)
    // (static − DPAMT static − refcounts) / 8 KiB pairs, each 2 MiB of 4K memory on a fresh host.
    const regions = Math.ceil((262_664 * 1024 - 2568 * 1024 - 33 * 4096) / 8192)
    expect(r.breakEven.regions).toBe(regions)
    expect(r.breakEven.freshHostBytes).toBe(regions * 2 * MiB)
    // 32496 of the host's 32767 whole regions: reachable only with nearly every region paired.
    expect(r.breakEven.reachable).toBe(true)
  })

  it('is deterministic for a seed', () => {
    expect(simulateScenario(workedExample, scenario).replay).toEqual(r.replay)
  })
})

describe('DEMOTE (dpamt-model.md §2.8)', () => {
  it('installs a pair with refcount 512, and the 512th 4K removal frees it', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Demote, 3000, 1, 512)
    for (let k = 0; k < 512; k++) ev.push(2 + k, EventKind.Put, 3000, 1, 1)
    const r = replayEvents(workedExample, ev, null, {
      staticPartBytes: 0,
      refcountBytes: 0,
      startNs: 0,
      endNs: 1000,
      samples: 16,
      checkObservedSeamcalls: false
    })
    expect(r.addCount).toBe(1)
    expect(r.removeCount).toBe(1)
    expect(r.peakPairs).toBe(1)
    expect(r.pairsAtEnd).toBe(0)
    expect(r.findings).toEqual([])
  })
})

describe('presets', () => {
  it('704 GiB guest backed by 1 GiB pages lands in the few-MiB range reported on the list (§2.9)', () => {
    const host = fixtureHost('hp-superdome2-16s-12tb.txt')
    const r = simulateScenario(host, presetScenario('guest-704g-1g-pages')!)
    const dynamicBytes = r.replay.peakTotalBytes - r.staticPartBytes - r.refcountBytes
    // "~5MB of DPAMT memory usage for 704G guest memory" (Vishal Annapurve, 2025-09-10).
    expect(dynamicBytes).toBeGreaterThan(1 * MiB)
    expect(dynamicBytes).toBeLessThan(10 * MiB)
    expect(r.generation?.unplacedRegions).toBe(0)
  })

  it('10 x 16 GiB TDs without huge pages start, then shut down to the static part', () => {
    const host = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const r = simulateScenario(host, presetScenario('ten-16g-no-hugepages')!)
    expect(r.replay.peakPairs).toBeGreaterThanOrEqual(10 * 8192)
    expect(r.replay.pairsAtEnd).toBe(0)
    expect(r.replay.totalBytes.at(-1)).toBe(r.staticPartBytes + r.refcountBytes)
    expect(r.savingsAtPeakBytes).toBeGreaterThan(0)
  })

  it('a host filled to 90 % with 4K-mapped TDs costs about as much as static PAMT', () => {
    const host = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const r = simulateScenario(host, presetScenario('host-90pct-4k', host.tdxMemoryBytes)!)
    expect(r.generation?.unplacedPages).toBe(0)
    expect(r.replay.peakTotalBytes / r.staticPamtBytes).toBeGreaterThan(0.85)
    expect(r.replay.peakTotalBytes / r.staticPamtBytes).toBeLessThan(1.05)
  })

  it('leaks pairs when reclaim fails', () => {
    const s = presetScenario('ten-16g-no-hugepages')!
    s.host.reclaimFailureRate = 0.01
    const r = simulateScenario(fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt'), s)
    expect(r.generation!.leakedPages).toBeGreaterThan(0)
    expect(r.replay.pairsAtEnd).toBeGreaterThan(0)
    expect(r.replay.findings).toEqual([])
  })
})

describe('trace checks', () => {
  const replay = (ev: PageEventBuffer): ReturnType<typeof replayEvents> =>
    replayEvents(workedExample, ev, ev.timeOrder(), {
      staticPartBytes: 0,
      refcountBytes: 0,
      startNs: 0,
      endNs: 100,
      samples: 16,
      checkObservedSeamcalls: true
    })

  it('reports a put without a get, an ADD on a paired region and pairs held at the end, with lines', () => {
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Put, 5000, 1, 1, 1, 0, 11)
    ev.push(2, EventKind.Get, 5001, 1, 1, 1, 0, 12)
    ev.push(3, EventKind.PamtAdd, 5001, 1, 1, 1, 0, 13)
    ev.push(4, EventKind.PamtAdd, 5001, 1, 1, 1, 0, 14)
    const r = replay(ev)
    expect(r.findings.map((f) => [f.code, f.line])).toEqual([
      ['PUT_WITHOUT_GET', 11],
      ['ADD_ON_PAIRED_REGION', 14],
      ['PAIRS_HELD_AT_END', undefined]
    ])
  })
})
