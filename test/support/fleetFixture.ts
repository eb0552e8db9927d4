import type { ApiErrorCode } from '@shared/api/errors'
import type { FleetHostRow, FleetRow } from '@shared/fleet/fleetRow'
import { FleetSummaryAccumulator } from '@shared/fleet/fleetSummary'
import {
  FLEET_SAVED_PATH_CHARS,
  FLEET_SAVED_ROWS,
  FLEET_SAVED_TEXT_CHARS,
  saveFleet,
  type SavedFleet
} from '@shared/fleet/fleetSaved'
import { MAX_NOTES_CHARS, type WorkspaceStateInput } from '@shared/workspace/workspaceSchema'

/**
 * Hand-written fleet rows for workspace and report tests: figures chosen by hand (only the
 * summary's and the report's reading of them matters), shapes as 16 hex digits as shapeKey makes.
 */
export function fleetHostRow(
  file: string,
  shape: string,
  staticBytes: number,
  dpamtStaticBytes: number,
  denseBytes: number,
  failure?: { code: string; message: string }
): FleetHostRow {
  return {
    type: 'host',
    file,
    format: 'dmesg',
    cpu: 'Intel(R) Xeon(R) Gold 6438Y+',
    machine: null,
    nodeCount: 2,
    tdmrCount: 2,
    host: {
      name: file,
      ramBytes: 2 ** 37,
      tdxMemoryBytes: 2 ** 37,
      memorySource: 'e820',
      numaSource: 'srat'
    },
    staticPamt: { kb: staticBytes / 1024, bytes: staticBytes },
    dynamicPamt: { staticKb: dpamtStaticBytes / 1024, staticBytes: dpamtStaticBytes },
    refcounts: { denseBytes, sparseBytes: denseBytes },
    initSucceeds: failure === undefined,
    verdict: { model: failure ? 'fails' : 'succeeds', kernel: 'not in log', kernelFailure: null },
    problemCodes: failure ? [failure.code] : [],
    failure: failure ?? null,
    shape,
    scenario: null
  }
}

/**
 * Three files: two hosts of one shape that can enable TDX, one that cannot (TDMRS_EXHAUSTED) and
 * one file not read. Static PAMT 1 GiB per good host; Dynamic PAMT static part 4 MiB + dense
 * refcounts 2 MiB = 6 MiB idle per host.
 */
export const FLEET_ROWS: FleetRow[] = [
  fleetHostRow('racks/r1/good-a.log', '00000000000000a1', 2 ** 30, 4 * 2 ** 20, 2 * 2 ** 20),
  fleetHostRow('racks/r1/good-b.log', '00000000000000a1', 2 ** 30, 4 * 2 ** 20, 2 * 2 ** 20),
  fleetHostRow('racks/r2/no-tdmrs.log', '00000000000000b2', 2 ** 29, 2 ** 21, 2 ** 20, {
    code: 'TDMRS_EXHAUSTED',
    message: 'the memory needs 70 TDMRs; the module supports 64'
  }),
  {
    type: 'error',
    file: 'racks/r3/broken.log',
    code: 'MALFORMED_LINE',
    message: 'bad line',
    line: 3
  }
]

/** The saved form of FLEET_ROWS, its summary from the CLI's own accumulator. */
export function savedFleetFixture(): SavedFleet {
  const acc = new FleetSummaryAccumulator(null)
  for (const r of FLEET_ROWS) acc.add(r)
  return saveFleet({
    presetId: null,
    summary: acc.result(),
    rows: FLEET_ROWS,
    rowsTotal: FLEET_ROWS.length
  })
}

/** `n` characters alternating one JSON escapes to 6 bytes (U+0001) and one UTF-8 writes in 3. */
const nasty = (n: number, i: number): string =>
  Array.from({ length: n }, (_, k) => ((k + i) % 2 ? '\u0001' : '\u4e00')).join('')

/**
 * A fleet at its worst for a save's size: more rows than FLEET_SAVED_ROWS, every string past its
 * cap and made of characters that escape or encode long (paths 4 × the cap), 40 distinct codes so
 * every failure and error group fills up. Unclipped, a row would be over 10 KiB.
 */
export function worstCaseFleetRows(): FleetRow[] {
  const longMsg = nasty(2 * FLEET_SAVED_TEXT_CHARS, 7)
  // More distinct codes than exist today, to fill every group the summary keeps.
  const codes = Array.from({ length: 40 }, (_, i) => `CODE_${i}`)
  const rows: FleetRow[] = []
  for (let i = 0; i < FLEET_SAVED_ROWS + 10; i++) {
    const file = `${nasty(4 * FLEET_SAVED_PATH_CHARS, i)}/${i}.log`
    if (i % 3 === 0) {
      const code = codes[i % 20]! as ApiErrorCode
      rows.push({ type: 'error', file, code, message: longMsg, line: i })
    } else {
      const r = fleetHostRow(file, (i % 250).toString(16).padStart(16, '0'), 2 ** 30, 1, 1, {
        code: codes[20 + (i % 20)]!,
        message: longMsg
      })
      rows.push({
        ...r,
        cpu: nasty(400, i),
        machine: nasty(400, i),
        host: { ...r.host, name: longMsg },
        verdict: { ...r.verdict, kernelFailure: longMsg },
        problemCodes: codes.slice(0, 40)
      })
    }
  }
  return rows
}

/** A state with `fleet`, the longest name and the most notes, all of characters that escape long. */
export function worstCaseFleetState(
  fleet: SavedFleet,
  hosts: WorkspaceStateInput['hosts'] = []
): WorkspaceStateInput {
  return {
    name: nasty(200, 0),
    hosts,
    activeHost: hosts.length ? 0 : null,
    workload: { presetId: '', scenario: null },
    contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
    pinned: [],
    fleet,
    notes: '\u0001'.repeat(MAX_NOTES_CHARS)
  }
}
