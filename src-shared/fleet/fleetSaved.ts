import { z } from 'zod'
import { HOST_FORMATS } from '../import/hostImport'
import type { FleetRow } from './fleetRow'
import { fleetHostSavingsBytes, type FleetSummary } from './fleetSummary'

/**
 * A fleet run as a workspace keeps it (docs/workspaces.md, "Fleet"; docs/fleet.md, "In the
 * workspace"): the summary as FleetSummaryAccumulator produced it and the rows that matter most
 * (failing and unreadable first, then by savings), capped so the state a save sends stays under the
 * browser server's 4 MiB state body limit whatever the file names. The rows' figures are the fleet
 * run's model output; nothing here re-runs a host.
 */

/** Rows a workspace keeps of a fleet run (the summary counts every file). */
export const FLEET_SAVED_ROWS = 2_000
/**
 * The whole `fleet` key at most this many bytes as UTF-8 JSON: the summary (bounded by its caps,
 * under 2 MiB even with every string at its cap and escaped) and then rows until the budget is
 * spent. 2,000 rows of real hosts are about 1.2 MiB (~630 bytes a row); a row with every string at its
 * cap and escaped is over 10 KiB, so the count alone would not bound a save. With the other 1.5 MiB of the 4 MiB state
 * limit for notes (64 KiB, escaped up to 6×), pins and scenarios, a save always fits.
 */
export const FLEET_SAVED_BYTES = 2.5 * 1024 * 1024
/** Failure and error groups the saved summary keeps (they are by code: about 20 of each exist). */
export const FLEET_SAVED_GROUPS = 32
/** Sentences of the summary kept, and the characters of each. */
export const FLEET_SAVED_WORDS = 16
export const FLEET_SAVED_WORD_CHARS = 4_000
/** Shapes the saved summary lists (largest total savings first); `distinct` still counts all. */
export const FLEET_SAVED_SHAPES = 100
/** A file path kept in a saved row: its last characters (they name the file), after "…". */
export const FLEET_SAVED_PATH_CHARS = 512
/** Longest message, host name or failure text kept in a saved row or group. */
export const FLEET_SAVED_TEXT_CHARS = 500

const finite = z.number().finite()
const count = z.number().int().min(0)
const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an error or problem code')
const path = z.string().max(FLEET_SAVED_PATH_CHARS)
const text = z.string().max(FLEET_SAVED_TEXT_CHARS)

const scenarioCellSchema = z.union([
  z.strictObject({
    name: text,
    peakTotalBytes: finite,
    averageTotalBytes: finite,
    savingsAtPeakBytes: finite,
    savingsAverageBytes: finite,
    tdsRequested: count,
    tdsStarted: count,
    fits: z.boolean()
  }),
  z.strictObject({ name: text, error: z.strictObject({ code, message: text }) })
])

/** A saved fleet row: FleetRow (fleetRow.ts) with every string bounded. */
export const fleetRowSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('host'),
    file: path,
    format: z.enum(HOST_FORMATS),
    cpu: z.string().max(200).nullable(),
    machine: z.string().max(200).nullable(),
    nodeCount: count,
    tdmrCount: count,
    host: z.strictObject({
      name: text,
      ramBytes: finite,
      tdxMemoryBytes: finite,
      memorySource: z.enum(['e820', 'cmr', 'iomem', 'firmware-memmap', 'lsmem', 'json']),
      numaSource: z.enum(['srat', 'numa-merge', 'numactl', 'lsmem', 'json', 'none'])
    }),
    staticPamt: z.strictObject({ kb: finite, bytes: finite }),
    dynamicPamt: z.strictObject({ staticKb: finite, staticBytes: finite }),
    refcounts: z.strictObject({ denseBytes: finite, sparseBytes: finite }),
    initSucceeds: z.boolean(),
    verdict: z.strictObject({
      model: z.enum(['succeeds', 'fails']),
      kernel: z.enum(['succeeded', 'failed', 'not in log']),
      kernelFailure: text.nullable()
    }),
    problemCodes: z.array(code).max(256),
    failure: z.strictObject({ code, message: text }).nullable(),
    shape: z.string().regex(/^[0-9a-f]{16}$/, 'must be a shape key (16 hex digits)'),
    scenario: scenarioCellSchema.nullable()
  }),
  z.strictObject({
    type: z.literal('error'),
    file: path,
    code,
    message: text,
    line: count.nullable()
  })
])

