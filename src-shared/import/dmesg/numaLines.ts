/**
 * NUMA lines of a boot log: ACPI SRAT memory affinity, numa_cleanup_meminfo() merge lines and the
 * dummy-NUMA fallback. They give the node split of memblock (dpamt-model.md §1.2 step 1, "NUMA setup
 * splits regions at node boundaries"), which decides TDMR and PAMT node placement (§1.3, §1.5).
 */
import type { NumaMemblk } from '../../model/host/memoryMap'
import { MAX_NUMA_NODE_ID } from '../limits'
import { fail, inclusiveRange, quote } from './fail'

const HEX = String.raw`(0x[0-9a-fA-F]+)`
/**
 * acpi_numa_memory_affinity_init(): `SRAT: Node %u PXM %u [mem %#010Lx-%#010Lx]%s%s` (end
 * inclusive), the suffixes being ` hotplug` and ` non-volatile`; `ACPI: ` is prefixed on newer
 * kernels (pr_fmt), which the unanchored match ignores.
 */
export const SRAT_MEM_RE = new RegExp(
  String.raw`SRAT: Node (\d+) PXM (\d+) \[mem ${HEX}-${HEX}\]( hotplug)?( non-volatile)?\s*$`
)
/**
 * `SRAT: PXM %u -> APIC 0x%02x -> Node %u` / `-> X2APIC`: CPU affinity, not memory
 * (arch/x86/mm/srat.c; KERN_INFO in older kernels, pr_debug in current ones, so newer logs have
 * them only with dynamic debug). The same prefix with "skipped apicid that is too big" names a CPU the kernel
 * did not take.
 */
export const SRAT_CPU_RE = /SRAT: PXM \d+ -> (?:X2)?APIC (0x[0-9a-fA-F]+) -> Node (\d+)(.*)$/

/** An APIC id and its node from a SRAT CPU affinity line, or null when the kernel skipped it. */
export function parseSratCpuLine(raw: string): { apicId: number; node: number } | null {
  const m = SRAT_CPU_RE.exec(raw)
  if (!m || /skipped/.test(m[3]!)) return null
  return { apicId: Number.parseInt(m[1]!, 16), node: Number(m[2]) }
}
/** numa_cleanup_meminfo(): `NUMA: Node %d [mem a-b] + [mem c-d] -> [mem e-f]` (ends inclusive). */
export const NUMA_MERGE_RE = new RegExp(
  String.raw`NUMA: Node (\d+) \[mem ${HEX}-${HEX}\] \+ \[mem ${HEX}-${HEX}\] -> \[mem ${HEX}-${HEX}\]`
)
/** dummy_numa_init(): printed when there is no usable NUMA description; memory is one node 0. */
export const NO_NUMA_RE = /No NUMA configuration found|NUMA turned off/
/** numa_alloc_distance(): informational. */
export const NUMA_OTHER_RE = /NUMA: Initialized distance table, cnt=\d+/
export const FAKE_NODE_RE = new RegExp(String.raw`Faking a node at \[mem ${HEX}-${HEX}\]`)

export interface NumaMerge {
  nid: number
  a: { baseBytes: number; endBytes: number }
  b: { baseBytes: number; endBytes: number }
  merged: NumaMemblk
}

/** A node id as the kernel prints it (%u or %d): at most MAX_NUMA_NODE_ID, or the line fails. */
function nodeId(digits: string, fileName: string, line: number): number {
  const nid = Number(digits)
  if (nid > MAX_NUMA_NODE_ID) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `node ${digits.length > 12 ? `${digits.slice(0, 12)}…` : digits} is above ${MAX_NUMA_NODE_ID}: no kernel numbers NUMA nodes that high (x86 allows at most 1024)`
    })
  }
  return nid
}

export function parseSratLine(
  raw: string,
  fileName: string,
  line: number
): { memblk: NumaMemblk; nonVolatile: boolean } {
  const m = SRAT_MEM_RE.exec(raw)
  if (!m) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `SRAT line is not "SRAT: Node N PXM P [mem 0xSTART-0xEND]" with an optional hotplug or non-volatile flag: ${quote(raw)}`
    })
  }
  const range = inclusiveRange(m[3]!, m[4]!, 'SRAT', fileName, line)
  return {
    memblk: { ...range, nid: nodeId(m[1]!, fileName, line), hotplug: m[5] !== undefined, line },
    nonVolatile: m[6] !== undefined
  }
}

export function parseMergeLine(raw: string, fileName: string, line: number): NumaMerge {
  const m = NUMA_MERGE_RE.exec(raw)
  if (!m) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `NUMA merge line is not "NUMA: Node N [mem 0xA-0xB] + [mem 0xC-0xD] -> [mem 0xE-0xF]": ${quote(raw)}`
    })
  }
  const nid = nodeId(m[1]!, fileName, line)
  const a = inclusiveRange(m[2]!, m[3]!, 'NUMA merge', fileName, line)
  const b = inclusiveRange(m[4]!, m[5]!, 'NUMA merge', fileName, line)
  const merged = inclusiveRange(m[6]!, m[7]!, 'NUMA merge', fileName, line)
  return { nid, a, b, merged: { ...merged, nid, hotplug: false, line } }
}

/**
 * Memblks from the merge lines alone (used only when there are no SRAT lines). Each line merges two
 * blocks of one node into one; the result of an earlier line can be an input of a later one, so
 * inputs that are earlier results are replaced. Nodes with a single block print no merge line and
 * are therefore missing (modelled: the summary says so).
 */
export function memblksFromMerges(merges: NumaMerge[]): NumaMemblk[] {
  const out: NumaMemblk[] = []
  for (const m of merges) {
    for (const input of [m.a, m.b]) {
      const i = out.findIndex(
        (r) => r.nid === m.nid && r.baseBytes === input.baseBytes && r.endBytes === input.endBytes
      )
      if (i >= 0) out.splice(i, 1)
    }
    out.push(m.merged)
  }
  return out
}
