import { describe, expect, it } from 'vitest'
import type { ContentionRun } from '@shared/api/contract'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'
import { contentionSettingsSchema, runContention } from '@shared/model/contention/runContention'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { perfLockTable } from '@shared/charts/contention/perfLock'
import {
  contentionCopyText,
  costsText,
  COMPACT_PERF_LOCK_LAYOUT
} from '@shared/report/text/contentionText'
import { TEXT_WIDTH, textWidth } from '@shared/report/text/textTable'
import { GiB, MiB, syntheticHost } from '../../../support/testHosts'

/**
 * A real run of two small TDs (v6 and module-only, 3 seeds) for the report's shape, with the lock
 * rows and the spread replaced by round values so the expected text is derived by hand.
 */
const host = syntheticHost('host-a', [{ base: 4 * GiB, end: 8 * GiB }])
const scenario = scenarioSchema.parse({
  name: 'tiny',
  durationNs: 2e9,
  tdClasses: [{ name: 'td', count: 2, memoryBytes: 64 * MiB, vcpus: 2, lifetimeNs: 5e8 }]
})
const report = runContention(
  host,
  scenario,
  contentionSettingsSchema.parse({
    designs: ['v6', 'module-only'],
    demoteVariants: ['lock-around'],
    seeds: 3
  })
)
const [v6, lockless] = report.outcomes
const run: ContentionRun = {
  hostName: 'host-a',
  scenario,
  report: {
    ...report,
    outcomes: [
      {
        ...v6!,
        locks: [
          {
            ...v6!.locks[0]!,
            caller: 'tdx_pamt_get',
            contended: 2,
            totalWaitNs: 3000,
            maxWaitNs: 2000
          }
        ],
        spread: {
          ...v6!.spread!,
          contended: { min: 2, median: 3, max: 4 },
          totalWaitNs: { min: 3450, median: 9090, max: 11130 }
        }
      },
      {
        ...lockless!,
        hazards: 1,
        spread: {
          ...lockless!.spread!,
          contended: { min: 0, median: 0, max: 0 },
          totalWaitNs: { min: 0, median: 0, max: 0 }
        }
      }
    ]
  }
}

describe('Copy as text: contention', () => {
  const text = contentionCopyText(run, '1.2.3')
  const lines = text.split('\n')

  it('keeps every line within 78 columns', () => {
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(TEXT_WIDTH)
  })

  it('leads with the version, the run and its capacity', () => {
    expect(lines[0]).toBe('PAMT Planner 1.2.3; timing numbers are modelled, not measured')
    expect(lines[1]).toMatch(
      /^Contention: tiny on host-a \(seeds 1, 2, 3; [\d,]+ events simulated\)$/
    )
    // 2 × 64 MiB = 0.13 GiB (two decimals) of the host's 4 GiB.
    expect(lines[2]).toBe('Capacity: All 2 TDs fit (0.13 GiB of 4 GiB TDX memory)')
  })

  it('prints perf lock contention per design, columns under their headers', () => {
    // contended 9 columns, each time 11 (perf's format: 3000 ns = "3.00 us", avg 3000 / 2 =
    // 1500 ns = "1.50 us"), the type 8, then the caller after three spaces.
    const at = lines.indexOf('# v6 (DEMOTE: lock-around)')
    expect(lines.slice(at, at + 9)).toEqual([
      '# v6 (DEMOTE: lock-around)',
      'contended  total wait    max wait    avg wait     type   caller',
      '',
      '        2     3.00 us     2.00 us     1.50 us spinlock   tdx_pamt_get',
      '',
      '# module-only (DEMOTE: lock-around)',
      'contended  total wait    max wait    avg wait     type   caller',
      '',
      '  (no kernel lock: the TDX module try-locks only)'
    ])
    expect(lines[at + 9]).toBe('  (1 hazard: refcount and SEAMCALL not atomic without a lock)')
  })

  it('prints the seed spread as median [min–max]', () => {
    // perf's time format: 9090 ns = 9.09 us, 3450 ns = 3.45 us, 11130 ns = 11.13 us.
    const at = lines.indexOf('Over 3 seeds (1, 2, 3): median [min–max]')
    expect(lines.slice(at + 1, at + 5)).toEqual([
      'design       demote       contended                  total wait',
      '-----------  -----------  ---------  --------------------------',
      'v6           lock-around    3 [2–4]  9.09 us [3.45 us–11.13 us]',
      'module-only  lock-around    0 [0–0]   0.00 ns [0.00 ns–0.00 ns]'
    ])
  })

  it('names the modelled costs, and any other cost changed from its default', () => {
    expect(costsText(DEFAULT_CONTENTION_COSTS)).toBe(
      'Costs (ns, modelled estimates): pamtAddNs 4000, pamtRemoveNs 3000, augNs 5000, demoteNs 20000, faultOutsideNs 8000; serviceCv 0.3'
    )
    expect(costsText({ ...DEFAULT_CONTENTION_COSTS, busyBackoffNs: 500 })).toContain(
      'faultOutsideNs 8000, busyBackoffNs 500; serviceCv 0.3'
    )
    expect(lines).toContain(
      'Costs (ns, modelled estimates): pamtAddNs 4000, pamtRemoveNs 3000, augNs 5000,'
    )
  })

  it("keeps perf's own layout for the CLI and the GUI", () => {
    // perf prints contended in 10 columns and times and the type in 12 (tools/perf/builtin-lock.c).
    const perf = perfLockTable(run.report.outcomes).split('\n')
    expect(perf[1]).toBe(' contended   total wait     max wait     avg wait         type   caller')
    expect(perf[3]).toBe(
      '         2      3.00 us      2.00 us      1.50 us     spinlock   tdx_pamt_get'
    )
    expect(perfLockTable(run.report.outcomes, COMPACT_PERF_LOCK_LAYOUT).split('\n')[1]).toBe(
      'contended  total wait    max wait    avg wait     type   caller'
    )
  })
})
