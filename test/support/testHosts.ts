import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { importHostText } from '@shared/import/importHost'
import { emptyKernelTdxLog, type MemoryRange, type NumaMemblk } from '@shared/model/host/memoryMap'
import { readHostFixture } from './fixtures'

/** Bytes of one GiB and one MiB. */
export const GiB = 2 ** 30
export const MiB = 2 ** 20
/** One second in nanoseconds. */
export const S = 1e9

function ram(base: number, end: number): MemoryRange {
  return { baseBytes: base, endBytes: end, type: 'ram', typeLabel: 'usable', line: 0 }
}

/**
 * A synthetic host whose RAM is the given [base, end) byte ranges, each labelled with a NUMA node
 * (all node 0 unless given). Ranges should be 2 MiB aligned so every 2 MiB region is whole.
 */
export function syntheticHost(
  name: string,
  ranges: ReadonlyArray<{ base: number; end: number; nid?: number }>
): HostAnalysis {
  const numa: NumaMemblk[] = ranges.some((r) => r.nid !== undefined)
    ? ranges.map((r) => ({
        baseBytes: r.base,
        endBytes: r.end,
        nid: r.nid ?? 0,
        hotplug: false,
        line: 0
      }))
    : []
  return analyzeHost({
    name,
    ranges: ranges.map((r) => ram(r.base, r.end)),
    memorySource: 'e820',
    numaMemblks: numa,
    numaSource: numa.length ? 'srat' : 'none',
    cmrs: [],
    kernelLog: emptyKernelTdxLog()
  })
}

/** A host log from test/fixtures/hosts, imported and analysed with the default options. */
export function fixtureHost(name: string): HostAnalysis {
  const r = importHostText(readHostFixture(name), name)
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host)
}
