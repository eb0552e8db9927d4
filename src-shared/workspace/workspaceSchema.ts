import { z } from 'zod'
import { modelOptionsSchema } from '../api/modelOptions'
import { contentionSettingsSchema } from '../model/contention/runContention'
import { sweepRequestSchema } from '../model/runtime/sweep'
import { scenarioSchema } from '../model/workload/scenario'
import { savedFleetSchema } from '../fleet/fleetSaved'

/**
 * The workspace file, `.pamtplan` (docs/workspaces.md): a versioned JSON document holding the hosts
 * (their input text embedded), each host's model options and module parameter tweaks, the Workload
 * scenario, the Contention settings, pinned results, the last fleet run and notes. Older versions are migrated on read
 * (migrate.ts); newer ones are refused.
 */

/** The `format` value of a workspace file. */
export const WORKSPACE_FORMAT = 'pamt-planner-workspace'
/** The version this planner writes; it reads this one and every older one (migrate.ts). */
export const WORKSPACE_VERSION = 3
/** File name extension of a workspace. */
export const WORKSPACE_EXTENSION = '.pamtplan'

/**
 * Largest workspace file read or uploaded: one host text at the 64 MiB host limit that does not
 * compress at all is 64 MiB × 4/3 in base64 (85.4 MiB); 128 MiB leaves room for the rest, and
 * real logs compress 5-10 fold, so a workspace of real hosts stays far below.
 */
export const MAX_WORKSPACE_FILE_BYTES = 128 * 1024 * 1024
/** Free-text notes: a page of text, not a document store. */
export const MAX_NOTES_CHARS = 64 * 1024
/** Hosts in one workspace and pinned results in one workspace. */
export const MAX_WORKSPACE_HOSTS = 16
export const MAX_PINNED = 64
/**
 * Host texts up to this many bytes are embedded as plain text (readable, diffable); larger ones
 * gzip + base64 (docs/workspaces.md, "Embedded inputs"). Real boot logs are 50-300 KiB.
 */
export const EMBED_PLAIN_MAX_BYTES = 256 * 1024

/** A workspace-local host id ("w1", "w2", …): pins and the active host refer to hosts by it. */
const workspaceHostId = z.string().regex(/^w[0-9]{1,6}$/, 'must be a workspace host id ("w1")')
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex')

/**
 * A host's input text as embedded: `text` (the text itself) or `gzip-base64`. `bytes` (UTF-8
 * length) and `sha256` are of the original text, checked on read; a report can quote them.
 */
export const embeddedTextSchema = z.strictObject({
  encoding: z.enum(['text', 'gzip-base64']),
  data: z.string(),
  bytes: z.number().int().min(0),
  sha256: sha256Hex
})
export type EmbeddedText = z.infer<typeof embeddedTextSchema>

export const workspaceHostSchema = z.strictObject({
  id: workspaceHostId,
  /** Where the text came from: a bundled example (by id) or a file (its name only, never a path). */
  source: z.strictObject({
    kind: z.enum(['example', 'file']),
    fileName: z.string().min(1).max(512),
    exampleId: z
      .string()
      .regex(/^[a-z0-9-]{1,80}$/)
      .optional()
  }),
  input: embeddedTextSchema,
  /** Model options and module parameter tweaks this host is analysed with ({}: the defaults). */
  model: modelOptionsSchema
})
export type WorkspaceHost = z.infer<typeof workspaceHostSchema>

/** What every pin records: which host, with which options, when and under what label. */
const pinBase = {
  id: z.string().regex(/^p[0-9]{1,6}$/),
  label: z.string().min(1).max(200),
  /** ISO 8601 time the result was pinned. */
  pinnedAt: z.iso.datetime(),
  hostId: workspaceHostId,
  model: modelOptionsSchema,
  /**
   * The headline numbers as shown when pinned (model output, kept so a comparison can show them
   * without a re-run); names and units as in the CLI JSON. Re-running the inputs reproduces them.
   */
  summary: z.record(z.string().max(80), z.union([z.number(), z.string().max(200), z.null()]))
}

