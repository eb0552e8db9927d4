import { describe, expect, it } from 'vitest'
import { planFleetChunks } from '@shared/fleet/fleetChunks'
import {
  fleetBins,
  fleetHistogramCsv,
  fleetHistogramValues
} from '@shared/charts/fleet/fleetHistograms'
import { fleetReportSection } from '@shared/fleet/fleetReport'
import { FleetSummaryAccumulator } from '@shared/fleet/fleetSummary'
import type { ReportTable } from '@shared/report/reportBlocks'
import { fleetErrorRowFor, fleetHostRow } from '../../support/fleetRows'

const MiB = 2 ** 20

describe('fleet upload chunks', () => {
  it('caps files and bytes a chunk, sends a large file alone and never sends one over the limit', () => {
    const limits = { maxFiles: 3, targetBytes: 10 * MiB, maxFileBytes: 64 * MiB }
    // Sizes in MiB: 1 1 1 | 1 8 (1+8 = 9 ≤ 10, then +4 = 13 > 10) | 4 | 20 (alone: > 10) | 65 (over
    // 64: not sent) | 2
    const steps = planFleetChunks(
      [1, 1, 1, 1, 8, 4, 20, 65, 2].map((m) => m * MiB),
      limits
    )
    expect(steps).toEqual([
      { kind: 'chunk', indexes: [0, 1, 2] },
      { kind: 'chunk', indexes: [3, 4] },
      { kind: 'chunk', indexes: [5] },
      { kind: 'chunk', indexes: [6] },
      { kind: 'tooLarge', index: 7 },
      { kind: 'chunk', indexes: [8] }
    ])
  })
})

describe('fleet histograms', () => {
  it('bins values by powers of two, with 0 or less in a first bin of its own', () => {
    // 0 → the "0 or less" bin; 1 MiB = 2^20 → [1, 2) MiB; 3 MiB → [2, 4); 40 MiB → [32, 64), with
    // the empty [4, 8), [8, 16), [16, 32) between kept.
    const bins = fleetBins([0, 1 * MiB, 3 * MiB, 40 * MiB])
    expect(bins).toEqual([
      { lowBytes: 0, highBytes: 1, hosts: 1 },
      { lowBytes: 1 * MiB, highBytes: 2 * MiB, hosts: 1 },
      { lowBytes: 2 * MiB, highBytes: 4 * MiB, hosts: 1 },
      { lowBytes: 4 * MiB, highBytes: 8 * MiB, hosts: 0 },
      { lowBytes: 8 * MiB, highBytes: 16 * MiB, hosts: 0 },
      { lowBytes: 16 * MiB, highBytes: 32 * MiB, hosts: 0 },
      { lowBytes: 32 * MiB, highBytes: 64 * MiB, hosts: 1 }
    ])
  })

  it('counts savings and static PAMT of the hosts that can enable TDX only', () => {
    const rows = [
      // Savings without a workload: static − (DPAMT static part + dense refcounts).
      fleetHostRow('a', 1000, 10, 2), // 1000 − 12 = 988
      fleetHostRow('b', 500, 5, 1), // 500 − 6 = 494
      fleetHostRow('f', 700, 7, 1, { failure: 'TDMRS_EXHAUSTED' }),
      fleetErrorRowFor('e.log')
    ]
    expect(fleetHistogramValues(rows, 'savings')).toEqual([988, 494])
    expect(fleetHistogramValues(rows, 'staticPamt')).toEqual([1000, 500])
    // 494 is in [256, 512), 988 in [512, 1024).
    expect(fleetHistogramCsv(rows, 'savings').split('\r\n')).toEqual([
      'bin_low_bytes,bin_high_bytes,hosts',
      '256,512,1',
      '512,1024,1',
      ''
    ])
  })
})

describe('fleet report section', () => {
  it('has the words, totals, shapes, the failing and unread files and both histograms', () => {
    const rows = [
      fleetHostRow('a', 1000, 10, 2, { shape: 's1' }),
      fleetHostRow('f', 700, 7, 1, { failure: 'TDMRS_EXHAUSTED' }),
      fleetErrorRowFor('e.log', 3)
    ]
    const acc = new FleetSummaryAccumulator()
    for (const r of rows) acc.add(r)
    const summary = acc.result()
    const section = fleetReportSection(summary, rows)
    expect(section.id).toBe('fleet')
    expect(section.blocks[0]).toEqual({ kind: 'text', paragraphs: summary.words })
    const tables = section.blocks.filter((b): b is ReportTable => b.kind === 'table')
    // Totals over the one TDX-capable host: static 1000, kept 12, savings 988.
    expect(tables[0]!.rows).toContainEqual(['static PAMT', 1000])
    expect(tables[0]!.rows).toContainEqual(['savings', 988])
    expect(tables[2]!.rows).toEqual([
      ['f', 'TDMRS_EXHAUSTED', 'too many TDMRs'],
      ['e.log:3', 'MALFORMED_LINE', 'bad line']
    ])
    expect(section.blocks.filter((b) => b.kind === 'chart')).toHaveLength(2)
  })
})
