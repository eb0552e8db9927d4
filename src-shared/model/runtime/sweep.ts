import { z } from 'zod'
import type { HostAnalysis } from '../host/analyzeHost'
import type { WorkBudget } from '../workEstimate'
import { scenarioSchema, tdClassSchema, type Scenario } from '../workload/scenario'
import { simulateScenario } from './simulate'

/** Parameters a sweep can vary, each applied to every TD class. */
export type SweepParameter = 'share4k' | 'tdCount' | 'fragmentation'

export const SWEEP_PARAMETER_NAMES = ['share4k', 'tdCount', 'fragmentation'] as const

/**
 * Each sweep value is checked as the field it sets (withParameter): share4k sets every class's
 * share2m to 1 − v, a share (0-1); tdCount sets every class's count, a whole number 1-100,000;
 * fragmentation sets host.fragmentation (0-1). Fractions stay fractions: 100 is not 100 %.
 */
const SWEEP_VALUE_RULES: Record<SweepParameter, { schema: z.ZodType<number>; expect: string }> = {
  share4k: {
    schema: tdClassSchema.shape.share2m.unwrap(),
    expect: 'a share of memory from 0 to 1 (0.25 is 25 %)'
  },
  tdCount: { schema: tdClassSchema.shape.count, expect: 'a whole number of TDs from 1 to 100,000' },
  fragmentation: {
    schema: scenarioSchema.shape.host.unwrap().shape.fragmentation.unwrap(),
    expect: 'a fraction from 0 (fresh host) to 1 (fully fragmented)'
  }
}

/** Most values in one sweep. */
export const MAX_SWEEP_VALUES = 101

/** A sweep request (API, CLI): 2-101 values, each valid for its parameter. */
export const sweepRequestSchema = z
  .strictObject({
    parameter: z.enum(SWEEP_PARAMETER_NAMES),
    values: z.array(z.number()).min(2).max(MAX_SWEEP_VALUES)
  })
  .superRefine((sweep, ctx) => {
    const rule = SWEEP_VALUE_RULES[sweep.parameter]
    sweep.values.forEach((v, i) => {
      if (!rule.schema.safeParse(v).success)
        ctx.addIssue({
          code: 'custom',
          path: ['values', i],
          message: `${sweep.parameter} value ${v} is not ${rule.expect}`
        })
    })
  })

export type SweepRequest = z.infer<typeof sweepRequestSchema>

export interface SweepPoint {
  value: number
  peakTotalBytes: number
  averageTotalBytes: number
  savingsAtPeakBytes: number
  peakPairs: number
}

export interface SweepResult {
  parameter: SweepParameter
  staticPamtBytes: number
  points: SweepPoint[]
}

/** The scenario with one parameter set (share4k: 4K share of memory, the rest 2M-mapped). */
export function withParameter(s: Scenario, p: SweepParameter, value: number): Scenario {
  const copy: Scenario = structuredClone(s)
  if (p === 'fragmentation') copy.host.fragmentation = value
  for (const c of copy.tdClasses) {
    if (p === 'share4k') {
      c.share1g = 0
      c.share2m = 1 - value
      c.demoteShare = 0
    } else if (p === 'tdCount') {
      c.count = Math.max(1, Math.round(value))
    }
  }
  return copy
}

/**
 * Run the scenario once per value and collect the savings curve. `onPoint` is told each point's
 * end; with `progress`, each point also reports within itself (docs/workload-model.md, "Progress"):
 * its region visits against `expectedRegionVisits[i]`, the caller's work estimate of point i.
 */
export function sweepScenario(
  host: HostAnalysis,
  scenario: Scenario,
  parameter: SweepParameter,
  values: readonly number[],
  onPoint?: (done: number) => void,
  budget?: WorkBudget,
  progress?: {
    expectedRegionVisits: readonly number[]
    onProgress: (point: number, fraction: number) => void
  }
): SweepResult {
  const points = values.map((value, i) => {
    // A sweep point shows only its peaks: no placement range (placementRange.ts).
    const r = simulateScenario(host, withParameter(scenario, parameter, value), budget, {
      placementRange: false,
      ...(progress
        ? {
            progress: {
              onProgress: (f: number) => progress.onProgress(i, f),
              expectedRegionVisits: progress.expectedRegionVisits[i] ?? 1
            }
          }
        : {})
    })
    onPoint?.(i + 1)
    return {
      value,
      peakTotalBytes: r.replay.peakTotalBytes,
      averageTotalBytes: r.replay.averageTotalBytes,
      savingsAtPeakBytes: r.savingsAtPeakBytes,
      peakPairs: r.replay.peakPairs
    }
  })
  return { parameter, staticPamtBytes: host.staticPamt.bytes, points }
}
