import { hostVerdict, type HostVerdict } from './verdict'
import type {
  CmrRange,
  CpuTopology,
  HostInput,
  MemoryRange,
  MemorySource,
  NumaSource
} from './memoryMap'
import {
  buildMemblockMemory,
  buildTdxMemoryBlocks,
  computeMaxPfn,
  type TdxMemoryBlock
} from './memoryBlocks'
import {
  assignNodes,
  numaCleanupMeminfo,
  NUMA_MAX_UNCOVERED_BYTES,
  uncoveredRamBytes,
  type NodeRange
} from './numa'
import { fillOutTdmrs, tdmrPamtNid, type TdmrRange } from './tdmrs'
import {
  dpamtStaticBytes,
  staticPamtBytes,
  sumDpamtStatic,
  sumPamtLevels,
  type DpamtStaticBytes,
  type PamtLevelsBytes
} from './pamtSize'
import { placePamtChunks, type PamtPlacementPolicy, type ZoneName } from './placement'
import {
  tdmrHoles,
  tdmrPamtAreas,
  tdmrReservedAreas,
  type ByteSpan,
  type HoleSource,
  type ReservedArea
} from './reservedAreas'
import { refcountMemory, type RefcountMemory } from './refcounts'
import { decodeKernelPamtKb, type DecodedPamtKb } from './calibration'
import type { Problem } from './problem'
import type { KernelParams, ModuleParamSetId, TdxModuleParams } from './tdxModuleParams'
import { DEFAULT_KERNEL_PARAMS } from './tdxModuleParams'
import { resolveModuleParams, type ModuleParamSetChoice } from './moduleVersion'
import { bytesToKernelKb, pfnToBytes, SZ_1G_BYTES, toHex } from './units'
import {
  estimatePhysAddrBits,
  physAddrBitsProblem,
  type PhysAddrBitsEstimate
} from './physAddrBits'

export { DPAMT_MAX_PHYS_ADDR_BITS } from './physAddrBits'

/** Which PAMT the kernel set up: it decides the chunk sizes, so placement and reserved areas. */
export type PamtMode = 'static' | 'dynamic'

export interface PamtChunk {
  baseBytes: number
  sizeBytes: number
  nid: number
  zone: ZoneName
}

export interface TdmrAnalysis extends TdmrRange {
  /** Node the kernel asks for this TDMR's PAMT (tdmr_get_nid, §1.5). */
  pamtNid: number
  staticPamt: PamtLevelsBytes
  dynamicPamtStatic: DpamtStaticBytes
  /** Where the chunk lands under the placement policy; null when no candidate fits (-ENOMEM). */
  pamtChunk: PamtChunk | null
  /** Hole reserved areas (§1.6 step 1). */
  holes: ReservedArea[]
  /** All reserved areas, holes and PAMT chunks, ascending (§1.6). */
  reservedAreas: ReservedArea[]
  /** More reserved areas than max_reserved_per_tdmr: the kernel fails init on the first such TDMR. */
  reservedAreasExhausted: boolean
}

export interface NodeAnalysis {
  nid: number
  /** TDX memory (memory blocks) on this node. */
  tdxMemoryBytes: number
  memoryBlockCount: number
  /** TDMRs whose PAMT is asked of this node. */
  tdmrIndexes: number[]
  /** Static PAMT and DPAMT static part of those TDMRs: the memory this node gives to PAMT. */
  staticPamtBytes: number
  dynamicPamtStaticBytes: number
}

export interface Calibration {
  kernelPamtKb: number
  kernelPamtKbLine: number | null
  /** Whether the log said "Enable Dynamic PAMT", so the KB line is the DPAMT static part. */
  dynamicPamt: boolean
  modelKb: number
  matches: boolean
  /** The kernel value decoded as G GiB in N TDMRs (§1.7), when it fits the closed form. */
  kernelDecoded: DecodedPamtKb | null
  modelTdmrGiB: number
  modelTdmrCount: number
}

