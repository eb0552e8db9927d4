import { z } from 'zod'
import type { ApiResult } from './errors'
import { REPORT_SCOPES } from '../report/buildReport'
import { workspaceStateSchema, type WorkspaceStateInput } from '../workspace/workspaceSchema'

/**
 * Reports (issue 12, "Reports"; docs/reports.md): main builds the report from the inputs, in the
 * model worker, never from HTML the renderer sends. The request carries the same workspace state
 * the renderer sends to save; main re-runs (or takes from its small cache) what the scope needs.
 */
export interface ExportReportRequest {
  jobId: string
  state: WorkspaceStateInput
  /** One view's answer (its host, workload or contention run) or the whole workspace. */
  scope: (typeof REPORT_SCOPES)[number]
  format: 'html' | 'pdf'
  /** Add the contention run to a workload or workspace report (always in a contention one). */
  includeContention?: boolean
  /**
   * Pins (ids in `state.pinned`) to compare, 2-4: the whole of a `comparison` report, a section
   * of a `workspace` one. Main re-runs each pin's inputs (docs/reports.md, "Comparison").
   */
  compare?: string[]
}

/**
 * A built report. Desktop: written where the save dialog said (`path`), nothing else returned.
 * Browser mode (and the CLI): `html` (format html) or `pdfBase64` (format pdf) to download.
 */
export interface ExportedReport {
  fileName: string
  format: 'html' | 'pdf'
  path: string | null
  bytes: number
  html?: string
  pdfBase64?: string
}

export interface ReportMethods {
  /** Build the report; desktop: a save dialog (null when cancelled) and an atomic write. */
  exportReport(req: ExportReportRequest): Promise<ApiResult<ExportedReport | null>>
}

const jobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'jobId must be 1-64 letters, digits, - or _')

/** Request schemas of the report methods, merged into requestSchemas. */
export const reportRequestSchemas = {
  exportReport: z.strictObject({
    jobId,
    state: workspaceStateSchema,
    scope: z.enum(REPORT_SCOPES),
    format: z.enum(['html', 'pdf']),
    includeContention: z.boolean().optional(),
    compare: z
      .array(z.string().regex(/^p[0-9]{1,6}$/, 'must be a pin id ("p1")'))
      .min(2)
      .max(4)
      .optional()
  })
}
