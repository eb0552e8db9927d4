import { describe, expect, it } from 'vitest'
import Papa from 'papaparse'
import type { BarSeriesOption, LineSeriesOption } from 'echarts'
import {
  cdfPoints,
  COMPARISON_SERIES,
  designComparisonChart,
  designComparisonChartCsv,
  designComparisonCsv,
  designSummaries,
  formatCallers,
  formatNs,
  latencyCdfChart,
  latencyCdfCsv,
  lockTimelineChart,
  lockTimelineCsv,
  ninesLabel,
  outcomeLabels,
  RANGE_SERIES,
  renderWhisker,
  TIMELINE_SERIES,
  WHISKER_CAP_PX,
  toNines
} from '@shared/charts/contention'
import type { LockDesign } from '@shared/model/contention/designs'
import type { ContentionOutcome } from '@shared/model/contention/simulateContention'
import { newMmuLockStats } from '@shared/model/contention/mmuLock'
import type { Spread } from '@shared/model/contention/spread'
import { newLockStats, type LockStats } from '@shared/model/contention/spinlock'
import { contention, SMALL_DEMOTE } from './support'

const report = contention()
const demoting = contention(SMALL_DEMOTE, { designs: ['v6', 'module-only'] })

/** An outcome built by hand: the given lock rows and fields, zeros elsewhere. */
function handOutcome(
  design: LockDesign,
  locks: LockStats[],
  over: Partial<ContentionOutcome> = {}
): ContentionOutcome {
  return {
    design,
    demote: 'lock-around',
    locks,
    faults: 0,
    faultSpanNs: 0,
    faultsPerSec: 0,
    teardownSpanNs: 0,
    addedLatency: { meanNs: 0, p50Ns: 0, p99Ns: 0, p999Ns: 0, maxNs: 0 },
    latencyCdf: [],
    pamtAdds: 0,
    pamtRemoves: 0,
    demotes: 0,
    busy: 0,
    retries: 0,
    failedSeamcalls: 0,
    lostRaces: 0,
    lockBuckets: null,
    hazards: 0,
    hazardsByKind: { usedBeforeAdd: 0, removedInUse: 0 },
    pairPages: { allocated: 0, freed: 0 },
    mmuLock: newMmuLockStats(),
    timeline: { binNs: 1, occupancy: [], maxWaiters: [] },
    events: 0,
    ...over
  }
}

const row = (name: string, fields: Partial<LockStats>): LockStats => ({
  ...newLockStats(name),
  ...fields
})

/**
 * Three designs with hand-made lock rows:
 *  - v6: one row, 3 acquisitions, 1 contended (the sameRegionRace case: wait 4150, holds 8150);
 *  - hashed:4: three rows, as a design with several locks could report them (one bucket never
 *    contended);
 *  - module-only: no kernel lock, BUSY and retries instead.
 */
const HAND_OUTCOMES: ContentionOutcome[] = [
  handOutcome(
    'v6',
    [
      row('pamt_lock', {
        acquisitions: 3,
        contended: 1,
        totalWaitNs: 4150,
        maxWaitNs: 4150,
        totalHoldNs: 8150,
        maxHoldNs: 4050,
        contendedByCaller: { tdx_pamt_get: 1 }
      })
    ],
    { addedLatency: { meanNs: 38, p50Ns: 20, p99Ns: 20, p999Ns: 4720, maxNs: 4720 } }
  ),
  handOutcome(
    'hashed:4',
    [
      row('pamt_lock[hash 4]', {
        acquisitions: 400,
        contended: 10,
        totalWaitNs: 50_000,
        maxWaitNs: 9_000,
        totalHoldNs: 1_620_000,
        maxHoldNs: 4_050,
        contendedByCaller: { tdx_pamt_get: 8, tdx_pamt_put: 2 }
      }),
      row('pamt_lock[hash 4]', {
        acquisitions: 300,
        contended: 20,
        totalWaitNs: 130_000,
        maxWaitNs: 12_500,
        totalHoldNs: 1_000_000,
        maxHoldNs: 3_050,
        contendedByCaller: { tdx_pamt_get: 5, tdx_pamt_put: 15 }
      }),
      row('pamt_lock[hash 4]', {
        acquisitions: 300,
        contended: 0,
        totalHoldNs: 80_000,
        maxHoldNs: 4_050
      })
    ],
    {
      busy: 2,
      retries: 2,
      addedLatency: { meanNs: 90, p50Ns: 20, p99Ns: 4580, p999Ns: 9000, maxNs: 16000 }
    }
  ),
  handOutcome('module-only', [], { busy: 7, retries: 7, hazards: 3 })
]

