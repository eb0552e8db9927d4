/**
 * The canonical host format (format `host-json`, memorySource `json`): a JSON file the planner
 * writes ({@link hostInputToJson}) and reads ({@link parseHostJson}), and that users can write by
 * hand. See docs/host-format.md.
 *
 * ```json
 * {
 *   "format": "pamt-planner-host",
 *   "version": 1,
 *   "name": "2-socket SPR, 256 GiB",
 *   "memory": [
 *     { "base": "0x0", "end": "0x9f000", "type": "ram", "label": "usable" },
 *     { "base": "0x100000", "end": "0x80000000", "type": "ram", "label": "usable" }
 *   ],
 *   "numa": [{ "base": "0x0", "end": "0x80000000", "node": 0, "hotplug": false }],
 *   "cmrs": [{ "base": "0x100000", "end": "0x80000000" }],
 *   "tdxModule": { "maxTdmrs": 64, "maxReservedPerTdmr": 16 },
 *   "kernelLog": { "pamtKb": 1050636, "dynamicPamt": false }
 * }
 * ```
 *
 * Rules:
 * - `format` must be `"pamt-planner-host"` and `version` must be `1`. Both are required, as is
 *   `memory` (at least one range). `name` defaults to the file name; `numa`, `cmrs`, `tdxModule`
 *   and `kernelLog` are optional.
 * - Every range is half-open, `[base, end)`: **`end` is exclusive** (one past the last byte),
 *   unlike e820, /proc/iomem and /sys/firmware/memmap, whose ends are inclusive.
 * - Addresses are strings of hex digits with `0x` (`"0x100000"`), so 64-bit values survive any
 *   JSON reader. `base` must be below 2^52 (x86-64 MAXPHYADDR); `end` may equal 2^52; `end`
 *   must be greater than `base`.
 * - `memory[].type` is one of `ram`, `reserved`, `soft-reserved`, `acpi-data`, `acpi-nvs`,
 *   `unusable`, `persistent`, `other`; `label` is free text shown to users (the source's type
 *   name, e.g. `usable`), defaulting to the type. Memory ranges must not overlap; CMRs must not
 *   overlap. NUMA blocks of different nodes may overlap, as an SRAT can: the import notes it and
 *   the model uses one node, as the kernel does.
 * - `numa[].node` is the node id (0 to 4095); `hotplug` (default false) is the SRAT hotplug flag.
 *   No `numa` (or an empty list) means a single node 0.
 * - `tdxModule` holds any of the TdxModuleParams keys (`maxTdmrs`, `maxReservedPerTdmr`,
 *   `pamt4kEntryBytes`, `pamt2mEntryBytes`, `pamt1gEntryBytes`, `pamtBitmapBitsPerPage`,
 *   `tdrBaseBytes`, `tdcsBaseBytes`, `tdvpsBaseBytes`) as integers within
 *   TDX_MODULE_PARAM_LIMITS, or by the kernel names the app shows (`max_tdmrs`, …; a key wins over
 *   its kernel name); missing keys take the module parameter preset (model/host/moduleVersion.ts).
 * - `kernelLog.pamtKb` is the kernel's `N KB allocated for PAMT` value (or null);
 *   `kernelLog.dynamicPamt` says whether the kernel printed `Enable Dynamic PAMT`;
 *   `kernelLog.initialized` is the kernel's TDX init outcome (true, false, or null when the log
 *   had none) and `kernelLog.initFailure` what it said failed; `kernelLog.moduleVersion` is the TDX
 *   module version the log printed (it picks the module parameter preset).
 * - `model` (optional) holds the model options and TDX module parameter tweaks the host was
 *   analysed with when it was exported (`holeSource`, `pamtPlacement`, `pamtMode`,
 *   `moduleParamSet`, `params`, `maxMemBytes`, `physAddrBits`; api/modelOptions.ts). On import they
 *   apply where the request sets no option of its own. Files without it load as before.
 * - Objects are strict: an unknown key is an error (it is usually a typo).
 */
