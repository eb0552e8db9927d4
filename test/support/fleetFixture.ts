import type { FleetHostRow, FleetRow } from '@shared/fleet/fleetRow'
import { FleetSummaryAccumulator } from '@shared/fleet/fleetSummary'
import { saveFleet, type SavedFleet } from '@shared/fleet/fleetSaved'

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