describe('labels and summaries', () => {
  it('names designs, and the DEMOTE variant only when the run has both', () => {
    expect(outcomeLabels(report.outcomes)).toEqual(['v6', 'per-2m', 'hashed:64', 'module-only'])
    expect(outcomeLabels(demoting.outcomes)).toEqual([
      'v6 · lock-around',
      'v6 · try-then-lock',
      'module-only · lock-around',
      'module-only · try-then-lock'
    ])
  })

  it('formats times with three significant figures', () => {
    expect(formatNs(20)).toBe('20 ns')
    expect(formatNs(4580)).toBe('4.58 µs')
    expect(formatNs(47_500)).toBe('47.5 µs')
    expect(formatNs(4.05e6)).toBe('4.05 ms')
    expect(formatNs(1.2e9)).toBe('1.20 s')
  })

  it('sums lock rows per design: contended %, perf avg wait, hold times, callers', () => {
    const [v6, hashed, moduleOnly] = designSummaries(HAND_OUTCOMES)
    // v6, one row: 1 of 3 contended; avg wait 4150 / 1; mean hold 8150 / 3.
    expect(v6).toMatchObject({
      label: 'v6',
      acquisitions: 3,
      contended: 1,
      contendedFraction: 1 / 3,
      totalWaitNs: 4150,
      maxWaitNs: 4150,
      avgWaitNs: 4150,
      meanHoldNs: 8150 / 3,
      maxHoldNs: 4050,
      addedP99Ns: 20,
      contendedByCaller: { tdx_pamt_get: 1 }
    })
    // hashed:4, three rows summed:
    //   acquisitions 400 + 300 + 300 = 1000, contended 10 + 20 + 0 = 30: 3 %;
    //   total wait 50000 + 130000 = 180000; perf's avg wait is total / contended = 6000 (not the
    //   mean of the rows' averages, (5000 + 6500) / 2 = 5750); max wait 12500 (the larger row);
    //   mean hold (1620000 + 1000000 + 80000) / 1000 = 2700, max hold 4050;
    //   callers: get 8 + 5 = 13, put 2 + 15 = 17.
    expect(hashed).toMatchObject({
      label: 'hashed:4',
      acquisitions: 1000,
      contended: 30,
      contendedFraction: 0.03,
      totalWaitNs: 180_000,
      maxWaitNs: 12_500,
      avgWaitNs: 6000,
      meanHoldNs: 2700,
      maxHoldNs: 4050,
      busy: 2,
      retries: 2,
      contendedByCaller: { tdx_pamt_get: 13, tdx_pamt_put: 17 }
    })
    // module-only takes no kernel lock: zeros, not NaN; BUSY, retries and hazards passed through.
    expect(moduleOnly).toMatchObject({
      acquisitions: 0,
      contended: 0,
      contendedFraction: 0,
      avgWaitNs: 0,
      meanHoldNs: 0,
      busy: 7,
      retries: 7,
      hazards: 3,
      contendedByCaller: {}
    })
    expect(v6!.hazards).toBe(0)
  })

  it('a lock taken but never contended has avg wait 0, not NaN', () => {
    const [s] = designSummaries([
      handOutcome('v6', [row('pamt_lock', { acquisitions: 5, totalHoldNs: 500 })])
    ])
    expect(s).toMatchObject({ contendedFraction: 0, avgWaitNs: 0, meanHoldNs: 100 })
  })

  it('lists callers most contended first', () => {
    expect(formatCallers({ tdx_pamt_put: 53, tdx_pamt_get: 701 })).toBe(
      'tdx_pamt_get 701, tdx_pamt_put 53'
    )
    expect(formatCallers({})).toBe('')
  })
})

