import { describe, expect, it } from 'vitest'
import { buildComparison, delta } from '@shared/compare/buildComparison'
import {
  contentionPinSummary,
  hostPinLabel,
  hostPinSummary,
  type CompareItem
} from '@shared/compare/compareItems'
import { pinColor } from '@shared/charts/compare/pinColors'
import { NODE_PALETTE } from '@shared/charts/nodePalette'
import type { ReportBlock, ReportTable } from '@shared/report/reportBlocks'
import { runContention, contentionSettingsSchema } from '@shared/model/contention/runContention'
import { scenarioSchema } from '@shared/model/workload/scenario'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { fixtureHost } from '../../support/testHosts'
import { SMALL, workedHost } from '../charts/workload/support'
import { SMALL_STORM } from '../charts/contention/support'

const tables = (blocks: ReportBlock[]): ReportTable[] =>
  blocks.filter((b): b is ReportTable => b.kind === 'table')
/** The row of `table` whose metric and unit are these. */
const rowOf = (t: ReportTable, metric: string, unit: string): unknown[] => {
  const r = t.rows.find((x) => x[0] === metric && x[1] === unit)
  if (!r) throw new Error(`no row ${metric} (${unit})`)
  return r
}

// Host A printed "virt/tdx: 1050636 KB allocated for PAMT" (the kernel's own number): 256 GiB in
// 3 TDMRs = 4104·256 + 4·3 KB. Host B: [0,2G) [4G,22G) in 2 TDMRs = 4104·20 + 4·2 = 82,088 KB.
const A = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')
const B = fixtureHost('qemu-q35-guest-20g-on-emr.txt')
const hostItem = (label: string, analysis: typeof A): CompareItem => ({
  kind: 'host-analysis',
  label,
  hostName: `${label}.txt`,
  analysis
})

describe('buildComparison: two hosts', () => {
  const section = buildComparison([hostItem('SPR', A), hostItem('q35', B)])
  const [table] = tables(section.blocks)

  it('has one value column per pin and Δ, Δ % columns for the second', () => {
    expect(section.id).toBe('comparison')
    expect(table!.columns.map((c) => c.key)).toEqual(['metric', 'unit', 'p0', 'p1', 'd1', 'r1'])
    expect(table!.columns.map((c) => c.label)).toEqual([
      'metric',
      'unit',
      'SPR',
      'q35',
      'Δ vs SPR',
      'Δ'
    ])
    expect(table!.columns[5]!.unit).toBe('%')
  })

  it('gives the static PAMT difference from the kernel-log value: 82,088 − 1,050,636 KiB', () => {
    // Δ = 82,088 − 1,050,636 = −968,548 KiB; Δ % = −968,548 / 1,050,636 = −92.1868… → −92.19.
    expect(rowOf(table!, 'Static PAMT', 'KiB')).toEqual([
      'Static PAMT',
      'KiB',
      1_050_636,
      82_088,
      -968_548,
      -92.19
    ])
    // The same in bytes: −968,548 × 1024 = −991,793,152.
    expect(rowOf(table!, 'Static PAMT', 'bytes').slice(4)).toEqual([-991_793_152, -92.19])
  })

  it('compares the DPAMT static part, refcount arrays and TDMR counts', () => {
    // DPAMT static part: A 40·256 + 12 = 10,252 KiB, B 808 KiB → (808 − 10,252) × 1024 = −9,670,656
    // bytes, −9,444 / 10,252 = −92.1186… %.
    expect(rowOf(table!, 'Dynamic PAMT static part', 'bytes').slice(2)).toEqual([
      10_252 * 1024,
      808 * 1024,
      -9_670_656,
      -92.12
    ])
    // Dense refcounts: 129 and 11 pages → −118 × 4096 = −483,328 B, −118/129 = −91.47 %.
    expect(rowOf(table!, 'Refcount array, dense (v6)', 'bytes').slice(2)).toEqual([
      129 * 4096,
      11 * 4096,
      -483_328,
      -91.47
    ])
    // Sparse: 128 and 10 pages → −118 pages as well.
    expect(rowOf(table!, 'Refcount array, sparse', 'bytes')[4]).toBe(-483_328)
    // TDMRs: 3 and 2 → −1, −33.33 %.
    expect(rowOf(table!, 'TDMRs', 'count').slice(2)).toEqual([3, 2, -1, -33.33])
  })

  it('overlays static vs Dynamic PAMT per level, one colour per pin', () => {
    const chart = section.blocks.find((b) => b.kind === 'chart')
    expect(chart?.kind).toBe('chart')
    const series = (chart as { option: { series: Array<{ name: string; color: string }> } }).option
      .series
    expect(series.map((s) => s.name)).toEqual([
      'SPR — static',
      'SPR — Dynamic',
      'q35 — static',
      'q35 — Dynamic'
    ])
    expect(series.map((s) => s.color)).toEqual([
      NODE_PALETTE[0],
      NODE_PALETTE[0],
      NODE_PALETTE[1],
      NODE_PALETTE[1]
    ])
    expect(pinColor(1)).toBe(NODE_PALETTE[1])
  })
})

describe('pin summaries and labels', () => {
  it('names host numbers by their CLI JSON paths', () => {
    expect(hostPinSummary(A)).toMatchObject({
      'staticPamt.kb': 1_050_636,
      'staticPamt.bytes': 1_050_636 * 1024,
      'dynamicPamt.staticBytes': 10_252 * 1024,
      'tdmrs.length': 3
    })
    expect(hostPinLabel('spr.txt', A)).toMatch(/^spr\.txt · (static|dynamic) PAMT · module /)
  })
})

