import { formatParameterValue, type SensitivityReport } from '../../model/contention/sensitivity'

/** A median count: whole, or one decimal for an even number of seeds. */
const count = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1))
const yesNo = (v: boolean | null): string => (v === null ? '—' : v ? 'yes' : 'no')

/**
 * `contention --sensitivity`'s text (docs/contention-model.md, "Sensitivity"): one line per
 * parameter (its low–high values, each design's contended median at ¼× / base / 4×, whether the
 * contention and p99 rankings hold), what was skipped or clamped, then the conclusions in words,
 * robust ones first, and the pairs the base does not tell apart.
 */
export function formatSensitivityReport(s: SensitivityReport, seeds: number): string {
  const labels = Object.keys(s.base)
  const rows = s.parameters.map((p) => ({
    name: p.parameter,
    range: `${formatParameterValue(p.parameter, p.low)}–${formatParameterValue(p.parameter, p.high)}`,
    cells: labels.map(
      (l) =>
        `${count(p.perDesign[l]!.low.contended.median)} / ${count(s.base[l]!.contended.median)} / ${count(p.perDesign[l]!.high.contended.median)}`
    ),
    holds: yesNo(p.rankingHolds),
    p99: yesNo(p.p99RankingHolds)
  }))
  const width = (head: string, xs: string[]): number =>
    xs.reduce((w, x) => Math.max(w, x.length), head.length)
  const wName = width(
    'parameter',
    rows.map((r) => r.name)
  )
  const wRange = width(
    '¼× – 4×',
    rows.map((r) => r.range)
  )
  const wCells = labels.map((l, i) =>
    width(
      l,
      rows.map((r) => r.cells[i]!)
    )
  )
  const line = (name: string, range: string, cells: string[], holds: string, p99: string): string =>
    [
      name.padEnd(wName),
      range.padEnd(wRange),
      ...cells.map((c, i) => c.padStart(wCells[i]!)),
      holds.padStart(8),
      p99.padStart(8)
    ].join('  ')
  const out: string[] = [
    `sensitivity: each parameter alone at ¼× and ${s.factor}× its value here, every design × seed at each end (${1 + 2 * s.parameters.length} points, ${s.events.toLocaleString('en-US')} events beyond the base run)`,
    `contended ${seeds > 1 ? `median over ${seeds} seeds` : '(one seed)'} at ¼× / base / ${s.factor}×; "holds": every base ranking on contentions (p99: on p99 added latency) holds at both ends`,
    line('parameter', '¼× – 4×', labels, 'holds', 'p99'),
    ...rows.map((r) => line(r.name, r.range, r.cells, r.holds, r.p99))
  ]
  for (const k of s.skipped) out.push(`skipped ${k.parameter}: ${k.reason}`)
  for (const p of s.parameters) if (p.clamped) out.push(`clamped ${p.parameter}: ${p.clamped}`)
  const robust = s.conclusions.filter((c) => c.robust)
  const fragile = s.conclusions.filter((c) => !c.robust)
  out.push('', `robust conclusions (${robust.length}):`)
  if (robust.length === 0) out.push('  none')
  for (const c of robust) out.push(`  ${c.text}`)
  out.push(`fragile conclusions (${fragile.length}):`)
  if (fragile.length === 0) out.push('  none')
  for (const c of fragile) out.push(`  ${c.text}`)
  if (s.indistinguishable.length) {
    out.push(`not conclusions (${s.indistinguishable.length}):`)
    for (const x of s.indistinguishable) out.push(`  ${x.text}`)
  }
  return out.join('\n')
}
