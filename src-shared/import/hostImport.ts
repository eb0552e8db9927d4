import type { ModelOptions } from '../api/modelOptions'
import type { HostInput } from '../model/host/memoryMap'
import type { ImportError } from './importError'

/** Every host input format the planner reads (auto-detected by `importHostText`). */
export const HOST_FORMATS = [
  'dmesg',
  'proc-iomem',
  'firmware-memmap',
  'lsmem-json',
  'numactl',
  'host-json'
] as const

export type HostFormat = (typeof HOST_FORMATS)[number]

/** One kind of line (or JSON element) an importer used, and how many of it. */
export interface RecognisedItems {
  /** Short label shown to users, e.g. "BIOS-e820 lines", "SRAT memory affinity lines". */
  what: string
  count: number
}

/** What an import recognised and skipped, shown to the user beside the results. */
export interface ImportSummary {
  /** The formats found in the file, the first being the one that supplied the memory map. */
  formats: HostFormat[]
  fileName: string
  linesTotal: number
  recognised: RecognisedItems[]
  /** Lines that matched nothing any importer knows; they are ignored. */
  linesSkipped: number
  /** The first few skipped lines, so users can see what was ignored. */
  skippedSamples: Array<{ line: number; text: string }>
  /** Decisions the importer took (e.g. "CMRs used as memory: no e820 table"). */
  notes: string[]
}

export type HostImportResult =
  | {
      ok: true
      host: HostInput
      summary: ImportSummary
      /** Model options the file carries (host JSON `model`, docs/host-format.md); none for logs. */
      model?: ModelOptions
    }
  | { ok: false; error: ImportError }

export interface ParseOptions {
  /** Called with the fraction of lines done, at most every few thousand lines. */
  onProgress?: (fraction: number) => void
}

/** How many skipped lines the summary quotes. */
export const SKIPPED_SAMPLE_COUNT = 8
