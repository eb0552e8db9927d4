import { z } from 'zod'
import { modelOptionsSchema } from './modelOptions'
import { MAX_WORKSPACE_FILE_BYTES, workspaceStateSchema } from '../workspace/workspaceSchema'

const jobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'jobId must be 1-64 letters, digits, - or _')
/** A path main gave out (checked against its own list); bounded like any path. */
const path = z.string().min(1).max(4096)

/** Request schemas of the workspace methods (workspaceContract.ts), merged into requestSchemas. */
export const workspaceRequestSchemas = {
  getWorkspaceSession: z.strictObject({}),
  saveWorkspace: z.strictObject({
    state: workspaceStateSchema,
    path: path.optional(),
    saveAs: z.boolean().optional()
  }),
  autosaveWorkspace: z.strictObject({ state: workspaceStateSchema, path: path.optional() }),
  openWorkspaceText: z.strictObject({
    jobId,
    fileName: z.string().min(1).max(512),
    text: z.string().max(MAX_WORKSPACE_FILE_BYTES, 'the workspace exceeds the size limit')
  }),
  openWorkspaceFile: z.strictObject({ jobId, path: path.optional() }),
  restoreAutosave: z.strictObject({ jobId }),
  dismissAutosave: z.strictObject({}),
  openFile: z.strictObject({ jobId, model: modelOptionsSchema.optional() })
}
