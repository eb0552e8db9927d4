import { z } from 'zod'
import { modelOptionsSchema } from './modelOptions'
import { scenarioSchema } from '../model/workload/scenario'
import { FLEET_CHUNK_MAX_FILES, FLEET_CHUNK_MAX_TEXT_CHARS } from './fleetContract'

const jobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'jobId must be 1-64 letters, digits, - or _')
const presetId = z.string().regex(/^[a-z0-9-]{1,80}$/)

/** Request schemas of the fleet methods (fleetContract.ts), merged into requestSchemas. */
export const fleetRequestSchemas = {
  analyzeFleetTexts: z
    .strictObject({
      jobId,
      files: z
        .array(z.strictObject({ fileName: z.string().min(1).max(1024), text: z.string() }))
        .min(1)
        .max(FLEET_CHUNK_MAX_FILES, `at most ${FLEET_CHUNK_MAX_FILES} files a request`),
      presetId: presetId.optional(),
      scenario: scenarioSchema.optional(),
      model: modelOptionsSchema.optional()
    })
    .refine((r) => !(r.presetId !== undefined && r.scenario !== undefined), {
      message: 'choose a preset or a scenario, not both'
    })
    .refine((r) => r.files.reduce((n, f) => n + f.text.length, 0) <= FLEET_CHUNK_MAX_TEXT_CHARS, {
      message: 'the files of one request exceed the 64 MiB fleet upload limit'
    }),
  openFleetFolder: z
    .strictObject({
      jobId,
      presetId: presetId.optional(),
      scenario: scenarioSchema.optional(),
      model: modelOptionsSchema.optional()
    })
    .refine((r) => !(r.presetId !== undefined && r.scenario !== undefined), {
      message: 'choose a preset or a scenario, not both'
    }),
  openFleetHost: z.strictObject({
    jobId,
    path: z.string().min(1).max(4096),
    model: modelOptionsSchema.optional()
  })
}
