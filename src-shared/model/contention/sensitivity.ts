import { contentionCostsSchema, type ContentionCosts } from './costs'
import type { LockDesign } from './designs'
import type { ContentionOutcome } from './simulateContention'
import { outcomeMetrics, spreadOf, type Spread } from './spread'

/**
 * Sensitivity of a contention run to its unknowns (docs/contention-model.md, "Sensitivity"): every
 * cost and the kernel page window, one at a time, at a quarter and at four times the run's value,
 * every design × DEMOTE variant × seed at each point, and whether the base run's conclusions
 * ("A contends less than B") survive. Pure: runContention runs the points, this file plans them
 * and judges the results.
 */

/** The ends of the range: base / FACTOR and base × FACTOR. */
export const SENSITIVITY_FACTOR = 4

/** The largest kernel page window the settings schema accepts (runContention.ts). */
export const KERNEL_WINDOW_REGIONS_MAX = 4096

export type CostKey = keyof ContentionCosts
/** Every cost (serviceCv included: it is unknown too) and the kernel page window. */
export type SensitivityParameter = CostKey | 'kernelWindowRegions'
export type SensitivityEnd = 'low' | 'high'

/** Every parameter the sensitivity varies, in the cost schema's order, then the kernel window. */
export const SENSITIVITY_PARAMETERS: readonly SensitivityParameter[] = [
  ...(Object.keys(contentionCostsSchema.shape) as CostKey[]),
  'kernelWindowRegions'
]

/** What the plan needs of the run's settings. */
export interface SensitivityBase {
  costs: ContentionCosts
  kernelWindowRegions: number
}

/** One parameter's base value (the run's: the default unless set) and its two ends. */
export interface SensitivityRange {
  parameter: SensitivityParameter
  base: number
  low: number
  high: number
  /** Present when an end was held to the schema's bounds: which, and why. */
  clamped?: string
}

export interface SkippedParameter {
  parameter: SensitivityParameter
  reason: string
}

export interface SensitivityPlan {
  parameters: SensitivityRange[]
  skipped: SkippedParameter[]
}

/** The schema's upper bound of a cost (serviceCv: 4), else Infinity. */
function costMax(key: CostKey): number {
  const max = contentionCostsSchema.shape[key].unwrap().maxValue
  return max === null ? Infinity : max
}

/** The run's value of a parameter. */
export function parameterValue(s: SensitivityBase, p: SensitivityParameter): number {
  return p === 'kernelWindowRegions' ? s.kernelWindowRegions : s.costs[p]
}

/** The settings with one parameter set to `value`, everything else as the run's. */
export function withParameterValue<T extends SensitivityBase>(
  s: T,
  p: SensitivityParameter,
  value: number
): T {
  return p === 'kernelWindowRegions'
    ? { ...s, kernelWindowRegions: value }
    : { ...s, costs: { ...s.costs, [p]: value } }
}

/**
 * One parameter's ends: base / 4 and base × 4. The kernel window counts regions: whole numbers
 * (rounded), at least 1 and at most KERNEL_WINDOW_REGIONS_MAX. A cost is held to its schema's
 * maximum (serviceCv ≤ 4). Either hold is said in `clamped`.
 */
export function sensitivityRange(p: SensitivityParameter, base: number): SensitivityRange {
  let low = base / SENSITIVITY_FACTOR
  let high = base * SENSITIVITY_FACTOR
  const notes: string[] = []
  if (p === 'kernelWindowRegions') {
    const lowWhole = Math.max(1, Math.round(low))
    if (lowWhole !== low)
      notes.push(
        low < 0.5
          ? `low end 1 region: a window holds at least one`
          : `low end rounded to ${lowWhole} region${lowWhole === 1 ? '' : 's'}`
      )
    low = lowWhole
    const highWhole = Math.min(KERNEL_WINDOW_REGIONS_MAX, Math.round(high))
    if (highWhole !== high)
      notes.push(`high end held at ${highWhole} regions, the settings' maximum`)
    high = highWhole
  } else {
    const max = costMax(p)
    if (high > max) {
      notes.push(`high end held at ${max}, the settings' maximum (not ×${SENSITIVITY_FACTOR})`)
      high = max
    }
  }
  return { parameter: p, base, low, high, ...(notes.length ? { clamped: notes.join('; ') } : {}) }
}