/**
 * A pinned result: a host analysis, a workload run or a contention run, with every input needed to
 * reproduce it (the model is deterministic for given inputs and seeds). Pinned from the views and
 * compared on the Compare view (docs/workspaces.md, "Pinned results", "Compare").
 */
export const pinnedResultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('host-analysis'), ...pinBase }),
  z.strictObject({
    kind: z.literal('workload-run'),
    ...pinBase,
    scenario: scenarioSchema,
    sweep: sweepRequestSchema.optional()
  }),
  z.strictObject({
    kind: z.literal('contention-run'),
    ...pinBase,
    scenario: scenarioSchema,
    settings: contentionSettingsSchema
  })
])
export type PinnedResult = z.infer<typeof pinnedResultSchema>

/** The workspace document, version WORKSPACE_VERSION. Objects are strict: unknown keys are errors. */
export const workspaceSchema = z.strictObject({
  format: z.literal(WORKSPACE_FORMAT),
  version: z.literal(WORKSPACE_VERSION),
  name: z.string().min(1).max(200),
  /** Which PAMT Planner wrote it (informational). */
  savedBy: z.strictObject({ app: z.string().max(100), version: z.string().max(40) }),
  hosts: z.array(workspaceHostSchema).max(MAX_WORKSPACE_HOSTS),
  /** The host on screen (one of `hosts`), or null. */
  activeHostId: workspaceHostId.nullable(),
  workload: z.strictObject({
    /** The preset the scenario was loaded from ('' when edited or opened from a file). */
    presetId: z.string().max(80),
    /** The edited scenario, when it was valid at save time (an invalid draft is not kept). */
    scenario: scenarioSchema.nullable()
  }),
  contention: z.strictObject({
    presetId: z.string().max(80),
    scenarioSource: z.enum(['preset', 'workload']),
    scenario: scenarioSchema.nullable(),
    /** The settings form, when it was valid at save time. */
    settings: contentionSettingsSchema.nullable()
  }),
  pinned: z.array(pinnedResultSchema).max(MAX_PINNED),
  /**
   * The Fleet view's last run (version 3; docs/workspaces.md, "Fleet"): its summary and its rows,
   * failing first then by savings, capped (fleet/fleetSaved.ts); null when there is none.
   */
  fleet: savedFleetSchema.nullable(),
  notes: z.string().max(MAX_NOTES_CHARS)
})

export type Workspace = z.infer<typeof workspaceSchema>
export type WorkspaceInput = z.input<typeof workspaceSchema>

/**
 * What the renderer sends to save a workspace: everything but the hosts' texts, which main holds
 * (hosts are named by the service's host ids and embedded by main).
 */
export const workspaceStateSchema = z.strictObject({
  name: z.string().min(1).max(200),
  hosts: z
    .array(
      z.strictObject({ hostId: z.string().regex(/^h[0-9]{1,12}$/), model: modelOptionsSchema })
    )
    .max(MAX_WORKSPACE_HOSTS),
  /** Index into `hosts` of the host on screen, or null. */
  activeHost: z.number().int().min(0).max(MAX_WORKSPACE_HOSTS).nullable(),
  workload: workspaceSchema.shape.workload,
  contention: workspaceSchema.shape.contention,
  pinned: workspaceSchema.shape.pinned,
  /** The Fleet view's run as saved (saveFleet); absent is none. */
  fleet: workspaceSchema.shape.fleet.default(null),
  notes: workspaceSchema.shape.notes
})
export type WorkspaceState = z.infer<typeof workspaceStateSchema>
export type WorkspaceStateInput = z.input<typeof workspaceStateSchema>

/** Cheap check for format detection (Open, drag and drop): a JSON object naming the format early. */
export function looksLikeWorkspace(text: string): boolean {
  const head = text.slice(0, 4096)
  return /^\uFEFF?\s*\{/.test(head) && /"format"\s*:\s*"pamt-planner-workspace"/.test(head)
}
