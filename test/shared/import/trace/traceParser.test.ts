import { describe, expect, it } from 'vitest'
import { TRACE_CSV_HEADER } from '@shared/import/trace/traceFormat'
import { TraceParser } from '@shared/import/trace/traceParser'
import { EventKind } from '@shared/model/runtime/pageEvents'
import { feedChunks, rowsOf, traceFixture, traceOk, type EventRow } from './support'

const { Get, Put, Demote, PamtAdd, PamtRemove } = EventKind

/** The events of small.jsonl, with its line numbers (small.csv has each one line later). */
const SMALL: EventRow[] = [
  [1000, Get, 0x91, 1, 1, 7, 3, 6],
  [1100, PamtAdd, 0x91, 1, 512, 7, 3, 7],
  // 544 pages from 0x401f0: 16 in region 0x200, all of 0x201, 16 in 0x202
  [2000, Get, 0x200, 1, 16, 7, 1, 9],
  [2000, Get, 0x201, 1, 512, 7, 1, 9],
  [2000, Get, 0x202, 1, 16, 7, 1, 9],
  [3000, Demote, 0x401, 1, 512, 7, 2, 11],
  [4000, Put, 0x91, 1, 1, 7, 3, 12],
  [4100, PamtRemove, 0x91, 1, 512, 7, 3, 13],
  [3500, Put, 0x401, 1, 512, -1, 0, 14]
]

