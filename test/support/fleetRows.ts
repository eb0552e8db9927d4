import type { FleetHostRow, FleetRow, FleetScenarioCell } from '../../src-shared/fleet/fleetRow'

/** A fleet host row with hand-chosen figures (only what the code under test reads matters). */
export function fleetHostRow(
  file: string,
  staticBytes: number,
  dpamtStaticBytes: number,
  denseBytes: number,
  extra: { failure?: string; scenario?: FleetScenarioCell; shape?: string; cpu?: string } = {}
): FleetHostRow {
  return {
    type: 'host',
    file,
    format: 'dmesg',
    cpu: extra.cpu ?? null,
    machine: null,
    nodeCount: 1,
    tdmrCount: 1,
    host: {
      name: file,
      ramBytes: 0,
      tdxMemoryBytes: 2 ** 30,
      memorySource: 'e820',
      numaSource: 'none'
    },
    staticPamt: { kb: staticBytes / 1024, bytes: staticBytes },
    dynamicPamt: { staticKb: dpamtStaticBytes / 1024, staticBytes: dpamtStaticBytes },
    refcounts: { denseBytes, sparseBytes: denseBytes },
    initSucceeds: extra.failure === undefined,
    verdict: {
      model: extra.failure ? 'fails' : 'succeeds',
      kernel: 'not in log',
      kernelFailure: null
    },
    problemCodes: extra.failure ? [extra.failure] : [],
    failure: extra.failure ? { code: extra.failure, message: 'too many TDMRs' } : null,
    shape: extra.shape ?? file,
    scenario: extra.scenario ?? null
  }
}

/** A file that could not be read. */
export function fleetErrorRowFor(file: string, line: number | null = 3): FleetRow {
  return { type: 'error', file, code: 'MALFORMED_LINE', message: 'bad line', line }
}
