import { describe, expect, it } from 'vitest'
import type { LineSeriesOption } from 'echarts'
import { pamtOverTimeOverlayChart } from '@shared/charts/compare/pamtOverTimeOverlayChart'
import { contentionCompareChart } from '@shared/charts/compare/contentionCompareChart'
import { hostPamtCompareChart } from '@shared/charts/compare/hostPamtCompareChart'
import { WORKLOAD_COLORS } from '@shared/charts/workload/colors'
import { NODE_PALETTE } from '@shared/charts/nodePalette'
import { SMALL, simulate, workedHost } from '../workload/support'

describe('pamtOverTimeOverlayChart', () => {
  const a = simulate()
  // Peaks made up near static PAMT (256.5 MiB): 200 MiB × 1.2 = 240 MiB, rounded up to its 64 MiB
  // tick = 256 MiB, and 256.5 MiB is within twice that: on the scale, drawn.
  const near = { ...a, replay: { ...a.replay, peakTotalBytes: 200 * 2 ** 20 } }
  const b = simulate({ ...SMALL, name: 'copy' })

  it('draws one total per run in its pin colour, and one static PAMT line when they share it', () => {
    const option = pamtOverTimeOverlayChart([
      { label: 'A', result: near },
      {
        label: 'B',
        result: { ...b, replay: { ...b.replay, peakTotalBytes: 200 * 2 ** 20 } },
        colorIndex: 3
      }
    ])
    const series = option.series as LineSeriesOption[]
    expect(series.map((s) => s.name)).toEqual(['A', 'B', 'static PAMT (all)'])
    expect(series.map((s) => s.color)).toEqual([
      NODE_PALETTE[0],
      NODE_PALETTE[3],
      WORKLOAD_COLORS.staticPamt
    ])
    // One point per sample, seconds from the start: the first at 0 s.
    expect((series[0]!.data as number[][])[0]![0]).toBe(0)
    expect((series[0]!.data as number[][]).length).toBe(a.replay.timeNs.length)
  })

  it('names a static PAMT far above every Dynamic PAMT peak instead of drawing it', () => {
    // The worked host's static PAMT (4104·64 + 8 KB ≈ 256.5 MiB) against a made-up run whose
    // Dynamic PAMT peaks at 1 MiB: the zoomed top is 1.2 MiB rounded up to its power-of-two tick
    // (0.25 MiB) = 1.25 MiB, far below half of 256.5 MiB, so the line is off scale.
    const small = { ...a, replay: { ...a.replay, peakTotalBytes: 2 ** 20 } }
    const option = pamtOverTimeOverlayChart([
      { label: 'A', result: small },
      { label: 'B', result: small }
    ])
    expect((option.series as LineSeriesOption[]).map((s) => s.name)).toEqual(['A', 'B'])
    const title = option.title as { subtext: string }
    expect(title.subtext).toContain('static PAMT off scale: A 256.51 MiB, B 256.51 MiB')
  })
})

describe('contentionCompareChart', () => {
  it('gives every design of any run a category, and a run without it no bar', () => {
    const values = (c: number): Record<string, number> => ({
      contended: c,
      contendedFraction: c / 10,
      totalWaitNs: c * 100,
      p99AddedNs: 20
    })
    const option = contentionCompareChart([
      {
        label: 'one',
        designs: [
          { label: 'v6', values: values(10), spread: null, seeds: 1 },
          { label: 'per-2m', values: values(0), spread: null, seeds: 1 }
        ]
      },
      { label: 'two', designs: [{ label: 'v6', values: values(20), spread: null, seeds: 1 }] }
    ])
    const xAxis = option.xAxis as Array<{ data: string[] }>
    expect(xAxis[0]!.data).toEqual(['v6', 'per-2m'])
    const series = option.series as Array<{ name: string; data: Array<number | null> }>
    // Contended %: 10/10 = 1 and 0 for "one"; 2 and nothing for "two" (no per-2m run).
    expect(series[0]).toMatchObject({ name: 'one', data: [1, 0] })
    expect(series[1]).toMatchObject({ name: 'two', data: [2, null] })
    // Total wait on a log axis: a 0 ns wait has no bar (the table shows the 0).
    expect(series[2]).toMatchObject({ name: 'one', data: [1000, null] })
  })
})

describe('hostPamtCompareChart', () => {
  it('ends its log axis at the power of 1024 at or above the largest bar', () => {
    const option = hostPamtCompareChart([
      { label: 'A', analysis: workedHost() },
      { label: 'B', analysis: workedHost() }
    ])
    const max = (option.xAxis as { max: (e: { max: number }) => number }).max
    // 256.5 MiB of static PAMT: the next power of 1024 is 1 GiB; exactly 1 MiB stays 1 MiB.
    expect(max({ max: 262_664 * 1024 })).toBe(1024 ** 3)
    expect(max({ max: 1024 ** 2 })).toBe(1024 ** 2)
  })
})
