import type { FleetRow } from '@shared/fleet/fleetRow'
import { fleetHostSavingsBytes } from '@shared/fleet/fleetSummary'

/** A sortable column of the Fleet view's table (docs/fleet.md, "Fleet view"). */
export type FleetSortKey =
  | 'status'
  | 'file'
  | 'format'
  | 'nodes'
  | 'tdxMemory'
  | 'tdmrs'
  | 'staticPamt'
  | 'dpamtStatic'
  | 'denseRefcounts'
  | 'peak'
  | 'savings'

export interface FleetSort {
  key: FleetSortKey
  descending: boolean
}

/** Failing first: files not read, then hosts that cannot enable TDX, then the rest. */
export const DEFAULT_FLEET_SORT: FleetSort = { key: 'status', descending: false }

/** 0: not read, 1: cannot enable TDX, 2: can. */
export function statusRank(row: FleetRow): number {
  if (row.type === 'error') return 0
  return row.failure ? 1 : 2
}

/** The row's status in words: what the table's first column says (the code is in "Why"). */
export function statusText(row: FleetRow): string {
  if (row.type === 'error') return 'not read'
  if (row.failure) return 'cannot enable TDX'
  return 'can enable TDX'
}

/** Why a row failed: its code and message (and the line for a file not read); '' when it did not. */
export function whyText(row: FleetRow): string {
  if (row.type === 'error')
    return `${row.code}${row.line !== null ? ` (line ${row.line})` : ''}: ${row.message}`
  return row.failure ? `${row.failure.code}: ${row.failure.message}` : ''
}

/** The number a column sorts by (null: no value, sorted last either way), or text for text columns. */
function sortValue(row: FleetRow, key: FleetSortKey): number | string | null {
  if (key === 'file') return row.file
  if (key === 'status') return statusRank(row)
  if (row.type === 'error') return null
  switch (key) {
    case 'format':
      return row.format
    case 'nodes':
      return row.nodeCount
    case 'tdxMemory':
      return row.host.tdxMemoryBytes
    case 'tdmrs':
      return row.tdmrCount
    case 'staticPamt':
      return row.staticPamt.bytes
    case 'dpamtStatic':
      return row.dynamicPamt.staticBytes
    case 'denseRefcounts':
      return row.refcounts.denseBytes
    case 'peak':
      return row.scenario && !('error' in row.scenario) ? row.scenario.peakTotalBytes : null
    case 'savings':
      return row.failure ? null : fleetHostSavingsBytes(row)
  }
}

const compareFiles = (a: FleetRow, b: FleetRow): number =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : 0

/**
 * Rows in the table's order: by the column, then by file (a stable, repeatable order); a row with
 * no value in the column (a file not read, a host without a workload peak) comes last either way.
 */
export function sortFleetRows(rows: readonly FleetRow[], sort: FleetSort): FleetRow[] {
  const sign = sort.descending ? -1 : 1
  return rows.slice().sort((a, b) => {
    const va = sortValue(a, sort.key)
    const vb = sortValue(b, sort.key)
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1
      return compareFiles(a, b)
    }
    const c = va < vb ? -1 : va > vb ? 1 : 0
    return c !== 0 ? sign * c : compareFiles(a, b)
  })
}

/**
 * Rows matching the filter: every word of `text` (case-insensitive) appears in the file, format,
 * CPU, machine, status, failure or problem codes; `failingOnly` keeps files not read and hosts that
 * cannot enable TDX.
 */
export function filterFleetRows(
  rows: readonly FleetRow[],
  text: string,
  failingOnly: boolean
): FleetRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean)
  return rows.filter((row) => {
    if (failingOnly && statusRank(row) === 2) return false
    if (words.length === 0) return true
    const hay = (
      row.type === 'error'
        ? [row.file, statusText(row), whyText(row)]
        : [
            row.file,
            row.format,
            row.cpu ?? '',
            row.machine ?? '',
            statusText(row),
            whyText(row),
            row.problemCodes.join(' ')
          ]
    )
      .join('\n')
      .toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}
