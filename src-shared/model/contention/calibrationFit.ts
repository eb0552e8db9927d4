import { calibrationStep } from '../progressSteps'
import { z } from 'zod'
import type { ContentionCosts } from './costs'
import { spreadOf, type Spread } from './spread'

/**
 * What Rick Edgecombe measured on the v2 thread (dpamt-model.md §3.3), as the fit's targets and
 * checks (docs/contention-model.md, "Checks → Calibration").
 */
export interface CalibrationTarget {
  /** pamt_lock contentions of the whole run: 1136 (2025-08-13). */
  contended: number
  /** Total wait, the band the two runs span: 2 ms (2025-08-11) to 4 ms (2025-08-13). */
  waitLowNs: number
  waitHighNs: number
  /** Where in the band the fit aims: its middle, 3 ms. */
  waitTargetNs: number
  /** Contentions on start-up and on shutdown: 701 and 53 (2025-08-11, a run of 754). Not fitted. */
  startup: number
  shutdown: number
  /** "It lost the race only once over a couple runs" (2025-08-15): about 0.5 a run. Not fitted. */
  lostRacesPerRun: number
  /** The whole test took "about 60 s" of wall time (2025-08-14). Not fitted. */
  wallNs: number
}

/** The contention preset that is the list's test as far as it is described (presets.ts). */
export const CALIBRATION_PRESET_ID = 'calibration-10x16g'

/** The list's numbers (dpamt-model.md §3.3). */
export const LIST_MEASUREMENT: Readonly<CalibrationTarget> = Object.freeze({
  contended: 1136,
  waitLowNs: 2e6,
  waitHighNs: 4e6,
  waitTargetNs: 3e6,
  startup: 701,
  shutdown: 53,
  lostRacesPerRun: 0.5,
  wallNs: 60e9
})

/**
 * Options of a fit request (docs/contention-model.md, "Checks → Calibration"): seeds per point
 * (the median is fitted), scales on the grid and evaluations per solve. The work is bounded by
 * `(points + 1) × evaluationsPerPoint × seeds` runs of v6 (`maxFitRuns`).
 */
export const calibrationFitOptionsSchema = z.strictObject({
  seeds: z.number().int().min(1).max(10).default(3),
  points: z.number().int().min(2).max(17).default(9),
  evaluationsPerPoint: z.number().int().min(2).max(12).default(6)
})
export type CalibrationFitOptionsInput = z.input<typeof calibrationFitOptionsSchema>
export type CalibrationFitOptions = z.infer<typeof calibrationFitOptionsSchema>

/**
 * The search's fixed bounds (docs/contention-model.md, "Checks → Calibration"), printed with every
 * fit: the SEAMCALL scale's grid, the faultOutsideNs the solve may try, and how close a median
 * count must come to the target to count as matched.
 */
export const FIT_SEARCH = Object.freeze({
  scaleMin: 0.25,
  scaleMax: 4,
  /** Below the 250 ns page allocation: no fault path is shorter. */
  faultMinNs: 500,
  /** A 4K fault spending over 1 ms outside Dynamic PAMT is no longer a fault path. */
  faultMaxNs: 1e6,
  /** ±2 % of the target count: about the spread of a median of three seeds. */
  countTolerance: 0.02
})

/** Runs of v6 a fit may make at most: every grid point's solve and the fitted point's. */
export function maxFitRuns(o: CalibrationFitOptions): number {
  return (o.points + 1) * o.evaluationsPerPoint * o.seeds
}

/** The two free parameters at one evaluation. */
export interface FitPoint {
  /** Multiplies pamtAddNs and pamtRemoveNs together (their ratio kept). */
  scale: number
  faultOutsideNs: number
}

/** One seed's run at a FitPoint: what the fit reads. */
export interface FitSample {
  /** pamt_lock contentions, every caller. */
  contended: number
  totalWaitNs: number
  /**
   * Contended tdx_pamt_get: start-up (control pages and faults). In the calibration scenario no TD
   * ends before every TD has faulted in, so get is start-up and put is shutdown.
   */
  startup: number
  /** Contended tdx_pamt_put: shutdown (teardown removes every page and puts it). */
  shutdown: number
  lostRaces: number
  /** Simulated fault-in span plus teardown span. */
  spanNs: number
  events: number
}

/** One evaluation: every seed's sample and the spread of each metric over them. */
export interface FitEvaluation extends FitPoint {
  samples: FitSample[]
  contended: Spread
  totalWaitNs: Spread
}

