import type { CalibrationFitRun } from '@shared/api/contract'
import { formatNs } from '@shared/charts/contention/labels'
import type { FittedValue } from '@shared/model/contention/calibrationFit'
import type { Spread } from '@shared/model/contention/spread'

const int = (v: number): string =>
  Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1).toString()
const whole = (v: number): string => Math.round(v).toLocaleString('en-US')
/** median [min–max], or the one value when the seeds agree. */
const spread = (s: Spread, f: (v: number) => string = int): string =>
  s.min === s.max ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`
const signed = (v: number, f: (v: number) => string = int): string =>
  `${v > 0 ? '+' : v < 0 ? '−' : '±'}${f(Math.abs(v))}`
const scaleText = (s: number): string => `×${s.toFixed(3)}`

/** A fitted value and its range ("—" without one). */
function fitted(v: FittedValue, f: (v: number) => string): [string, string] {
  return [f(v.value), v.low === null || v.high === null ? '—' : `${f(v.low)}–${f(v.high)}`]
}

const STATUS: Record<string, string> = {
  fitted: 'fitted: the median wait reaches the band where the median count is matched',
  'wait-out-of-band':
    'NO FIT IN THE BAND: no scale on the grid brings the wait into 2–4 ms while the count is matched; the closest point is shown',
  'count-unreachable':
    'NO FIT: no scale on the grid reaches the count at any faultOutsideNs; the closest point is shown'
}

/**
 * `pamt-planner calibrate`: the fitted values with their ranges, the residuals against the list,
 * the curve the fit walked, and what matched, what did not and what the fit depends on
 * (docs/contention-model.md, "Checks → Calibration").
 */
export function formatCalibrationReport(run: CalibrationFitRun): string {
  const r = run.report
  const f = r.fit
  const t = f.target
  const res = r.residuals
  const out: string[] = [
    `Calibration fit: v6 on ${r.scenarioName} on ${run.hostName} (${r.seeds.length === 1 ? `seed ${r.seeds[0]}` : `seeds ${r.seeds.join(', ')}: median [min–max]`}; costs are estimates: docs/contention-model.md)`,
    `  measured (dpamt-model.md §3.3): ${int(t.contended)} contentions (2025-08-13); total wait ${formatNs(t.waitLowNs)} (2025-08-11) to ${formatNs(t.waitHighNs)} (2025-08-13), fitted at ${formatNs(t.waitTargetNs)}`,
    `  free: a scale on pamtAddNs and pamtRemoveNs together (ratio kept), and faultOutsideNs; every other knob held (below)`,
    `  machine: ${r.machine.sockets} sockets × ${r.machine.cpusPerSocket} CPUs (${r.machine.detail})`,
    `  result: ${STATUS[f.status] ?? f.status}${f.fitted.how === 'interpolated' ? ' (interpolated between grid points, faultOutsideNs solved again there)' : ` (grid point ${scaleText(f.scale.value)})`}${f.converged ? '' : `; THE COUNT DID NOT CONVERGE at the fitted point within ${f.search.evaluationsPerPoint} evaluations: the values are the closest it came (raise --evaluations)`}`,
    '',
    `${'fitted (modelled)'.padEnd(18)} ${'value'.padStart(14)}   range (wait in the band, widened by the seed spread)`
  ]
  const ns = (v: number): string => `${whole(v)} ns`
  const rows: Array<[string, [string, string]]> = [
    ['scale', fitted(f.scale, scaleText)],
    ['pamtAddNs', fitted(f.pamtAddNs, ns)],
    ['pamtRemoveNs', fitted(f.pamtRemoveNs, ns)],
    ['faultOutsideNs', fitted(f.faultOutsideNs, ns)]
  ]
  for (const [name, [value, range]] of rows)
    out.push(`  ${name.padEnd(16)} ${value.padStart(14)}   ${range}`)
  if (f.rangeBounds)
    out.push(
      `  (the range ends below at ${f.rangeBounds.low}, above at ${f.rangeBounds.high}: 'wait' where the wait leaves the band, 'count-unreachable' where no faultOutsideNs gives the count, 'grid-edge' at the grid's end)`
    )

  const sp = res.split
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`
  out.push(
    '',
    `residuals at the fitted point (${scaleText(f.fitted.scale)}, faultOutsideNs ${ns(f.fitted.best.faultOutsideNs)})`,
    `  ${'check'.padEnd(26)} ${'model'.padEnd(28)} ${'list'.padEnd(24)} residual`,
    `  ${'contentions (fitted)'.padEnd(26)} ${spread(res.contended.model).padEnd(28)} ${int(t.contended).padEnd(24)} ${signed(res.contended.residual.median)} [${signed(res.contended.residual.min)} to ${signed(res.contended.residual.max)}]`,
    `  ${'total wait (fitted)'.padEnd(26)} ${spread(res.totalWaitNs.model, formatNs).padEnd(28)} ${`${formatNs(t.waitLowNs)}–${formatNs(t.waitHighNs)}`.padEnd(24)} ${res.totalWaitNs.outsideNs === 0 ? 'in the band' : `${signed(res.totalWaitNs.outsideNs, formatNs)} ${res.totalWaitNs.outsideNs < 0 ? 'below' : 'above'} the band`}`,
    `  ${'start-up / shutdown'.padEnd(26)} ${`${int(sp.startup.median)} / ${int(sp.shutdown.median)} (${pct(sp.shutdownShare.median)})`.padEnd(28)} ${`${int(t.startup)} / ${int(t.shutdown)} (${pct(sp.measuredShare)})`.padEnd(24)} ${signed(sp.residualPoints, (v) => v.toFixed(1))} points (not fitted)`,
    `  ${'lost races a run'.padEnd(26)} ${spread(res.lostRaces.model).padEnd(28)} ${'"once over a couple runs"'.padEnd(24)} (not fitted)`,
    `  ${'fault-in + teardown'.padEnd(26)} ${spread(res.spanNs.model, formatNs).padEnd(28)} ${'"about 60 s" wall'.padEnd(24)} (not fitted)`
  )

  out.push(
    '',
    `curve: faultOutsideNs where the median count is ${int(t.contended)} (±${(100 * f.search.countTolerance).toFixed(0)} %), per scale`,
    `  ${'scale'.padStart(7)} ${'pamtAddNs'.padStart(10)} ${'faultOutsideNs'.padStart(15)} ${'contended'.padStart(22)} ${'total wait'.padStart(30)} ${'evals'.padStart(5)}  status`
  )
  for (const p of f.curve) {
    out.push(
      `  ${scaleText(p.scale).padStart(7)} ${whole(f.base.pamtAddNs * p.scale).padStart(10)} ${ns(p.best.faultOutsideNs).padStart(15)} ${spread(p.best.contended).padStart(22)} ${spread(p.best.totalWaitNs, formatNs).padStart(30)} ${String(p.trail.length).padStart(5)}  ${p.status}`
    )
  }

  out.push('', 'matched:')
  for (const s of r.matched) out.push(`  - ${s}`)
  if (r.matched.length === 0) out.push('  (nothing)')
  out.push('did not match:')
  for (const s of r.unmatched) out.push(`  - ${s}`)
  if (r.unmatched.length === 0) out.push('  (nothing)')
  out.push('the fit depends on (held at these values):')
  for (const s of r.dependsOn) out.push(`  - ${s}`)
  out.push(
    '',
    `work: ${r.runs} runs of v6 (at most ${r.maxRuns}: (${r.options.points} points + 1) × ${r.options.evaluationsPerPoint} evaluations × ${r.options.seeds} seeds), ${r.events.toLocaleString('en-US')} simulation events`
  )
  return out.join('\n')
}
