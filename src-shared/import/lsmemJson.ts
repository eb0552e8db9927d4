/**
 * `lsmem` JSON importer (format `lsmem-json`, memorySource `lsmem`, numaSource `lsmem`).
 *
 * Reads the output of {@link LSMEM_COMMAND}:
 * `{"memory":[{"range":"0x0000000000000000-0x000000007fffffff","size":2147483648,"state":"online",
 * "node":0,"zones":"None"}]}`. Also accepted: output without `-b` (sizes such as `"2G"`), without
 * the NODE or ZONES columns, with extra columns (REMOVABLE, BLOCK …), and the string-typed values
 * of old util-linux versions (`"size":"2147483648"`, `"node":"0"`).
 *
 * lsmem lists sysfs memory blocks (`/sys/devices/system/memory/memoryN`), merging adjacent blocks
 * with the same state, node and zones into one range. A block exists when any part of it holds
 * boot-time memory, so every block, online or offline, is taken as RAM, and holes smaller than a
 * block (128 MiB on most x86 servers) are invisible.
 */
import { z } from 'zod'
import { emptyKernelTdxLog, type MemoryRange, type NumaMemblk } from '../model/host/memoryMap'
import type { HostImportResult, ParseOptions } from './hostImport'
import { MAX_NUMA_NODE_ID } from './limits'
import {
  checkAllLineLengths,
  checkIsText,
  fail,
  failOnSchemaIssues,
  lineLocator,
  parseAddress,
  parseJsonOrFail,
  runImport,
  sniffLines,
  sortAndCheckOverlaps,
  stripBom
} from './textChecks'

/** The lsmem invocation the planner asks for (docs/host-format.md, the lsmem row). */
export const LSMEM_COMMAND = 'lsmem -J -b -o RANGE,SIZE,STATE,NODE,ZONES'

const WHAT = 'lsmem JSON'

const RANGE_RE = /^(0[xX][0-9a-fA-F]+)-(0[xX][0-9a-fA-F]+)$/
/** lsmem's human sizes (`size_to_human_string`, one-letter suffix): `128M`, `2.6G`, `0B`. */
const HUMAN_SIZE_RE = /^(\d+(?:[.,]\d+)?)\s*([BKMGTPE])?$/i
const UNIT_POWER: Record<string, number> = { B: 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 }

const lsmemBlockSchema = z.object({
  range: z.string().regex(RANGE_RE, 'range must be "0xSTART-0xEND"'),
  size: z.union([z.number().int().nonnegative(), z.string()]).nullish(),
  state: z.string().nullish(),
  node: z
    .union([z.number().int().min(-1), z.string().regex(/^(-1|\d+|-)?$/, 'node must be a number')])
    .nullish(),
  zones: z.string().nullish()
})

const lsmemSchema = z.object({ memory: z.array(lsmemBlockSchema) })

/**
 * Cheap check for auto-detection: a JSON object whose first lines hold a `"memory"` array with
 * `"range"` members.
 */