/**
 * How a grid point's solve ended: the median count within the tolerance (`matched`), the budget
 * spent first (`not-converged`: the closest evaluation is kept), or out of reach: above the target
 * even at faultMaxNs (`count-above`, the count's floor) or below it even at faultMinNs.
 */
export type CurveStatus = 'matched' | 'not-converged' | 'count-above' | 'count-below'

/** One scale's solve: faultOutsideNs where the median count is the target. */
export interface CurvePoint {
  scale: number
  status: CurveStatus
  /** The evaluation whose median count came closest to the target. */
  best: FitEvaluation
  /** Every evaluation of the solve in order: faultOutsideNs, median count and median shutdown. */
  trail: Array<{ faultOutsideNs: number; contended: number; shutdown: number }>
}

/** A fitted value and its range; `low`/`high` null when the fit gives no range. */
export interface FittedValue {
  value: number
  low: number | null
  high: number | null
}

/**
 * Why a range ends where it does: the wait leaves the band there (`wait`), the grid ends
 * (`grid-edge`), or past it no faultOutsideNs gives the target count (`count-unreachable`).
 */
export type RangeBound = 'wait' | 'grid-edge' | 'count-unreachable'

/**
 * `fitted`: the median wait crosses the target (or a point lies in the band) on the curve where the
 * count is matched. `wait-out-of-band`: no point on that curve has its wait in the band; the closest
 * is given. `count-unreachable`: no scale on the grid reaches the target count; the closest is given.
 */
export type FitStatus = 'fitted' | 'wait-out-of-band' | 'count-unreachable'

export interface FitCore {
  target: CalibrationTarget
  /** The costs the scale multiplies, and the starting faultOutsideNs. */
  base: Pick<ContentionCosts, 'pamtAddNs' | 'pamtRemoveNs' | 'faultOutsideNs'>
  search: typeof FIT_SEARCH & { points: number; evaluationsPerPoint: number }
  /** One solve per scale of the grid, in ascending scale. */
  curve: CurvePoint[]
  status: FitStatus
  /**
   * The fitted point: `interpolated` where the median wait crosses the target between two grid
   * points (faultOutsideNs solved again there), else `grid`, the closest grid point. Its `best`
   * evaluation is the residual run.
   */
  fitted: CurvePoint & { how: 'interpolated' | 'grid' }
  /**
   * Whether the fitted point's median count is within the tolerance (its solve `matched`); false
   * when the solve spent its evaluations first, and then the values are the closest it came.
   */
  converged: boolean
  scale: FittedValue
  pamtAddNs: FittedValue
  pamtRemoveNs: FittedValue
  faultOutsideNs: FittedValue
  /** What ends the scale's range below and above; null without a range. */
  rangeBounds: { low: RangeBound; high: RangeBound } | null
  /** Evaluations made (each one run per seed) and the most the search could have made. */
  evaluations: number
  maxEvaluations: number
}

/** Thrown when `isCancelled` says so between evaluations; the service answers CANCELLED. */
export class CalibrationCancelled extends Error {
  constructor() {
    super('calibration fit cancelled')
    this.name = 'CalibrationCancelled'
  }
}

export interface FitConfig {
  target?: CalibrationTarget
  base: FitCore['base']
  points: number
  evaluationsPerPoint: number
  search?: Partial<typeof FIT_SEARCH>
  /** Fraction of the bounded work done (monotone; 1 at the end). */
  onProgress?: (fraction: number, step: string) => void
  /** Asked before every evaluation; true stops the fit with CalibrationCancelled. */
  isCancelled?: () => boolean
}

/** Runs the model at a point, one sample per seed (the same seeds at every point). */
export type FitEvaluator = (point: FitPoint) => FitSample[]

/** The scales of the grid: `points` values evenly spaced in log from scaleMin to scaleMax. */
export function fitScales(points: number, min: number, max: number): number[] {
  return Array.from({ length: points }, (_, k) =>
    Math.exp(Math.log(min) + (k / (points - 1)) * (Math.log(max) - Math.log(min)))
  )
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))
/** Log of a count, with 0 taken as half a contention so the log stays finite. */
const lnCount = (c: number): number => Math.log(Math.max(c, 0.5))
/** Linear interpolation of y at x between (x0, y0) and (x1, y1). */
const lerp = (x: number, x0: number, y0: number, x1: number, y1: number): number =>
  x1 === x0 ? y0 : y0 + ((x - x0) / (x1 - x0)) * (y1 - y0)
