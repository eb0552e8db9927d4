import { describe, expect, it } from 'vitest'
import type { FleetRow } from '@shared/fleet/fleetRow'
import { FleetSummaryAccumulator } from '@shared/fleet/fleetSummary'
import {
  FLEET_SAVED_BYTES,
  FLEET_SAVED_PATH_CHARS,
  FLEET_SAVED_ROWS,
  FLEET_SAVED_SHAPES,
  saveFleet,
  savedFleetSchema,
  utf8Bytes
} from '@shared/fleet/fleetSaved'
import { workspaceStateSchema, type WorkspaceStateInput } from '@shared/workspace/workspaceSchema'
import {
  FLEET_ROWS,
  fleetHostRow,
  savedFleetFixture,
  worstCaseFleetRows,
  worstCaseFleetState
} from '../../support/fleetFixture'

/** The browser server's body limit for saveWorkspace / autosaveWorkspace (browserServer.ts). */
const STATE_BODY_LIMIT = 4 * 1024 * 1024

describe('a fleet run in the workspace', () => {
  it('keeps failing rows first (files not read, then hosts that cannot enable TDX), then by savings', () => {
    const rows: FleetRow[] = [
      // Savings per host: static − (DPAMT static + dense) = 1000 − 30 = 970 and 5000 − 30 = 4970.
      fleetHostRow('small.log', '0000000000000001', 1000, 20, 10),
      fleetHostRow('large.log', '0000000000000002', 5000, 20, 10),
      ...FLEET_ROWS.slice(2)
    ]
    const acc = new FleetSummaryAccumulator(null)
    for (const r of rows) acc.add(r)
    const saved = saveFleet({ presetId: null, summary: acc.result(), rows, rowsTotal: 4 })
    expect(saved.rows.map((r) => r.file)).toEqual([
      'racks/r3/broken.log',
      'racks/r2/no-tdmrs.log',
      'large.log',
      'small.log'
    ])
    expect(saved.rowsTotal).toBe(4)
    expect(savedFleetSchema.safeParse(saved).success).toBe(true)
  })

  it('keeps at most FLEET_SAVED_ROWS rows and counts every one in rowsTotal', () => {
    const rows = Array.from({ length: FLEET_SAVED_ROWS + 5 }, (_, i) =>
      fleetHostRow(`h${i}.log`, '00000000000000a1', 2 ** 30, 2 ** 22, 2 ** 21)
    )
    const acc = new FleetSummaryAccumulator(null)
    for (const r of rows) acc.add(r)
    const saved = saveFleet({
      presetId: 'ten-16g-no-hugepages',
      summary: acc.result(),
      rows,
      rowsTotal: rows.length + 100
    })
    expect(saved.rows).toHaveLength(FLEET_SAVED_ROWS)
    // Rows the view had dropped before (100) and the 5 the cap drops are all counted.
    expect(saved.rowsTotal).toBe(FLEET_SAVED_ROWS + 105)
    expect(saved.summary.files).toBe(FLEET_SAVED_ROWS + 5)
  })

  it('keeps a worst-case state under the 4 MiB state body limit: long, escaped file names everywhere', () => {
    const rows = worstCaseFleetRows()
    const acc = new FleetSummaryAccumulator(null)
    for (const r of rows) acc.add(r)
    const summary = acc.result()
    const saved = saveFleet({ presetId: null, summary, rows, rowsTotal: rows.length })
    expect(savedFleetSchema.safeParse(saved).success).toBe(true)
    expect(saved.summary.shapes.list.length).toBeLessThanOrEqual(FLEET_SAVED_SHAPES)
    expect(utf8Bytes(JSON.stringify(saved))).toBeLessThanOrEqual(FLEET_SAVED_BYTES)
    // Fewer rows than the count cap: the byte budget stopped it, and rowsTotal says how many.
    expect(saved.rows.length).toBeLessThan(FLEET_SAVED_ROWS)
    expect(saved.rowsTotal).toBe(rows.length)
    // A clipped path keeps its end (the file's name).
    expect(saved.rows[0]!.file.endsWith('.log')).toBe(true)
    expect(saved.rows[0]!.file.length).toBe(FLEET_SAVED_PATH_CHARS)

    // With the rest of the state at its worst too: notes of control characters (6 bytes each
    // escaped) and the largest name.
    const state: WorkspaceStateInput = worstCaseFleetState(saved)
    expect(workspaceStateSchema.safeParse(state).success).toBe(true)
    const body = utf8Bytes(JSON.stringify({ state }))
    expect(body).toBeLessThan(STATE_BODY_LIMIT)
  })

  it('a fleet key that is not a fleet run is refused with its path', () => {
    const saved = savedFleetFixture()
    const bad = structuredClone(saved) as { rows: Array<{ shape?: string }> }
    bad.rows[1]!.shape = 's1'
    const r = savedFleetSchema.safeParse(bad)
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.path).toEqual(['rows', 1, 'shape'])
  })
})
