/**
 * `numactl -H` (`--hardware`) importer (format `numactl`).
 *
 * numactl prints, per node, its CPUs and its memory size (the node's MemTotal, in MiB):
 * ```
 * available: 2 nodes (0-1)
 * node 0 cpus: 0 1 2 3
 * node 0 size: 64326 MB
 * node 0 free: 60120 MB
 * node 1 cpus:
 * node 1 size: 65536 MB
 * node 1 free: 65535 MB
 * node distances:
 * node   0   1
 *   0:  10  21
 *   1:  21  10
 * ```
 * It gives no addresses, so on its own it is not a memory map: {@link parseNumactl} returns the
 * nodes, and {@link assignNodesBySize} lays them over a memory map from another file.
 * Memory-only nodes (CXL expanders, an empty `cpus:` list) are allowed.
 */
import type { MemoryRange, NumaMemblk } from '../model/host/memoryMap'
import { SZ_1G_BYTES } from '../model/host/units'
import type { ImportSummary } from './hostImport'
import type { ImportError } from './importError'
import { MAX_NUMA_NODE_ID } from './limits'
import {
  checkIsText,
  checkLineLength,
  fail,
  runImport,
  SkippedLines,
  sniffLines,
  splitLines,
  stripBom
} from './textChecks'

const WHAT = 'numactl -H output'
const MiB = 2 ** 20

/** One NUMA node as `numactl -H` describes it. */
export interface NumactlNode {
  nid: number
  /** `node N size: M MB` × 2^20: the node's MemTotal, a little less than its RAM. */
  sizeBytes: number
  /** `node N cpus:` list; empty for a memory-only node. */
  cpus: number[]
  /** Line of the `node N size:` line. */
  line: number
}

export type NumactlResult =
  { ok: true; nodes: NumactlNode[]; summary: ImportSummary } | { ok: false; error: ImportError }

const AVAILABLE_RE = /^available:\s*(\d+)\s+nodes?\s*\(([\d,\s-]*)\)\s*$/
const CPUS_RE = /^node\s+(\d+)\s+cpus:((?:\s+\d+)*)\s*$/
const SIZE_RE = /^node\s+(\d+)\s+size:\s*(\d+)\s*MB\s*$/
const FREE_RE = /^node\s+(\d+)\s+free:\s*(\d+)\s*MB\s*$/
const DISTANCES_RE = /^node\s+distances:\s*$/
const DIST_HEADER_RE = /^node(\s+\d+)+\s*$/
const DIST_ROW_RE = /^\s*\d+:(\s+\d+)+\s*$/
const NO_NUMA_RE = /No NUMA available on this system/i

/** Cheap check for auto-detection: an `available: N nodes` line or `node N size:` lines. */
export function looksLikeNumactl(text: string): boolean {
  return sniffLines(text).some((l) => AVAILABLE_RE.test(l.trim()) || SIZE_RE.test(l.trim()))
}

/** `0-1,3` → [0, 1, 3]; null when malformed. */
function parseNodeList(list: string): number[] | null {
  const out: number[] = []
  const t = list.replace(/\s+/g, '')
  if (t === '') return out
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) return null
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    // Node ids stop at MAX_NUMA_NODE_ID, so a list can never hold more than 4096 of them (a line
    // of "0-65536,0-65536,…" would otherwise expand to hundreds of millions).
    if (b < a || b > MAX_NUMA_NODE_ID || out.length + (b - a) > MAX_NUMA_NODE_ID) return null
    for (let n = a; n <= b; n++) out.push(n)
  }
  return out
}

/**
 * Parse `numactl -H` output. Fails (NO_MEMORY_LINES) when there are no `node N size:` lines or
 * numactl said "No NUMA available on this system"; fails (MALFORMED_LINE) on a `node …` line it
 * cannot read, a node listed twice, a node missing from the `available:` list, or a node in that
 * list without a size. Other lines (a pasted prompt) are skipped and quoted in the summary.
 */