/** Interpolate in log-log: ln y against ln x. */
const logLerp = (x: number, x0: number, y0: number, x1: number, y1: number): number =>
  Math.exp(lerp(Math.log(x), Math.log(x0), Math.log(y0), Math.log(x1), Math.log(y1)))

/**
 * Fit the SEAMCALL scale and faultOutsideNs to the list's count and wait (docs/contention-model.md,
 * "Checks → Calibration"; dpamt-model.md §3.3). For each scale on a log grid, solve for the
 * faultOutsideNs at which the median count over the seeds equals the target (the count falls as
 * faultOutsideNs grows: step out in log space until the target is bracketed, then regula falsi
 * with the Illinois rule, on ln count against ln faultOutsideNs). Along that curve read the median
 * total wait W(scale); the fitted scale is where W crosses the wait target (log interpolation), and
 * faultOutsideNs is solved again there. Its range is where W stays in the band, widened by the seed
 * spread (the largest seed's W for the low end, the smallest for the high end). When no scale
 * reaches the band or the count, the closest grid point is given and the status says so.
 *
 * Pure: `evaluate` runs the model (or, in tests, a hand-solvable function). Bounded: at most
 * `(points + 1) × evaluationsPerPoint` evaluations.
 */
export function fitCalibrationCosts(evaluate: FitEvaluator, config: FitConfig): FitCore {
  const target = config.target ?? LIST_MEASUREMENT
  const search = {
    ...FIT_SEARCH,
    ...config.search,
    points: config.points,
    evaluationsPerPoint: config.evaluationsPerPoint
  }
  const perPoint = config.evaluationsPerPoint
  const maxEvaluations = (config.points + 1) * perPoint
  let evaluations = 0
  /** Evaluations spent or forgone: a solve that ends early gives up the rest of its budget. */
  let consumed = 0
  // The step names the evaluation that runs next against the bound left ("fit evaluation 13 of
  // at most 180"): a solve that ends early lowers the bound, so the bar never waits for it.
  const progress = (): void => {
    const bound = Math.max(1, evaluations + maxEvaluations - consumed)
    config.onProgress?.(
      evaluations / bound,
      calibrationStep(Math.min(bound, evaluations + 1), bound)
    )
  }

  const evaluateAt = (scale: number, faultOutsideNs: number): FitEvaluation => {
    if (config.isCancelled?.()) throw new CalibrationCancelled()
    const samples = evaluate({ scale, faultOutsideNs })
    if (samples.length === 0) throw new Error('calibration fit: the evaluator returned no samples')
    evaluations++
    consumed++
    progress()
    return {
      scale,
      faultOutsideNs,
      samples,
      contended: spreadOf(samples.map((s) => s.contended)),
      totalWaitNs: spreadOf(samples.map((s) => s.totalWaitNs))
    }
  }

  const lnMin = Math.log(search.faultMinNs)
  const lnMax = Math.log(search.faultMaxNs)
  const lnTarget = Math.log(target.contended)
  const tolerance = search.countTolerance * target.contended

  /** faultOutsideNs where the median count is the target, for one scale. */
  const solve = (scale: number, startNs: number): CurvePoint => {
    const trail: CurvePoint['trail'] = []
    let best: FitEvaluation | null = null
    /** Bracket ends: `lo` counts above the target (f too small), `hi` below; g = ln(c / T). */
    let lo: { lnF: number; g: number } | null = null
    let hi: { lnF: number; g: number } | null = null
    let lastSide: 'lo' | 'hi' | null = null
    let prev: { lnF: number; lnC: number } | null = null
    let lnF = clamp(Math.log(startNs), lnMin, lnMax)
    let status: CurveStatus = 'not-converged'
    let used = 0
    while (used < perPoint) {
      const e = evaluateAt(scale, Math.exp(lnF))
      used++
      const count = e.contended.median
      trail.push({
        faultOutsideNs: e.faultOutsideNs,
        contended: count,
        shutdown: spreadOf(e.samples.map((s) => s.shutdown)).median
      })
      if (
        !best ||
        Math.abs(count - target.contended) < Math.abs(best.contended.median - target.contended)
      )
        best = e
      if (Math.abs(count - target.contended) <= tolerance) {
        status = 'matched'
        break
      }
      const g = lnCount(count) - lnTarget
      // Out of reach: above the target at the largest faultOutsideNs, or below at the smallest.
      if (g > 0 && lnF >= lnMax - 1e-9) {
        status = 'count-above'
        break
      }
      if (g < 0 && lnF <= lnMin + 1e-9) {
        status = 'count-below'
        break
      }
      if (g > 0) {
        // Illinois: the same end kept twice in a row has its weight halved, so the next point
        // moves off the stuck end instead of creeping towards the root from one side.
        if (lastSide === 'lo' && hi) hi.g /= 2
        lo = { lnF, g }
        lastSide = 'lo'
      } else {
        if (lastSide === 'hi' && lo) lo.g /= 2
        hi = { lnF, g }
        lastSide = 'hi'
      }
      const here = { lnF, lnC: lnCount(count) }
      if (lo && hi) {
        // Regula falsi between the ends, kept off them (10 %-90 % of the bracket) so noise in the
        // count cannot pin the next point to an end.
        const t = clamp(lo.g / (lo.g - hi.g), 0.1, 0.9)
        lnF = lo.lnF + t * (hi.lnF - lo.lnF)
      } else {
        // Step outward. The slope of ln count against ln f from the last two points, else -1 (the
        // count ∝ 1/f of a lightly loaded queue); a shallow slope (near the count's floor) takes
        // the longest step, ×8.
        const slope =
          prev && here.lnF !== prev.lnF ? (here.lnC - prev.lnC) / (here.lnF - prev.lnF) : -1
        const step =
          slope < -0.05 ? clamp(Math.abs(g / slope), Math.log(1.25), Math.log(8)) : Math.log(8)
        lnF = clamp(lnF + (g > 0 ? step : -step), lnMin, lnMax)
      }
      prev = here
    }
    consumed += perPoint - used
    progress()
    return { scale, status, best: best!, trail }
  }

  // -- The curve: one solve per grid scale, each starting where the last one ended ----------------
  const scales = fitScales(config.points, search.scaleMin, search.scaleMax)
  const curve: CurvePoint[] = []
  for (const scale of scales) {
    const last = curve.at(-1)
    const start =
      last === undefined
        ? config.base.faultOutsideNs * scale
        : last.status === 'count-above'
          ? search.faultMaxNs
          : last.status === 'count-below'
            ? search.faultMinNs
            : // The get contention goes roughly as scale / f: keep it by scaling f along.
              last.best.faultOutsideNs * (scale / last.scale)
    curve.push(solve(scale, start))
  }

  const onCurve = curve.filter((p) => p.status === 'matched' || p.status === 'not-converged')
  const done = (
    fitted: FitCore['fitted'],
    status: FitStatus,
    range: { low: number; high: number; bounds: { low: RangeBound; high: RangeBound } } | null
  ): FitCore => {
    consumed = maxEvaluations
    progress()
    const fLow = range ? faultAlong(onCurve, range.low) : null
    const fHigh = range ? faultAlong(onCurve, range.high) : null
    const f = fitted.best.faultOutsideNs
    return {
      target,
      base: config.base,
      search,
      curve,
      status,
      fitted,
      converged: fitted.status === 'matched',
      scale: { value: fitted.scale, low: range?.low ?? null, high: range?.high ?? null },
      pamtAddNs: scaled(config.base.pamtAddNs, fitted.scale, range),
      pamtRemoveNs: scaled(config.base.pamtRemoveNs, fitted.scale, range),
      faultOutsideNs: {
        value: f,
        low: fLow === null || fHigh === null ? null : Math.min(f, fLow, fHigh),
        high: fLow === null || fHigh === null ? null : Math.max(f, fLow, fHigh)
      },
      rangeBounds: range?.bounds ?? null,
      evaluations,
      maxEvaluations
    }
  }

  // -- The fitted point --------------------------------------------------------------------------
  if (onCurve.length === 0) {
    // No scale reaches the count: the grid point that came closest.
    const closest = curve.reduce((a, b) =>
      Math.abs(b.best.contended.median - target.contended) <
      Math.abs(a.best.contended.median - target.contended)
        ? b
        : a
    )
    return done({ ...closest, how: 'grid' }, 'count-unreachable', null)
  }
  const w = (p: CurvePoint): number => p.best.totalWaitNs.median
  // The first crossing of the wait target along the curve, in ascending scale.
  for (let i = 0; i + 1 < onCurve.length; i++) {
    const a = onCurve[i]!
    const b = onCurve[i + 1]!
    if ((w(a) - target.waitTargetNs) * (w(b) - target.waitTargetNs) > 0) continue
    if (w(a) === w(b)) continue
    const scale = logLerp(target.waitTargetNs, w(a), a.scale, w(b), b.scale)
    const point = solve(
      scale,
      logLerp(scale, a.scale, a.best.faultOutsideNs, b.scale, b.best.faultOutsideNs)
    )
    const range = waitRange(onCurve, curve, scale, i, target)
    return done({ ...point, how: 'interpolated' }, 'fitted', range)
  }
  // No crossing: the point whose wait is closest to the target (log distance); in the band it is
  // the fit, else the closest.
  let k = 0
  for (let i = 1; i < onCurve.length; i++)
    if (
      Math.abs(Math.log(w(onCurve[i]!) / target.waitTargetNs)) <
      Math.abs(Math.log(w(onCurve[k]!) / target.waitTargetNs))
    )
      k = i
  const closest = onCurve[k]!
  const inBand = w(closest) >= target.waitLowNs && w(closest) <= target.waitHighNs
  return done(
    { ...closest, how: 'grid' },
    inBand ? 'fitted' : 'wait-out-of-band',
    inBand ? waitRange(onCurve, curve, closest.scale, k, target) : null
  )
}