const groupSchema = z.strictObject({
  code,
  message: text,
  count,
  files: z.array(path).max(5)
})

/** A saved fleet summary: FleetSummary (fleetSummary.ts), its shape list capped. */
export const fleetSummarySchema = z.strictObject({
  type: z.literal('summary'),
  files: count,
  hostsRead: count,
  unreadable: count,
  tdxCapable: count,
  staticPamtBytes: finite,
  dynamicPamt: z.strictObject({
    staticBytes: finite,
    denseRefcountBytes: finite,
    idleBytes: finite
  }),
  scenario: z
    .strictObject({
      name: text,
      hosts: count,
      staticPamtBytes: finite,
      peakTotalBytes: finite,
      averageTotalBytes: finite,
      savingsAtPeakBytes: finite,
      savingsAverageBytes: finite,
      tdsRequested: count,
      tdsStarted: count,
      hostsNotFitting: count,
      errors: count,
      firstError: z
        .string()
        .max(FLEET_SAVED_PATH_CHARS + FLEET_SAVED_TEXT_CHARS + 2)
        .nullable()
    })
    .nullable(),
  keptBytes: finite,
  savingsBytes: finite,
  savingsFraction: finite,
  // Groups are by error or problem code: a few dozen at most.
  cannotEnableTdx: z.array(groupSchema).max(FLEET_SAVED_GROUPS),
  unreadableFiles: z.array(groupSchema).max(FLEET_SAVED_GROUPS),
  shapes: z.strictObject({
    distinct: count,
    untrackedHosts: count,
    list: z
      .array(
        z.strictObject({
          shape: z.string().regex(/^[0-9a-f]{16}$/),
          count,
          exampleFile: path,
          nodeCount: count,
          tdxMemoryBytes: finite,
          staticPamtBytes: finite,
          dynamicPamtBytes: finite,
          savingsPerHostBytes: finite,
          savingsBytes: finite,
          failure: code.nullable()
        })
      )
      .max(FLEET_SAVED_SHAPES)
  }),
  words: z.array(z.string().max(FLEET_SAVED_WORD_CHARS)).max(FLEET_SAVED_WORDS)
})

/** The `fleet` key of a workspace (version 3): null, or the last fleet run. */
export const savedFleetSchema = z.strictObject({
  /** The workload preset the run modelled on every host, or null for host analysis only. */
  presetId: z.string().max(80).nullable(),
  summary: fleetSummarySchema,
  rows: z.array(fleetRowSchema).max(FLEET_SAVED_ROWS),
  /** Rows the run had (hosts read plus files not read): `rows` keeps at most FLEET_SAVED_ROWS. */
  rowsTotal: count
})
/** A saved fleet run, with the fleet code's own row and summary types. */
export interface SavedFleet {
  presetId: string | null
  summary: FleetSummary
  rows: FleetRow[]
  rowsTotal: number
}

/**
 * A validated `fleet` key with the fleet code's types. The schema checks codes by their form, not
 * against the code lists (an older or newer planner may have others); they are only shown.
 */
export function asSavedFleet(parsed: z.infer<typeof savedFleetSchema>): SavedFleet {
  return parsed as SavedFleet
}

// The schemas accept every row and summary the code builds (after clipping): a field added to
// FleetRow or FleetSummary without its schema fails to compile here.
type Accepts<Wide, Narrow> = Narrow extends Wide ? true : never
const rowsFit: Accepts<z.infer<typeof fleetRowSchema>, FleetRow> = true
const summaryFits: Accepts<z.infer<typeof fleetSummarySchema>, FleetSummary> = true
void rowsFit
void summaryFits

/** UTF-8 length of a string, an upper bound (a surrogate pair counts 6, not 4). */
export function utf8Bytes(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3
  }
  return n
}

