import { z } from 'zod'
import { modelOptionsSchema } from '../api/modelOptions'
import { scenarioSchema } from '../model/workload/scenario'
import {
  WORKSPACE_FORMAT,
  WORKSPACE_VERSION,
  workspaceSchema,
  type EmbeddedText,
  type WorkspaceInput
} from './workspaceSchema'

/**
 * Workspace migrations (docs/workspaces.md, "Versions and migrations"): a registry of steps, each
 * from version N-1 to N, applied in order until the document is at WORKSPACE_VERSION. A step
 * validates the shape it reads, so a damaged old file fails with the path that is wrong. A file
 * from a newer planner is refused, never guessed at.
 */

/** What a migration may need from its platform: embedding a text (SHA-256, compression in main). */
export interface MigrationDeps {
  embed(text: string): EmbeddedText
}

interface Migration {
  /** The version this step reads; it writes `from + 1`. */
  from: number
  /** What changed, for docs and the open summary. */
  change: string
  up(doc: unknown, deps: MigrationDeps): unknown
}

/**
 * Version 1: the first workspace shape, a session of one host. The text is plain, the model
 * options are global and there are no contention settings or pins.
 */
export const workspaceV1Schema = z.strictObject({
  format: z.literal(WORKSPACE_FORMAT),
  version: z.literal(1),
  name: z.string().min(1).max(200),
  host: z
    .strictObject({
      fileName: z.string().min(1).max(512),
      exampleId: z
        .string()
        .regex(/^[a-z0-9-]{1,80}$/)
        .optional(),
      text: z.string()
    })
    .nullable(),
  modelOptions: modelOptionsSchema,
  scenario: scenarioSchema.nullable(),
  notes: z.string().optional()
})

/**
 * Version 2: hosts with their own options and embedded texts, contention settings, pins and notes;
 * version 3 is the same plus `fleet`.
 */
export const workspaceV2Schema = workspaceSchema.omit({ fleet: true }).extend({
  version: z.literal(2)
})

const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    change:
      'hosts become a list, each with its own model options and its text embedded with SHA-256 (gzip above 256 KiB); contention settings and pins are added',
    up(doc, deps) {
      const v1 = workspaceV1Schema.parse(doc)
      const v2: z.input<typeof workspaceV2Schema> = {
        format: WORKSPACE_FORMAT,
        version: 2,
        name: v1.name,
        savedBy: { app: 'PAMT Planner', version: 'unknown (workspace version 1)' },
        hosts: v1.host
          ? [
              {
                id: 'w1',
                source: {
                  kind: v1.host.exampleId ? 'example' : 'file',
                  fileName: v1.host.fileName,
                  ...(v1.host.exampleId ? { exampleId: v1.host.exampleId } : {})
                },
                input: deps.embed(v1.host.text),
                model: v1.modelOptions
              }
            ]
          : [],
        activeHostId: v1.host ? 'w1' : null,
        workload: { presetId: '', scenario: v1.scenario },
        contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
        pinned: [],
        notes: v1.notes ?? ''
      }
      return v2
    }
  },
  {
    from: 2,
    change: 'a fleet run can be kept (fleet: null until the Fleet view has one)',
    up(doc) {
      const v2 = workspaceV2Schema.parse(doc)
      const v3: WorkspaceInput = { ...v2, version: 3, fleet: null }
      return v3
    }
  }
]

export type MigrationResult =
  | { ok: true; doc: unknown; fromVersion: number; steps: string[] }
  | { ok: false; message: string; path?: PropertyKey[] }

/** The message for a file written by a newer planner. */
export function newerVersionMessage(version: number): string {
  return `this workspace was written by a newer PAMT Planner (version ${version}); this one reads up to ${WORKSPACE_VERSION}`
}

/**
 * Bring a parsed workspace document up to WORKSPACE_VERSION. It must name the workspace format and
 * a whole `version`; the current version passes through untouched (the caller validates it with
 * workspaceSchema).
 */
export function migrateWorkspace(doc: unknown, deps: MigrationDeps): MigrationResult {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return { ok: false, message: 'a workspace is a JSON object' }
  const head = doc as { format?: unknown; version?: unknown }
  if (head.format !== WORKSPACE_FORMAT)
    return {
      ok: false,
      path: ['format'],
      message: `"format" must be "${WORKSPACE_FORMAT}" (this is not a PAMT Planner workspace)`
    }
  const version = head.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, path: ['version'], message: '"version" must be a whole number from 1' }
  if (version > WORKSPACE_VERSION) return { ok: false, message: newerVersionMessage(version) }
  let current: unknown = doc
  const steps: string[] = []
  for (let v = version; v < WORKSPACE_VERSION; v++) {
    const step = MIGRATIONS.find((m) => m.from === v)
    if (!step) return { ok: false, message: `no migration from workspace version ${v}` }
    try {
      current = step.up(current, deps)
    } catch (e) {
      if (e instanceof z.ZodError) {
        const issue = e.issues[0]
        return {
          ok: false,
          path: issue?.path ?? [],
          message: `version ${v} workspace${issue?.path.length ? ` at "${issue.path.join('.')}"` : ''}: ${issue?.message ?? 'invalid'}`
        }
      }
      throw e
    }
    steps.push(`version ${v} → ${v + 1}: ${step.change}`)
  }
  return { ok: true, doc: current, fromVersion: version, steps }
}