describe('delta', () => {
  it('is null where either side is missing, and has no % of 0 or of a percentage', () => {
    expect(delta(10, 15, 'bytes')).toEqual({ abs: 5, pct: 50 })
    expect(delta(null, 15, 'bytes')).toEqual({ abs: null, pct: null })
    expect(delta(0, 15, 'count')).toEqual({ abs: 15, pct: null })
    // Savings of 40 % and 30 %: 10 percentage points less, no relative delta.
    expect(delta(40, 30, '%')).toEqual({ abs: -10, pct: null })
  })
})

describe('buildComparison: workload runs, contention runs and mixed selections', () => {
  const host = workedHost()
  const two = scenarioSchema.parse(SMALL)
  const one = scenarioSchema.parse({
    ...SMALL,
    tdClasses: [{ ...SMALL.tdClasses[0]!, count: 1 }]
  })
  const run = (s: typeof two): CompareItem => ({
    kind: 'workload-run',
    label: s.tdClasses[0]!.count === 2 ? 'two TDs' : 'one TD',
    hostName: 'worked.log',
    run: { scenario: s, hostName: 'worked.log', result: simulateScenario(host, s), sweep: null }
  })

  it('compares capacity and Dynamic PAMT of two runs and overlays them over time', () => {
    const section = buildComparison([run(two), run(one)])
    const [table] = tables(section.blocks)
    // Both fit the 66 GiB host: 2 and 1 TDs requested and started → −1, −50 %.
    expect(rowOf(table!, 'TDs started (capacity fit)', 'count').slice(2)).toEqual([2, 1, -1, -50])
    // Same host, same static PAMT: [0,2G) and [4G,66G) are 64 GiB in 2 TDMRs, 4104·64 + 4·2 =
    // 262,664 KiB; Δ 0.
    expect(rowOf(table!, 'Static PAMT (reference)', 'bytes').slice(2)).toEqual([
      262_664 * 1024,
      262_664 * 1024,
      0,
      0
    ])
    // The peaks are the model's own output; the delta is their difference.
    const peak = rowOf(table!, 'Dynamic PAMT peak', 'bytes') as number[]
    expect(peak[4]).toBe(peak[3]! - peak[2]!)
    const chart = section.blocks.find((b) => b.kind === 'chart') as {
      option: { series: Array<{ name: string; type: string }> }
    }
    expect(chart.option.series.filter((s) => s.type === 'line').map((s) => s.name)).toContain(
      'one TD'
    )
  })

  it('compares contention runs per design, with the seed spread of a repeated run', () => {
    // A smaller storm than the chart tests' (two 256 MiB TDs): cheap enough for two seeds.
    const storm = scenarioSchema.parse({
      ...SMALL_STORM,
      tdClasses: [{ ...SMALL_STORM.tdClasses[0]!, count: 2, memoryBytes: 256 * 2 ** 20, vcpus: 2 }]
    })
    const contention = (label: string, designs: string[], seeds: number): CompareItem => ({
      kind: 'contention-run',
      label,
      hostName: 'worked.log',
      run: {
        hostName: 'worked.log',
        scenario: storm,
        report: runContention(host, storm, contentionSettingsSchema.parse({ designs, seeds }))
      }
    })
    const a = contention('v6 and always-lock', ['v6', 'always-lock'], 1)
    const b = contention('v6, 2 seeds', ['v6'], 2)
    const [table] = tables(buildComparison([a, b]).blocks)
    // always-lock ran in the first pin only: the second's cell and the deltas are empty.
    expect(rowOf(table!, 'always-lock · total wait', 'ns').slice(3)).toEqual([null, null, null])
    // v6 ran twice with the same scenario seed first: the first seed's numbers are the same.
    expect(rowOf(table!, 'v6 · contended acquisitions', 'count')[4]).toBe(0)
    const spread = rowOf(table!, 'v6 · contended acquisitions, min–max over seeds', 'count')
    expect(spread[2]).toBeNull()
    expect(spread[3]).toMatch(/ – .*\(2 seeds\)$/)
    expect(b.kind === 'contention-run' && contentionPinSummary(b.run)).toMatchObject({
      'report.seeds.length': 2
    })
  })

  it('says when the selection mixes kinds and compares within each kind', () => {
    const section = buildComparison([hostItem('SPR', A), run(two), hostItem('q35', B)])
    const texts = section.blocks.filter((b) => b.kind === 'text')
    expect(texts[0]).toEqual({
      kind: 'text',
      paragraphs: [
        'The selection mixes kinds (2 host analyses, 1 workload run): results are compared within each kind only.'
      ]
    })
    expect(texts[1]!.kind === 'text' && texts[1]!.paragraphs[0]).toMatch(
      /^Workload runs: only one in the selection \(two TDs\)/
    )
    expect(tables(section.blocks).map((t) => t.title)).toEqual(['Host analyses side by side'])
  })

  it('asks for two to four pins when given fewer than two', () => {
    expect(buildComparison([hostItem('SPR', A)]).blocks).toEqual([
      { kind: 'text', paragraphs: ['Choose 2 to 4 pinned results to compare.'] }
    ])
  })
})
