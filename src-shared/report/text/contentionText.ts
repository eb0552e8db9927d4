import type { ContentionRun } from '../../api/contract'
import {
  formatPerfTime,
  perfLockTable,
  type PerfLockLayout
} from '../../charts/contention/perfLock'
import { formatNs } from '../../charts/contention/labels'
import { capacityCaveat, capacitySentence } from '../../charts/workload/capacityText'
import { formatInteger } from '../../charts/formatBytes'
import { DEFAULT_CONTENTION_COSTS, type ContentionCosts } from '../../model/contention/costs'
import type { ContentionOutcome } from '../../model/contention/simulateContention'
import type { ReportTable } from '../reportBlocks'
import { addLines, renderTextTable, TEXT_WIDTH, textHeader, textWidth, wrapText } from './textTable'

/** One design's seed spread as text: median [min–max] of contentions and of total wait. */
export interface SeedSpreadCells {
  design: string
  demote: string
  /** "3 [2–4]": a median between two counts (an even number of seeds) has one decimal. */
  contended: string
  /** "9.09 us [3.45 us–11.13 us]", in perf's time format. */
  totalWait: string
}

/**
 * The seed spread of every design that has one (docs/contention-model.md, "Seeds"), the cells the
 * CLI's spread table and "Copy as text" both print.
 */
export function seedSpreadCells(outcomes: readonly ContentionOutcome[]): SeedSpreadCells[] {
  const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1))
  const out: SeedSpreadCells[] = []
  for (const o of outcomes) {
    if (!o.spread) continue
    const c = o.spread.contended
    const w = o.spread.totalWaitNs
    out.push({
      design: o.design,
      demote: o.demote,
      contended: `${n(c.median)} [${n(c.min)}–${n(c.max)}]`,
      totalWait: `${formatPerfTime(w.median)} [${formatPerfTime(w.min)}–${formatPerfTime(w.max)}]`
    })
  }
  return out
}

/**
 * The perf table narrowed to a mail (docs/copy-as-text.md): perf's columns and time
 * format, contended in 9 columns, times in 11 ("1013.33 ms" and a space), the type in 8
 * ("spinlock"), so a row is 56 columns before its caller and "pamt_lock[2M region]" ends at 76.
 */
export const COMPACT_PERF_LOCK_LAYOUT: Readonly<PerfLockLayout> = Object.freeze({
  contended: 9,
  time: 11,
  type: 8,
  noteIndent: 2
})

/** The costs the summary names first: the SEAMCALLs, the fault around them and the spread. */
const HEADLINE_COSTS = [
  'pamtAddNs',
  'pamtRemoveNs',
  'augNs',
  'demoteNs',
  'faultOutsideNs'
] as const satisfies ReadonlyArray<keyof ContentionCosts>

/**
 * The modelled costs in one sentence: the headline SEAMCALL and fault costs in ns, serviceCv, and
 * any other cost changed from its default (names as `--cost` and the JSON's settings.costs).
 */
export function costsText(costs: ContentionCosts): string {
  const shown = new Set<string>(HEADLINE_COSTS)
  const parts = HEADLINE_COSTS.map((k) => `${k} ${costs[k]}`)
  for (const k of Object.keys(costs) as Array<keyof ContentionCosts>)
    if (!shown.has(k) && k !== 'serviceCv' && costs[k] !== DEFAULT_CONTENTION_COSTS[k])
      parts.push(`${k} ${costs[k]}`)
  return `Costs (ns, modelled estimates): ${parts.join(', ')}; serviceCv ${costs.serviceCv}`
}

/** The seed spread as a report table: one row per design, median [min–max] over the seeds. */
export function seedSpreadTable(run: ContentionRun): ReportTable | null {
  const rows = seedSpreadCells(run.report.outcomes)
  if (rows.length === 0) return null
  const seeds = run.report.seeds
  return {
    kind: 'table',
    title: `Over ${seeds.length} seeds (${seeds.join(', ')}): median [min–max]`,
    columns: [
      { key: 'design', label: 'design' },
      { key: 'demote', label: 'demote' },
      { key: 'contended', label: 'contended', align: 'right' },
      { key: 'wait', label: 'total wait', align: 'right' }
    ],
    rows: rows.map((r) => [r.design, r.demote, r.contended, r.totalWait])
  }
}

/** A line cut to the summary's width (a perf row with an unusually long caller). */
const fit = (line: string): string =>
  textWidth(line) <= TEXT_WIDTH
    ? line
    : `${Array.from(line)
        .slice(0, TEXT_WIDTH - 1)
        .join('')}…`

/**
 * "Copy as text" on the Contention view (docs/copy-as-text.md): the run and its capacity, then perf lock
 * contention's table per design (contended, total, max and avg wait per lock), the seed spread when
 * the run had seeds, and the modelled costs, every line at most 78 columns.
 */
export function contentionCopyText(run: ContentionRun, version: string): string {
  const r = run.report
  const s = r.settings
  const seeds = r.seeds.length > 1 ? `seeds ${r.seeds.join(', ')}` : `seed ${r.seed}`
  const out: string[] = [textHeader(version)]
  addLines(
    out,
    wrapText(
      `Contention: ${r.scenarioName} on ${run.hostName} (${seeds}; ${formatInteger(r.events)} events simulated)`
    ),
    wrapText(`Capacity: ${capacitySentence(r.capacity)}`)
  )
  const caveat = capacityCaveat(r.capacity)
  if (caveat) addLines(out, wrapText(`NOT ALL TDs FIT: ${caveat}`))
  addLines(
    out,
    wrapText(
      `Machine: ${r.machine.sockets} sockets × ${r.machine.cpusPerSocket} CPUs (${r.machine.detail})`
    ),
    wrapText(
      `Timing (modelled): TD start jitter ${formatNs(s.tdStartJitterNs)}, vCPU start jitter ${formatNs(s.vcpuStartJitterNs)}, service-time CV ${s.costs.serviceCv}`
    ),
    wrapText(costsText(s.costs)),
    '',
    `perf lock contention (modelled; rows of seed ${r.seed}):`,
    perfLockTable(r.outcomes, COMPACT_PERF_LOCK_LAYOUT).split('\n').map(fit)
  )
  const spread = seedSpreadTable(run)
  if (spread) addLines(out, renderTextTable(spread), '')
  if (r.outcomes.some((o) => o.hazards > 0))
    addLines(
      out,
      wrapText(
        'hazards: the lockless design (module-only) used pages before their PAMT pair was added, or had a pair removed while in use (docs/contention-model.md)'
      )
    )
  while (out.at(-1) === '') out.pop()
  return `${out.join('\n')}\n`
}
