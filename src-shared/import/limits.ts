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

/**
 * Largest scenario file (CLI and GUI): a scenario is a few KiB of JSON (64 TD classes at most), so
 * anything larger is the wrong file.
 */
export const MAX_SCENARIO_FILE_BYTES = 4 * 1024 * 1024

/**
 * Highest NUMA node id any importer takes. x86 kernels number nodes below MAX_NUMNODES =
 * 1 << CONFIG_NODES_SHIFT, and arch/x86/Kconfig limits NODES_SHIFT to 1-10 (1024 nodes); 4095
 * leaves room for other configurations while keeping node-indexed tables small.
 */
export const MAX_NUMA_NODE_ID = 4095

/**
 * Longest text kept from a kernel log line as a value (the init failure, the module version): the
 * host JSON holds at most this many characters, so a host saved from any log loads again.
 */
export const MAX_LOG_TEXT_CHARS = 200

/** Longest line considered; longer lines are not log lines. */
export const MAX_LINE_CHARS = 64 * 1024

export function formatLimitBytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`
}