import { z } from 'zod'
import {
  emptyKernelTdxLog,
  type CmrRange,
  type HostInput,
  type MemoryRange,
  type MemoryRangeType,
  type NumaMemblk
} from '../model/host/memoryMap'
import {
  TDX_MODULE_PARAM_LIMITS,
  TDX_PARAM_NAMES,
  type TdxModuleParams
} from '../model/host/tdxModuleParams'
import { modelOptionsSchema, type ModelOptions } from '../api/modelOptions'
import type { HostImportResult, ParseOptions } from './hostImport'
import { MAX_LOG_TEXT_CHARS, MAX_NUMA_NODE_ID } from './limits'
import {
  checkAllLineLengths,
  checkIsText,
  fail,
  failOnSchemaIssues,
  hex,
  lineLocator,
  parseAddress,
  parseJsonOrFail,
  runImport,
  sniffLines,
  sortAndCheckOverlaps,
  stripBom
} from './textChecks'

/** The `format` value of a host JSON file. */
export const HOST_JSON_FORMAT = 'pamt-planner-host'
/** The `version` this planner writes and reads. */
export const HOST_JSON_VERSION = 1

const WHAT = 'host JSON'

/** Memory types in the order the docs list them. */
export const HOST_JSON_MEMORY_TYPES = [
  'ram',
  'reserved',
  'soft-reserved',
  'acpi-data',
  'acpi-nvs',
  'unusable',
  'persistent',
  'other'
] as const satisfies readonly MemoryRangeType[]

/**
 * TdxModuleParams keys in the order the file writes them: the order of TDX_MODULE_PARAM_LIMITS,
 * which names every key (a new parameter is picked up here without a change).
 */
const TDX_MODULE_KEYS = Object.keys(TDX_MODULE_PARAM_LIMITS) as Array<keyof TdxModuleParams>

const address = z
  .string({ error: 'must be a "0x…" hex string' })
  .regex(/^0[xX][0-9a-fA-F]+$/, 'must be a "0x…" hex string')

/** An integer within a parameter's bounds (TDX_MODULE_PARAM_LIMITS). */
function paramSchema(key: keyof TdxModuleParams): z.ZodNumber {
  const { min, max } = TDX_MODULE_PARAM_LIMITS[key]
  const message = `must be an integer from ${min} to ${max}`
  return z.number({ error: message }).int(message).min(min, message).max(max, message)
}

const memorySchema = z.strictObject({
  base: address,
  end: address,
  type: z.enum(HOST_JSON_MEMORY_TYPES, {
    error: `must be one of ${HOST_JSON_MEMORY_TYPES.join(', ')}`
  }),
  label: z
    .string({ error: 'must be a string' })
    .max(200, 'is longer than 200 characters')
    .optional()
})

const numaSchema = z.strictObject({
  base: address,
  end: address,
  node: z
    .number({ error: 'must be a node id (an integer)' })
    .int('must be a node id (an integer)')
    .min(0, 'must be 0 or more')
    .max(MAX_NUMA_NODE_ID, `must be at most ${MAX_NUMA_NODE_ID}`),
  hotplug: z.boolean({ error: 'must be true or false' }).optional()
})

const cmrSchema = z.strictObject({ base: address, end: address })

/** Each parameter by its key (`maxTdmrs`) or by the kernel name the app shows (`max_tdmrs`). */
const tdxModuleSchema = z.strictObject(
  Object.fromEntries(
    TDX_MODULE_KEYS.flatMap((k) => [
      [k, paramSchema(k).optional()],
      [TDX_PARAM_NAMES[k], paramSchema(k).optional()]
    ])
  ) as Record<string, z.ZodOptional<z.ZodNumber>>
)