export function parseNumactl(text: string, fileName: string): NumactlResult {
  return runImport(() => {
    text = stripBom(text)
    checkIsText(text, fileName, WHAT)
    const lines = splitLines(text)
    const skipped = new SkippedLines()
    const sizes = new Map<number, { bytes: number; line: number }>()
    const cpus = new Map<number, { list: number[]; line: number }>()
    let available: { nids: number[]; line: number } | null = null
    let freeLines = 0
    let distanceLines = 0

    const malformed: (line: number, message: string) => never = (line, message) =>
      fail({ code: 'MALFORMED_LINE', line, message }, fileName)

    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1
      const raw = lines[i]!
      checkLineLength(raw, lineNo, fileName, WHAT)
      const t = raw.trim()
      if (t === '' || t.startsWith('#')) continue
      if (NO_NUMA_RE.test(t)) {
        fail(
          {
            code: 'NO_MEMORY_LINES',
            message:
              'numactl says "No NUMA available on this system": the host is a single node 0, so no numactl file is needed'
          },
          fileName
        )
      }
      if (t.startsWith('available:')) {
        const m = AVAILABLE_RE.exec(t)
        const nids = m ? parseNodeList(m[2]!) : null
        if (!m || nids === null) {
          malformed(lineNo, `line is not "available: N nodes (list)": ${t.slice(0, 120)}`)
        }
        if (nids.length !== Number(m[1])) {
          malformed(
            lineNo,
            `"available:" says ${m[1]} nodes but lists ${nids.length} (${m[2]!.trim()})`
          )
        }
        if (available)
          malformed(lineNo, `a second "available:" line (the first is on line ${available.line})`)
        available = { nids, line: lineNo }
        continue
      }
      if (
        DISTANCES_RE.test(t) ||
        (distanceLines > 0 && (DIST_HEADER_RE.test(t) || DIST_ROW_RE.test(raw)))
      ) {
        distanceLines++
        continue
      }
      if (/^node\s/.test(t)) {
        const size = SIZE_RE.exec(t)
        const cpu = CPUS_RE.exec(t)
        const free = FREE_RE.exec(t)
        const id = (size ?? cpu ?? free)?.[1]
        if (id !== undefined && Number(id) > MAX_NUMA_NODE_ID)
          malformed(
            lineNo,
            `node ${id.slice(0, 12)} is above ${MAX_NUMA_NODE_ID}: no kernel numbers NUMA nodes that high`
          )
        if (size) {
          const nid = Number(size[1])
          const prev = sizes.get(nid)
          if (prev)
            malformed(
              lineNo,
              `node ${nid} has a second size line (the first is on line ${prev.line})`
            )
          sizes.set(nid, { bytes: Number(size[2]) * MiB, line: lineNo })
        } else if (cpu) {
          const nid = Number(cpu[1])
          const prev = cpus.get(nid)
          if (prev)
            malformed(
              lineNo,
              `node ${nid} has a second cpus line (the first is on line ${prev.line})`
            )
          const list = cpu[2]!.trim() === '' ? [] : cpu[2]!.trim().split(/\s+/).map(Number)
          cpus.set(nid, { list, line: lineNo })
        } else if (free) {
          freeLines++
        } else {
          malformed(
            lineNo,
            `line is not "node N cpus: …", "node N size: M MB" or "node N free: M MB": ${t.slice(0, 120)}`
          )
        }
        continue
      }
      skipped.add(lineNo, raw)
    }

    if (sizes.size === 0) {
      fail(
        {
          code: 'NO_MEMORY_LINES',
          message: 'no node sizes found: expected "node N size: M MB" lines from "numactl -H"'
        },
        fileName
      )
    }
    if (available) {
      const listed = new Set(available.nids)
      for (const [nid, s] of [...sizes, ...cpus]) {
        if (!listed.has(nid)) {
          malformed(s.line, `node ${nid} is not in the "available:" list on line ${available.line}`)
        }
      }
      for (const nid of available.nids) {
        if (!sizes.has(nid)) {
          malformed(
            available.line,
            `node ${nid} is listed as available but has no "node ${nid} size:" line`
          )
        }
      }
    }

    const nodes: NumactlNode[] = [...sizes]
      .sort((a, b) => a[0] - b[0])
      .map(([nid, s]) => ({
        nid,
        sizeBytes: s.bytes,
        cpus: cpus.get(nid)?.list ?? [],
        line: s.line
      }))
    const memoryOnly = nodes.filter((n) => n.cpus.length === 0 && n.sizeBytes > 0).length
    const notes = [
      'numactl gives node sizes but no addresses: the nodes are laid over the memory map in ascending address order by size (a modelling assumption).',
      'numactl sizes are MemTotal, a little less than the RAM of each node.'
    ]
    if (memoryOnly > 0) notes.push(`${memoryOnly} memory-only node(s) (no CPUs), e.g. CXL memory.`)
    const empty = nodes.filter((n) => n.sizeBytes === 0).length
    if (empty > 0) notes.push(`${empty} node(s) have no memory (CPU-only nodes).`)

    return {
      nodes,
      summary: {
        formats: ['numactl' as const],
        fileName,
        linesTotal: lines.length,
        recognised: [
          { what: 'node size lines', count: sizes.size },
          { what: 'node cpus lines', count: cpus.size },
          { what: 'node free lines', count: freeLines },
          { what: 'available and distance lines', count: (available ? 1 : 0) + distanceLines }
        ],
        linesSkipped: skipped.count,
        skippedSamples: skipped.samples,
        notes
      }
    }
  })
}