/** A path's last characters, so the file's own name survives. */
export function clipPath(p: string): string {
  return p.length <= FLEET_SAVED_PATH_CHARS
    ? p
    : `…${p.slice(p.length - FLEET_SAVED_PATH_CHARS + 1)}`
}
function clipText(s: string, max = FLEET_SAVED_TEXT_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}

function clipRow(r: FleetRow): FleetRow {
  if (r.type === 'error') return { ...r, file: clipPath(r.file), message: clipText(r.message) }
  const s = r.scenario
  return {
    ...r,
    file: clipPath(r.file),
    cpu: r.cpu === null ? null : clipText(r.cpu, 200),
    machine: r.machine === null ? null : clipText(r.machine, 200),
    host: { ...r.host, name: clipText(r.host.name) },
    verdict: {
      ...r.verdict,
      kernelFailure: r.verdict.kernelFailure === null ? null : clipText(r.verdict.kernelFailure)
    },
    problemCodes: r.problemCodes.slice(0, 256),
    failure: r.failure ? { code: r.failure.code, message: clipText(r.failure.message) } : null,
    scenario:
      s === null
        ? null
        : 'error' in s
          ? {
              name: clipText(s.name),
              error: { code: s.error.code, message: clipText(s.error.message) }
            }
          : { ...s, name: clipText(s.name) }
  }
}

/** Failing first (files not read, then hosts that cannot enable TDX), then the largest savings. */
function rank(r: FleetRow): number {
  return r.type === 'error' ? 0 : r.failure ? 1 : 2
}

/**
 * The fleet run to keep in a workspace (docs/workspaces.md, "Fleet"): the rows that fail first,
 * then by savings per host (largest first), at most FLEET_SAVED_ROWS of them and what
 * fits in FLEET_SAVED_BYTES after the summary; every string clipped to its cap; the summary's shapes to FLEET_SAVED_SHAPES. `rowsTotal`
 * counts every row of the run (`rows` plus the ones the view already dropped).
 */
export function saveFleet(input: {
  presetId: string | null
  summary: FleetSummary
  rows: readonly FleetRow[]
  rowsTotal: number
}): SavedFleet {
  const s = input.summary
  const group = <G extends { message: string; files: string[] }>(g: G): G => ({
    ...g,
    message: clipText(g.message),
    files: g.files.slice(0, 5).map(clipPath)
  })
  const summary: FleetSummary = {
    ...s,
    scenario: s.scenario
      ? {
          ...s.scenario,
          name: clipText(s.scenario.name),
          firstError:
            s.scenario.firstError === null
              ? null
              : clipText(s.scenario.firstError, FLEET_SAVED_PATH_CHARS + FLEET_SAVED_TEXT_CHARS)
        }
      : null,
    cannotEnableTdx: s.cannotEnableTdx.slice(0, FLEET_SAVED_GROUPS).map(group),
    unreadableFiles: s.unreadableFiles.slice(0, FLEET_SAVED_GROUPS).map(group),
    shapes: {
      ...s.shapes,
      list: s.shapes.list
        .slice(0, FLEET_SAVED_SHAPES)
        .map((x) => ({ ...x, exampleFile: clipPath(x.exampleFile) }))
    },
    words: s.words.slice(0, FLEET_SAVED_WORDS).map((w) => clipText(w, FLEET_SAVED_WORD_CHARS))
  }
  const order = input.rows
    .map((r, i) => ({ r, i, k: rank(r), s: r.type === 'host' ? fleetHostSavingsBytes(r) : 0 }))
    .sort((a, b) => a.k - b.k || b.s - a.s || a.i - b.i)
  const rows: FleetRow[] = []
  // The rest of the budget after the summary and the key's own few bytes.
  const budget = FLEET_SAVED_BYTES - utf8Bytes(JSON.stringify(summary)) - 256
  let bytes = 0
  for (const { r } of order) {
    if (rows.length >= FLEET_SAVED_ROWS) break
    const clipped = clipRow(r)
    const size = utf8Bytes(JSON.stringify(clipped)) + 1
    if (bytes + size > budget) break
    bytes += size
    rows.push(clipped)
  }
  return {
    presetId: input.presetId,
    summary,
    rows,
    rowsTotal: Math.max(input.rowsTotal, rows.length)
  }
}
