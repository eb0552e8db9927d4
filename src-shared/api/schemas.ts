import { z } from 'zod'
import { HOST_FORMATS } from '../import/hostImport'
import { MAX_HOST_FILE_BYTES, MAX_TRACE_TEXT_BYTES } from '../import/limits'
import type { PlannerMethodName } from './contract'
import { modelOptionsSchema } from './modelOptions'
import { scenarioSchema } from '../model/workload/scenario'
import { contentionSettingsSchema } from '../model/contention/runContention'
import { calibrationFitOptionsSchema } from '../model/contention/calibrationFit'
import { sweepRequestSchema } from '../model/runtime/sweep'
import { workspaceRequestSchemas } from './workspaceSchemas'
import { fleetRequestSchemas } from './fleetSchemas'
import { reportRequestSchemas } from './reportContract'

const jobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'jobId must be 1-64 letters, digits, - or _')
const fileName = z.string().min(1).max(512)
const hostId = z.string().regex(/^h[0-9]{1,12}$/, 'hostId is not one the service issued')
const hostFormat = z.enum(['auto', ...HOST_FORMATS])

/**
 * Runtime schemas for every request of the contract. Each adapter parses the incoming value with
 * these before any service sees it; unknown keys are rejected.
 */
export const requestSchemas = {
  getAppInfo: z.strictObject({}),
  listExampleHosts: z.strictObject({}),
  analyzeExampleHost: z.strictObject({
    jobId,
    exampleId: z.string().regex(/^[a-z0-9-]{1,80}$/),
    model: modelOptionsSchema.optional()
  }),
  analyzeHostText: z.strictObject({
    jobId,
    fileName,
    text: z.string().max(MAX_HOST_FILE_BYTES, 'text exceeds the host file size limit'),
    format: hostFormat.optional(),
    model: modelOptionsSchema.optional()
  }),
  openHostFile: z.strictObject({ jobId, model: modelOptionsSchema.optional() }),
  reanalyzeHost: z.strictObject({ jobId, hostId, model: modelOptionsSchema }),
  exportHostJson: z.strictObject({ hostId, model: modelOptionsSchema.optional() }),
  listScenarioPresets: z.strictObject({ hostId }),
  simulate: z.strictObject({
    jobId,
    hostId,
    model: modelOptionsSchema.optional(),
    scenario: scenarioSchema,
    sweep: sweepRequestSchema.optional()
  }),
  replayTraceText: z.strictObject({
    jobId,
    hostId,
    model: modelOptionsSchema.optional(),
    fileName,
    text: z
      .string()
      .max(
        MAX_TRACE_TEXT_BYTES,
        'the trace exceeds the upload limit: open it from disk in the desktop app or the CLI'
      ),
    refcounts: z.enum(['dense', 'sparse'])
  }),
  listContentionPresets: z.strictObject({}),
  runContention: z.strictObject({
    jobId,
    hostId,
    model: modelOptionsSchema.optional(),
    scenario: scenarioSchema,
    settings: contentionSettingsSchema.optional()
  }),
  fitCalibration: z.strictObject({
    jobId,
    hostId,
    model: modelOptionsSchema.optional(),
    settings: contentionSettingsSchema.optional(),
    fit: calibrationFitOptionsSchema.optional()
  }),
  openTraceFile: z.strictObject({
    jobId,
    hostId,
    model: modelOptionsSchema.optional(),
    refcounts: z.enum(['dense', 'sparse'])
  }),
  cancelJob: z.strictObject({ jobId }),
  ...workspaceRequestSchemas,
  ...fleetRequestSchemas,
  ...reportRequestSchemas
} satisfies Record<PlannerMethodName, z.ZodType>

export const PLANNER_METHOD_NAMES = Object.keys(requestSchemas) as PlannerMethodName[]

export function isPlannerMethodName(name: string): name is PlannerMethodName {
  return Object.hasOwn(requestSchemas, name)
}

/** Electron IPC channel names, `planner:<method>`, and the one push channel. */
export const ipcChannel = (method: PlannerMethodName): string => `planner:${method}`
export const IPC_PROGRESS_CHANNEL = 'planner:progress'
