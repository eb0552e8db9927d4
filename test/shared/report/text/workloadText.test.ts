import { describe, expect, it } from 'vitest'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { placementTable, workloadCopyText } from '@shared/report/text/workloadText'
import { renderTextTable, TEXT_WIDTH, textWidth } from '@shared/report/text/textTable'
import { GiB, MiB, S, syntheticHost } from '../../../support/testHosts'

/** RAM [4 GiB, 8 GiB) on one node: one 4 GiB TDMR, 2048 whole regions. */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])
/**
 * One 64 MiB TD with lazy accept in 4 steps (as test/shared/report/text/formatSimulationReport):
 * 32 guest regions + 47 kernel pages; separate and interleaved pack the kernel pages in one
 * region (33 pairs), scattered gives each of its 6 kernel allocations a region (38 pairs).
 */
const result = simulateScenario(
  host,
  scenarioSchema.parse({
    name: 'one TD',
    durationNs: 30 * S,
    tdClasses: [
      {
        name: 'td',
        count: 1,
        memoryBytes: 64 * MiB,
        vcpus: 1,
        imageBytes: 4 * MiB,
        lifetimeNs: 20 * S,
        accept: { mode: 'lazy', durationNs: 10 * S, steps: 4 }
      }
    ]
  })
)

describe('Copy as text: workload', () => {
  const text = workloadCopyText('host-a', result, null, '1.2.3')
  const lines = text.split('\n')

  it('keeps every line within 78 columns', () => {
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(TEXT_WIDTH)
  })

  it('leads with the run and its capacity', () => {
    expect(lines.slice(0, 3)).toEqual([
      'PAMT Planner 1.2.3; timing numbers are modelled, not measured',
      'Workload: one TD on host-a (seed 1)',
      // 64 MiB = 0.06 GiB (two decimals) of 4 GiB.
      'Capacity: All 1 TD fit (0.06 GiB of 4 GiB TDX memory)'
    ])
  })

  it('prints peak and static against static PAMT, in bytes and percent', () => {
    // Static PAMT of one 4 GiB TDMR: 4 GiB / 4 KiB × 16 = 16 MiB, + 4 GiB / 2 MiB × 16 = 32 KiB,
    // + 1G level 64 B rounded to 4 KiB: 16,814,080 B. Static part: bitmap 4 GiB / 4 KiB / 8 =
    // 128 KiB + 32 KiB + 4 KiB = 167,936 B (0.9988 % → 1.00). Dense refcounts: 8 GiB / 2 MiB × 4 B
    // = 16,384 B (0.10 %). Peak: 33 pairs × 8 KiB + 164 KiB + 16 KiB + one vCPU's cache of 10
    // pages (40 KiB) = 484 KiB = 495,616 B (2.9476 % → 2.95); savings 16,318,464 B (97.05 %).
    // Columns: 25 ("savings vs static at peak"), 12 ("size (bytes)"), 10 ("164.00 KiB"), 13.
    const at = lines.indexOf('Dynamic PAMT vs static PAMT')
    const rows = lines.slice(at + 1, at + 9)
    expect(rows[0]).toBe('quantity                   size (bytes)        size  of static (%)')
    expect(rows[2]).toBe('static PAMT (reference)      16,814,080   16.04 MiB         100.00')
    expect(rows[3]).toBe('Dynamic PAMT static part        167,936  164.00 KiB           1.00')
    expect(rows[4]).toBe('refcount array (dense)           16,384   16.00 KiB           0.10')
    expect(rows[5]).toBe('Dynamic PAMT peak               495,616  484.00 KiB           2.95')
    // The average is time-weighted over the run: the model's own output, checked for shape only.
    expect(rows[6]).toMatch(/^Dynamic PAMT average {2,}\d[\d,]* +\d+\.\d\d KiB +\d+\.\d\d$/)
    expect(rows[7]).toBe('savings vs static at peak    16,318,464   15.56 MiB          97.05')
  })

  it('prints the peak under each kernel placement, this run first', () => {
    // 38 pairs: 38 × 8 + 220 = 524 KiB = 536,576 B (3.1912 % → 3.19).
    expect(renderTextTable(placementTable(result)!)).toEqual([
      'Peak by kernel placement (host.kernelPlacement, modelled)',
      'placement            peak pairs  peak Dynamic PAMT (bytes)  of static (%)',
      '-------------------  ----------  -------------------------  -------------',
      'separate (this run)          33                    495,616           2.95',
      'interleaved                  33                    495,616           2.95',
      'scattered                    38                    536,576           3.19'
    ])
  })
})