/** Choices the kernel does not fix, with their defaults (each shown in the UI and the CLI). */
export interface HostModelOptions {
  /** Hole source for reserved areas: memory blocks (mainline, default) or CMR gaps (KAI-CMR). */
  holeSource: HoleSource
  /** PAMT chunk placement policy (§1.5, inferred). */
  pamtPlacement: PamtPlacementPolicy
  /** Static or Dynamic PAMT chunks; default: dynamic when the log says "Enable Dynamic PAMT". */
  pamtMode: PamtMode
}

export interface HostAnalysis {
  name: string
  memorySource: MemorySource
  numaSource: NumaSource
  /** The map the model used, for the address-space view. */
  memoryMap: { ranges: MemoryRange[]; cmrs: CmrRange[]; nodeRanges: NodeRange[] }
  /** Sum of RAM ranges in the imported map, before the kernel's trimming. */
  ramBytes: number
  /** Sum of TDX memory blocks: what TDX actually converts. */
  tdxMemoryBytes: number
  memoryBlocks: TdxMemoryBlock[]
  maxPfn: number
  tdmrs: TdmrAnalysis[]
  /** Sum of TDMR sizes: PAMT covers whole TDMRs, holes included (§1.4). */
  tdmrCoveredBytes: number
  nodes: NodeAnalysis[]
  staticPamt: { bytes: number; kb: number; levels: PamtLevelsBytes }
  dynamicPamt: { staticBytes: number; staticKb: number; parts: DpamtStaticBytes }
  refcounts: RefcountMemory
  /** True when nothing in the model says the kernel would fail TDX init. */
  initSucceeds: boolean
  /** The kernel's printed init outcome beside the model's: the host's headline. */
  verdict: HostVerdict
  /** What the kernel printed and how the model compares (§1.7), or null when nothing was printed. */
  calibration: Calibration | null
  params: TdxModuleParams
  /** Which preset the params start from (module version in the log, default or user), and edits. */
  moduleParamSet: ModuleParamSetChoice
  kernel: KernelParams
  /** x86_phys_bits for the Dynamic PAMT 48-bit check: value or bound, and where it came from. */
  physAddrBits: PhysAddrBitsEstimate
  options: HostModelOptions
  problems: Problem[]
  /** CPUs per NUMA node from the log's SRAT CPU affinity lines, when it has them (contention). */
  cpuTopology?: CpuTopology
}

export interface AnalyzeHostOptions {
  params?: Partial<TdxModuleParams>
  kernel?: Partial<KernelParams>
  holeSource?: HoleSource
  pamtPlacement?: PamtPlacementPolicy
  pamtMode?: PamtMode
  /** Start from this module parameter set instead of the one the log implies (moduleVersion.ts). */
  moduleParamSet?: ModuleParamSetId
}

/** Field-wise sum of per-TDMR byte records (PAMT levels, DPAMT parts). */
function sumFields<T extends object>(items: readonly T[], zero: T): T {
  const total = { ...zero } as Record<string, number>
  for (const item of items)
    for (const [k, v] of Object.entries(item)) total[k] = (total[k] ?? 0) + (v as number)
  return total as T
}

const rangeText = (base: number, end: number): string => `[${toHex(base)}, ${toHex(end)})`

/** Merge adjacent or overlapping spans (the module merges adjacent CMRs, §1.2 step 5). */
function mergeSpans(spans: readonly ByteSpan[]): ByteSpan[] {
  const out: ByteSpan[] = []
  for (const s of [...spans].sort((a, b) => a.baseBytes - b.baseBytes)) {
    const last = out[out.length - 1]
    if (last && s.baseBytes <= last.endBytes) last.endBytes = Math.max(last.endBytes, s.endBytes)
    else out.push({ ...s })
  }
  return out
}

/**
 * NUMA layout as the kernel ends up with it (§1.2 step 1): the importer's blocks after
 * numa_cleanup_meminfo(), or one dummy node when there are none or NUMA init fails.
 */