/** base × scale, with its range. */
function scaled(
  base: number,
  scale: number,
  range: { low: number; high: number } | null
): FittedValue {
  return {
    value: base * scale,
    low: range ? base * range.low : null,
    high: range ? base * range.high : null
  }
}

/** faultOutsideNs along the curve at a scale (log interpolation between its points). */
function faultAlong(onCurve: readonly CurvePoint[], scale: number): number {
  if (onCurve.length === 1 || scale <= onCurve[0]!.scale) return onCurve[0]!.best.faultOutsideNs
  for (let i = 0; i + 1 < onCurve.length; i++) {
    const a = onCurve[i]!
    const b = onCurve[i + 1]!
    if (scale <= b.scale)
      return logLerp(scale, a.scale, a.best.faultOutsideNs, b.scale, b.best.faultOutsideNs)
  }
  return onCurve.at(-1)!.best.faultOutsideNs
}

/**
 * The scales around `scale` (between onCurve[i] and onCurve[i + 1], or at onCurve[i]) where the
 * wait stays in the band, widened by the seed spread: going down, until the largest seed's wait
 * falls below the band's low end; going up, until the smallest seed's wait passes its high end.
 * Where the curve ends first, the range ends there and says why.
 */
function waitRange(
  onCurve: readonly CurvePoint[],
  curve: readonly CurvePoint[],
  scale: number,
  i: number,
  target: CalibrationTarget
): { low: number; high: number; bounds: { low: RangeBound; high: RangeBound } } {
  const maxW = (p: CurvePoint): number => p.best.totalWaitNs.max
  const minW = (p: CurvePoint): number => p.best.totalWaitNs.min
  /** Why the curve ends at this point: the grid's end, or a neighbour off the curve. */
  const edge = (p: CurvePoint, dir: -1 | 1): RangeBound => {
    const at = curve.indexOf(p)
    const next = curve[at + dir]
    return next === undefined ? 'grid-edge' : 'count-unreachable'
  }
  let low = onCurve[0]!.scale
  let lowBound: RangeBound = edge(onCurve[0]!, -1)
  for (let j = i; j >= 0; j--) {
    const p = onCurve[j]!
    if (p.scale > scale) continue
    if (maxW(p) < target.waitLowNs) {
      const q = onCurve[j + 1]
      low =
        q && maxW(q) !== maxW(p)
          ? logLerp(target.waitLowNs, maxW(p), p.scale, maxW(q), q.scale)
          : p.scale
      lowBound = 'wait'
      break
    }
  }
  let high = onCurve.at(-1)!.scale
  let highBound: RangeBound = edge(onCurve.at(-1)!, 1)
  for (let j = i; j < onCurve.length; j++) {
    const p = onCurve[j]!
    if (p.scale < scale) continue
    if (minW(p) > target.waitHighNs) {
      const q = onCurve[j - 1]
      high =
        q && minW(q) !== minW(p)
          ? logLerp(target.waitHighNs, minW(q), q.scale, minW(p), p.scale)
          : p.scale
      highBound = 'wait'
      break
    }
  }
  return {
    low: Math.min(low, scale),
    high: Math.max(high, scale),
    bounds: { low: lowBound, high: highBound }
  }
}
