import Papa from 'papaparse'

/**
 * A cell a spreadsheet would read as a formula: one starting with = + - @, or with a tab or carriage
 * return before one (OWASP "CSV injection"). Papa's own default pattern, /^[=+\-@\t\r].*$/, misses a
 * cell with a newline after the formula, so the test is on the first character only.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * Every CSV export goes through here. Columns whose name ends in a unit (`_ns`, `_bytes`) hold
 * whole numbers of it: the callers round times and sizes.: Papa quotes and escapes the cells, and a text cell that a
 * spreadsheet would run as a formula (a label from a host file such as `=HYPERLINK(…)`) gets a
 * leading `'` so it shows as text. Numbers stay numbers: -4096 is not escaped.
 */
export function toCsv(
  table: { fields: string[]; data: unknown[][] },
  /** `header: false` writes only the records: a streamed CSV's later rows (the fleet CLI). */
  options: { header?: boolean } = {}
): string {
  // Every line ends with a newline, the last one too (POSIX text; `wc -l` and `cat` agree).
  const text = Papa.unparse(table, {
    escapeFormulae: FORMULA_START,
    newline: CSV_NEWLINE,
    header: options.header ?? true
  })
  return `${text}${CSV_NEWLINE}`
}

/** CSV records end with CRLF (RFC 4180), Papa's default, written out so the final one matches. */
const CSV_NEWLINE = '\r\n'

/** One text cell of a hand-built CSV (perf's `-x ,` format, unquoted): a formula becomes text. */
export function formulaSafeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}