function nodeLayout(
  host: HostInput,
  ram: readonly ByteSpan[],
  maxPfn: number,
  problems: Problem[]
): { regions: NodeRange[]; numaSource: NumaSource } {
  const dummy = (): { regions: NodeRange[]; numaSource: NumaSource } => ({
    regions: ram.map((r) => ({ ...r, nid: 0 })),
    numaSource: 'none'
  })
  if (host.numaMemblks.length === 0) return dummy()
  const cleaned = numaCleanupMeminfo(host.numaMemblks, ram, maxPfn)
  if (!cleaned.ok) {
    problems.push({
      code: 'NUMA_OVERLAP',
      severity: 'warning',
      message: `NUMA blocks ${cleaned.reason}: the kernel rejects this NUMA layout and uses one node.`
    })
    return dummy()
  }
  const missing = uncoveredRamBytes(ram, cleaned.blocks)
  if (missing >= NUMA_MAX_UNCOVERED_BYTES) {
    problems.push({
      code: 'NUMA_INCOMPLETE',
      severity: 'warning',
      message: `NUMA nodes miss ${Math.round(missing / 2 ** 20)} MiB of RAM: the kernel prints "NUMA: nodes only cover …" and uses one node.`
    })
    return dummy()
  }
  const { regions, orphanBytes } = assignNodes(ram, cleaned.blocks)
  if (orphanBytes > 0) {
    problems.push({
      code: 'NUMA_ORPHAN_RAM',
      severity: 'info',
      message: `${orphanBytes} bytes of RAM lie in no NUMA block; the model gives them to the nearest node.`
    })
  }
  return { regions, numaSource: host.numaSource }
}

/**
 * The whole host-side model (dpamt-model.md §1.2-1.7, §2.3, §2.5): memory map → NUMA-labelled
 * memblock → TDX memory blocks → TDMRs → PAMT per level, placement and reserved areas, the Dynamic
 * PAMT static part, refcount memory, per-node totals and the kernel's verdicts, with the kernel's own
 * KB line compared when the log has it. Pure and deterministic.
 */
