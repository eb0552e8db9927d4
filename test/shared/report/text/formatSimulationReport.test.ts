import { describe, expect, it } from 'vitest'
import { formatSimulationReport } from '@shared/report/text/formatSimulationReport'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'
import { GiB, MiB, S, syntheticHost } from '../../../support/testHosts'

/** RAM [4 GiB, 8 GiB) on one node: 2048 whole regions. */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])

const report = (input: Omit<ScenarioInput, 'name'>): string[] =>
  formatSimulationReport(
    'host-a',
    simulateScenario(host, scenarioSchema.parse({ name: 'test', ...input })),
    null,
    null
  ).split('\n')

const td = {
  name: 'td',
  count: 1,
  memoryBytes: 64 * MiB,
  vcpus: 1,
  imageBytes: 4 * MiB,
  lifetimeNs: 20 * S
}

describe('simulate report: kernel placement range and leaks', () => {
  it('prints the peak under every kernel placement, naming the parameter', () => {
    // 64 MiB TD, lazy accept in 4 steps: 32 guest regions + 47 kernel pages. separate and
    // interleaved pack the kernel pages in one region: 33 pairs; scattered gives each of the 6
    // kernel allocations (control, the image's S-EPT, 4 accept steps) a region: 38. Fixed part
    // 164 + 16 KiB, one vCPU cache 40 KiB: 33 · 8 + 220 = 484 KiB and 38 · 8 + 220 = 524 KiB.
    const lines = report({
      durationNs: 30 * S,
      tdClasses: [{ ...td, accept: { mode: 'lazy', durationNs: 10 * S, steps: 4 } }]
    })
    const line = lines.find((l) => l.includes('peak by kernel placement'))
    expect(line).toBe(
      "  peak by kernel placement (modelled)    33–38 pairs, 484.00 KiB–524.00 KiB (host.kernelPlacement: fewest 'separate', most 'scattered'; this run 'separate')"
    )
  })

  it('prints leaked pages and leaked pairs when every teardown SEAMCALL fails', () => {
    // 47 kernel pages never reclaimed; the 32 guest regions' PAMT.REMOVEs all fail.
    const lines = report({ durationNs: 30 * S, host: { reclaimFailureRate: 1 }, tdClasses: [td] })
    expect(lines).toContain(
      '  leaked by failed reclaim               47 pages (their regions keep their pairs)'
    )
    expect(lines).toContain(
      '  leaked by failed PAMT.REMOVE           32 pairs (refcount left at 1)'
    )
  })
})
