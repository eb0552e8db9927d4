import { formatInteger } from '../../charts/formatBytes'
import { visibleControls } from '../../util/controlChars'
import type { ReportCell, ReportColumn, ReportTable } from '../reportBlocks'

/**
 * Widest line of the plain-text summaries (docs/copy-as-text.md): a mailing-list reply
 * quotes with "> ", and mail clients wrap at 78 columns (RFC 5322 §2.1.1's recommended limit), so
 * a table must fit in 78 to survive quoting and wrapping intact.
 */
export const TEXT_WIDTH = 78

/**
 * The first line of every summary: the app and its version, and that timing is modelled (sizes
 * follow the kernel's rules; every time in the summaries comes from the contention model).
 */
export function textHeader(version: string): string {
  return clip(
    `PAMT Planner ${visibleControls(version)}; timing numbers are modelled, not measured`,
    TEXT_WIDTH
  )
}

/**
 * Appends lines and arrays of lines to `out` (a loop: the summaries' tables can be long, and
 * spreading an array into push's arguments is not allowed here).
 */
export function addLines(out: string[], ...parts: ReadonlyArray<string | readonly string[]>): void {
  for (const p of parts) {
    if (typeof p === 'string') out.push(p)
    else for (const l of p) out.push(l)
  }
}

/** Columns between two table columns. */
const GAP = '  '

/** Display width of a line: code points (every character the summaries print is one column). */
export function textWidth(s: string): number {
  return Array.from(s).length
}

/** `s` cut to `width` columns, with "…" as its last column when cut. */
function clip(s: string, width: number): string {
  if (textWidth(s) <= width) return s
  return `${Array.from(s)
    .slice(0, Math.max(0, width - 1))
    .join('')}…`
}

const padEnd = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - textWidth(s)))
const padStart = (s: string, w: number): string => ' '.repeat(Math.max(0, w - textWidth(s))) + s

/**
 * A cell as text: null is "—"; an integer gets en-US grouping ("1,050,636", as the GUI's tables);
 * any other number two decimals. Builders pass fixed-decimal values they chose as strings.
 */
export function textCell(c: ReportCell): string {
  if (c === null) return '—'
  if (typeof c === 'number') return Number.isInteger(c) ? formatInteger(c) : c.toFixed(2)
  return visibleControls(c)
}

/** A column's header: its label, then its unit in parentheses ("static PAMT (bytes)"). */
export function columnHeader(c: ReportColumn): string {
  return c.unit ? `${c.label} (${c.unit})` : c.label
}

function isRight(table: ReportTable, i: number): boolean {
  const c = table.columns[i]!
  if (c.align) return c.align === 'right'
  return table.rows.every((r) => r[i] === null || typeof r[i] === 'number')
}

/**
 * Words of `text` on lines of at most `width` columns, the first starting with `first` and the
 * rest with `rest` (a hanging indent). A word longer than a line is cut, so no line is wider.
 */
export function wrapText(text: string, width = TEXT_WIDTH, first = '', rest = '  '): string[] {
  const out: string[] = []
  let line = first
  let empty = true
  const room = (): number => width - textWidth(line) - (empty ? 0 : 1)
  for (let word of visibleControls(text).split(/\s+/).filter(Boolean)) {
    if (!empty && textWidth(word) > room()) {
      out.push(line)
      line = rest
      empty = true
    }
    while (textWidth(word) > room()) {
      const chars = Array.from(word)
      const n = Math.max(1, room())
      out.push(line + (empty ? '' : ' ') + chars.slice(0, n).join(''))
      word = chars.slice(n).join('')
      line = rest
      empty = true
    }
    if (word) {
      line += (empty ? '' : ' ') + word
      empty = false
    }
  }
  if (!empty || out.length === 0) out.push(line)
  return out
}

/**
 * A report table as fixed-width text (docs/copy-as-text.md): its title, a header row
 * with units, a rule, the rows, then its note wrapped. Numbers are right-aligned under their header,
 * text left-aligned; columns are two spaces apart. When the table would pass `width`, its widest
 * text column is cut (with "…") until it fits; numbers are never cut.
 */
export function renderTextTable(table: ReportTable, width = TEXT_WIDTH): string[] {
  const n = table.columns.length
  const heads = table.columns.map(columnHeader)
  const cells = table.rows.map((r) => table.columns.map((_, i) => textCell(r[i] ?? null)))
  const right = table.columns.map((_, i) => isRight(table, i))
  const widths = heads.map((h, i) =>
    cells.reduce((w, r) => Math.max(w, textWidth(r[i]!)), textWidth(h))
  )
  let over = widths.reduce((s, w) => s + w, 0) + GAP.length * (n - 1) - width
  while (over > 0) {
    // The widest text column gives up columns first (a name, a caller), never below 8.
    let widest = -1
    for (let i = 0; i < n; i++)
      if (!right[i] && widths[i]! > 8 && (widest < 0 || widths[i]! > widths[widest]!)) widest = i
    if (widest < 0) break
    const cut = Math.min(over, widths[widest]! - 8)
    widths[widest]! -= cut
    over -= cut
  }
  const line = (row: string[]): string =>
    row
      .map((c, i) =>
        right[i]
          ? padStart(clip(c, widths[i]!), widths[i]!)
          : padEnd(clip(c, widths[i]!), widths[i]!)
      )
      .join(GAP)
      .trimEnd()
  const out = [
    ...wrapText(table.title, width),
    line(heads),
    widths.map((w) => '-'.repeat(w)).join(GAP)
  ]
  for (const r of cells) out.push(line(r))
  if (table.note) addLines(out, wrapText(table.note, width))
  return out
}
