import { importHostText } from '@shared/import/importHost'
import {
  analyzeHost,
  type AnalyzeHostOptions,
  type HostAnalysis
} from '@shared/model/host/analyzeHost'
import type { ContentionCosts } from '@shared/model/contention/costs'
import type { DemoteVariant, LockDesign } from '@shared/model/contention/designs'
import {
  simulateContention,
  type ContentionOutcome,
  type ContentionSettings
} from '@shared/model/contention/simulateContention'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'

/**
 * One usable e820 range of 1 GiB at 4 GiB: one NUMA node of 512 regions of 2 MiB (regions 2048 to
 * 2559). The region pool hands guest pages out from its lowest region up and kernel pages (control,
 * S-EPT, PAMT pair pages) from its highest region down, so guest and kernel pages never share a
 * region in these cases.
 */
const TINY_LOG = 'BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable\n'

/**
 * Control pages per TD, pinned (the TDX module 1.5 sizes) so the derivations do not follow a change
 * of the default module: TDR 1 + TDCS 6 per TD, TDVPS 6 per vCPU (13 for one vCPU, 19 for two).
 */
const CONTROL_PAGE_PARAMS = {
  tdrBaseBytes: 4096,
  tdcsBaseBytes: 6 * 4096,
  tdvpsBaseBytes: 6 * 4096
}

export function tinyHost(options: AnalyzeHostOptions = {}): HostAnalysis {
  const imported = importHostText(TINY_LOG, 'tiny.log')
  if (!imported.ok) throw new Error(imported.error.message)
  return analyzeHost(imported.host, {
    ...options,
    params: { ...CONTROL_PAGE_PARAMS, ...options.params }
  })
}

/**
 * Round costs for hand-solved cases. The same values as the defaults except `faultOutsideNs`,
 * raised to 100 µs so every TD's VMM thread has finished its control pages (a few µs) before its
 * vCPUs' first fault: the two phases never overlap. Listed in full so a change of a default does not
 * silently change the derivations.
 */
export const ROUND_COSTS: Readonly<ContentionCosts> = Object.freeze({
  pamtAddNs: 4000,
  pamtRemoveNs: 3000,
  augNs: 5000,
  demoteNs: 20000,
  pageRemoveNs: 3000,
  atomicNs: 20,
  lockHoldExtraNs: 50,
  handoffSameSocketNs: 100,
  handoffCrossSocketNs: 400,
  pageAllocNs: 250,
  pageFreeNs: 150,
  faultOutsideNs: 100_000,
  busyBackoffNs: 1000,
  busyFailNs: 300,
  serviceCv: 0
})

/**
 * One socket of 4 CPUs, and a kernel page window of one region: kernel pages are drawn from a single
 * region until its 512 pages are used, so which region a kernel page lands in is known without the
 * random window slot (every draw picks slot 0).
 */
export function handSettings(over: Partial<ContentionSettings> = {}): ContentionSettings {
  return {
    costs: { ...ROUND_COSTS },
    sockets: 1,
    cpusPerSocket: 4,
    kernelWindowRegions: 1,
    timelineBins: 10,
    tdStartJitterNs: 0,
    vcpuStartJitterNs: 0,
    ...over
  }
}

/** A TD class as a scenario accepts it (defaults not yet applied). */
export type TdClassInput = ScenarioInput['tdClasses'][number]

/** A TD class of one 2 MiB region of 4K-mapped memory (no build image), started at 0, never ended. */
export const ONE_REGION_TD: Readonly<TdClassInput> = {
  name: 'td',
  count: 1,
  memoryBytes: 2 ** 21,
  imageBytes: 0,
  vcpus: 1
}

/**
 * simulateContention on the tiny host (or `host`) with hand-solvable settings; durationNs 1 ms
 * (10 bins of 100 µs).
 */
export function simulateTiny(
  tdClasses: ReadonlyArray<Readonly<TdClassInput>>,
  design: LockDesign,
  demote: DemoteVariant = 'lock-around',
  over: Partial<ContentionSettings> = {},
  host: HostAnalysis = tinyHost()
): ContentionOutcome {
  const scenario = scenarioSchema.parse({
    name: 'hand-solved',
    durationNs: 1e6,
    tdClasses: [...tdClasses]
  })
  return simulateContention(host, scenario, design, demote, handSettings(over))
}
