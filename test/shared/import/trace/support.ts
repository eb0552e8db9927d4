import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { ImportError } from '@shared/import/importError'
import { parseTraceText, TraceParser } from '@shared/import/trace/traceParser'
import type {
  TraceImportResult,
  TraceParseOptions,
  TraceSummary
} from '@shared/import/trace/traceFormat'
import type { PageEventBuffer } from '@shared/model/runtime/pageEvents'

/** A fixture under test/fixtures/traces. */
export function traceFixture(name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../../../fixtures/traces/${name}`, import.meta.url)),
    'utf8'
  )
}

/** One buffer entry: [timeNs, kind, region, regionCount, pagesPerRegion, td, cpu, line]. */
export type EventRow = [number, number, number, number, number, number, number, number]

export function rowsOf(events: PageEventBuffer): EventRow[] {
  const out: EventRow[] = []
  for (let i = 0; i < events.length; i++) {
    out.push([
      events.timeNs[i]!,
      events.kind[i]!,
      events.region[i]!,
      events.regionCount[i]!,
      events.pagesPerRegion[i]!,
      events.td[i]!,
      events.cpu[i]!,
      events.line[i]!
    ])
  }
  return out
}

/** Parse, asserting that nothing is thrown whatever the input. */
export function parseTrace(
  text: string,
  fileName = 'trace.jsonl',
  options?: TraceParseOptions
): TraceImportResult {
  let r: TraceImportResult | undefined
  expect(() => {
    r = parseTraceText(text, fileName, options)
  }).not.toThrow()
  return r!
}

export function traceOk(
  text: string,
  fileName = 'trace.jsonl',
  options?: TraceParseOptions
): { events: PageEventBuffer; summary: TraceSummary; rows: EventRow[] } {
  const r = parseTrace(text, fileName, options)
  if (!r.ok) {
    throw new Error(`expected ok, got ${r.error.code} at line ${r.error.line}: ${r.error.message}`)
  }
  return { events: r.events, summary: r.summary, rows: rowsOf(r.events) }
}

export function traceErr(
  text: string,
  fileName = 'trace.jsonl',
  options?: TraceParseOptions
): ImportError {
  const r = parseTrace(text, fileName, options)
  if (r.ok) throw new Error('expected an import error, but the trace parsed')
  return r.error
}

/** Feed `chunks` one by one to a fresh parser. */
export function feedChunks(
  chunks: readonly string[],
  fileName = 'trace',
  options?: TraceParseOptions
): TraceImportResult {
  const p = new TraceParser(fileName, options)
  for (const c of chunks) p.feed(c)
  return p.finish()
}
