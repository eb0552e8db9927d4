import type { CalibrationFitRun } from '../../api/contract'
import { formatNs } from '../../charts/contention/labels'
import {
  curveRows,
  FIT_STATUS_TEXT,
  fitHowText,
  fittedRows,
  fitWorkText,
  formatScale,
  formatWholeNs,
  rangeBoundsText,
  residualRows
} from '../../charts/contention/calibrationFitText'

/**
 * `pamt-planner calibrate`: the fitted values with their ranges, the residuals against the list,
 * the curve the fit walked, and what matched, what did not and what the fit depends on
 * (docs/contention-model.md, "Checks → Calibration"). The rows are the GUI card's.
 */
export function formatCalibrationReport(run: CalibrationFitRun): string {
  const r = run.report
  const f = r.fit
  const t = f.target
  const seeds =
    r.seeds.length === 1 ? `seed ${r.seeds[0]}` : `seeds ${r.seeds.join(', ')}: median [min–max]`
  const out: string[] = [
    `Calibration fit: v6 on ${r.scenarioName} on ${run.hostName} (${seeds}; costs are estimates: docs/contention-model.md)`,
    `  measured (dpamt-model.md §3.3): ${t.contended.toLocaleString('en-US')} contentions (2025-08-13); total wait ${formatNs(t.waitLowNs)} (2025-08-11) to ${formatNs(t.waitHighNs)} (2025-08-13), fitted at ${formatNs(t.waitTargetNs)}`,
    `  free: a scale on pamtAddNs and pamtRemoveNs together (ratio kept), and faultOutsideNs; every other knob held (below)`,
    `  machine: ${r.machine.sockets} sockets × ${r.machine.cpusPerSocket} CPUs (${r.machine.detail})`,
    `  result: ${FIT_STATUS_TEXT[f.status]} (${fitHowText(r)})`,
    '',
    `${'fitted (modelled)'.padEnd(18)} ${'value'.padStart(14)}   range (wait in the band, widened by the seed spread)`
  ]
  for (const row of fittedRows(r))
    out.push(`  ${row.name.padEnd(16)} ${row.value.padStart(14)}   ${row.range}`)
  const bounds = rangeBoundsText(r)
  if (bounds) out.push(`  (${bounds})`)

  out.push(
    '',
    `residuals at the fitted point (${formatScale(f.fitted.scale)}, faultOutsideNs ${formatWholeNs(f.fitted.best.faultOutsideNs)})`,
    `  ${'check'.padEnd(34)} ${'model'.padEnd(28)} ${'list'.padEnd(26)} residual`
  )
  for (const row of residualRows(r))
    out.push(
      `  ${`${row.check} (${row.fitted ? 'fitted' : 'not fitted'})`.padEnd(34)} ${row.model.padEnd(28)} ${row.list.padEnd(26)} ${row.residual}`
    )

  out.push(
    '',
    `curve: faultOutsideNs where the median count is ${t.contended.toLocaleString('en-US')} (±${(100 * f.search.countTolerance).toFixed(0)} %), per scale`,
    `  ${'scale'.padStart(7)} ${'pamtAddNs'.padStart(10)} ${'faultOutsideNs'.padStart(15)} ${'contended'.padStart(22)} ${'total wait'.padStart(30)} ${'evals'.padStart(5)}  status`
  )
  for (const p of curveRows(r))
    out.push(
      `  ${p.scale.padStart(7)} ${p.pamtAddNs.padStart(10)} ${p.faultOutsideNs.padStart(15)} ${p.contended.padStart(22)} ${p.totalWait.padStart(30)} ${String(p.evaluations).padStart(5)}  ${p.status}`
    )

  const list = (title: string, items: readonly string[]): void => {
    out.push(title)
    for (const s of items) out.push(`  - ${s}`)
    if (items.length === 0) out.push('  (nothing)')
  }
  out.push('')
  list('matched:', r.matched)
  list('did not match:', r.unmatched)
  list('the fit depends on (held at these values):', r.dependsOn)
  out.push('', `work: ${fitWorkText(r)}`)
  return out.join('\n')
}