describe('good traces', () => {
  it('reads the JSON Lines fixture into exact events', () => {
    const { rows, summary } = traceOk(traceFixture('small.jsonl'), 'small.jsonl')
    expect(rows).toEqual(SMALL)
    expect(summary).toEqual({
      fileName: 'small.jsonl',
      format: 'jsonl',
      lines: 14,
      rows: 8,
      events: 9,
      byKind: { get: 3, put: 2, demote: 1, pamt_add: 1, pamt_remove: 1, ctrl_get: 0, ctrl_put: 0 },
      skippedHugeGets: 1,
      tds: 1,
      cpus: 4,
      firstNs: 1000,
      lastNs: 4100,
      lostEvents: 0
    })
  })

  it('reads the CSV fixture into the same events, one line later', () => {
    const { rows, summary } = traceOk(traceFixture('small.csv'), 'small.csv')
    expect(rows).toEqual(SMALL.map((r) => [...r.slice(0, 7), r[7] + 1]))
    expect(summary.format).toBe('csv')
    expect(summary.lines).toBe(15)
    expect(summary.skippedHugeGets).toBe(1)
  })

  it('reads raw bpftrace output (banner, CRLF, comments, unordered times)', () => {
    const { rows, summary } = traceOk(traceFixture('bpftrace-capture.csv'), 'capture.csv')
    expect(rows).toEqual([
      [1520, Get, 0x10a200 / 512, 1, 1, 4242, 0, 8],
      [1544, PamtAdd, 0x10a200 / 512, 1, 512, 4242, 0, 9],
      [1502, Get, 0x20b000 / 512, 1, 1, 5151, 1, 10],
      [1530, PamtAdd, 0x20b000 / 512, 1, 512, 5151, 1, 11],
      [1601, Get, 0x10a200 / 512, 1, 1, 4242, 0, 12],
      [1650, Get, 0x20b000 / 512, 1, 1, 5151, 1, 13],
      [90001, Put, 0x10a200 / 512, 1, 1, 4242, 0, 14],
      [90002, Put, 0x10a200 / 512, 1, 1, 4242, 0, 15],
      [90040, PamtRemove, 0x10a200 / 512, 1, 512, 4242, 0, 16]
    ])
    expect(summary).toMatchObject({ tds: 2, cpus: 2, firstNs: 1502, lastNs: 90040, rows: 9 })
  })

  it('keeps rows in file order; timeOrder() sorts them stably', () => {
    const { events } = traceOk(traceFixture('small.jsonl'))
    const order = Array.from(events.timeOrder())
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 8, 6, 7])
  })

  it('accepts integer and hex pfns, optional fields and null for optional fields', () => {
    const { rows } = traceOk(
      [
        '{"t_ns":5,"ev":"get","pfn":4096,"level":"4k"}',
        '{"t_ns":6,"ev":"put","pfn":"0X1000","level":"4K","n":null,"cpu":null,"td":null}',
        '{"level":"4k","td":2,"pfn":"0x1000","ev":"get","cpu":1,"t_ns":7}'
      ].join('\n')
    )
    expect(rows).toEqual([
      [5, Get, 8, 1, 1, -1, -1, 1],
      [6, Put, 8, 1, 1, -1, -1, 2],
      [7, Get, 8, 1, 1, 2, 1, 3]
    ])
  })

  it('accepts unusual but valid JSON (escapes, exponents) through the full reader', () => {
    const { rows } = traceOk(
      [
        '{"t_ns":1e3,"ev":"g\\u0065t","pfn":"\\u0030x200","level":"4k","n":2.0}',
        '{"t_ns":2000,"ev":"put","pfn":"0x200","level":"4k","x_ignored":null}'.replace(
          ',"x_ignored":null',
          ''
        )
      ].join('\n')
    )
    expect(rows).toEqual([
      [1000, Get, 1, 1, 2, -1, -1, 1],
      [2000, Put, 1, 1, 1, -1, -1, 2]
    ])
  })

  it('accepts CSV columns in any order, optional columns left out, quoted cells, spaces', () => {
    const { rows } = traceOk(
      [
        'ev, pfn, t_ns, level',
        'get, 0x400, 10, 4k',
        '"put","0x400",11,"4k"',
        'ev,pfn,t_ns,level'
      ].join('\n'),
      'x.csv'
    )
    expect(rows).toEqual([
      [10, Get, 2, 1, 1, -1, -1, 2],
      [11, Put, 2, 1, 1, -1, -1, 3]
    ])
  })

  it('reads a repeated CSV header afresh (concatenated captures) and skips bpftrace noise', () => {
    const text = [
      'Attaching 9 probes...',
      TRACE_CSV_HEADER,
      '1,get,0x1,4k,1,0,1',
      TRACE_CSV_HEADER,
      '2,put,0x1,4k,1,0,1',
      'Lost 12 events',
      '@get_pfn[1234]: 77',
      ''
    ].join('\n')
    const { rows, summary } = traceOk(text, 'x.csv')
    expect(rows).toHaveLength(2)
    expect(summary.lostEvents).toBe(12)
    expect(summary.lines).toBe(7)
  })

  it('follows a later header that orders the columns differently', () => {
    const { rows } = traceOk(
      [TRACE_CSV_HEADER, '1,get,0x1,4k,1,0,1', 'pfn,ev,t_ns,level', '0x1,put,2,4k'].join('\n'),
      'x.csv'
    )
    expect(rows).toEqual([
      [1, Get, 0, 1, 1, 1, 0, 2],
      [2, Put, 0, 1, 1, -1, -1, 4]
    ])
  })

  it('skips the "Attached N probes" line bpftrace 0.24+ writes to stderr', () => {
    // Only there when stderr was redirected into the trace (2>&1).
    const { rows } = traceOk(
      ['Attached 1 probe', 'Attached 12 probes', TRACE_CSV_HEADER, '5,get,0x1,4k,1,0,1'].join('\n'),
      'x.csv'
    )
    expect(rows).toEqual([[5, Get, 0, 1, 1, 1, 0, 4]])
  })

  it('replays ctrl_get/ctrl_put as Get/Put and counts them apart', () => {
    // A TDCS page got through tdx_alloc_control_page() and a guest range got by KVM in the same
    // region 0x800 (pfn 0x100000 / 512); then both put back.
    const { rows, summary } = traceOk(
      [
        TRACE_CSV_HEADER,
        '10,ctrl_get,0x100000,4k,1,0,9',
        '20,get,0x100001,4k,4,1,9',
        '30,put,0x100001,4k,4,1,9',
        '40,ctrl_put,0x100000,4k,1,0,9'
      ].join('\n'),
      'ctrl.csv'
    )
    expect(rows).toEqual([
      [10, Get, 0x800, 1, 1, 9, 0, 2],
      [20, Get, 0x800, 1, 4, 9, 1, 3],
      [30, Put, 0x800, 1, 4, 9, 1, 4],
      [40, Put, 0x800, 1, 1, 9, 0, 5]
    ])
    expect(summary.byKind).toEqual({
      get: 1,
      put: 1,
      demote: 0,
      pamt_add: 0,
      pamt_remove: 0,
      ctrl_get: 1,
      ctrl_put: 1
    })
  })

  it('skips a ctrl_get at a huge level like a get (KVM takes no pair for 2M/1G mappings)', () => {
    const { rows, summary } = traceOk('{"t_ns":1,"ev":"ctrl_get","pfn":"0x200","level":"2m"}\n')
    expect(rows).toEqual([])
    expect(summary.skippedHugeGets).toBe(1)
    expect(summary.byKind.ctrl_get).toBe(1)
  })

  it('skips huge-level gets and puts but counts them', () => {
    const { rows, summary } = traceOk(
      [
        '{"t_ns":1,"ev":"get","pfn":"0x200","level":"2m","n":3}',
        '{"t_ns":2,"ev":"get","pfn":"0x40000","level":"1g"}',
        '{"t_ns":3,"ev":"put","pfn":"0x200","level":"2m"}',
        '{"t_ns":4,"ev":"get","pfn":"0x200","level":"4k"}'
      ].join('\n')
    )
    expect(rows).toEqual([[4, Get, 1, 1, 1, -1, -1, 4]])
    expect(summary.skippedHugeGets).toBe(3)
    expect(summary.byKind).toMatchObject({ get: 3, put: 1 })
    expect(summary.events).toBe(1)
    expect(summary.rows).toBe(4)
  })

  it('succeeds with an empty buffer when every row is a skipped huge get', () => {
    const { rows, summary } = traceOk('{"t_ns":1,"ev":"get","pfn":"0x200","level":"2m"}\n')
    expect(rows).toEqual([])
    expect(summary.skippedHugeGets).toBe(1)
  })
})

