import type { HostInput, MemorySource } from './memoryMap'
import { buildTdxMemoryBlocks, computeMaxPfn, type TdxMemoryBlock } from './memoryBlocks'
import { fillOutTdmrs, tdmrHoles, tdmrPamtNid, type TdmrRange } from './tdmrs'
import {
  dpamtStaticBytes,
  staticPamtBytes,
  sumDpamtStatic,
  sumPamtLevels,
  type DpamtStaticBytes,
  type PamtLevelsBytes
} from './pamtSize'
import { refcountMemory, type RefcountMemory } from './refcounts'
import { decodeKernelPamtKb, type DecodedPamtKb } from './calibration'
import type { Problem } from './problem'
import type { KernelParams, TdxModuleParams } from './tdxModuleParams'
import { DEFAULT_KERNEL_PARAMS, TDX_MODULE_1_5_PARAMS } from './tdxModuleParams'
import { bytesToKernelKb, pfnToBytes, SZ_1G_BYTES, toHex } from './units'

/** DPAMT needs physical addresses within 48 bits (v6 10/11, dpamt-model.md §2.2). */
export const DPAMT_MAX_PHYS_ADDR_BITS = 48

export interface TdmrAnalysis extends TdmrRange {
  /** Node whose memory holds this TDMR's PAMT chunk (tdmr_get_nid, §1.5). */
  pamtNid: number
  staticPamt: PamtLevelsBytes
  dynamicPamtStatic: DpamtStaticBytes
  /** Hole reserved areas (§1.6 step 1); PAMT-chunk areas are not included. */
  holes: TdmrRange[]
}

