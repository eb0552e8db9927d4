import type { SweepParameter } from '../../model/runtime/sweep'

/** How each sweep parameter is named, shown and entered (fractions are entered as percent). */
export const SWEEP_PARAMETERS: Readonly<
  Record<
    SweepParameter,
    {
      label: string
      /** Axis name. */
      axis: string
      /** Entered and shown in percent; sent as a fraction 0..1. */
      percent: boolean
      /** Default range in the units the user types (percent or TD count). */
      defaults: { from: number; to: number; steps: number }
    }
  >
> = {
  share4k: {
    label: '4K-mapped share of TD memory',
    axis: '4K-mapped share (%)',
    percent: true,
    defaults: { from: 0, to: 100, steps: 11 }
  },
  tdCount: {
    label: 'TD count (every class)',
    axis: 'TDs per class',
    percent: false,
    defaults: { from: 1, to: 20, steps: 20 }
  },
  fragmentation: {
    label: 'Host fragmentation (modelled)',
    axis: 'fragmentation (%)',
    percent: true,
    defaults: { from: 0, to: 100, steps: 11 }
  }
}

/** The parameter value as shown: "40 %" or "12". */
export function formatSweepValue(parameter: SweepParameter, value: number): string {
  return SWEEP_PARAMETERS[parameter].percent
    ? `${Number((value * 100).toFixed(2))} %`
    : `${Number(value.toFixed(2))}`
}

/**
 * `steps` evenly spaced values from `from` to `to` in the user's units, converted to the values the
 * model takes (fractions for percent parameters, whole TD counts, duplicates removed).
 */
export function sweepValues(
  parameter: SweepParameter,
  from: number,
  to: number,
  steps: number
): number[] {
  const n = Math.max(2, Math.round(steps))
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const v = from + ((to - from) * i) / (n - 1)
    out.push(
      SWEEP_PARAMETERS[parameter].percent
        ? Number((v / 100).toFixed(6))
        : Math.max(1, Math.round(v))
    )
  }
  return [...new Set(out)]
}