describe('latencyCdfChart', () => {
  const option = latencyCdfChart(report.outcomes)
  const series = option.series as LineSeriesOption[]

  it('draws one line per design on a log axis in ns', () => {
    expect(series.map((s) => s.name)).toEqual(outcomeLabels(report.outcomes))
    expect((option.xAxis as { type: string }).type).toBe('log')
    const fmt = (option.xAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel
      .formatter
    expect(fmt(1000)).toBe('1.00 µs')
  })

  it('puts the CDF on a percentile scale: 90 %, 99 %, 99.9 % equally spaced', () => {
    expect(toNines(0.9, 1000)).toBeCloseTo(1, 9)
    expect(toNines(0.999, 1e6)).toBeCloseTo(3, 9)
    // 100 % lands half a fault beyond the run's resolution, not at infinity.
    expect(toNines(1, 1000)).toBeCloseTo(Math.log10(2000), 6)
    expect(ninesLabel(0)).toBe('0 %')
    expect(ninesLabel(2)).toBe('99 %')
    expect(ninesLabel(3)).toBe('99.9 %')
    expect(ninesLabel(4)).toBe('99.99 %')
    const y = option.yAxis as { axisLabel: { formatter: (v: number) => string }; interval: number }
    expect(y.interval).toBe(1)
    expect(y.axisLabel.formatter(1)).toBe('90 %')
  })

  it('rises from 0 % to all faults and never puts 0 on the log axis', () => {
    for (const o of report.outcomes) {
      const pts = cdfPoints(o)
      expect(pts[0]![1]).toBe(0)
      expect(pts[pts.length - 1]![1]).toBeCloseTo(toNines(1, o.faults), 6)
      expect(pts.every(([x]) => x >= 1)).toBe(true)
      for (let i = 1; i < pts.length; i++) expect(pts[i]![1]).toBeGreaterThanOrEqual(pts[i - 1]![1])
    }
  })

  it('has the CSV of every point', () => {
    const rows = Papa.parse<string[]>(latencyCdfCsv(report.outcomes).trim()).data
    expect(rows[0]).toEqual(['design', 'demote', 'added_latency_ns', 'cumulative_fraction'])
    expect(rows.length - 1).toBe(report.outcomes.reduce((s, o) => s + o.latencyCdf.length, 0))
  })
})

describe('designComparisonChart', () => {
  const option = designComparisonChart(HAND_OUTCOMES)
  const series = option.series as BarSeriesOption[]

  it('groups contended %, BUSY and retries, and the added-latency percentiles', () => {
    expect(series.map((s) => s.name)).toEqual(Object.values(COMPARISON_SERIES).map((s) => s.name))
    expect((option.xAxis as Array<{ data: string[] }>)[0]!.data).toEqual([
      'v6',
      'hashed:4',
      'module-only'
    ])
    // Contended % to 4 decimals: 1/3 = 33.3333 %, 30/1000 = 3 %, no lock = 0.
    expect(series[0]!.data).toEqual([33.3333, 3, 0])
    expect(series[1]!.data).toEqual([0, 2, 7])
    expect(series[2]!.data).toEqual([0, 2, 7])
    // p50, p99, p99.9 on a log axis: a 0 (module-only's empty histogram) is drawn at 1 ns.
    expect(series[3]!.data).toEqual([20, 20, 1])
    expect(series[4]!.data).toEqual([20, 4580, 1])
    expect(series[5]!.data).toEqual([4720, 9000, 1])
    expect(series.slice(3).every((s) => s.xAxisIndex === 2 && s.yAxisIndex === 2)).toBe(true)
  })

  it('has no whiskers for a single seed', () => {
    expect(series.some((s) => (s as { type?: string }).type === 'custom')).toBe(false)
  })

  it('over several seeds, whiskers from min to max of contended % and p99 where a spread exists', () => {
    const spreadOf = (min: number, median: number, max: number): Spread => ({ min, median, max })
    const zero = spreadOf(0, 0, 0)
    const spread = {
      contended: zero,
      // 0.02 and 0.05 of acquisitions: 2 % and 5 %.
      contendedFraction: spreadOf(0.02, 0.03, 0.05),
      totalWaitNs: zero,
      // A p99 of 0 is drawn at 1 ns on the log axis, as the bars are.
      p99AddedNs: spreadOf(0, 4580, 6000),
      busy: zero,
      hazards: zero,
      lostRaces: zero
    }
    // Only hashed:4 (index 1) has a spread: the other designs get no whisker.
    const outcomes = HAND_OUTCOMES.map((o, i) => (i === 1 ? { ...o, spread } : o))
    const all = designComparisonChart(outcomes).series as Array<{
      name: string
      type: string
      xAxisIndex: number
      data: number[][]
    }>
    expect(all.slice(0, 6).map((s) => s.name)).toEqual(
      Object.values(COMPARISON_SERIES).map((s) => s.name)
    )
    const [contended, p99] = all.slice(6)
    expect(contended).toMatchObject({ name: RANGE_SERIES.contended.name, type: 'custom' })
    expect(contended!.xAxisIndex).toBe(0)
    expect(contended!.data).toEqual([[1, 2, 5]])
    expect(p99).toMatchObject({ name: RANGE_SERIES.p99.name, type: 'custom', xAxisIndex: 2 })
    expect(p99!.data).toEqual([[1, 1, 6000]])
  })

  it('draws a whisker as a line from min to max with caps at both ends', () => {
    const row = [1, 2, 5]
    // A made-up coordinate system: category i at x = 100 + 50 i, value v at y = 200 - 10 v.
    const api = {
      value: (i: number) => row[i],
      coord: ([x, v]: [number, number]) => [100 + 50 * x, 200 - 10 * v]
    }
    type Line = { type: string; shape: { x1: number; y1: number; x2: number; y2: number } }
    const render = renderWhisker('#000') as unknown as (
      p: unknown,
      a: typeof api
    ) => { type: string; children: Line[] }
    const out = render({}, api)
    expect(out.type).toBe('group')
    // Category 1: x = 150; min 2 at y = 180, max 5 at y = 150.
    const c = WHISKER_CAP_PX
    expect(out.children.map((l) => l.shape)).toEqual([
      { x1: 150, y1: 180, x2: 150, y2: 150 },
      { x1: 150 - c, y1: 180, x2: 150 + c, y2: 180 },
      { x1: 150 - c, y1: 150, x2: 150 + c, y2: 150 }
    ])
    expect(out.children.every((l) => l.type === 'line')).toBe(true)
  })

  it('exports the comparison as CSV with raw ns, one row per design', () => {
    const parsed = Papa.parse<Record<string, string>>(designComparisonCsv(HAND_OUTCOMES), {
      header: true,
      skipEmptyLines: true
    })
    expect(parsed.data.map((r) => r.design)).toEqual(['v6', 'hashed:4', 'module-only'])
    // The hashed:4 sums (see 'sums lock rows per design'); ns rounded to integers.
    expect(parsed.data[1]).toMatchObject({
      acquisitions: '1000',
      contended: '30',
      contended_fraction: '0.03',
      total_wait_ns: '180000',
      max_wait_ns: '12500',
      avg_wait_ns: '6000',
      mean_hold_ns: '2700',
      max_hold_ns: '4050',
      busy: '2',
      contended_by_caller: 'tdx_pamt_put 17, tdx_pamt_get 13'
    })
    // v6: mean hold 8150 / 3 = 2716.67, rounded.
    expect(parsed.data[0]!.mean_hold_ns).toBe('2717')
    expect(parsed.data[2]!.contended_by_caller).toBe('')
    expect(parsed.data.map((r) => r.hazards)).toEqual(['0', '0', '3'])
    expect(parsed.meta.fields).toContain('added_p999_ns')
    // One seed: no spread columns at all.
    expect(parsed.meta.fields!.some((f) => f.endsWith('_median'))).toBe(false)
  })

  /** hashed:4 (index 1) run over several seeds, the others with one (a hand-made spread). */
  const withSpread = (): ContentionOutcome[] => {
    const s = (min: number, median: number, max: number): Spread => ({ min, median, max })
    const spread = {
      contended: s(20, 30, 45),
      contendedFraction: s(0.02, 0.03, 0.045),
      totalWaitNs: s(120000.4, 180000, 250000.6),
      p99AddedNs: s(3000.2, 4580, 6000.7),
      busy: s(1, 2, 4),
      hazards: s(0, 0, 0),
      lostRaces: s(0, 1.5, 3)
    }
    return HAND_OUTCOMES.map((o, i) => (i === 1 ? { ...o, spread } : o))
  }

  it('adds min, median and max columns of each spread metric over several seeds', () => {
    const parsed = Papa.parse<Record<string, string>>(designComparisonCsv(withSpread()), {
      header: true,
      skipEmptyLines: true
    })
    expect(parsed.data[1]).toMatchObject({
      contended_min: '20',
      contended_median: '30',
      contended_max: '45',
      contended_fraction_max: '0.045',
      // ns columns in whole ns: 120000.4 → 120000, 250000.6 → 250001.
      total_wait_ns_min: '120000',
      total_wait_ns_max: '250001',
      added_p99_ns_min: '3000',
      added_p99_ns_max: '6001',
      busy_max: '4',
      // An even number of seeds can give a half median of a count.
      lost_races_median: '1.5'
    })
    // A design without a spread leaves its cells empty.
    expect(parsed.data[0]!.contended_median).toBe('')
  })

  it('exports the chart’s own values, not the table, as the chart CSV', () => {
    const chart = designComparisonChartCsv(withSpread())
    expect(chart).not.toBe(designComparisonCsv(withSpread()))
    const parsed = Papa.parse<Record<string, string>>(chart, { header: true, skipEmptyLines: true })
    expect(parsed.meta.fields).toEqual([
      'design',
      'demote',
      'contended_percent',
      'contended_percent_min',
      'contended_percent_max',
      'busy',
      'retries',
      'added_p50_ns',
      'added_p99_ns',
      'added_p99_ns_min',
      'added_p99_ns_max',
      'added_p999_ns'
    ])
    // hashed:4: 30 of 1000 acquisitions contended = 3 %; whiskers 2 % and 4.5 %.
    expect(parsed.data[1]).toMatchObject({
      design: 'hashed:4',
      contended_percent: '3',
      contended_percent_min: '2',
      contended_percent_max: '4.5',
      added_p99_ns_min: '3000',
      added_p99_ns_max: '6001'
    })
    // Every line, the last one too, ends with a newline.
    expect(chart.endsWith('\r\n')).toBe(true)
  })
})

describe('lockTimelineChart', () => {
  const o = report.outcomes[0]!
  const option = lockTimelineChart(o)
  const series = option.series as LineSeriesOption[]

  it('draws occupancy and max waiters over time, waiters on the second axis', () => {
    expect(series.map((s) => s.name)).toEqual([TIMELINE_SERIES.occupancy, TIMELINE_SERIES.waiters])
    expect(series[0]!.data).toHaveLength(o.timeline.occupancy.length)
    expect(series[1]!.yAxisIndex).toBe(1)
    const [x, y] = (series[0]!.data as Array<[number, number]>)[1]!
    expect(x).toBeCloseTo(o.timeline.binNs / 1e9, 12)
    expect(y).toBe(o.timeline.occupancy[1])
    expect(Math.max(...o.timeline.occupancy)).toBeLessThanOrEqual(1)
  })

  it('has a CSV row per bin', () => {
    const rows = Papa.parse<string[]>(lockTimelineCsv(o).trim()).data
    expect(rows[0]).toEqual(['bin_start_ns', 'bin_ns', 'mean_locks_held', 'max_waiters'])
    expect(rows).toHaveLength(o.timeline.occupancy.length + 1)
  })
})
