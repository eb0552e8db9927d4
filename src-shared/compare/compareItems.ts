import type { ContentionRun, SimulationRun } from '../api/contract'
import type { HostAnalysis } from '../model/host/analyzeHost'
import { outcomeLabels } from '../model/contention/designs'
import { outcomeMetrics } from '../model/contention/spread'
import type { ContentionOutcome } from '../model/contention/simulateContention'

/**
 * What a comparison compares (docs/workspaces.md, "Pinned results" and "Compare"): the full result
 * of each pinned input, re-run through the API (the model is deterministic), with the pin's label
 * and the host it ran on.
 */
export type CompareItem =
  | { kind: 'host-analysis'; label: string; hostName: string; analysis: HostAnalysis }
  | { kind: 'workload-run'; label: string; hostName: string; run: SimulationRun }
  | { kind: 'contention-run'; label: string; hostName: string; run: ContentionRun }

export type CompareKind = CompareItem['kind']

/** The unit a headline number is in; the comparison table prints it in its own column. */
export type MetricUnit = 'bytes' | 'KiB' | 'count' | '%' | 'ns'

/**
 * One headline number: `key` is its path in the CLI JSON (`pamt-planner analyze --json`,
 * `simulate --json`, `contention --json`), so a pin's `summary`, the table and the CLI name it alike.
 */
export interface Metric {
  key: string
  label: string
  unit: MetricUnit
}

/** A pin's summary: the headline numbers by their CLI JSON path (workspaceSchema pin `summary`). */
export type PinSummary = Record<string, number | string | null>

/** Host analysis headline numbers (docs/host-model.md; CLI JSON names). */
export const HOST_METRICS: readonly Metric[] = [
  { key: 'host.tdxMemoryBytes', label: 'TDX memory', unit: 'bytes' },
  { key: 'tdmrs.length', label: 'TDMRs', unit: 'count' },
  { key: 'staticPamt.kb', label: 'Static PAMT', unit: 'KiB' },
  { key: 'staticPamt.bytes', label: 'Static PAMT', unit: 'bytes' },
  { key: 'dynamicPamt.staticBytes', label: 'Dynamic PAMT static part', unit: 'bytes' },
  { key: 'refcounts.denseBytes', label: 'Refcount array, dense (v6)', unit: 'bytes' },
  { key: 'refcounts.sparseBytes', label: 'Refcount array, sparse', unit: 'bytes' }
]

/** Workload run headline numbers (docs/workload-model.md; `simulate --json` names). */
export const WORKLOAD_METRICS: readonly Metric[] = [
  { key: 'result.capacity.tdsRequested', label: 'TDs requested', unit: 'count' },
  { key: 'result.capacity.tdsStarted', label: 'TDs started (capacity fit)', unit: 'count' },
  { key: 'result.staticPamtBytes', label: 'Static PAMT (reference)', unit: 'bytes' },
  { key: 'result.replay.peakTotalBytes', label: 'Dynamic PAMT peak', unit: 'bytes' },
  { key: 'result.replay.averageTotalBytes', label: 'Dynamic PAMT average', unit: 'bytes' },
  { key: 'result.savingsAtPeakBytes', label: 'Savings vs static at peak', unit: 'bytes' },
  { key: 'result.savingsAtPeakFraction', label: 'Savings vs static at peak', unit: '%' }
]

/**
 * Contention headline numbers per design (docs/contention-model.md; `contention --json` outcome
 * metrics, spread.ts): kernel lock rows summed as the design table sums them.
 */
export const CONTENTION_METRICS: readonly Metric[] = [
  { key: 'contended', label: 'contended acquisitions', unit: 'count' },
  { key: 'contendedFraction', label: 'contended', unit: '%' },
  { key: 'totalWaitNs', label: 'total wait', unit: 'ns' },
  { key: 'p99AddedNs', label: 'added fault latency p99', unit: 'ns' }
]

/** A host analysis's HOST_METRICS values by key (kernel-exact sizes, docs/host-model.md). */
export function hostMetricValues(a: HostAnalysis): Record<string, number> {
  return {
    'host.tdxMemoryBytes': a.tdxMemoryBytes,
    'tdmrs.length': a.tdmrs.length,
    'staticPamt.kb': a.staticPamt.kb,
    'staticPamt.bytes': a.staticPamt.bytes,
    'dynamicPamt.staticBytes': a.dynamicPamt.staticBytes,
    'refcounts.denseBytes': a.refcounts.denseBytes,
    'refcounts.sparseBytes': a.refcounts.sparseBytes
  }
}

