import { describe, expect, it } from 'vitest'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { buildWorkloadSection } from '@shared/report/workloadSection'
import { GiB, MiB, S, syntheticHost } from '../../support/testHosts'

/** RAM [4 GiB, 8 GiB) on one node and one 64 MiB TD: a run that takes milliseconds. */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])

function section(samples: number): string[] {
  const scenario = scenarioSchema.parse({
    name: 'one TD',
    durationNs: 30 * S,
    samples,
    tdClasses: [{ name: 'td', count: 1, memoryBytes: 64 * MiB, vcpus: 1, lifetimeNs: 20 * S }]
  })
  const run = {
    scenario,
    hostName: 'host-a',
    result: simulateScenario(host, scenario),
    sweep: null
  }
  const s = buildWorkloadSection(run, { hostName: 'host-a', date: '2026-11-29' })
  return s.blocks.flatMap((b) => (b.kind === 'text' ? b.paragraphs : []))
}

describe('the workload section of a report', () => {
  it('says a long run’s over-time chart is drawn from a sample, and where every sample is', () => {
    // 10,001 samples is over SAMPLE_ABOVE (4,000). The report draws the whole run: WINDOW_POINTS
    // (2,400) by LTTB across it, no overview points outside it, plus the peak's first and last
    // samples if LTTB did not keep them: 2,400 to 2,402.
    const note = section(10_001).find((p) => p.startsWith('The chart is drawn from'))
    expect(note).toMatch(/^The chart is drawn from 2,40[0-2] of the run's 10,001 samples/)
    expect(note).toContain("the Workload view's CSV export has every sample")
  })

  it('says nothing of the kind for a run drawn whole (4,000 samples or fewer)', () => {
    expect(section(1000).some((p) => p.startsWith('The chart is drawn from'))).toBe(false)
  })
})
