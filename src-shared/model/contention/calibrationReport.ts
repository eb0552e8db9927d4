import type { HostAnalysis } from '../host/analyzeHost'
import type { WorkBudget } from '../workEstimate'
import type { Scenario } from '../workload/scenario'
import {
  fitCalibrationCosts,
  FIT_SEARCH,
  LIST_MEASUREMENT,
  maxFitRuns,
  type CalibrationFitOptions,
  type CalibrationTarget,
  type FitCore,
  type FitSample
} from './calibrationFit'
import type { ContentionCosts } from './costs'
import {
  resolveMachine,
  runSeeds,
  type ContentionMachine,
  type ContentionRunSettings
} from './runContention'
import { contentionTds, simulateContention } from './simulateContention'
import { outcomeMetrics, spreadOf, type Spread } from './spread'

/** The fitted point against every number the list gave (docs/contention-model.md, "Calibration"). */
export interface CalibrationResiduals {
  /** Fitted: the count and model − measured, per seed (min, median, max). */
  contended: { model: Spread; measured: number; residual: Spread }
  /**
   * Fitted: the total wait; `outsideNs` is how far the median lies outside the band (negative
   * below it, positive above, 0 inside).
   */
  totalWaitNs: { model: Spread; lowNs: number; highNs: number; outsideNs: number }
  /**
   * Not fitted: contended gets (start-up) and puts (shutdown), and the share at shutdown per seed,
   * against the 2025-08-11 run's 701 / 53; `residualPoints` is the median share minus the list's,
   * in percentage points.
   */
  split: {
    startup: Spread
    shutdown: Spread
    shutdownShare: Spread
    measuredShare: number
    residualPoints: number
  }
  /** Not fitted: lost 0→1 races a run, against "once over a couple runs". */
  lostRaces: { model: Spread; measuredPerRun: number }
  /** Not fitted: simulated fault-in span + teardown span, against the test's "about 60 s" wall. */
  spanNs: { model: Spread; wallNs: number }
}

/** A calibration fit as the API, the CLI (`calibrate --json`) and the GUI carry it. */
export interface CalibrationFitReport {
  scenarioName: string
  /** The seeds of every evaluation (the fit reads their median). */
  seeds: number[]
  design: 'v6'
  machine: ContentionMachine
  /** The settings every knob but the two fitted ones is held at. */
  settings: ContentionRunSettings
  options: CalibrationFitOptions
  fit: FitCore
  residuals: CalibrationResiduals
  /** One sentence per check, sorted into what matched and what did not. */
  matched: string[]
  unmatched: string[]
  /** Every knob the fit rests on, with its value and source. */
  dependsOn: string[]
  /** v6 runs made (evaluations × seeds), the bound, and their simulation events. */
  runs: number
  maxRuns: number
  events: number
}

/** The calibration scenario does not fit the host: a fit on fewer TDs is not the list's test. */
export class CalibrationNotComparable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CalibrationNotComparable'
  }
}

/** One seed's run as the fit reads it: v6, the DEMOTE variant moot (the scenario does not demote). */
function sample(
  host: HostAnalysis,
  scenario: Scenario,
  settings: Parameters<typeof simulateContention>[4]
): FitSample {
  const o = simulateContention(host, scenario, 'v6', 'lock-around', settings)
  const m = outcomeMetrics(o)
  let startup = 0
  let shutdown = 0
  for (const l of o.locks) {
    startup += l.contendedByCaller['tdx_pamt_get'] ?? 0
    shutdown += l.contendedByCaller['tdx_pamt_put'] ?? 0
  }
  return {
    contended: m.contended,
    totalWaitNs: m.totalWaitNs,
    startup,
    shutdown,
    lostRaces: o.lostRaces,
    spanNs: o.faultSpanNs + o.teardownSpanNs,
    events: o.events
  }
}