/**
 * The points a sensitivity runs: every parameter but demoteNs when the scenario does not demote
 * (no DEMOTE is ever made, so its cost cannot matter) and any parameter whose run value is 0 (a
 * quarter and four times 0 are 0: the base run again). Skipped ones are listed with the reason.
 */
export function sensitivityPlan(s: SensitivityBase, demotes: boolean): SensitivityPlan {
  const parameters: SensitivityRange[] = []
  const skipped: SkippedParameter[] = []
  for (const p of SENSITIVITY_PARAMETERS) {
    const base = parameterValue(s, p)
    if (p === 'demoteNs' && !demotes)
      skipped.push({
        parameter: p,
        reason: 'the scenario does not demote (no TD class demotes 2M mappings): no DEMOTE is made'
      })
    else if (base === 0)
      skipped.push({
        parameter: p,
        reason: `its value in this run is 0: a quarter and ${SENSITIVITY_FACTOR} times 0 are 0, the base run again`
      })
    else parameters.push(sensitivityRange(p, base))
  }
  return { parameters, skipped }
}

/** Runs a sensitivity adds to the base run: two per parameter varied (before designs and seeds). */
export function sensitivityPointCount(plan: SensitivityPlan): number {
  return 2 * plan.parameters.length
}

/** The metrics kept per design at each point, each as its spread over the seeds. */
export const SENSITIVITY_METRICS = [
  'contended',
  'totalWaitNs',
  'p99AddedNs',
  'hazards',
  'lostRaces'
] as const
export type SensitivityMetric = (typeof SENSITIVITY_METRICS)[number]
export type PointMetrics = Record<SensitivityMetric, Spread>

/** The metrics a conclusion compares: contentions and the p99 latency Dynamic PAMT adds. */
export const CONCLUSION_METRICS = ['contended', 'p99AddedNs'] as const
export type ConclusionMetric = (typeof CONCLUSION_METRICS)[number]

/**
 * Each design's metrics at one point, from its outcomes per seed (`perSeed[k][i]`: seed k, outcome
 * i, in the report's order). One seed gives min = median = max.
 */
export function pointMetrics(perSeed: readonly (readonly ContentionOutcome[])[]): PointMetrics[] {
  const first = perSeed[0] ?? []
  return first.map((_, i) => {
    const values = perSeed.map((r) => outcomeMetrics(r[i]!))
    return Object.fromEntries(
      SENSITIVITY_METRICS.map((m) => [m, spreadOf(values.map((v) => v[m]))])
    ) as PointMetrics
  })
}

/** The base point's metrics from the report's own outcomes: their spread, or the one value. */
export function baseMetrics(outcomes: readonly ContentionOutcome[]): PointMetrics[] {
  return outcomes.map((o) => {
    const one = outcomeMetrics(o)
    return Object.fromEntries(
      SENSITIVITY_METRICS.map((m) => [m, o.spread ? o.spread[m] : spreadOf([one[m]])])
    ) as PointMetrics
  })
}

/**
 * A before B, told apart at the base: every seed of A below every seed of B (A.max < B.min; with
 * one seed, A < B). Pairs whose ranges touch or overlap are not ranked.
 */
export function separated(a: Spread, b: Spread): boolean {
  return a.max < b.min
}

/** How a base conclusion "A below B" fares at one point. */
export type PointVerdict = 'holds' | 'reverses' | 'noise'

/**
 * "A below B" at a point: holds if A's median is below B's, reverses if every seed of A is above
 * every seed of B (A.min > B.max), else is within seed noise (equal medians, or the ranges overlap
 * with A's median not below).
 */
export function verdictAt(a: Spread, b: Spread): PointVerdict {
  if (a.median < b.median) return 'holds'
  if (a.min > b.max) return 'reverses'
  return 'noise'
}

export interface ConclusionBreak {
  parameter: SensitivityParameter
  end: SensitivityEnd
  /** The parameter's value at that end. */
  value: number
  how: Exclude<PointVerdict, 'holds'>
}

/** A base conclusion: `better` has a lower `metric` than `worse`, and where it holds. */
export interface SensitivityConclusion {
  metric: ConclusionMetric
  better: string
  worse: string
  /** Holds at every point of every parameter. */
  robust: boolean
  /** Where it does not hold, in the parameters' order (low end first). */
  breaks: ConclusionBreak[]
  /** Hazards and lost races of either design, said beside the conclusion. */
  caveats: string[]
  /** The conclusion in words, its breaks and caveats included. */
  text: string
}