describe('range events', () => {
  const one = (ev: string, pfn: string, level: string, n: number): EventRow[] =>
    traceOk(`{"t_ns":9,"ev":"${ev}","pfn":"${pfn}","level":"${level}","n":${n}}`).rows

  it('splits a 4K range into a partial first region, whole regions and a partial last one', () => {
    // [0x3ff, 0x3ff + 1 + 1024 + 5): 1 page in region 1, regions 2-3 whole, 5 pages in region 4
    expect(one('get', '0x3ff', '4k', 1030)).toEqual([
      [9, Get, 1, 1, 1, -1, -1, 1],
      [9, Get, 2, 2, 512, -1, -1, 1],
      [9, Get, 4, 1, 5, -1, -1, 1]
    ])
  })

  it('keeps a range inside one region as one event', () => {
    expect(one('put', '0x410', '4k', 20)).toEqual([[9, Put, 2, 1, 20, -1, -1, 1]])
  })

  it('makes an aligned run of whole regions one event', () => {
    expect(one('get', '0x40000', '4k', 512 * 512)).toEqual([[9, Get, 512, 512, 512, -1, -1, 1]])
  })

  it('demotes n 2M regions from an aligned pfn', () => {
    expect(one('demote', '0x600', '2m', 4)).toEqual([[9, Demote, 3, 4, 512, -1, -1, 1]])
  })

  it('maps pamt_add/pamt_remove of any pfn to its 2 MiB region', () => {
    expect(one('pamt_add', '0x7ff', '2m', 1)).toEqual([[9, PamtAdd, 3, 1, 512, -1, -1, 1]])
    expect(one('pamt_remove', '0x800', '2m', 2)).toEqual([[9, PamtRemove, 4, 2, 512, -1, -1, 1]])
  })

  it('accepts a range ending exactly at 2^40 pages', () => {
    const rows = one('get', '0xffffffffff', '4k', 1)
    expect(rows).toEqual([[9, Get, 2 ** 31 - 1, 1, 1, -1, -1, 1]])
  })
})

describe('streaming', () => {
  const small = traceFixture('small.jsonl')
  const smallCsv = traceFixture('small.csv')

  for (const [name, text] of [
    ['JSONL', small],
    ['CSV', smallCsv],
    ['CSV with CRLF', smallCsv.replace(/\n/g, '\r\n')],
    ['CSV with a BOM', '\uFEFF' + smallCsv]
  ] as const) {
    it(`gives the one-shot result at every split position (${name})`, () => {
      const whole = feedChunks([text])
      if (!whole.ok) throw new Error(whole.error.message)
      const expected = rowsOf(whole.events)
      for (let at = 0; at <= text.length; at++) {
        const r = feedChunks([text.slice(0, at), text.slice(at)])
        if (!r.ok) throw new Error(`split at ${at}: ${r.error.message}`)
        expect(rowsOf(r.events), `split at ${at}`).toEqual(expected)
        expect(r.summary).toEqual(whole.summary)
      }
    })
  }

  it('gives the same result fed one character at a time', () => {
    const r = feedChunks([...smallCsv.replace(/\n/g, '\r\n')])
    if (!r.ok) throw new Error(r.error.message)
    expect(rowsOf(r.events)).toEqual(SMALL.map((x) => [...x.slice(0, 7), x[7] + 1]))
  })

  it('parses a last line without a newline', () => {
    const { rows } = traceOk('{"t_ns":1,"ev":"get","pfn":"0x0","level":"4k"}')
    expect(rows).toHaveLength(1)
  })

  it('reports the bytes fed after each chunk', () => {
    const seen: number[] = []
    const p = new TraceParser('x', { onProgress: (b) => seen.push(b) })
    p.feed(TRACE_CSV_HEADER + '\n')
    p.feed('1,get,0x1,4k,1,0,0\n')
    p.feed('')
    expect(p.finish().ok).toBe(true)
    expect(seen).toEqual([27, 46, 46])
  })

  it('keeps the first error, ignores later chunks and exposes it early', () => {
    const p = new TraceParser('x.jsonl')
    p.feed('{"t_ns":1,"ev":"bogus","pfn":"0x1","level":"4k"}\n')
    expect(p.error?.line).toBe(1)
    p.feed('\u0000\u0000')
    const r = p.finish()
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('MALFORMED_LINE')
  })

  it('refuses feed() after finish()', () => {
    const p = new TraceParser('x')
    p.feed('{"t_ns":1,"ev":"get","pfn":"0x1","level":"4k"}')
    p.finish()
    expect(() => p.feed('x')).toThrow(/after finish/)
  })
})