/**
 * Fit pamtAddNs and pamtRemoveNs (one scale) and faultOutsideNs to the list's measurement on the
 * scenario (the service passes the preset `calibration-10x16g`): `fitCalibrationCosts` with the real
 * model as its evaluator, v6 run once per seed at each point; then the residuals at the fitted
 * point and the sentences of what matched, what did not and what the fit depends on
 * (docs/contention-model.md, "Checks → Calibration"; dpamt-model.md §3.3). Throws
 * CalibrationNotComparable when not every TD of the scenario fits the host.
 */
export function runCalibrationFit(
  host: HostAnalysis,
  scenario: Scenario,
  settings: ContentionRunSettings,
  options: CalibrationFitOptions,
  hooks: {
    onProgress?: (fraction: number, step: string) => void
    isCancelled?: () => boolean
    /** Spent with each run's events; throws WorkLimitError past its limit (runTask passes one). */
    budget?: WorkBudget
  } = {},
  target: CalibrationTarget = LIST_MEASUREMENT
): CalibrationFitReport {
  const capacity = contentionTds(host, scenario).capacity
  if (!capacity.fits)
    throw new CalibrationNotComparable(
      `the calibration scenario does not fit this host: ${capacity.tdsStarted} of ${capacity.tdsRequested} TDs fit; the list's measurement ran all of them, so a fit on fewer would not be comparable`
    )
  const machine = resolveMachine(host, settings)
  const seeds = runSeeds(scenario.seed, options.seeds)
  const base = settings.costs
  let runs = 0
  let events = 0
  const fit = fitCalibrationCosts(
    ({ scale, faultOutsideNs }) => {
      const costs: ContentionCosts = {
        ...base,
        pamtAddNs: base.pamtAddNs * scale,
        pamtRemoveNs: base.pamtRemoveNs * scale,
        faultOutsideNs
      }
      const sim = {
        ...settings,
        costs,
        sockets: machine.sockets,
        cpusPerSocket: machine.cpusPerSocket
      }
      return seeds.map((seed) => {
        const s = sample(host, { ...scenario, seed }, sim)
        runs++
        events += s.events
        hooks.budget?.spend(s.events)
        return s
      })
    },
    {
      target,
      base: {
        pamtAddNs: base.pamtAddNs,
        pamtRemoveNs: base.pamtRemoveNs,
        faultOutsideNs: base.faultOutsideNs
      },
      points: options.points,
      evaluationsPerPoint: options.evaluationsPerPoint,
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.isCancelled ? { isCancelled: hooks.isCancelled } : {})
    }
  )
  const residuals = fitResiduals(fit)
  return {
    scenarioName: scenario.name,
    seeds,
    design: 'v6',
    machine,
    settings,
    options,
    fit,
    residuals,
    ...fitFindings(fit, residuals, { scenario, settings, machine, seeds }),
    runs,
    maxRuns: maxFitRuns(options),
    events
  }
}

/** The fitted point's samples against the target (CalibrationResiduals). */
export function fitResiduals(fit: FitCore): CalibrationResiduals {
  const t = fit.target
  const e = fit.fitted.best
  const of = (f: (s: FitSample) => number): Spread => spreadOf(e.samples.map(f))
  const w = e.totalWaitNs.median
  const measuredShare = t.shutdown / (t.startup + t.shutdown)
  const shutdownShare = of((s) =>
    s.startup + s.shutdown ? s.shutdown / (s.startup + s.shutdown) : 0
  )
  return {
    contended: {
      model: e.contended,
      measured: t.contended,
      residual: {
        min: e.contended.min - t.contended,
        median: e.contended.median - t.contended,
        max: e.contended.max - t.contended
      }
    },
    totalWaitNs: {
      model: e.totalWaitNs,
      lowNs: t.waitLowNs,
      highNs: t.waitHighNs,
      outsideNs: w < t.waitLowNs ? w - t.waitLowNs : w > t.waitHighNs ? w - t.waitHighNs : 0
    },
    split: {
      startup: of((s) => s.startup),
      shutdown: of((s) => s.shutdown),
      shutdownShare,
      measuredShare,
      residualPoints: 100 * (shutdownShare.median - measuredShare)
    },
    lostRaces: { model: of((s) => s.lostRaces), measuredPerRun: t.lostRacesPerRun },
    spanNs: { model: of((s) => s.spanNs), wallNs: t.wallNs }
  }
}