export function analyzeHost(host: HostInput, options: AnalyzeHostOptions = {}): HostAnalysis {
  const kernel: KernelParams = { ...DEFAULT_KERNEL_PARAMS, ...options.kernel }
  const modelOptions: HostModelOptions = {
    holeSource: options.holeSource ?? 'e820',
    pamtPlacement: options.pamtPlacement ?? 'first-candidate',
    pamtMode: options.pamtMode ?? (host.kernelLog.dynamicPamtEnabled ? 'dynamic' : 'static')
  }
  // The module version in the log (or Dynamic PAMT) picks the preset; user edits win over it.
  const { params, moduleParamSet } = resolveModuleParams(
    host.kernelLog,
    modelOptions.pamtMode === 'dynamic',
    options.moduleParamSet,
    host.params,
    options.params
  )
  const problems: Problem[] = []
  const fail = (code: string, message: string): void => {
    problems.push({ code, severity: 'error', message })
  }

  const ram = buildMemblockMemory(host.ranges, kernel)
  const maxPfn = computeMaxPfn(host.ranges, kernel)
  const layout = nodeLayout(host, ram, maxPfn, problems)
  const blocks = buildTdxMemoryBlocks(layout.regions)
  if (blocks.length === 0) {
    fail(
      'NO_TDX_MEMORY',
      'No RAM above 1 MiB remains after the kernel rules, so TDX has no memory to convert.'
    )
  }
  const blockSpans: ByteSpan[] = blocks.map((b) => ({
    baseBytes: pfnToBytes(b.startPfn),
    endBytes: pfnToBytes(b.endPfn)
  }))

  // CMR checks: the module rejects TDMR memory outside CMRs (mainline); KAI-CMR rejects it earlier.
  const cmrSpans = mergeSpans(host.cmrs)
  if (cmrSpans.length > 0 && host.memorySource !== 'cmr') {
    for (const b of blockSpans) {
      if (!cmrSpans.some((c) => c.baseBytes <= b.baseBytes && b.endBytes <= c.endBytes)) {
        fail(
          modelOptions.holeSource === 'cmr' ? 'MEMORY_NOT_CONVERTIBLE' : 'TDMR_OUTSIDE_CMRS',
          modelOptions.holeSource === 'cmr'
            ? `memory region ${rangeText(b.baseBytes, b.endBytes)} is not TDX convertible memory. (KAI-CMR kernel, §1.2 step 5)`
            : `memory block ${rangeText(b.baseBytes, b.endBytes)} is not inside a CMR: TDH.SYS.CONFIG fails with TDX_TDMR_OUTSIDE_CMRS (§1.2 step 5).`
        )
        break
      }
    }
  }
  if (modelOptions.holeSource === 'cmr' && cmrSpans.length === 0) {
    problems.push({
      code: 'NO_CMRS_FOR_HOLES',
      severity: 'warning',
      message:
        'Hole source "cmr" needs CMR lines, and the input has none: holes come from the memory blocks instead.'
    })
  }
  const holeSpans = modelOptions.holeSource === 'cmr' && cmrSpans.length > 0 ? cmrSpans : blockSpans

  const filled = fillOutTdmrs(blocks, params.maxTdmrs)
  if (!filled.ok) {
    fail(
      'TDMRS_EXHAUSTED',
      `initialization failed: TDMRs exhausted. The memory map needs more than max_tdmrs=${params.maxTdmrs} TDMRs; the kernel fails TDX init with -ENOSPC (§1.3).`
    )
  } else if (filled.reachingLimit && filled.tdmrs.length > 0) {
    problems.push({
      code: 'TDMRS_REACHING_LIMIT',
      severity: 'warning',
      message: `consumed TDMRs reaching limit: ${filled.tdmrs.length} used out of ${params.maxTdmrs}`
    })
  }

  const perTdmr = filled.tdmrs.map((t) => {
    const { nid, fallback } = tdmrPamtNid(t, blocks)
    if (fallback) {
      problems.push({
        code: 'PAMT_NID_FALLBACK',
        severity: 'warning',
        message: `TDMR ${rangeText(t.baseBytes, t.baseBytes + t.sizeBytes)}: unable to find local NUMA node for PAMT allocation, fallback to use node 0.`
      })
    }
    const staticPamt = staticPamtBytes(t, params)
    const dynamicPamtStatic = dpamtStaticBytes(t, params)
    const chunkBytes =
      modelOptions.pamtMode === 'dynamic'
        ? sumDpamtStatic(dynamicPamtStatic)
        : sumPamtLevels(staticPamt)
    return { t, nid, staticPamt, dynamicPamtStatic, chunkBytes }
  })

  // PAMT allocation happens for every TDMR before any reserved area is filled (§1.5 order).
  const placed = filled.ok
    ? placePamtChunks(
        perTdmr.map((p) => ({ nrPages: p.chunkBytes / 4096, nid: p.nid })),
        layout.regions,
        modelOptions.pamtPlacement
      )
    : perTdmr.map(() => null)
  const chunks = placed.flatMap((c, i) =>
    c ? [{ baseBytes: pfnToBytes(c.startPfn), sizeBytes: pfnToBytes(c.nrPages), tdmrIndex: i }] : []
  )
  if (filled.ok && placed.some((c) => c === null)) {
    const i = placed.findIndex((c) => c === null)
    const t = perTdmr[i]!.t
    fail(
      'PAMT_ALLOCATION_FAILED',
      `No free contiguous range of ${perTdmr[i]!.chunkBytes} bytes for the PAMT of TDMR ${rangeText(t.baseBytes, t.baseBytes + t.sizeBytes)}: alloc_contig_pages() fails and TDX init fails with -ENOMEM (§1.5).`
    )
  }

  let firstExhausted = -1
  const tdmrs: TdmrAnalysis[] = perTdmr.map(({ t, nid, staticPamt, dynamicPamtStatic }, i) => {
    const holes = tdmrHoles(t, holeSpans)
    const reservedAreas = tdmrReservedAreas(holes, tdmrPamtAreas(t, chunks))
    const exhausted = reservedAreas.length > params.maxReservedPerTdmr
    if (exhausted && firstExhausted < 0) firstExhausted = i
    const c = placed[i]
    return {
      ...t,
      pamtNid: nid,
      staticPamt,
      dynamicPamtStatic,
      pamtChunk: c
        ? {
            baseBytes: pfnToBytes(c.startPfn),
            sizeBytes: pfnToBytes(c.nrPages),
            nid: c.nid,
            zone: c.zone
          }
        : null,
      holes,
      reservedAreas,
      reservedAreasExhausted: exhausted
    }
  })
  if (filled.ok && firstExhausted >= 0) {
    const t = tdmrs[firstExhausted]!
    fail(
      'RESERVED_AREAS_EXHAUSTED',
      `initialization failed: TDMR ${rangeText(t.baseBytes, t.baseBytes + t.sizeBytes)}: reserved areas exhausted. It needs ${t.reservedAreas.length} reserved areas (${t.holes.length} holes, ${t.reservedAreas.length - t.holes.length} PAMT); the module allows ${params.maxReservedPerTdmr} (§1.6).`
    )
  }

  const levels = sumFields(
    tdmrs.map((t) => t.staticPamt),
    { pamt4kBytes: 0, pamt2mBytes: 0, pamt1gBytes: 0 }
  )
  const staticBytes = sumPamtLevels(levels)
  const dpamtParts = sumFields(
    tdmrs.map((t) => t.dynamicPamtStatic),
    { bitmapBytes: 0, pamt2mBytes: 0, pamt1gBytes: 0 }
  )
  const dpamtStaticBytesTotal = sumDpamtStatic(dpamtParts)
  const tdmrCoveredBytes = tdmrs.reduce((s, t) => s + t.sizeBytes, 0)
  const refcounts = refcountMemory(maxPfn, blocks)

  // The v6 48-bit check compares the CPU's x86_phys_bits, not the memory (physAddrBits.ts).
  const highestTdxByte = blocks.length ? pfnToBytes(blocks[blocks.length - 1]!.endPfn) - 1 : 0
  const physAddrBits = estimatePhysAddrBits(kernel.physAddrBits, host.kernelLog, highestTdxByte)
  const physBitsProblem = physAddrBitsProblem(
    physAddrBits,
    highestTdxByte,
    modelOptions.pamtMode === 'dynamic'
  )
  if (physBitsProblem !== null) problems.push(physBitsProblem)

  const nids = [...new Set(blocks.map((b) => b.nid))].sort((a, b) => a - b)
  const nodes: NodeAnalysis[] = nids.map((nid) => {
    const own = blocks.filter((b) => b.nid === nid)
    const tdmrIndexes = tdmrs.flatMap((t, i) => (t.pamtNid === nid ? [i] : []))
    return {
      nid,
      tdxMemoryBytes: own.reduce((s, b) => s + pfnToBytes(b.endPfn - b.startPfn), 0),
      memoryBlockCount: own.length,
      tdmrIndexes,
      staticPamtBytes: tdmrIndexes.reduce((s, i) => s + sumPamtLevels(tdmrs[i]!.staticPamt), 0),
      dynamicPamtStaticBytes: tdmrIndexes.reduce(
        (s, i) => s + sumDpamtStatic(tdmrs[i]!.dynamicPamtStatic),
        0
      )
    }
  })

  const calibration = calibrate(
    host,
    dpamtStaticBytesTotal,
    staticBytes,
    tdmrCoveredBytes,
    tdmrs.length,
    params,
    problems
  )
  compareKernelVerdicts(host, tdmrs, filled.ok, problems)
  const initSucceeds = !problems.some((p) => p.severity === 'error')
  if (host.kernelLog.initialized === false && initSucceeds) {
    const seamcall = host.kernelLog.seamcallFailures[0]
    problems.push({
      code: 'KERNEL_INIT_FAILED_ELSEWHERE',
      severity: 'info',
      message: `The kernel reports TDX init failed${host.kernelLog.initErrno !== null ? ` (${host.kernelLog.initErrno})` : ''}, but TDMR construction, PAMT allocation and reserved areas succeed in the model: the cause lies elsewhere${seamcall ? ` (SEAMCALL ${seamcall.leaf} failed: ${seamcall.status})` : ''}.`,
      ...(seamcall ? { line: seamcall.line } : {})
    })
  }

  return {
    name: host.name,
    memorySource: host.memorySource,
    numaSource: layout.numaSource,
    memoryMap: { ranges: host.ranges, cmrs: host.cmrs, nodeRanges: layout.regions },
    ramBytes: host.ranges
      .filter((r) => r.type === 'ram')
      .reduce((s, r) => s + (r.endBytes - r.baseBytes), 0),
    tdxMemoryBytes: blockSpans.reduce((s, b) => s + (b.endBytes - b.baseBytes), 0),
    memoryBlocks: blocks,
    maxPfn,
    tdmrs,
    tdmrCoveredBytes,
    nodes,
    staticPamt: { bytes: staticBytes, kb: bytesToKernelKb(staticBytes), levels },
    dynamicPamt: {
      staticBytes: dpamtStaticBytesTotal,
      staticKb: bytesToKernelKb(dpamtStaticBytesTotal),
      parts: dpamtParts
    },
    refcounts,
    initSucceeds,
    verdict: hostVerdict(host.kernelLog, host.cmrs.length, problems),
    calibration,
    params,
    moduleParamSet,
    kernel,
    physAddrBits,
    options: modelOptions,
    problems,
    ...(host.cpuTopology ? { cpuTopology: host.cpuTopology } : {})
  }
}

