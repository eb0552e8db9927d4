import type { ImportError } from '../import/importError'
import { visibleControls } from '../util/controlChars'

/** Error codes that cross the API boundary (IPC or HTTP); every failure is one of these values. */
export type ApiErrorCode =
  | ImportError['code']
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  /** A host id main once held but dropped to stay within its memory budget: re-open the host. */
  | 'HOST_EVICTED'
  /** Too much work at once (model jobs queued, progress streams open): try again later. */
  | 'BUSY'
  /** A run the pre-flight estimate puts above a documented work limit (model/workEstimate.ts). */
  | 'WORK_TOO_LARGE'
  | 'CANCELLED'
  | 'UNAVAILABLE'
  | 'FILE_UNREADABLE'
  /** A report's PDF was asked for where no Chromium or Electron can print it (docs/reports.md). */
  | 'PDF_UNAVAILABLE'
  /** The printer ran but gave no PDF (timeout, crash, not a PDF). */
  | 'PDF_FAILED'
  | 'INTERNAL'

export interface ApiError {
  code: ApiErrorCode
  message: string
  /** The file the error is about, when there is one. */
  fileName?: string
  /** 1-based line in that file. */
  line?: number
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value }
}

export function err(
  code: ApiErrorCode,
  message: string,
  where: { fileName?: string; line?: number } = {}
): ApiResult<never> {
  return { ok: false, error: { code, message, ...where } }
}

/**
 * The single line shown to users: "file:line: message" or just the message. Control characters from
 * a file name or an echoed line are shown as escapes (`\x1b`), never passed to a terminal.
 */
export function describeApiError(e: ApiError): string {
  if (e.fileName === undefined) return visibleControls(e.message)
  return visibleControls(`${e.fileName}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`)
}
