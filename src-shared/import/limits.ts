/**
 * Size limits for imported text. Real boot logs are well under 10 MiB; the limit stops a wrong
 * file (a core dump, a disk image) from exhausting memory before anything is parsed.
 */
export const MAX_HOST_FILE_BYTES = 64 * 1024 * 1024

/**
 * Largest trace sent as text (upload, drag and drop). Traces on disk are streamed to the worker
 * (desktop dialog, CLI) and limited only by their event count.
 */
export const MAX_TRACE_TEXT_BYTES = 128 * 1024 * 1024

/** Longest line considered; longer lines are not log lines. */
export const MAX_LINE_CHARS = 64 * 1024

export function formatLimitBytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`
}