/** Kernel KB line vs model (§1.7), with the likely cause of a difference. */
function calibrate(
  host: HostInput,
  dpamtBytes: number,
  staticBytes: number,
  coveredBytes: number,
  tdmrCount: number,
  params: TdxModuleParams,
  problems: Problem[]
): Calibration | null {
  const log = host.kernelLog
  if (log.pamtKb === null) return null
  const modelKb = bytesToKernelKb(log.dynamicPamtEnabled ? dpamtBytes : staticBytes)
  const calibration: Calibration = {
    kernelPamtKb: log.pamtKb,
    kernelPamtKbLine: log.pamtKbLine,
    dynamicPamt: log.dynamicPamtEnabled,
    modelKb,
    matches: modelKb === log.pamtKb,
    kernelDecoded: decodeKernelPamtKb(log.pamtKb, log.dynamicPamtEnabled, params.maxTdmrs),
    modelTdmrGiB: coveredBytes / SZ_1G_BYTES,
    modelTdmrCount: tdmrCount
  }
  if (!calibration.matches) {
    const d = calibration.kernelDecoded
    const decoded = d
      ? ` The kernel value decodes to ${d.tdmrGiB} GiB in ${d.tdmrCount} TDMRs; the model has ${calibration.modelTdmrGiB} GiB in ${tdmrCount}.`
      : ''
    const cause =
      d && d.tdmrGiB === calibration.modelTdmrGiB
        ? ' Same memory, different TDMR count: usually NUMA node boundaries splitting memory blocks (add the SRAT lines).'
        : ' Different covered memory: usually mem=/memmap= edits, a NUMA split, or a CMR-based downstream kernel.'
    problems.push({
      code: 'KERNEL_KB_MISMATCH',
      severity: 'warning',
      message: `The kernel printed ${log.pamtKb} KB allocated for PAMT; the model computes ${modelKb} KB.${decoded}${cause}`,
      ...(log.pamtKbLine !== null ? { line: log.pamtKbLine } : {})
    })
  }
  return calibration
}

