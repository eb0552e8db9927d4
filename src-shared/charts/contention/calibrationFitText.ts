import type { FittedValue, FitStatus } from '../../model/contention/calibrationFit'
import type { CalibrationFitReport } from '../../model/contention/calibrationReport'
import type { Spread } from '../../model/contention/spread'
import { formatNs } from './labels'

/**
 * The calibration fit as rows of text (docs/contention-model.md, "Checks → Calibration"): the same
 * names, units and numbers in the CLI's `calibrate` report and the Contention view's card.
 */

/** A count: whole, or a median between two seeds' counts with one decimal ("1,179.5"). */
const int = (v: number): string =>
  v.toLocaleString('en-US', {
    maximumFractionDigits: Number.isInteger(v) ? 0 : 1,
    minimumFractionDigits: Number.isInteger(v) ? 0 : 1
  })
const whole = (v: number): string => Math.round(v).toLocaleString('en-US')
/** "2,828 ns" */
export const formatWholeNs = (v: number): string => `${whole(v)} ns`
/** "×0.707": the SEAMCALL scale. */
export const formatScale = (s: number): string => `×${s.toFixed(3)}`
/** median [min–max] over the seeds, or the one value when they agree. */
export function formatSpread(s: Spread, f: (v: number) => string = int): string {
  return f(s.min) === f(s.max) ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`
}
const signed = (v: number, f: (v: number) => string = int): string =>
  `${v > 0 ? '+' : v < 0 ? '−' : '±'}${f(Math.abs(v))}`
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`

/** One sentence per fit status, for the CLI's result line and the card's headline. */
export const FIT_STATUS_TEXT: Record<FitStatus, string> = {
  fitted: 'fitted: the median wait reaches the list’s band where the median count is matched',
  'wait-out-of-band':
    'no fit in the band: no scale on the grid brings the wait into the list’s band while the count is matched; the closest point is shown',
  'count-unreachable':
    'no fit: no scale on the grid reaches the list’s count at any faultOutsideNs; the closest point is shown'
}

/** How the fitted point was found, and whether its count converged. */
export function fitHowText(r: CalibrationFitReport): string {
  const f = r.fit
  const how =
    f.fitted.how === 'interpolated'
      ? 'interpolated between grid points, faultOutsideNs solved again there'
      : `grid point ${formatScale(f.scale.value)}`
  return f.converged
    ? how
    : `${how}; the count did not converge at the fitted point within ${f.search.evaluationsPerPoint} evaluations: the values are the closest it came`
}

export interface FittedRow {
  name: 'scale' | 'pamtAddNs' | 'pamtRemoveNs' | 'faultOutsideNs'
  value: string
  /** "low–high", or "—" when the fit gives no range. */
  range: string
}

/** The fitted values with their ranges. */
export function fittedRows(r: CalibrationFitReport): FittedRow[] {
  const f = r.fit
  const row = (name: FittedRow['name'], v: FittedValue, fmt: (x: number) => string): FittedRow => ({
    name,
    value: fmt(v.value),
    range: v.low === null || v.high === null ? '—' : `${fmt(v.low)}–${fmt(v.high)}`
  })
  return [
    row('scale', f.scale, formatScale),
    row('pamtAddNs', f.pamtAddNs, formatWholeNs),
    row('pamtRemoveNs', f.pamtRemoveNs, formatWholeNs),
    row('faultOutsideNs', f.faultOutsideNs, formatWholeNs)
  ]
}

/** What ends the range, in words; null without a range. */
export function rangeBoundsText(r: CalibrationFitReport): string | null {
  const b = r.fit.rangeBounds
  if (!b) return null
  const why = {
    wait: 'the wait leaves the band',
    'grid-edge': 'the grid ends',
    'count-unreachable': 'no faultOutsideNs gives the count past it'
  }
  return `the range ends below where ${why[b.low]}, above where ${why[b.high]}`
}

export interface ResidualRow {
  check: string
  fitted: boolean
  model: string
  list: string
  residual: string
}

/** The fitted point against every number the list gave. */
export function residualRows(r: CalibrationFitReport): ResidualRow[] {
  const t = r.fit.target
  const res = r.residuals
  const sp = res.split
  const c = res.contended
  const w = res.totalWaitNs
  return [
    {
      check: 'contentions',
      fitted: true,
      model: formatSpread(c.model),
      list: int(t.contended),
      residual: `${signed(c.residual.median)} [${signed(c.residual.min)} to ${signed(c.residual.max)}]`
    },
    {
      check: 'total wait',
      fitted: true,
      model: formatSpread(w.model, formatNs),
      list: `${formatNs(t.waitLowNs)}–${formatNs(t.waitHighNs)}`,
      residual:
        w.outsideNs === 0
          ? 'in the band'
          : `${signed(w.outsideNs, formatNs)} ${w.outsideNs < 0 ? 'below' : 'above'} the band`
    },
    {
      check: 'start-up / shutdown',
      fitted: false,
      model: `${int(sp.startup.median)} / ${int(sp.shutdown.median)} (${pct(sp.shutdownShare.median)})`,
      list: `${int(t.startup)} / ${int(t.shutdown)} (${pct(sp.measuredShare)})`,
      residual: `${signed(sp.residualPoints, (v) => v.toFixed(1))} points`
    },
    {
      check: 'lost races a run',
      fitted: false,
      model: formatSpread(res.lostRaces.model),
      list: '"once over a couple runs"',
      residual: '—'
    },
    {
      check: 'fault-in + teardown',
      fitted: false,
      model: formatSpread(res.spanNs.model, formatNs),
      list: '"about 60 s" wall',
      residual: '—'
    }
  ]
}

export interface CurveRow {
  scale: string
  pamtAddNs: string
  faultOutsideNs: string
  contended: string
  totalWait: string
  evaluations: number
  status: string
}

/** The curve the fit walked: per scale, the faultOutsideNs that gave the target count. */
export function curveRows(r: CalibrationFitReport): CurveRow[] {
  return r.fit.curve.map((p) => ({
    scale: formatScale(p.scale),
    pamtAddNs: formatWholeNs(r.fit.base.pamtAddNs * p.scale),
    faultOutsideNs: formatWholeNs(p.best.faultOutsideNs),
    contended: formatSpread(p.best.contended),
    totalWait: formatSpread(p.best.totalWaitNs, formatNs),
    evaluations: p.trail.length,
    status: p.status
  }))
}

/** "84 runs of v6 (at most 180: (9 points + 1) × 6 evaluations × 3 seeds), 89,742,115 events". */
export function fitWorkText(r: CalibrationFitReport): string {
  const o = r.options
  return `${r.runs} runs of v6 (at most ${r.maxRuns}: (${o.points} points + 1) × ${o.evaluationsPerPoint} evaluations × ${o.seeds} seed${o.seeds === 1 ? '' : 's'}), ${r.events.toLocaleString('en-US')} simulation events`
}