const kernelLogSchema = z.strictObject({
  pamtKb: z
    .number({ error: 'must be a whole number of KiB or null' })
    .int('must be a whole number of KiB or null')
    .nonnegative('must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'is too large')
    .nullable()
    .optional(),
  dynamicPamt: z.boolean({ error: 'must be true or false' }).optional(),
  initialized: z.boolean({ error: 'must be true, false or null' }).nullable().optional(),
  initFailure: z
    .string({ error: 'must be a string or null' })
    .max(MAX_LOG_TEXT_CHARS, `must be at most ${MAX_LOG_TEXT_CHARS} characters`)
    .nullable()
    .optional(),
  moduleVersion: z
    .string({ error: 'must be a string or null' })
    .max(MAX_LOG_TEXT_CHARS, `must be at most ${MAX_LOG_TEXT_CHARS} characters`)
    .nullable()
    .optional()
})

const hostJsonSchema = z.strictObject({
  format: z.literal(HOST_JSON_FORMAT, {
    error: `must be "${HOST_JSON_FORMAT}" (this is not a PAMT Planner host file)`
  }),
  version: z.literal(HOST_JSON_VERSION, {
    error: `must be ${HOST_JSON_VERSION} (the only version this planner reads)`
  }),
  name: z
    .string({ error: 'must be a string' })
    .max(1000, 'is longer than 1000 characters')
    .optional(),
  memory: z.array(memorySchema, { error: 'must be a list of memory ranges' }),
  numa: z.array(numaSchema, { error: 'must be a list of NUMA blocks' }).optional(),
  cmrs: z.array(cmrSchema, { error: 'must be a list of CMRs' }).optional(),
  tdxModule: tdxModuleSchema.optional(),
  kernelLog: kernelLogSchema.optional(),
  model: modelOptionsSchema.optional()
})

/** The JSON document type (after validation). */
export type HostJson = z.infer<typeof hostJsonSchema>

/** Cheap check for auto-detection: a JSON object naming the format in its first lines. */
export function looksLikeHostJson(text: string): boolean {
  const head = sniffLines(text).join('\n')
  return /^\s*\{/.test(head) && /"format"\s*:\s*"pamt-planner-host"/.test(head)
}

/**
 * Serialise a host as canonical host JSON: 2-space indentation, keys in the documented order,
 * addresses as lower-case `0x` hex, ends exclusive, a final newline. Source lines, the memory
 * source and the kernel-log fields other than `pamtKb`, `dynamicPamtEnabled`, the init outcome and
 * `moduleVersion` are not carried. `model`, when given and not empty, is written as `model`.
 */
export function hostInputToJson(host: HostInput, model?: ModelOptions): string {
  const doc: Record<string, unknown> = {
    format: HOST_JSON_FORMAT,
    version: HOST_JSON_VERSION,
    name: host.name,
    memory: host.ranges.map((r) => ({
      base: hex(r.baseBytes),
      end: hex(r.endBytes),
      type: r.type,
      label: r.typeLabel
    })),
    numa: host.numaMemblks.map((b) => ({
      base: hex(b.baseBytes),
      end: hex(b.endBytes),
      node: b.nid,
      hotplug: b.hotplug
    })),
    cmrs: host.cmrs.map((c) => ({ base: hex(c.baseBytes), end: hex(c.endBytes) }))
  }
  if (host.params !== undefined) {
    const params: Record<string, number> = {}
    for (const k of TDX_MODULE_KEYS) {
      const v = host.params[k]
      if (v !== undefined) params[k] = v
    }
    doc.tdxModule = params
  }
  const log = host.kernelLog
  doc.kernelLog = {
    pamtKb: log.pamtKb,
    dynamicPamt: log.dynamicPamtEnabled,
    // Only when the log had an init outcome, so hosts without one write what they always wrote.
    ...(log.initialized !== null ? { initialized: log.initialized } : {}),
    ...(log.initFailure !== null ? { initFailure: log.initFailure } : {}),
    // The module version picks the TDX module parameter preset (model/host/moduleVersion.ts).
    ...(log.moduleVersion !== null ? { moduleVersion: log.moduleVersion } : {})
  }
  // The options the host was analysed with, so a re-import models it the same way.
  if (model !== undefined && Object.keys(model).length > 0) doc.model = model
  return JSON.stringify(doc, null, 2) + '\n'
}

/**
 * Parse a host JSON file into a HostInput. Schema errors name the JSON path and its line; JSON
 * syntax errors name the line and column. Ranges keep the file's order (so that
 * `parseHostJson(hostInputToJson(h))` reproduces `h`); each carries the line where its element
 * starts.
 */
export function parseHostJson(
  text: string,
  fileName: string,
  options: ParseOptions = {}
): HostImportResult {
  return runImport(() => {
    text = stripBom(text)
    checkIsText(text, fileName, WHAT)
    checkAllLineLengths(text, fileName, WHAT)
    const doc = parseJsonOrFail(text, fileName, WHAT)
    const parsed = hostJsonSchema.safeParse(doc.value)
    if (!parsed.success) failOnSchemaIssues(parsed.error.issues, doc, text, fileName, WHAT)
    const json = parsed.data
    const lineAt = lineLocator(text)
    const lineOf = (path: PropertyKey[]): number => lineAt(doc.offsetOf(path))

    if (json.memory.length === 0) {
      fail(
        {
          code: 'NO_MEMORY_LINES',
          line: lineOf(['memory']),
          message: 'the "memory" list is empty: a host needs at least one memory range'
        },
        fileName
      )
    }

    const where = new Map<object, string>()
    const ranges: MemoryRange[] = json.memory.map((m, i) => {
      const { base, end, line } = readRange(lineOf, fileName, 'memory', i, m)
      const r: MemoryRange = {
        baseBytes: base,
        endBytes: end,
        type: m.type,
        typeLabel: m.label ?? m.type,
        line
      }
      where.set(r, `memory[${i}]`)
      return r
    })
    const numaMemblks: NumaMemblk[] = (json.numa ?? []).map((n, i) => {
      const { base, end, line } = readRange(lineOf, fileName, 'numa', i, n)
      const b: NumaMemblk = {
        baseBytes: base,
        endBytes: end,
        nid: n.node,
        hotplug: n.hotplug ?? false,
        line
      }
      where.set(b, `numa[${i}]`)
      return b
    })
    const cmrs: CmrRange[] = (json.cmrs ?? []).map((c, i) => {
      const { base, end, line } = readRange(lineOf, fileName, 'cmrs', i, c)
      const r: CmrRange = { baseBytes: base, endBytes: end, line }
      where.set(r, `cmrs[${i}]`)
      return r
    })
    options.onProgress?.(1)

    const at = (r: object & { line: number }): string => `at ${where.get(r)} (line ${r.line})`
    sortAndCheckOverlaps(ranges, 'memory', fileName, at)
    sortAndCheckOverlaps(cmrs, 'CMR', fileName, at)
    const numaOverlap = findNumaOverlap(numaMemblks, at)

    const kernelLog = emptyKernelTdxLog()
    if (json.kernelLog?.pamtKb !== undefined && json.kernelLog.pamtKb !== null) {
      kernelLog.pamtKb = json.kernelLog.pamtKb
      kernelLog.pamtKbLine = lineOf(['kernelLog', 'pamtKb'])
    }
    kernelLog.dynamicPamtEnabled = json.kernelLog?.dynamicPamt ?? false
    const initialized = json.kernelLog?.initialized ?? null
    if (initialized !== null) {
      kernelLog.initialized = initialized
      kernelLog.initLine = lineOf(['kernelLog', 'initialized'])
      if (!initialized)
        kernelLog.initFailure = json.kernelLog?.initFailure ?? 'initialization failed'
    }
    kernelLog.moduleVersion = json.kernelLog?.moduleVersion ?? null

    const host: HostInput = {
      name: json.name ?? fileName,
      ranges,
      memorySource: 'json',
      numaMemblks,
      numaSource: numaMemblks.length > 0 ? 'json' : 'none',
      cmrs,
      kernelLog
    }
    if (json.tdxModule !== undefined) {
      const params: Partial<TdxModuleParams> = {}
      for (const k of TDX_MODULE_KEYS) {
        const v = json.tdxModule[k] ?? json.tdxModule[TDX_PARAM_NAMES[k]]
        if (v !== undefined) params[k] = v
      }
      host.params = params
    }

    const notes: string[] = []
    if (numaMemblks.length === 0)
      notes.push('No "numa" list: the host is treated as a single node 0.')
    if (numaOverlap) notes.push(numaOverlap)
    if (host.params !== undefined) {
      notes.push(
        `TDX module parameters from the file: ${Object.keys(host.params).join(', ') || 'none'}; the others come from the module parameter preset.`
      )
    }

    if (json.model !== undefined)
      notes.push(
        `Model options from the file: ${Object.keys(json.model).join(', ') || 'none'}; options set in the app take precedence.`
      )

    return {
      host,
      ...(json.model !== undefined ? { model: json.model } : {}),
      summary: {
        formats: ['host-json' as const],
        fileName,
        linesTotal: lineAt(text.length - (text.endsWith('\n') ? 1 : 0)),
        recognised: [
          { what: 'memory ranges', count: ranges.length },
          { what: 'NUMA blocks', count: numaMemblks.length },
          { what: 'CMRs', count: cmrs.length }
        ],
        linesSkipped: 0,
        skippedSamples: [],
        notes
      }
    }
  })
}

/** Convert one `{base, end}` element, failing with its path and line. */
function readRange(
  lineOf: (path: PropertyKey[]) => number,
  fileName: string,
  list: 'memory' | 'numa' | 'cmrs',
  i: number,
  e: { base: string; end: string }
): { base: number; end: number; line: number } {
  const line = lineOf([list, i])
  const base = parseAddress(e.base, fileName, lineOf([list, i, 'base']), {
    shown: `${list}[${i}].base ${e.base}`
  })
  const end = parseAddress(e.end, fileName, lineOf([list, i, 'end']), {
    exclusiveEnd: true,
    shown: `${list}[${i}].end ${e.end}`
  })
  if (end <= base) {
    fail(
      {
        code: 'REVERSED_RANGE',
        line: lineOf([list, i, 'end']),
        message: `${list}[${i}] ends (${e.end}) at or before it starts (${e.base}); "end" is exclusive`
      },
      fileName
    )
  }
  return { base, end, line }
}

/**
 * NUMA blocks of different nodes that overlap, as a note. They are kept, not refused: a boot log
 * with such an SRAT imports too, and the model does what the kernel does with it
 * (numa_cleanup_meminfo() fails, one dummy node; analysis problem NUMA_OVERLAP), so a host saved
 * from that log loads again.
 */
function findNumaOverlap(
  blocks: readonly NumaMemblk[],
  at: (b: NumaMemblk) => string
): string | null {
  const sorted = [...blocks].sort((a, b) => a.baseBytes - b.baseBytes || a.line - b.line)
  let widest: NumaMemblk | null = null
  for (const b of sorted) {
    if (widest && b.baseBytes < widest.endBytes && b.nid !== widest.nid) {
      const [later, earlier] = b.line >= widest.line ? [b, widest] : [widest, b]
      return `NUMA block ${at(later)} (node ${later.nid}) overlaps the one ${at(earlier)} (node ${earlier.nid}): the kernel rejects such a layout and uses one node.`
    }
    if (!widest || b.endBytes > widest.endBytes) widest = b
  }
  return null
}