/** Two designs a metric does not tell apart at the base: not a conclusion. */
export interface IndistinguishablePair {
  metric: ConclusionMetric
  labels: [string, string]
  text: string
}

/** One varied parameter, its ends, each design's metrics there and whether the rankings hold. */
export interface SensitivityParameterResult extends SensitivityRange {
  /** Per outcome label (the design table's: "v6", or "v6 · try-then-lock" with both variants). */
  perDesign: Record<string, Record<SensitivityEnd, PointMetrics>>
  /**
   * Every base conclusion on contentions holds at both ends; null when the base ranks no pair on
   * contentions (nothing to hold).
   */
  rankingHolds: boolean | null
  /** The same for the p99 added latency. */
  p99RankingHolds: boolean | null
}

/** `report.sensitivity` (docs/contention-model.md, "Sensitivity"). */
export interface SensitivityReport {
  /** The ends are the base / factor and the base × factor (4). */
  factor: number
  /** Each design's metrics at the base: the report's own outcomes, not run again. */
  base: Record<string, PointMetrics>
  parameters: SensitivityParameterResult[]
  skipped: SkippedParameter[]
  /** Robust ones first, then the fragile ones; each metric's in the outcomes' pair order. */
  conclusions: SensitivityConclusion[]
  /** Pairs not separated at the base, per metric: not conclusions. */
  indistinguishable: IndistinguishablePair[]
  /** Simulation events of the sensitivity points (the base run's are not included). */
  events: number
}

/** Units of a parameter in words and tables: ns for costs, none for the CV, regions. */
export function parameterUnit(p: SensitivityParameter): string {
  return p === 'serviceCv' ? '' : p === 'kernelWindowRegions' ? 'regions' : 'ns'
}

/** "1,000 ns", "0.075", "32 regions". */
export function formatParameterValue(p: SensitivityParameter, v: number): string {
  const n = Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 4 })
  const unit = parameterUnit(p)
  return unit ? `${n} ${unit}` : n
}

const END_WORDS: Record<SensitivityEnd, string> = { low: '¼×', high: `${SENSITIVITY_FACTOR}×` }

function claimWords(metric: ConclusionMetric, better: string, worse: string): string {
  return metric === 'contended'
    ? `${better} contends less than ${worse}`
    : `${better} adds a lower p99 fault latency than ${worse}`
}

/** An outcome of the run: its label and its design. */
export interface LabelledDesign {
  label: string
  design: LockDesign
}

/** "from ¼× to 4×", with the kernel window's own ends in regions when it was varied. */
function rangeWords(plan: SensitivityPlan): string {
  const window = plan.parameters.find((r) => r.parameter === 'kernelWindowRegions')
  const costs = plan.parameters.length - (window ? 1 : 0)
  const parts: string[] = []
  if (costs > 0) parts.push(`every cost from ¼× to ${SENSITIVITY_FACTOR}×`)
  if (window) parts.push(`kernel windows ${window.low}–${window.high}`)
  return parts.join(' and ')
}

/** Min and max of a metric over the base and every point, for one design. */
function rangeOver(
  label: string,
  metric: SensitivityMetric,
  base: Record<string, PointMetrics>,
  parameters: readonly SensitivityParameterResult[]
): { min: number; max: number } {
  let min = base[label]![metric].min
  let max = base[label]![metric].max
  for (const p of parameters)
    for (const end of ['low', 'high'] as const) {
      const s = p.perDesign[label]![end][metric]
      if (s.min < min) min = s.min
      if (s.max > max) max = s.max
    }
  return { min, max }
}

const count = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(1)
const span = (r: { min: number; max: number }): string =>
  r.min === r.max ? count(r.min) : `${count(r.min)}–${count(r.max)}`

/**
 * The words that go with any conclusion about a design, so "fewer contentions" never reads as a
 * free win: the lockless design's hazards (always named lockless and racy, with its count), and
 * any design's lost 0→1 races, each as the range over the base and every point.
 */
