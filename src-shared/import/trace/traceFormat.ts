/**
 * The Dynamic PAMT trace format (docs/traces.md): one event per line, as JSON Lines or as CSV with
 * the header {@link TRACE_CSV_HEADER}. Both forms carry the same seven fields:
 *
 * | field   | meaning                                                                         |
 * |---------|---------------------------------------------------------------------------------|
 * | `t_ns`  | integer nanoseconds (any origin; replay sorts by time, stably)                  |
 * | `ev`    | `get` \| `put` \| `ctrl_get` \| `ctrl_put` \| `pamt_add` \| `pamt_remove` \| `demote` |
 * | `pfn`   | first 4 KiB page frame: `"0x…"` hex (or a JSON/CSV decimal integer), below 2^40 |
 * | `level` | `4k` \| `2m` \| `1g`: the unit of `n`                                           |
 * | `n`     | number of contiguous units of `level` starting at `pfn` (≥ 1, default 1)        |
 * | `cpu`   | CPU that issued the event, -1 (the default) when unknown                        |
 * | `td`    | TD identifier, -1 (the default) when unknown                                    |
 *
 * Conversion to the {@link PageEventBuffer} (the refcount of tdx_pamt_get/put in
 * arch/x86/virt/vmx/tdx/tdx.c, Dynamic PAMT v6):
 * - `get`/`put` at `4k`: Get/Put over the 4K pages `[pfn, pfn + n)` (`pushPfnRange`);
 * - `ctrl_get`/`ctrl_put`: the same Get/Put, made through `tdx_alloc_control_page()` /
 *   `tdx_free_control_page()` (TDR, TDCS, TDVPR, TDCX pages; S-EPT pages are freed this way too).
 *   Counted apart in {@link TraceSummary.byKind}, replayed exactly like `get`/`put`;
 * - `get`/`put` (and `ctrl_*`) at `2m`/`1g`: no-ops (KVM gets a pair only for 4K mappings),
 *   skipped and counted in {@link TraceSummary.skippedHugeGets};
 * - `demote` (`2m`, 2 MiB-aligned pfn): Demote of `n` regions from `pfn >> 9`, 512 pages each;
 * - `pamt_add`/`pamt_remove` (`2m`, any pfn in the region): PamtAdd/PamtRemove of `n` regions
 *   from `pfn >> 9`, 512 pages each.
 *
 * Pure TypeScript: no Node, Electron or DOM APIs.
 */
import type { ImportError } from '../importError'
import { EventKind, type PageEventBuffer } from '../../model/runtime/pageEvents'

/** The CSV header line, also printed by `resources/capture/dpamt.bt`. */
export const TRACE_CSV_HEADER = 't_ns,ev,pfn,level,n,cpu,td'

/** Field names in CSV column order. */
export const TRACE_FIELDS = ['t_ns', 'ev', 'pfn', 'level', 'n', 'cpu', 'td'] as const
export type TraceField = (typeof TRACE_FIELDS)[number]

/** Fields a row must have; `n`, `cpu` and `td` default to 1, -1 and -1. */
export const REQUIRED_TRACE_FIELDS: readonly TraceField[] = ['t_ns', 'ev', 'pfn', 'level']

/**
 * The `ev` values. The index of a name is its event code in the parser (and the order of
 * {@link TraceSummary.byKind}); the first five share their index with their EventKind.
 */
export const TRACE_EVENT_NAMES = [
  'get',
  'put',
  'demote',
  'pamt_add',
  'pamt_remove',
  'ctrl_get',
  'ctrl_put'
] as const
export type TraceEventName = (typeof TRACE_EVENT_NAMES)[number]

/**
 * `ev` name → the EventKind it is replayed as. A control-page get/put is a refcount get/put like
 * any other (`tdx_alloc_control_page()` calls `tdx_pamt_get(pfn, NULL)`,
 * `tdx_free_control_page()` calls `tdx_pamt_put(pfn)`: arch/x86/virt/vmx/tdx/tdx.c, Dynamic PAMT
 * v6 patches 03/11 and 08/11).
 */
export const TRACE_EVENT_KIND: Readonly<Record<TraceEventName, EventKind>> = {
  get: EventKind.Get,
  put: EventKind.Put,
  demote: EventKind.Demote,
  pamt_add: EventKind.PamtAdd,
  pamt_remove: EventKind.PamtRemove,
  ctrl_get: EventKind.Get,
  ctrl_put: EventKind.Put
}

/** EventKind of each event code (index in {@link TRACE_EVENT_NAMES}). */
export const TRACE_EVENT_KIND_BY_CODE: readonly EventKind[] = TRACE_EVENT_NAMES.map(
  (name) => TRACE_EVENT_KIND[name]
)

/** The `ev` names as a message lists them: "get, put, …, ctrl_put". */
export const TRACE_EVENT_LIST = TRACE_EVENT_NAMES.join(', ')

/** The `level` values; index = level code used by the parser. */
export const TRACE_LEVELS = ['4k', '2m', '1g'] as const
export type TraceLevel = (typeof TRACE_LEVELS)[number]

/** 4 KiB pages per unit of each level (index = level code). */
export const PAGES_PER_LEVEL: readonly number[] = [1, 512, 512 * 512]

/** PFNs are below 2^40: 52 physical address bits (x86-64 MAXPHYADDR) minus the 12-bit page offset. */
export const MAX_TRACE_PFN = 2 ** 40

/** Default cap on PageEventBuffer entries (≈ 7.4 GB of columns): a clear error, not an OOM. */
export const MAX_TRACE_EVENTS = 200_000_000

export interface TraceParseOptions {
  /** Cap on PageEventBuffer entries (a range row makes up to three); default {@link MAX_TRACE_EVENTS}. */
  maxEvents?: number
  /**
   * Called after every `feed()` (and by {@link parseTraceText} every few MiB) with the number of
   * characters fed so far. The format is ASCII, so characters are bytes.
   */
  onProgress?: (bytesFed: number) => void
  /** Initial PageEventBuffer capacity (it doubles as needed); default 4096. */
  initialCapacity?: number
}

export interface TraceSummary {
  fileName: string
  format: 'jsonl' | 'csv'
  /** Lines read, including comments, blank lines and the CSV header. */
  lines: number
  /** Event rows (lines that carried an event), including skipped huge-level gets/puts. */
  rows: number
  /** PageEventBuffer entries produced (`events.length`). */
  events: number
  /** Rows per `ev` name (every name in TRACE_EVENT_NAMES present), including skipped rows. */
  byKind: Record<string, number>
  /** `get`/`put`/`ctrl_get`/`ctrl_put` rows at level 2m or 1g: no-ops in the kernel, not replayed. */
  skippedHugeGets: number
  /** Distinct `td` values other than -1. */
  tds: number
  /** Distinct `cpu` values other than -1. */
  cpus: number
  /** Smallest and largest `t_ns` over all rows (rows need not be in time order). */
  firstNs: number
  lastNs: number
  /** Sum of bpftrace's `Lost N events` lines: events the capture dropped (0 = none). */
  lostEvents: number
}

export type TraceImportResult =
  { ok: true; events: PageEventBuffer; summary: TraceSummary } | { ok: false; error: ImportError }
