import { parseBootLog } from '@shared/import/bootLog'
import { TraceParser } from '@shared/import/trace/traceParser'
import { syntheticBootLog, syntheticTrace } from './syntheticInputs'

/** One import figure of `npm run bench`. */
export interface ImportBenchRow {
  name: string
  lines: number
  mib: number
  wallMs: number
  linesPerSec: number
}

const TRACE_LINES = 2_000_000
/** Traces reach the worker in chunks (streamed from disk); 1 MiB as the service reads them. */
const TRACE_CHUNK_CHARS = 1 << 20

function row(name: string, lines: number, chars: number, ms: number): ImportBenchRow {
  return {
    name,
    lines,
    mib: +(chars / 2 ** 20).toFixed(1),
    wallMs: +ms.toFixed(1),
    linesPerSec: lines / (ms / 1000)
  }
}

/**
 * Parse rates of the importers at their size limits: a 64 MiB boot log and 2-million-line traces.
 * Each run checks its own counts, so a fast wrong parse fails the bench instead of flattering it.
 */
export function runImportBench(): ImportBenchRow[] {
  const rows: ImportBenchRow[] = []
  const log = syntheticBootLog(64 * 2 ** 20)
  const l0 = performance.now()
  const parsed = parseBootLog(log.text, 'bench.log')
  const l1 = performance.now()
  if (!parsed.ok || parsed.summary.linesSkipped !== log.copies * 4)
    throw new Error('bench: the 64 MiB boot log did not parse to its known counts')
  rows.push(row('import: 64 MiB boot log', parsed.summary.linesTotal, log.text.length, l1 - l0))

  for (const form of ['jsonl', 'csv'] as const) {
    const text = syntheticTrace(form, TRACE_LINES)
    const t0 = performance.now()
    const parser = new TraceParser(`bench.${form}`)
    for (let i = 0; i < text.length; i += TRACE_CHUNK_CHARS)
      parser.feed(text.slice(i, i + TRACE_CHUNK_CHARS))
    const r = parser.finish()
    const t1 = performance.now()
    if (!r.ok || r.events.length !== TRACE_LINES)
      throw new Error(`bench: the ${form} trace did not parse to ${TRACE_LINES} events`)
    rows.push(row(`import: 2 M-line ${form} trace`, TRACE_LINES, text.length, t1 - t0))
  }
  return rows
}
