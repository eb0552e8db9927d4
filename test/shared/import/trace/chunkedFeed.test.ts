import { describe, expect, it } from 'vitest'
import { TraceParser } from '@shared/import/trace/traceParser'
import { EventKind } from '@shared/model/runtime/pageEvents'
import { syntheticTrace } from '../../../../src-main/bench/syntheticInputs'

/**
 * A 20,000-line trace in each form, fed in chunks of a prime length so that chunk boundaries fall
 * inside lines, numbers and JSON keys everywhere. Parse rates at 2 million lines are `npm run bench`'s.
 */
const LINES = 20_000
const CHUNK = 4093

describe('a trace fed in chunks that split lines', () => {
  for (const form of ['jsonl', 'csv'] as const) {
    it(`parses every ${form} line exactly as written`, () => {
      const text = syntheticTrace(form, LINES)
      const p = new TraceParser(`big.${form}`)
      for (let i = 0; i < text.length; i += CHUNK) p.feed(text.slice(i, i + CHUNK))
      const r = p.finish()
      if (!r.ok) throw new Error(r.error.message)
      const { events, summary } = r
      expect(events.length).toBe(LINES)
      // Line i: t_ns 1000 + i, get on even i and put on odd i, pfn 0x100000 + 7i, cpu i mod 64, td i mod 8.
      expect(summary).toMatchObject({
        rows: LINES,
        events: LINES,
        byKind: { get: LINES / 2, put: LINES / 2 },
        tds: 8,
        cpus: 64,
        firstNs: 1000,
        lastNs: 1000 + LINES - 1
      })
      const wrong: number[] = []
      for (let i = 0; i < LINES; i++) {
        const pfn = 0x100000 + i * 7
        const ok =
          events.timeNs[i] === 1000 + i &&
          events.kind[i] === (i % 2 ? EventKind.Put : EventKind.Get) &&
          // 512 4 KiB pages per 2 MiB region.
          events.region[i] === Math.floor(pfn / 512) &&
          events.pagesPerRegion[i] === 1 &&
          events.cpu[i] === i % 64 &&
          events.td[i] === i % 8 &&
          // CSV has its header on line 1.
          events.line[i] === (form === 'csv' ? i + 2 : i + 1)
        if (!ok && wrong.length < 5) wrong.push(i)
      }
      expect(wrong).toEqual([])
    })
  }
})
