import { formulaSafeCell } from '../csv'
import type { ContentionOutcome } from '../../model/contention/simulateContention'

/** What the perf formatters need of an outcome (closed-loop runs and trace replays alike). */
export type PerfLockRows = ReadonlyArray<
  Pick<ContentionOutcome, 'design' | 'demote' | 'locks'> & { hazards?: number }
>

/**
 * `perf lock contention -x ,` CSV: a comment header, then one row per lock with raw nanoseconds
 * (the CSV mode of tools/perf/builtin-lock.c). The design (and DEMOTE variant) is appended to the
 * caller column's neighbour as a comment line above each block, so rows stay in perf's exact shape.
 */
export function perfLockCsv(outcomes: PerfLockRows): string {
  const lines = ['# output: contended, total wait, max wait, avg wait, type, caller']
  for (const o of outcomes) {
    lines.push(`# design: ${o.design}, demote: ${o.demote}`)
    for (const l of o.locks) {
      const avg = l.contended ? Math.round(l.totalWaitNs / l.contended) : 0
      lines.push(
        `${l.contended}, ${Math.round(l.totalWaitNs)}, ${Math.round(l.maxWaitNs)}, ${avg}, ${formulaSafeCell(l.type)}, ${formulaSafeCell(l.caller || l.name)}`
      )
    }
  }
  return `${lines.join('\n')}\n`
}

/** perf's auto-scaled time column: ns, us, ms or s with two decimals. */
export function formatPerfTime(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(2)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} us`
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`
  return `${(ns / 1e9).toFixed(2)} s`
}

/**
 * Column widths of a perf lock table: perf's own (tools/perf/builtin-lock.c prints contended in 10
 * columns and each time, and the type, in 12) or a compact one that fits a 78-column mail
 * (docs/copy-as-text.md); `noteIndent` places the no-lock and hazard notes.
 */
export interface PerfLockLayout {
  contended: number
  time: number
  type: number
  noteIndent: number
}

/** perf's default layout: what `perf lock contention` prints, and what the CLI and GUI show. */
export const PERF_LOCK_LAYOUT: Readonly<PerfLockLayout> = Object.freeze({
  contended: 10,
  time: 12,
  type: 12,
  noteIndent: 40
})

/**
 * The `perf lock contention` table, one block per design (a `# design (DEMOTE: …)` comment, the
 * header, the lock rows): in perf's own layout by default, or a narrower one with the same
 * columns and time format (the "Copy as text" summary).
 */
export function perfLockTable(
  outcomes: PerfLockRows,
  layout: Readonly<PerfLockLayout> = PERF_LOCK_LAYOUT
): string {
  const { contended: wc, time: wt, type: wy } = layout
  const note = ' '.repeat(layout.noteIndent)
  const head = `${'contended'.padStart(wc)} ${'total wait'.padStart(wt)} ${'max wait'.padStart(wt)} ${'avg wait'.padStart(wt)} ${'type'.padStart(wy)}   caller`
  const out: string[] = []
  for (const o of outcomes) {
    out.push(`# ${o.design} (DEMOTE: ${o.demote})`)
    out.push(head)
    out.push('')
    if (o.locks.length === 0) out.push(`${note}(no kernel lock: the TDX module try-locks only)`)
    // perf sees no lock here; the lockless design's cost is correctness (simulateContention).
    if (o.hazards)
      out.push(
        `${note}(${o.hazards} hazard${o.hazards === 1 ? '' : 's'}: refcount and SEAMCALL not atomic without a lock)`
      )
    for (const l of o.locks) {
      const avg = l.contended ? l.totalWaitNs / l.contended : 0
      out.push(
        `${String(l.contended).padStart(wc)} ${formatPerfTime(l.totalWaitNs).padStart(wt)} ${formatPerfTime(l.maxWaitNs).padStart(wt)} ${formatPerfTime(avg).padStart(wt)} ${l.type.padStart(wy)}   ${l.caller || l.name}`
      )
    }
    out.push('')
  }
  return out.join('\n')
}