/** A simulation's WORKLOAD_METRICS values by key; no capacity (a trace) gives null. */
export function workloadMetricValues(run: SimulationRun): Record<string, number | null> {
  const r = run.result
  return {
    'result.capacity.tdsRequested': r.capacity?.tdsRequested ?? null,
    'result.capacity.tdsStarted': r.capacity?.tdsStarted ?? null,
    'result.staticPamtBytes': r.staticPamtBytes,
    'result.replay.peakTotalBytes': r.replay.peakTotalBytes,
    'result.replay.averageTotalBytes': r.replay.averageTotalBytes,
    'result.savingsAtPeakBytes': r.savingsAtPeakBytes,
    // Fractions are shown as percentages (unit '%'), as the Workload view shows them.
    'result.savingsAtPeakFraction': r.savingsAtPeakFraction * 100
  }
}

/** One design of a contention run: its label (as the design table), metrics and seed spread. */
export interface DesignMetrics {
  label: string
  values: Record<string, number>
  /** Min and max over the seeds, when the run had several (same keys as `values`). */
  spread: Record<string, { min: number; max: number }> | null
  seeds: number
}

/** Each design (and DEMOTE variant) of a contention run with its CONTENTION_METRICS values. */
export function contentionDesignMetrics(run: ContentionRun): DesignMetrics[] {
  const outcomes: readonly ContentionOutcome[] = run.report.outcomes
  const labels = outcomeLabels(outcomes)
  return outcomes.map((o, i) => {
    const m = outcomeMetrics(o)
    const s = o.spread
    const pct = (f: number): number => f * 100
    return {
      label: labels[i]!,
      values: {
        contended: m.contended,
        contendedFraction: pct(m.contendedFraction),
        totalWaitNs: m.totalWaitNs,
        p99AddedNs: m.p99AddedNs
      },
      spread: s
        ? {
            contended: { min: s.contended.min, max: s.contended.max },
            contendedFraction: {
              min: pct(s.contendedFraction.min),
              max: pct(s.contendedFraction.max)
            },
            totalWaitNs: { min: s.totalWaitNs.min, max: s.totalWaitNs.max },
            p99AddedNs: { min: s.p99AddedNs.min, max: s.p99AddedNs.max }
          }
        : null,
      seeds: run.report.seeds.length
    }
  })
}

/** A pin's `summary` of a host analysis: the headline numbers by CLI JSON path. */
export function hostPinSummary(a: HostAnalysis): PinSummary {
  return { 'host.name': a.name, ...hostMetricValues(a) }
}

/** A pin's `summary` of a simulation: scenario, seed and the headline numbers. */
export function workloadPinSummary(run: SimulationRun): PinSummary {
  return {
    'scenario.name': run.scenario.name,
    'result.seed': run.result.seed,
    ...workloadMetricValues(run)
  }
}

/** Contention: per design `report.outcomes.<label>.<metric>` (first seed), and the seed count. */
export function contentionPinSummary(run: ContentionRun): PinSummary {
  const out: PinSummary = {
    'scenario.name': run.scenario.name,
    'report.seeds.length': run.report.seeds.length
  }
  for (const d of contentionDesignMetrics(run))
    for (const [k, v] of Object.entries(d.values)) out[`report.outcomes.${d.label}.${k}`] = v
  return out
}

/** Longest pin label (workspaceSchema). */
export const MAX_PIN_LABEL = 200

/** "<host> · <what>": a pin's default label, cut to the schema's limit. */
function joinLabel(parts: Array<string | undefined>): string {
  return parts
    .filter((p): p is string => !!p)
    .join(' · ')
    .slice(0, MAX_PIN_LABEL)
}

/**
 * Host pins: "<host> · <PAMT mode> PAMT · module <set>", and the hole source when it is not the
 * mainline default (memory blocks, `e820`).
 */
export function hostPinLabel(hostName: string, a: HostAnalysis): string {
  const o = a.options
  return joinLabel([
    hostName,
    `${o.pamtMode} PAMT`,
    `module ${a.moduleParamSet.id}${a.moduleParamSet.overridden.length ? ' (edited)' : ''}`,
    o.holeSource !== 'e820' ? `holes from ${o.holeSource}` : undefined
  ])
}

/** Workload pins: "<host> · <scenario> · seed N". */
export function workloadPinLabel(hostName: string, run: SimulationRun): string {
  return joinLabel([hostName, run.scenario.name, `seed ${run.result.seed}`])
}

/** Contention pins: "<host> · <scenario> · <design set>". */
export function contentionPinLabel(hostName: string, run: ContentionRun): string {
  const designs = run.report.settings.designs.join(', ')
  const seeds = run.report.seeds.length
  return joinLabel([
    hostName,
    run.scenario.name,
    `${designs}${seeds > 1 ? ` × ${seeds} seeds` : ''}`
  ])
}

/** What a kind is called in sentences ("2 host analyses"). */
export function kindNoun(kind: CompareKind, n: number): string {
  const one = n === 1
  switch (kind) {
    case 'host-analysis':
      return one ? 'host analysis' : 'host analyses'
    case 'workload-run':
      return one ? 'workload run' : 'workload runs'
    case 'contention-run':
      return one ? 'contention run' : 'contention runs'
  }
}