export function designCaveats(
  d: LabelledDesign,
  base: Record<string, PointMetrics>,
  parameters: readonly SensitivityParameterResult[]
): string[] {
  const out: string[] = []
  const hazards = rangeOver(d.label, 'hazards', base, parameters)
  if (d.design === 'module-only' || hazards.max > 0)
    out.push(
      `${d.label} is lockless (racy; rejected in the v2 review): ${span(hazards)} hazards over the range (a page used before its PAMT pair was added, or a pair removed while in use)`
    )
  const lost = rangeOver(d.label, 'lostRaces', base, parameters)
  if (lost.max > 0)
    out.push(`${d.label} lost ${span(lost)} 0→1 races over the range (their pages freed again)`)
  return out
}

/**
 * Judge the base run's conclusions across the points (docs/contention-model.md, "Sensitivity").
 * For each metric and each pair of outcomes separated at the base, "A below B" is a conclusion; it
 * holds at a point if A's median is below B's, reverses if A is above B in every seed, else is
 * within seed noise. Robust: holds everywhere. `rankingHolds` of a parameter: every contention
 * conclusion holds at both its ends (`p99RankingHolds`: every p99 one).
 */
export function judgeSensitivity(
  designs: readonly LabelledDesign[],
  plan: SensitivityPlan,
  base: Record<string, PointMetrics>,
  perDesign: ReadonlyArray<Record<string, Record<SensitivityEnd, PointMetrics>>>,
  seeds: number,
  events: number
): SensitivityReport {
  const bare: SensitivityParameterResult[] = plan.parameters.map((r, i) => ({
    ...r,
    perDesign: perDesign[i]!,
    rankingHolds: null,
    p99RankingHolds: null
  }))
  const conclusions: SensitivityConclusion[] = []
  const indistinguishable: IndistinguishablePair[] = []
  const noise = seeds > 1 ? 'within seed noise' : 'tied'
  const caveatsOf = new Map(designs.map((d) => [d.label, designCaveats(d, base, bare)]))
  for (const metric of CONCLUSION_METRICS) {
    for (let i = 0; i < designs.length; i++)
      for (let j = i + 1; j < designs.length; j++) {
        const a = designs[i]!.label
        const b = designs[j]!.label
        const [better, worse] = separated(base[a]![metric], base[b]![metric])
          ? [a, b]
          : separated(base[b]![metric], base[a]![metric])
            ? [b, a]
            : [null, null]
        if (better === null || worse === null) {
          indistinguishable.push({
            metric,
            labels: [a, b],
            text: `${a} and ${b}: indistinguishable on ${metric === 'contended' ? 'contentions' : 'p99 added latency'} at the base values (${seeds > 1 ? 'their ranges over the seeds overlap' : 'equal'}): not a conclusion`
          })
          continue
        }
        const breaks: ConclusionBreak[] = []
        for (const p of bare)
          for (const end of ['low', 'high'] as const) {
            const v = verdictAt(p.perDesign[better]![end][metric], p.perDesign[worse]![end][metric])
            if (v !== 'holds') breaks.push({ parameter: p.parameter, end, value: p[end], how: v })
          }
        const caveats = [...caveatsOf.get(better)!, ...caveatsOf.get(worse)!]
        const claim = claimWords(metric, better, worse)
        const where =
          breaks.length === 0
            ? `${claim} for ${rangeWords(plan) || 'the base values (nothing was varied)'}`
            : `${claim} at the base values, but not at ${breaks
                .map(
                  (x) =>
                    `${x.parameter} ${END_WORDS[x.end]} (${formatParameterValue(x.parameter, x.value)}: ${x.how === 'reverses' ? 'reversed' : noise})`
                )
                .join(', ')}`
        conclusions.push({
          metric,
          better,
          worse,
          robust: breaks.length === 0,
          breaks,
          caveats,
          text: caveats.length ? `${where}. Beside it: ${caveats.join('; ')}.` : `${where}.`
        })
      }
  }
  const parameters = bare.map((p) => {
    const holds = (metric: ConclusionMetric): boolean | null => {
      const mine = conclusions.filter((c) => c.metric === metric)
      if (mine.length === 0) return null
      return mine.every((c) => !c.breaks.some((x) => x.parameter === p.parameter))
    }
    return { ...p, rankingHolds: holds('contended'), p99RankingHolds: holds('p99AddedNs') }
  })
  return {
    factor: SENSITIVITY_FACTOR,
    base,
    parameters,
    skipped: plan.skipped,
    conclusions: [...conclusions.filter((c) => c.robust), ...conclusions.filter((c) => !c.robust)],
    indistinguishable,
    events
  }
}
