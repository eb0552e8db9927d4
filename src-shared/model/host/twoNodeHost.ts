import { emptyKernelTdxLog, type HostInput } from './memoryMap'

const GiB = 2 ** 30

/**
 * A made-up host for benchmarks and the model worker's warm-up (never a user's): RAM [1 MiB,
 * 2 GiB) and [4 GiB, 2 GiB + `ramAboveHoleBytes`), node 0 below `nodeSplitBytes` (default: half
 * the address range) and node 1 above, as a 2-socket server's e820 and SRAT would show it; no
 * CMRs, no kernel log.
 */
export function twoNodeHost(
  name: string,
  ramAboveHoleBytes: number,
  nodeSplitBytes = (ramAboveHoleBytes + 2 * GiB) / 2
): HostInput {
  const end = ramAboveHoleBytes + 2 * GiB
  return {
    name,
    ranges: [
      { baseBytes: 0x100000, endBytes: 2 * GiB, type: 'ram', typeLabel: 'usable', line: 0 },
      { baseBytes: 4 * GiB, endBytes: end, type: 'ram', typeLabel: 'usable', line: 0 }
    ],
    memorySource: 'e820',
    numaMemblks: [
      { baseBytes: 0, endBytes: nodeSplitBytes, nid: 0, hotplug: false, line: 0 },
      { baseBytes: nodeSplitBytes, endBytes: end, nid: 1, hotplug: false, line: 0 }
    ],
    numaSource: 'srat',
    cmrs: [],
    kernelLog: emptyKernelTdxLog()
  }
}
