import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TraceParser, parseTraceText } from '@shared/import/trace/traceParser'
import { simulateTrace } from '@shared/model/runtime/simulate'
import { tinyHost } from '../model/contention/support'
import { FUZZ_TIMEOUT_MS, fuzzParams } from './fuzzConfig'
import { chunked, lineCount, mutated } from './mutate'

const DIR = fileURLToPath(new URL('../../fixtures/traces/', import.meta.url))
const TRACES = readdirSync(DIR).map((f): [string, string] => [f, readFileSync(DIR + f, 'utf8')])
const host = tinyHost()

/**
 * For any text: parsing never throws; the same text cut into any chunks gives the same outcome as
 * whole (lines may be split anywhere); an error is one line naming the file and a line it has; a
 * trace that parses replays on a host to finite PAMT figures, with at most three events a row.
 */
function checkTrace(text: string, chunks: string[], fileName: string): void {
  const whole = parseTraceText(text, fileName)
  const parser = new TraceParser(fileName)
  for (const c of chunks) parser.feed(c)
  const streamed = parser.finish()
  expect(streamed.ok).toBe(whole.ok)
  if (!whole.ok || !streamed.ok) {
    if (whole.ok || streamed.ok) return
    expect(streamed.error).toEqual(whole.error)
    expect(whole.error.fileName).toBe(fileName)
    expect(whole.error.message).not.toContain('\n')
    if (whole.error.line !== undefined) {
      expect(whole.error.line).toBeGreaterThanOrEqual(1)
      expect(whole.error.line).toBeLessThanOrEqual(lineCount(text))
    }
    return
  }
  expect(streamed.events.length).toBe(whole.events.length)
  // A row is at most three entries: a partial first region, the whole ones, a partial last one.
  expect(whole.summary.rows).toBeLessThanOrEqual(lineCount(text))
  expect(whole.events.length).toBeLessThanOrEqual(3 * whole.summary.rows)
  const r = simulateTrace(host, whole.events, fileName, { refcounts: 'dense', samples: 64 })
  for (const v of [r.replay.peakTotalBytes, r.replay.averageTotalBytes, r.savingsAtPeakBytes])
    expect(Number.isFinite(v)).toBe(true)
  expect(r.replay.totalBytes).toHaveLength(64)
}

describe('fuzz: trace parser on mutated real traces', () => {
  it.each(TRACES)(
    '%s',
    (name, text) => {
      fc.assert(
        fc.property(
          mutated(text).chain((t) => fc.tuple(fc.constant(t), chunked(t))),
          ([t, chunks]) => checkTrace(t, chunks, name)
        ),
        fuzzParams(20)
      )
    },
    FUZZ_TIMEOUT_MS
  )
})
