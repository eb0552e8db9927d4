import { describe, expect, it } from 'vitest'
import { TRACE_CSV_HEADER } from '@shared/import/trace/traceFormat'
import { TraceParser } from '@shared/import/trace/traceParser'
import { EventKind } from '@shared/model/runtime/pageEvents'

/**
 * A 2-million-line trace in each form, fed in 1 MiB chunks. The test checks correctness only;
 * it prints the parse rate (no timing assertion: CI machines vary).
 */
const LINES = 2_000_000
const CHUNK = 1 << 20

function generate(form: 'jsonl' | 'csv'): string {
  const parts: string[] = form === 'csv' ? [TRACE_CSV_HEADER] : []
  for (let i = 0; i < LINES; i++) {
    const pfn = '0x' + (0x100000 + i * 7).toString(16)
    const ev = i % 2 ? 'put' : 'get'
    parts.push(
      form === 'csv'
        ? `${1000 + i},${ev},${pfn},4k,1,${i % 64},${i % 8}`
        : `{"t_ns":${1000 + i},"ev":"${ev}","pfn":"${pfn}","level":"4k","n":1,"cpu":${i % 64},"td":${i % 8}}`
    )
  }
  return parts.join('\n') + '\n'
}

describe('a 2-million-line trace', () => {
  for (const form of ['jsonl', 'csv'] as const) {
    it(`parses ${form} correctly`, () => {
      const text = generate(form)
      const t0 = performance.now()
      const p = new TraceParser(`big.${form}`)
      for (let i = 0; i < text.length; i += CHUNK) p.feed(text.slice(i, i + CHUNK))
      const r = p.finish()
      const ms = performance.now() - t0
      console.log(
        `${form}: ${LINES.toLocaleString('en-US')} lines (${(text.length / 2 ** 20).toFixed(0)} MiB) in ${ms.toFixed(0)} ms = ${(((LINES / ms) * 1000) / 1e6).toFixed(2)} M lines/s`
      )
      if (!r.ok) throw new Error(r.error.message)
      const { events, summary } = r
      expect(events.length).toBe(LINES)
      expect(summary).toMatchObject({
        rows: LINES,
        events: LINES,
        byKind: { get: LINES / 2, put: LINES / 2 },
        tds: 8,
        cpus: 64,
        firstNs: 1000,
        lastNs: 1000 + LINES - 1
      })
      for (const i of [0, 1, 12345, LINES - 1]) {
        const pfn = 0x100000 + i * 7
        expect(events.timeNs[i]).toBe(1000 + i)
        expect(events.kind[i]).toBe(i % 2 ? EventKind.Put : EventKind.Get)
        expect(events.region[i]).toBe(Math.floor(pfn / 512))
        expect(events.pagesPerRegion[i]).toBe(1)
        expect(events.cpu[i]).toBe(i % 64)
        expect(events.td[i]).toBe(i % 8)
        expect(events.line[i]).toBe(form === 'csv' ? i + 2 : i + 1)
      }
    }, 120_000)
  }
})
