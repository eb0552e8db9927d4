import { describe, expect, it } from 'vitest'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog, type MemoryRange } from '@shared/model/host/memoryMap'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { replayEvents } from '@shared/model/runtime/replay'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { WorkBudget } from '@shared/model/workEstimate'
import { scenarioSchema } from '@shared/model/workload/scenario'

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
    // Peak = DPAMT static part 2568 KiB (40·64 GiB + 4·2 TDMRs) + dense refcounts 33 pages
    // (⌈66 GiB / 2 MiB · 4 B / 4 KiB⌉ = 132 KiB) + 8209 pairs · 8 KiB (65672 KiB) + 4 vCPUs ×
    // 10 cache pages (160 KiB) = 68532 KiB.
    expect(r.replay.peakTotalBytes).toBe(68_532 * 1024)
  })

  it('returns to the static part plus refcounts exactly after teardown', () => {
    const last = r.replay.totalBytes[r.replay.totalBytes.length - 1]
    // 2568 KiB + 132 KiB.
    expect(last).toBe(2700 * 1024)
    expect(r.replay.pairsAtEnd).toBe(0)
    expect(r.replay.removeCount).toBe(8209)
    expect(r.replay.findings).toEqual([])
  })

  it('compares with static PAMT: savings at peak and the break-even', () => {
    // Static PAMT: 4104 KiB per GiB of TDMR · 64 GiB + 4 KiB · 2 TDMRs = 262664 KiB.
    expect(r.staticPamtBytes).toBe(262_664 * 1024)
    // 262664 − 68532 (the peak above) = 194132 KiB saved.
    expect(r.savingsAtPeakBytes).toBe(194_132 * 1024)
    // (262664 − 2568 − 132) KiB = 259964 KiB of room, / 8 KiB per pair = 32495.5 → 32496 pairs,
    // each 2 MiB of 4K memory on a fresh host: 32496 · 2 MiB = 68149051392 bytes.
    expect(r.breakEven.regions).toBe(32_496)
    expect(r.breakEven.freshHostBytes).toBe(68_149_051_392)
    // 32496 of the host's 32767 whole regions (1023 below 2 GiB + 31744 in [4G, 66G)):
    // reachable only with nearly every region paired.
    expect(r.breakEven.reachable).toBe(true)
  })

  it('is deterministic for a seed', () => {
    expect(simulateScenario(workedExample, scenario).replay).toEqual(r.replay)
  })

  it('shows the pairs under every kernel placement: 8209 packed to 8211 scattered', () => {
    // separate (this run): 8192 + 17. interleaved: guest and kernel pages share one walk,
    // ⌈(4194304 + 8240) / 512⌉ = 8192 + ⌈8240 / 512⌉ = 8209. scattered: each kernel allocation in
    // regions of its own: control 31 pages (1), the image's S-EPT 4 pages (1), the rest of the
    // S-EPT at accept, 8209 − 4 = 8205 pages (⌈8205 / 512⌉ = 17): 8192 + 19 = 8211.
    // Worst peak: 68532 KiB + 2 more pairs · 8 KiB = 68548 KiB.
    expect(r.placementRange).toMatchObject({
      placement: 'separate',
      computed: true,
      bestPairs: 8209,
      worstPairs: 8211,
      bestPeakBytes: 68_532 * 1024,
      worstPeakBytes: 68_548 * 1024,
      bestPlacement: 'separate',
      worstPlacement: 'scattered'
    })
    expect(r.placementRange!.assumptions[0]).toContain("kernelPlacement 'separate'")
  })

  it('does not repeat the run when the repeats would pass the work limit', () => {
    // The run touches 16424 regions: gets on the 8192 guest regions and 19 kernel region visits
    // (the top region three times: 31 control pages, the image's 4 S-EPT pages, then 477 of the
    // accept's 8205, which fill 16 more), as many puts, one cache fill and one cache free. With
    // the two repeats: 3 · 16424 = 49272.
    const limited = simulateScenario(workedExample, scenario, new WorkBudget(49_271))
    expect(limited.placementRange).toMatchObject({
      computed: false,
      bestPairs: 8209,
      worstPairs: 8209
    })
    expect(limited.placementRange!.assumptions.at(-1)).toContain('Not computed')
    expect(
      simulateScenario(workedExample, scenario, new WorkBudget(49_272)).placementRange
    ).toMatchObject({ computed: true, worstPairs: 8211 })
  })

  it('leaves the range out when asked (sweep points)', () => {
    expect(
      simulateScenario(workedExample, scenario, undefined, { placementRange: false }).placementRange
    ).toBeNull()
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