export interface HostAnalysis {
  name: string
  memorySource: MemorySource
  /** Sum of RAM ranges in the imported map, before the kernel's trimming. */
  ramBytes: number
  /** Sum of TDX memory blocks: what TDX actually converts. */
  tdxMemoryBytes: number
  memoryBlocks: TdxMemoryBlock[]
  maxPfn: number
  tdmrs: TdmrAnalysis[]
  /** Sum of TDMR sizes: PAMT covers whole TDMRs, holes included (§1.4). */
  tdmrCoveredBytes: number
  staticPamt: { bytes: number; kb: number; levels: PamtLevelsBytes }
  dynamicPamt: { staticBytes: number; staticKb: number; parts: DpamtStaticBytes }
  refcounts: RefcountMemory
  /** What the kernel printed and how the model compares (§1.7), or null when nothing was printed. */
  calibration: Calibration | null
  params: TdxModuleParams
  problems: Problem[]
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

export interface AnalyzeHostOptions {
  params?: Partial<TdxModuleParams>
  kernel?: Partial<KernelParams>
}

function sumLevels(items: readonly PamtLevelsBytes[]): PamtLevelsBytes {
  return items.reduce(
    (s, l) => ({
      pamt4kBytes: s.pamt4kBytes + l.pamt4kBytes,
      pamt2mBytes: s.pamt2mBytes + l.pamt2mBytes,
      pamt1gBytes: s.pamt1gBytes + l.pamt1gBytes
    }),
    { pamt4kBytes: 0, pamt2mBytes: 0, pamt1gBytes: 0 }
  )
}

function sumDpamt(items: readonly DpamtStaticBytes[]): DpamtStaticBytes {
  return items.reduce(
    (s, l) => ({
      bitmapBytes: s.bitmapBytes + l.bitmapBytes,
      pamt2mBytes: s.pamt2mBytes + l.pamt2mBytes,
      pamt1gBytes: s.pamt1gBytes + l.pamt1gBytes
    }),
    { bitmapBytes: 0, pamt2mBytes: 0, pamt1gBytes: 0 }
  )
}

/**
 * The whole host-side model (dpamt-model.md §1.2-1.7, §2.3, §2.5): memory map → TDX memory blocks →
 * TDMRs → static PAMT per level, the Dynamic PAMT static part, and dense/sparse refcount memory,
 * with the kernel's own KB line compared when the log has it. Pure and deterministic.
 */
export function analyzeHost(host: HostInput, options: AnalyzeHostOptions = {}): HostAnalysis {
  const params: TdxModuleParams = { ...TDX_MODULE_1_5_PARAMS, ...options.params }
  const kernel: KernelParams = { ...DEFAULT_KERNEL_PARAMS, ...options.kernel }
  const problems: Problem[] = []

  const blocks = buildTdxMemoryBlocks(host.ranges, kernel)
  const maxPfn = computeMaxPfn(host.ranges, kernel)
  if (blocks.length === 0) {
    problems.push({
      code: 'NO_TDX_MEMORY',
      severity: 'error',
      message: 'No RAM above 1 MiB remains after the kernel rules, so TDX has no memory to convert.'
    })
  }

  const filled = fillOutTdmrs(blocks, params.maxTdmrs)
  if (!filled.ok) {
    problems.push({
      code: 'TDMRS_EXHAUSTED',
      severity: 'error',
      message: `initialization failed: TDMRs exhausted. The memory map needs more than max_tdmrs=${params.maxTdmrs} TDMRs; the kernel fails TDX init with -ENOSPC (dpamt-model.md §1.3).`
    })
  } else if (filled.reachingLimit && filled.tdmrs.length > 0) {
    problems.push({
      code: 'TDMRS_REACHING_LIMIT',
      severity: 'warning',
      message: `consumed TDMRs reaching limit: ${filled.tdmrs.length} used out of ${params.maxTdmrs}`
    })
  }

  const tdmrs: TdmrAnalysis[] = filled.tdmrs.map((t) => {
    const { nid, fallback } = tdmrPamtNid(t, blocks)
    if (fallback) {
      problems.push({
        code: 'PAMT_NID_FALLBACK',
        severity: 'warning',
        message: `TDMR [${toHex(t.baseBytes)}, ${toHex(t.baseBytes + t.sizeBytes)}): unable to find local NUMA node for PAMT allocation, fallback to use node 0.`
      })
    }
    return {
      ...t,
      pamtNid: nid,
      staticPamt: staticPamtBytes(t, params),
      dynamicPamtStatic: dpamtStaticBytes(t, params),
      holes: tdmrHoles(t, blocks)
    }
  })

  const levels = sumLevels(tdmrs.map((t) => t.staticPamt))
  const staticBytes = sumPamtLevels(levels)
  const dpamtParts = sumDpamt(tdmrs.map((t) => t.dynamicPamtStatic))
  const dpamtStaticBytesTotal = sumDpamtStatic(dpamtParts)
  const tdmrCoveredBytes = tdmrs.reduce((s, t) => s + t.sizeBytes, 0)
  const refcounts = refcountMemory(maxPfn, blocks)

  const highestTdxByte = blocks.length ? pfnToBytes(blocks[blocks.length - 1]!.endPfn) - 1 : 0
  if (highestTdxByte >= 2 ** DPAMT_MAX_PHYS_ADDR_BITS) {
    problems.push({
      code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
      severity: 'warning',
      message: `TDX memory reaches ${toHex(highestTdxByte)}, beyond 48 physical address bits: v6 kernels do not enable Dynamic PAMT on such hosts (dpamt-model.md §2.2).`
    })
  }

  let calibration: Calibration | null = null
  const log = host.kernelLog
  if (log.pamtKb !== null) {
    const modelKb = bytesToKernelKb(log.dynamicPamtEnabled ? dpamtStaticBytesTotal : staticBytes)
    calibration = {
      kernelPamtKb: log.pamtKb,
      kernelPamtKbLine: log.pamtKbLine,
      dynamicPamt: log.dynamicPamtEnabled,
      modelKb,
      matches: modelKb === log.pamtKb,
      kernelDecoded: decodeKernelPamtKb(log.pamtKb, log.dynamicPamtEnabled, params.maxTdmrs),
      modelTdmrGiB: tdmrCoveredBytes / SZ_1G_BYTES,
      modelTdmrCount: tdmrs.length
    }
    if (!calibration.matches) {
      const d = calibration.kernelDecoded
      const decoded = d
        ? ` The kernel value decodes to ${d.tdmrGiB} GiB in ${d.tdmrCount} TDMRs; the model has ${calibration.modelTdmrGiB} GiB in ${calibration.modelTdmrCount}.`
        : ''
      const cause =
        d && d.tdmrGiB === calibration.modelTdmrGiB
          ? ' Same memory, different TDMR count: usually NUMA node boundaries splitting memory blocks (add SRAT lines).'
          : ' Different covered memory: usually mem=/memmap= edits, a NUMA split, or a CMR-based downstream kernel.'
      problems.push({
        code: 'KERNEL_KB_MISMATCH',
        severity: 'warning',
        message: `The kernel printed ${log.pamtKb} KB allocated for PAMT; the model computes ${modelKb} KB.${decoded}${cause}`,
        ...(log.pamtKbLine !== null ? { line: log.pamtKbLine } : {})
      })
    }
  }

  return {
    name: host.name,
    memorySource: host.memorySource,
    ramBytes: host.ranges
      .filter((r) => r.type === 'ram')
      .reduce((s, r) => s + (r.endBytes - r.baseBytes), 0),
    tdxMemoryBytes: blocks.reduce((s, b) => s + pfnToBytes(b.endPfn - b.startPfn), 0),
    memoryBlocks: blocks,
    maxPfn,
    tdmrs,
    tdmrCoveredBytes,
    staticPamt: { bytes: staticBytes, kb: bytesToKernelKb(staticBytes), levels },
    dynamicPamt: {
      staticBytes: dpamtStaticBytesTotal,
      staticKb: bytesToKernelKb(dpamtStaticBytesTotal),
      parts: dpamtParts
    },
    refcounts,
    calibration,
    params,
    problems
  }
}