/** When the log shows the kernel's own TDMR verdicts, say whether the model agrees. */
function compareKernelVerdicts(
  host: HostInput,
  tdmrs: readonly TdmrAnalysis[],
  tdmrsOk: boolean,
  problems: Problem[]
): void {
  const log = host.kernelLog
  if (log.tdmrsExhausted && tdmrsOk) {
    problems.push({
      code: 'KERNEL_VERDICT_DIFFERS',
      severity: 'warning',
      message:
        'The kernel printed "TDMRs exhausted" but the model fits the memory in max_tdmrs TDMRs: check max_tdmrs and the NUMA lines.'
    })
  }
  const ra = log.reservedAreasExhausted
  if (ra) {
    const t = tdmrs.find(
      (x) => x.baseBytes === ra.baseBytes && x.baseBytes + x.sizeBytes === ra.endBytes
    )
    if (!t || !t.reservedAreasExhausted) {
      problems.push({
        code: 'KERNEL_VERDICT_DIFFERS',
        severity: 'warning',
        line: ra.line,
        message: `The kernel found TDMR ${rangeText(ra.baseBytes, ra.endBytes)} out of reserved areas; the model ${t ? `counts ${t.reservedAreas.length} areas there` : 'has no such TDMR'}. PAMT placement or the hole source may differ.`
      })
    }
  }
}