/** Options for {@link assignNodesBySize}. */
export interface AssignNodesOptions {
  /**
   * Snap each node boundary to the nearest multiple of this many bytes (default 1 GiB, where
   * server firmware puts node boundaries). Use 1 to keep the computed boundaries. A boundary is
   * left unsnapped when snapping would leave a node without RAM.
   */
  alignBytes?: number
}

/**
 * Lay NUMA nodes over the RAM of a memory map using only their sizes (from `numactl -H`).
 *
 * **This is a MODELLING assumption, not something numactl says.** numactl gives each node's size
 * but no addresses, so:
 * - Nodes are placed in ascending nid order from the lowest RAM address upwards, one contiguous
 *   span each. Linux on x86 servers normally numbers nodes by ascending address (SRAT order,
 *   socket 0 holding low memory), but nothing guarantees it (e.g. some CXL or SNC layouts).
 * - numactl's size is the node's MemTotal, which is smaller than its RAM (memblock reservations
 *   such as the struct-page array, about 1.5 %, are not counted). So each node's share of the
 *   map's RAM is its size divided by the sum of sizes (the shortfall is spread in proportion)
 *   and the last node takes the rest. A boundary is then snapped to
 *   {@link AssignNodesOptions.alignBytes} (default 1 GiB).
 * - Nodes with size 0 (CPU-only) get no memory. Only `ram` ranges are assigned.
 *
 * Each node with memory gets one NumaMemblk from its first to its last RAM byte (holes between
 * its RAM ranges are inside the block, as in SRAT), `hotplug: false`, and the line of its
 * `size:` line. Returns [] when there is no RAM or no node has memory.
 */
export function assignNodesBySize(
  ranges: readonly MemoryRange[],
  nodes: ReadonlyArray<Pick<NumactlNode, 'nid' | 'sizeBytes' | 'line'>>,
  options: AssignNodesOptions = {}
): NumaMemblk[] {
  const align = Math.max(1, options.alignBytes ?? SZ_1G_BYTES)
  const ram = ranges
    .filter((r) => r.type === 'ram' && r.endBytes > r.baseBytes)
    .map((r) => ({ base: r.baseBytes, end: r.endBytes }))
    .sort((a, b) => a.base - b.base)
  const memNodes = [...nodes].filter((n) => n.sizeBytes > 0).sort((a, b) => a.nid - b.nid)
  if (ram.length === 0 || memNodes.length === 0) return []

  const totalRam = ram.reduce((s, r) => s + (r.end - r.base), 0)
  const totalSize = memNodes.reduce((s, n) => s + n.sizeBytes, 0)
  const firstBase = ram[0]!.base
  const lastEnd = ram[ram.length - 1]!.end

  /** Address at `offset` bytes of RAM counted from the lowest RAM byte. */
  const addressAtRamOffset = (offset: number): number => {
    let left = offset
    for (const r of ram) {
      const len = r.end - r.base
      if (left < len) return r.base + left
      left -= len
    }
    return lastEnd
  }
  /** Is there RAM in [a, b)? */
  const hasRam = (a: number, b: number): boolean => ram.some((r) => r.base < b && r.end > a)

  // Boundaries between consecutive nodes, as addresses.
  const bounds: number[] = [firstBase]
  let cumulative = 0
  for (let k = 0; k < memNodes.length - 1; k++) {
    cumulative += memNodes[k]!.sizeBytes
    const offset = Math.round((totalRam * cumulative) / totalSize)
    const exact = addressAtRamOffset(offset)
    const snapped = Math.round(exact / align) * align
    const prev = bounds[bounds.length - 1]!
    const ok =
      snapped > prev && snapped < lastEnd && hasRam(prev, snapped) && hasRam(snapped, lastEnd)
    bounds.push(ok ? snapped : Math.max(exact, prev))
  }
  bounds.push(lastEnd)

  const out: NumaMemblk[] = []
  memNodes.forEach((n, k) => {
    const a = bounds[k]!
    const b = bounds[k + 1]!
    const pieces = ram.filter((r) => r.base < b && r.end > a)
    if (pieces.length === 0) return
    out.push({
      baseBytes: Math.max(a, pieces[0]!.base),
      endBytes: Math.min(b, pieces[pieces.length - 1]!.end),
      nid: n.nid,
      hotplug: false,
      line: n.line
    })
  })
  return out
}