export function looksLikeLsmemJson(text: string): boolean {
  const head = sniffLines(text).join('\n')
  return /^\s*\{/.test(head) && /"memory"\s*:\s*\[/.test(head) && /"range"\s*:/.test(head)
}

/**
 * Bytes for an lsmem size value and how far off it may be: 0 for byte counts, a tenth of the unit
 * for human sizes, which lsmem prints with at most one decimal (`2.6G`).
 */
function parseSize(size: number | string): { bytes: number; tolerance: number } | null {
  if (typeof size === 'number') return { bytes: size, tolerance: 0 }
  const s = size.trim()
  if (/^\d+$/.test(s)) return { bytes: Number(s), tolerance: 0 }
  const m = HUMAN_SIZE_RE.exec(s)
  if (!m) return null
  const unitBytes = 1024 ** UNIT_POWER[(m[2] ?? 'B').toUpperCase()]!
  const value = Number(m[1]!.replace(',', '.'))
  return { bytes: value * unitBytes, tolerance: unitBytes === 1 ? 0 : unitBytes / 10 }
}

/**
 * Parse lsmem JSON into a HostInput: each element becomes one RAM range (end exclusive), and the
 * NODE column, where present, gives NUMA blocks (adjacent ranges of one node merged). Schema
 * errors name the JSON path and the line of the offending element.
 */
export function parseLsmemJson(
  text: string,
  fileName: string,
  options: ParseOptions = {}
): HostImportResult {
  return runImport(() => {
    text = stripBom(text)
    checkIsText(text, fileName, WHAT)
    checkAllLineLengths(text, fileName, WHAT)
    const doc = parseJsonOrFail(text, fileName, WHAT)
    const parsed = lsmemSchema.safeParse(doc.value)
    if (!parsed.success) {
      if (
        doc.value === null ||
        typeof doc.value !== 'object' ||
        Array.isArray(doc.value) ||
        !('memory' in doc.value)
      ) {
        fail(
          {
            code: 'NO_MEMORY_LINES',
            message: `no memory map found: expected the JSON object {"memory": […]} that "${LSMEM_COMMAND}" prints`
          },
          fileName
        )
      }
      failOnSchemaIssues(parsed.error.issues, doc, text, fileName, WHAT)
    }
    const blocks = parsed.data.memory
    if (blocks.length === 0) {
      fail({ code: 'NO_MEMORY_LINES', message: 'the lsmem "memory" array is empty' }, fileName)
    }

    const lineAt = lineLocator(text)
    const lineOf = (path: PropertyKey[]): number => lineAt(doc.offsetOf(path))
    const ranges: MemoryRange[] = []
    const nodeOf: Array<number | null> = []
    const states = new Map<string, number>()
    let roundedSizes = 0

    blocks.forEach((b, i) => {
      const line = lineOf(['memory', i])
      const [, startHex, endHex] = RANGE_RE.exec(b.range)!
      const base = parseAddress(startHex!, fileName, line)
      const last = parseAddress(endHex!, fileName, line)
      if (last < base) {
        fail(
          {
            code: 'REVERSED_RANGE',
            line,
            message: `memory[${i}] range ends (${endHex}) before it starts (${startHex})`
          },
          fileName
        )
      }
      const length = last + 1 - base
      if (b.size !== undefined && b.size !== null) {
        const size = parseSize(b.size)
        const sizeLine = lineOf(['memory', i, 'size'])
        if (size === null) {
          fail(
            {
              code: 'MALFORMED_LINE',
              line: sizeLine,
              message: `memory[${i}].size "${String(b.size).slice(0, 40)}" is neither a byte count nor a size such as "128M" or "2G"`
            },
            fileName
          )
        }
        if (Math.abs(size.bytes - length) > size.tolerance) {
          fail(
            {
              code: 'MALFORMED_LINE',
              line: sizeLine,
              message: `memory[${i}].size ${String(b.size)} does not match its range ${b.range} (${length} bytes)`
            },
            fileName
          )
        }
        if (size.tolerance > 0) roundedSizes++
      }
      const state = b.state ?? 'unknown'
      states.set(state, (states.get(state) ?? 0) + 1)
      ranges.push({ baseBytes: base, endBytes: last + 1, type: 'ram', typeLabel: state, line })
      const node = b.node === undefined || b.node === null ? null : Number(b.node)
      if (node !== null && node > MAX_NUMA_NODE_ID) {
        fail(
          {
            code: 'MALFORMED_LINE',
            line: lineOf(['memory', i, 'node']),
            message: `memory[${i}].node ${String(b.node).slice(0, 20)} is above ${MAX_NUMA_NODE_ID}: no kernel numbers NUMA nodes that high`
          },
          fileName
        )
      }
      nodeOf.push(node !== null && Number.isInteger(node) && node >= 0 ? node : null)
    })
    options.onProgress?.(1)

    const sorted = sortAndCheckOverlaps(ranges, 'lsmem', fileName, (r) => `on line ${r.line}`)

    // NUMA: one block per element that names a node, adjacent same-node blocks merged.
    const withNode = ranges
      .map((r, i) => ({ r, nid: nodeOf[i]! }))
      .filter((x): x is { r: MemoryRange; nid: number } => x.nid !== null)
      .sort((a, b) => a.r.baseBytes - b.r.baseBytes)
    const numaMemblks: NumaMemblk[] = []
    for (const { r, nid } of withNode) {
      const prev = numaMemblks[numaMemblks.length - 1]
      if (prev && prev.nid === nid && prev.endBytes === r.baseBytes) {
        prev.endBytes = r.endBytes
      } else {
        numaMemblks.push({
          baseBytes: r.baseBytes,
          endBytes: r.endBytes,
          nid,
          hotplug: false,
          line: r.line
        })
      }
    }

    const stateText = [...states].map(([s, n]) => `${n} ${s}`).join(', ')
    const notes = [
      `Every lsmem range is taken as RAM, online or offline (${stateText}): the kernel only creates memory blocks for memory it found at boot or hot-added.`,
      'lsmem only sees memory-block granularity (typically 128 MiB): holes smaller than a block, and the firmware reserved ranges inside a block, are invisible, so the map shows more RAM than e820 does.'
    ]
    if (roundedSizes > 0) {
      notes.push(
        `Sizes were human-readable (lsmem without -b); the ranges give the exact bytes. Prefer "${LSMEM_COMMAND}".`
      )
    }
    if (withNode.length === 0) {
      notes.push('No NODE column: the host is treated as a single node 0.')
    } else if (withNode.length < ranges.length) {
      notes.push(
        `${ranges.length - withNode.length} range(s) have no node; they are left out of the NUMA layout.`
      )
    }

    return {
      host: {
        name: fileName,
        ranges: sorted,
        memorySource: 'lsmem' as const,
        numaMemblks,
        numaSource: numaMemblks.length > 0 ? ('lsmem' as const) : ('none' as const),
        cmrs: [],
        kernelLog: emptyKernelTdxLog()
      },
      summary: {
        formats: ['lsmem-json' as const],
        fileName,
        linesTotal: lineAt(text.length - (text.endsWith('\n') ? 1 : 0)),
        recognised: [
          { what: 'lsmem memory ranges', count: ranges.length },
          { what: 'NUMA blocks (adjacent ranges of one node merged)', count: numaMemblks.length }
        ],
        linesSkipped: 0,
        skippedSamples: [],
        notes
      }
    }
  })
}
