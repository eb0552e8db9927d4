import { describe, expect, it } from 'vitest'
import { formatSimulationReport } from '@shared/report/text/formatSimulationReport'
import { simulateScenario, simulateTrace } from '@shared/model/runtime/simulate'
import { EventKind, PageEventBuffer } from '@shared/model/runtime/pageEvents'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { GiB, MiB, S, syntheticHost } from '../../../support/testHosts'

/** RAM [4 GiB, 8 GiB) on one node: 2048 whole regions. */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])

describe('simulate report: who pays', () => {
  it('prints one line per TD class with its peak, average and share at the peak', () => {
    // One 64 MiB TD, 1 vCPU, 4K-mapped, eager, alive for 20 s of 30 s: 32 guest regions; kernel
    // pages 13 control (1 TDR + 6 TDCS + 1 TDVPR + 5 TDCX) + 34 S-EPT (32 PT + 1 PD + 1 PDPT) = 47,
    // one region: 33 pairs = 264 KiB; average 264 · 20/30 = 176 KiB; its cache 10 pages = 40 KiB.
    const r = simulateScenario(
      host,
      scenarioSchema.parse({
        name: 'test',
        durationNs: 30 * S,
        tdClasses: [{ name: 'td', count: 1, memoryBytes: 64 * MiB, vcpus: 1, lifetimeNs: 20 * S }]
      })
    )
    const lines = formatSimulationReport('host-a', r, null, null).split('\n')
    expect(lines).toContain(
      'Who pays, per TD class (pairs to the TD whose get allocated them, until freed):'
    )
    expect(lines).toContain(
      "  td (1 TD)                              pairs peak 264.00 KiB, average 176.00 KiB; with pamt caches peak 304.00 KiB; at the total's peak 304.00 KiB"
    )
  })

  it('prints a trace’s top TDs instead, having no classes', () => {
    // TD 9 takes regions 3000 and 3001 from 0 to 1 (two pairs); TD 4 gets in 3000 after it.
    const ev = new PageEventBuffer()
    ev.push(1, EventKind.Get, 3000, 2, 1, 9)
    ev.push(2, EventKind.Get, 3000, 1, 1, 4)
    const r = simulateTrace(host, ev, 'trace', { refcounts: 'dense', samples: 16 })
    const lines = formatSimulationReport('host-a', r, null, null).split('\n')
    const at = lines.indexOf(
      'Who pays, per TD (pairs to the TD whose get allocated them, until freed; top 2 of 2):'
    )
    expect(at).toBeGreaterThan(0)
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  TD 9                                   pairs peak 16.00 KiB, 2 allocated, 16.00 KiB at end',
      '  TD 4                                   pairs peak 0 B, 0 allocated, 0 B at end'
    ])
  })
})