/** A count: whole, or a median between two seeds' counts with one decimal ("1,179.5"). */
const int = (v: number): string =>
  v.toLocaleString('en-US', {
    maximumFractionDigits: Number.isInteger(v) ? 0 : 1,
    minimumFractionDigits: Number.isInteger(v) ? 0 : 1
  })
const spread = (s: Spread, f: (v: number) => string = int): string =>
  f(s.min) === f(s.max) ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`
/** Three significant figures and a unit, as the charts' formatNs prints time (the model has no charts). */
const time = (ns: number): string => {
  const [v, unit] =
    ns >= 1e9
      ? [ns / 1e9, 's']
      : ns >= 1e6
        ? [ns / 1e6, 'ms']
        : ns >= 1e3
          ? [ns / 1e3, 'µs']
          : [ns, 'ns']
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`
}
const ms = time
const sec = time
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`
const ns = (v: number): string => `${Math.round(v).toLocaleString('en-US')} ns`
const signed = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${int(Math.abs(v))}`

/**
 * What matched, what did not, and what the fit depends on, one sentence each: the same words in
 * the CLI, the JSON and the GUI. The criteria are in the sentences.
 */
export function fitFindings(
  fit: FitCore,
  r: CalibrationResiduals,
  ctx: {
    scenario: Scenario
    settings: ContentionRunSettings
    machine: ContentionMachine
    seeds: readonly number[]
  }
): { matched: string[]; unmatched: string[]; dependsOn: string[] } {
  const t = fit.target
  const matched: string[] = []
  const unmatched: string[] = []
  const put = (ok: boolean, sentence: string): number =>
    ok ? matched.push(sentence) : unmatched.push(sentence)

  const tol = fit.search.countTolerance
  const c = r.contended
  const countOk = Math.abs(c.residual.median) <= tol * t.contended
  put(
    countOk,
    `contentions ${spread(c.model)} against the list's ${int(t.contended)} (2025-08-13): ${signed(c.residual.median)} (fitted; matched within ±${pct(tol)})${
      fit.status === 'count-unreachable'
        ? `; no scale on the grid reaches it, this is the closest (faultOutsideNs ${ns(FIT_SEARCH.faultMinNs)}–${ns(FIT_SEARCH.faultMaxNs)})`
        : fit.converged
          ? ''
          : `; the solve spent its ${fit.search.evaluationsPerPoint} evaluations first, this is the closest it came`
    }`
  )
  const w = r.totalWaitNs
  put(
    w.outsideNs === 0,
    `total wait ${spread(w.model, ms)} against the list's ${ms(w.lowNs)} (2025-08-11) to ${ms(w.highNs)} (2025-08-13)${
      w.outsideNs === 0
        ? ' (fitted, aiming at ' + ms(t.waitTargetNs) + ')'
        : `: ${ms(Math.abs(w.outsideNs))} ${w.outsideNs < 0 ? 'below' : 'above'} the band${
            fit.status === 'wait-out-of-band'
              ? `; no scale on the grid (×${fit.search.scaleMin}–×${fit.search.scaleMax}) brings it into the band while the count is matched, this is the closest`
              : ''
          }`
    }`
  )
  const sp = r.split
  put(
    sp.shutdownShare.median >= sp.measuredShare / 2 &&
      sp.shutdownShare.median <= 2 * sp.measuredShare,
    `start-up / shutdown ${int(sp.startup.median)} / ${int(sp.shutdown.median)} contentions (${pct(sp.shutdownShare.median)} at shutdown) against the list's ${int(t.startup)} / ${int(t.shutdown)} (${pct(sp.measuredShare)}, 2025-08-11, another run): ${sp.residualPoints >= 0 ? '+' : '−'}${Math.abs(sp.residualPoints).toFixed(1)} points (not fitted; matches within half to twice the list's share)`
  )
  put(
    r.lostRaces.model.median <= 1,
    `lost 0→1 races ${spread(r.lostRaces.model)} a run against "once over a couple runs" (2025-08-15) (not fitted; matches at a median of at most 1)`
  )
  put(
    r.spanNs.model.median <= r.spanNs.wallNs,
    `fault-in + teardown ${spread(r.spanNs.model, sec)} simulated against the whole test's "about 60 s" of wall time (2025-08-14) (not fitted; matches when it fits inside it)`
  )

  const s = ctx.settings
  const k = s.costs
  const held = (Object.keys(k) as Array<keyof ContentionCosts>).filter(
    (key) =>
      key !== 'pamtAddNs' &&
      key !== 'pamtRemoveNs' &&
      key !== 'faultOutsideNs' &&
      key !== 'pageRemoveNs' &&
      key !== 'serviceCv'
  )
  const trail = fit.fitted.trail
  const shutdowns = spreadOf(trail.map((p) => p.shutdown))
  const faults = spreadOf(trail.map((p) => p.faultOutsideNs))
  const dependsOn = [
    `pamtRemoveNs / pamtAddNs = ${(k.pamtRemoveNs / k.pamtAddNs).toFixed(2)} (${int(k.pamtRemoveNs)} / ${int(k.pamtAddNs)} ns): kept, both scale together`,
    `pageRemoveNs ${ns(k.pageRemoveNs)} (estimate): paces the teardown; at the fitted scale its puts contended ${spread(shutdowns)} times (median) over the faultOutsideNs tried (${ns(faults.min)}–${ns(faults.max)}), a part of the count that faultOutsideNs does not set`,
    `every other cost at its value (estimates, docs/contention-model.md "Parameters"): ${held.map((key) => `${key} ${int(k[key])}`).join(', ')} ns`,
    `serviceCv ${k.serviceCv} (estimate): with 0 the vCPUs would run in lockstep`,
    `TD start jitter ${ms(s.tdStartJitterNs)}, vCPU start jitter ${ms(s.vcpuStartJitterNs)} (modelled)`,
    `kernel page window ${s.kernelWindowRegions} regions of 2 MiB (modelled)`,
    `machine ${ctx.machine.sockets} sockets × ${ctx.machine.cpusPerSocket} CPUs (${ctx.machine.detail})`,
    `the scenario: ${ctx.scenario.name}; each TD faults in its memory once (the list's "until OOM" is not modelled)`,
    `seeds ${ctx.seeds.join(', ')}: the fit reads the median count and wait over them`,
    `the search: scale ×${fit.search.scaleMin}–×${fit.search.scaleMax} on ${fit.search.points} points, faultOutsideNs ${ns(fit.search.faultMinNs)}–${ns(fit.search.faultMaxNs)}, up to ${fit.search.evaluationsPerPoint} evaluations a point, the count matched within ±${pct(fit.search.countTolerance)}`
  ]
  return { matched, unmatched, dependsOn }
}

/**
 * The costs of the fitted point as the cost fields take them: every cost the fit held, with the
 * fitted pamtAddNs, pamtRemoveNs and faultOutsideNs rounded to whole nanoseconds. The GUI's
 * "Use these costs" copies exactly these (docs/contention-model.md, "Checks → Calibration").
 */
export function fittedCosts(report: CalibrationFitReport): ContentionCosts {
  return {
    ...report.settings.costs,
    pamtAddNs: Math.round(report.fit.pamtAddNs.value),
    pamtRemoveNs: Math.round(report.fit.pamtRemoveNs.value),
    faultOutsideNs: Math.round(report.fit.faultOutsideNs.value)
  }
}
