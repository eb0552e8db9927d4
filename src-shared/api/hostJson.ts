import type { HostAnalysis } from '../model/host/analyzeHost'
import { toHex } from '../model/host/units'

/**
 * The stable JSON form of a host analysis (`pamt-planner analyze --json`). Addresses are "0x…"
 * strings, sizes are bytes, "kb" is KiB as the kernel prints it. Fields may be added, never removed.
 */
export function hostAnalysisToJson(a: HostAnalysis): Record<string, unknown> {
  return {
    host: {
      name: a.name,
      memorySource: a.memorySource,
      ramBytes: a.ramBytes,
      tdxMemoryBytes: a.tdxMemoryBytes,
      maxPfn: toHex(a.maxPfn),
      numaSource: a.numaSource
    },
    memoryBlocks: a.memoryBlocks.map((b) => ({
      base: toHex(b.startPfn * 4096),
      end: toHex(b.endPfn * 4096),
      nid: b.nid
    })),
    tdmrs: a.tdmrs.map((t) => ({
      base: toHex(t.baseBytes),
      end: toHex(t.baseBytes + t.sizeBytes),
      sizeBytes: t.sizeBytes,
      pamtNid: t.pamtNid,
      staticPamt: t.staticPamt,
      dynamicPamtStatic: t.dynamicPamtStatic,
      pamtChunk: t.pamtChunk
        ? {
            base: toHex(t.pamtChunk.baseBytes),
            end: toHex(t.pamtChunk.baseBytes + t.pamtChunk.sizeBytes),
            nid: t.pamtChunk.nid,
            zone: t.pamtChunk.zone
          }
        : null,
      holes: t.holes.map((h) => ({
        base: toHex(h.baseBytes),
        end: toHex(h.baseBytes + h.sizeBytes)
      })),
      reservedAreas: t.reservedAreas.map((r) => ({
        base: toHex(r.baseBytes),
        end: toHex(r.baseBytes + r.sizeBytes),
        kind: r.kind,
        ...(r.pamtOfTdmr !== undefined ? { pamtOfTdmr: r.pamtOfTdmr } : {})
      })),
      reservedAreasExhausted: t.reservedAreasExhausted
    })),
    nodes: a.nodes.map((n) => ({
      nid: n.nid,
      tdxMemoryBytes: n.tdxMemoryBytes,
      memoryBlocks: n.memoryBlockCount,
      tdmrs: n.tdmrIndexes,
      staticPamtBytes: n.staticPamtBytes,
      dynamicPamtStaticBytes: n.dynamicPamtStaticBytes
    })),
    initSucceeds: a.initSucceeds,
    verdict: {
      model: a.verdict.model,
      kernel: a.verdict.kernel,
      tdxInLog: a.verdict.tdxInLog,
      kernelLine: a.verdict.kernelLine,
      kernelFailure: a.verdict.kernelFailure,
      explanation: a.verdict.explanation
    },
    options: a.options,
    moduleParamSet: a.moduleParamSet,
    staticPamt: {
      kb: a.staticPamt.kb,
      bytes: a.staticPamt.bytes,
      levels: {
        pamt4k: a.staticPamt.levels.pamt4kBytes,
        pamt2m: a.staticPamt.levels.pamt2mBytes,
        pamt1g: a.staticPamt.levels.pamt1gBytes
      }
    },
    dynamicPamt: {
      staticKb: a.dynamicPamt.staticKb,
      staticBytes: a.dynamicPamt.staticBytes,
      bitmapBytes: a.dynamicPamt.parts.bitmapBytes,
      pamt2mBytes: a.dynamicPamt.parts.pamt2mBytes,
      pamt1gBytes: a.dynamicPamt.parts.pamt1gBytes
    },
    refcounts: {
      denseBytes: a.refcounts.denseBytes,
      densePages: a.refcounts.densePages,
      sparseBytes: a.refcounts.sparseBytes,
      sparsePages: a.refcounts.sparsePages,
      densePageTablePages: a.refcounts.densePageTablePages,
      sparsePageTablePages: a.refcounts.sparsePageTablePages
    },
    kernelLog: a.calibration
      ? {
          pamtKb: a.calibration.kernelPamtKb,
          line: a.calibration.kernelPamtKbLine,
          dynamicPamt: a.calibration.dynamicPamt,
          modelKb: a.calibration.modelKb,
          matches: a.calibration.matches
        }
      : null,
    params: a.params,
    /** x86_phys_bits for the DPAMT 48-bit check: { bits, kind, source, line, origin }. */
    physAddrBits: a.physAddrBits,
    problems: a.problems.map((p) => ({
      code: p.code,
      severity: p.severity,
      message: p.message,
      ...(p.line !== undefined ? { line: p.line } : {})
    }))
  }
}
