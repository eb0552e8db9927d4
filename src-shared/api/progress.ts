// zod's tree-shakable build: the sandboxed preload bundles this schema, and full zod is ~170 kB.
import { z } from 'zod/mini'
import type { JobProgress } from './contract'

/** Longest step text a progress event may carry: a step is one line on a bar, never a report. */
export const JOB_STEP_MAX_CHARS = 200

/** The job phases, as JobProgress lists them. */
export const JOB_PHASES = [
  'queued',
  'reading',
  'parsing',
  'analysing',
  'done'
] as const satisfies ReadonlyArray<JobProgress['phase']>
// And every phase of the contract is listed: a phase added there fails to compile here.
const everyPhaseListed: JobProgress['phase'] extends (typeof JOB_PHASES)[number] ? true : never =
  true
void everyPhaseListed

/**
 * A progress event as it crosses IPC (the preload) or HTTP (the page's event stream): checked
 * like every request, so the page never shows a field it did not expect (docs/ARCHITECTURE.md,
 * "Data flow, file to chart", step 3).
 */
export const jobProgressSchema = z.strictObject({
  // Ids are the client's own (request schemas: 1-64 letters, digits, - or _).
  jobId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  phase: z.enum(JOB_PHASES),
  // A sum of weighted parts can land a rounding error past 1: held to 0..1, not dropped.
  fraction: z.pipe(
    z.number(),
    z.transform((f: number) => Math.min(1, Math.max(0, f)))
  ),
  step: z.optional(z.string().check(z.maxLength(JOB_STEP_MAX_CHARS)))
})

/** The event if it is a well-formed JobProgress, else null (dropped by the receiver). */
export function parseJobProgress(value: unknown): JobProgress | null {
  const p = jobProgressSchema.safeParse(value)
  return p.success ? (p.data as JobProgress) : null
}
