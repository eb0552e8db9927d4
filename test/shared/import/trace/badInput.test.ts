import { describe, expect, it } from 'vitest'
import { formatImportError, type ImportError } from '@shared/import/importError'
import { MAX_LINE_CHARS } from '@shared/import/limits'
import { TRACE_CSV_HEADER } from '@shared/import/trace/traceFormat'
import { expectClearSentence } from '../support'
import { feedChunks, traceErr } from './support'

/** A JSON Lines event with `fields` overriding a good get. */
const j = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({
    t_ns: 100,
    ev: 'get',
    pfn: '0x1234a',
    level: '4k',
    n: 1,
    cpu: 3,
    td: 7,
    ...fields
  })
const GOOD = j()
const csv = (...rows: string[]): string => [TRACE_CSV_HEADER, ...rows].join('\n') + '\n'

interface BadCase {
  name: string
  text: string | (() => string)
  fileName?: string
  maxEvents?: number
  code: ImportError['code']
  line: number | undefined
  says?: string
}

const badCases: BadCase[] = [
  // Whole-file problems
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined, says: 'empty' },
  { name: 'blank lines only', text: '\n  \r\n\t\n', code: 'EMPTY_FILE', line: undefined },
  {
    name: 'comments only',
    text: '# nothing was captured\n# really\n',
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'no events'
  },
  {
    name: 'CSV header only',
    text: csv(),
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'no events'
  },
  {
    name: 'binary data (NUL) on line 3',
    text: `${GOOD}\n${GOOD}\nELF\u0000\u0001\u0002\n`,
    code: 'BINARY_FILE',
    line: 3,
    says: 'binary'
  },
  {
    name: 'invalid UTF-8 (U+FFFD) in an unterminated last line',
    text: `${GOOD}\nabc\uFFFD`,
    code: 'BINARY_FILE',
    line: 2
  },
  {
    name: 'too many events with a lowered limit',
    text: [j({ t_ns: 1 }), j({ t_ns: 2 }), j({ t_ns: 3, pfn: '0x1ff', n: 2 })].join('\n'),
    maxEvents: 3,
    code: 'FILE_TOO_LARGE',
    line: 3,
    says: 'more than 3 events'
  },
  {
    name: 'line too long',
    text: () => `${GOOD}\n# ${'x'.repeat(MAX_LINE_CHARS)}\n${GOOD}\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'longer than'
  },
  {
    name: 'unterminated line too long',
    text: () => `${GOOD}\n${GOOD}\n{"t_ns":${'1'.repeat(MAX_LINE_CHARS)}`,
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'longer than'
  },
  // Format detection
  {
    name: 'CSV with the wrong header',
    text: 'time,event,pfn,level\n1,get,0x1,4k\n',
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'unknown column "time"'
  },
  {
    name: 'CSV header missing the pfn column',
    text: '# c\nt_ns,ev,level\n1,get,4k\n',
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'lacks the column "pfn"'
  },
  {
    name: 'CSV header naming a column twice',
    text: 't_ns,ev,pfn,level,ev\n',
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'twice'
  },
  {
    name: 'CSV rows without a header',
    text: '1,get,0x1,4k,1,0,0\n',
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'CSV header'
  },
  {
    name: 'not a trace at all',
    text: 'Linux version 6.18.0 (gcc)\n',
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'neither a JSON object'
  },
  // JSON Lines rows
  {
    name: 'bad ev',
    text: `${GOOD}\n${j({ ev: 'alloc' })}\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'unknown event "alloc"'
  },
  {
    name: 'an ev name that is almost ctrl_get, listing every name',
    text: csv('1,ctrl_gets,0x1,4k,1,0,1'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'ev must be one of get, put, demote, pamt_add, pamt_remove, ctrl_get, ctrl_put'
  },
  {
    name: 'ctrl_put of a byte address, not a pfn',
    text: csv('1,ctrl_put,0x10000000000,4k,1,0,1'),
    code: 'ADDRESS_TOO_LARGE',
    line: 2,
    says: 'beyond 52 physical address bits'
  },
  {
    name: 'bad level',
    text: `${GOOD}\n${j({ level: '64k' })}\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'unknown level "64k"'
  },
  {
    name: 'pfn beyond 52 bits',
    text: `${GOOD}\n${j({ pfn: '0x10000000000' })}\n`,
    code: 'ADDRESS_TOO_LARGE',
    line: 2,
    says: '52 physical address bits'
  },
  {
    name: 'pfn given as a byte address far beyond 52 bits',
    text: j({ pfn: '0xffffffffffffffffffff' }),
    code: 'ADDRESS_TOO_LARGE',
    line: 1
  },
  {
    name: 'range running past 52 bits',
    text: j({ pfn: '0xffffffff00', n: 512 }),
    code: 'ADDRESS_TOO_LARGE',
    line: 1,
    says: 'ends beyond'
  },
  { name: 'n = 0', text: j({ n: 0 }), code: 'MALFORMED_LINE', line: 1, says: 'at least 1' },
  { name: 'negative n', text: j({ n: -4 }), code: 'MALFORMED_LINE', line: 1, says: 'at least 1' },
  {
    name: 'non-numeric t_ns',
    text: `${GOOD}\n${j({ t_ns: 'soon' })}\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 't_ns'
  },
  {
    name: 'fractional t_ns',
    text: j({ t_ns: 1.5 }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'whole number'
  },
  {
    name: 't_ns beyond 2^53',
    text: '{"t_ns":18446744073709551615,"ev":"get","pfn":"0x1","level":"4k"}',
    code: 'MALFORMED_LINE',
    line: 1,
    says: '2^53'
  },
  {
    name: 'truncated JSON',
    text: `${GOOD}\n{"t_ns":1,"ev":"get","pfn":"0x1"\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'not valid JSON'
  },
  {
    name: 'missing pfn',
    text: '{"t_ns":1,"ev":"get","level":"4k"}',
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'no "pfn" field'
  },
  {
    name: 'unknown field',
    text: j({ pages: 2 }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'unknown field "pages"'
  },
  {
    name: 'a JSON array line',
    text: `${GOOD}\n[1,2]\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'not a JSON object'
  },
  {
    name: 'a CSV row inside JSON Lines',
    text: `${GOOD}\n1,get,0x1,4k\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'JSON Lines'
  },
  {
    name: 'pfn that is not a number',
    text: j({ pfn: 'page 12' }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'not a page frame number'
  },
  { name: 'cpu below -1', text: j({ cpu: -2 }), code: 'MALFORMED_LINE', line: 1, says: 'cpu' },
  {
    name: 'td as a string',
    text: j({ td: '7' }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'td must be a JSON number'
  },
  {
    name: 'unaligned demote',
    text: j({ ev: 'demote', pfn: '0x201', level: '2m' }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'not 2 MiB aligned'
  },
  {
    name: 'demote at level 4k',
    text: j({ ev: 'demote', pfn: '0x200', level: '4k' }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'level 2m'
  },
  {
    name: 'pamt_add at level 1g',
    text: j({ ev: 'pamt_add', level: '1g' }),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'level 2m'
  },
  // CSV rows
  {
    name: 'CSV bad ev',
    text: csv('1,get,0x1,4k,1,0,0', '2,free,0x1,4k,1,0,0'),
    fileName: 'x.csv',
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'unknown event "free"'
  },
  {
    name: 'CSV row with too few fields',
    text: csv('1,get,0x1,4k'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'row has 4 fields, but the CSV header has 7'
  },
  {
    name: 'CSV non-numeric t_ns',
    text: csv('12:00:01,get,0x1,4k,1,0,0'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'not a whole number of nanoseconds'
  },
  {
    name: 'CSV empty pfn',
    text: csv('1,get,,4k,1,0,0'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'pfn is empty'
  },
  {
    name: 'CSV n = 0',
    text: csv('1,get,0x1,4k,0,0,0'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'at least 1'
  },
  {
    name: 'CSV pfn beyond 52 bits',
    text: csv('1,put,0x20000000000,4k,1,0,0'),
    code: 'ADDRESS_TOO_LARGE',
    line: 2
  },
  {
    name: 'CSV unterminated quote',
    text: csv('1,"get,0x1,4k,1,0,0'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'not valid CSV'
  },
  {
    name: 'CSV too many events with a lowered limit',
    text: csv('1,get,0x0,4k,1,0,0', '2,get,0x0,4k,1,0,0'),
    maxEvents: 1,
    code: 'FILE_TOO_LARGE',
    line: 3
  }
]

describe('bad traces', () => {
  it('has at least 20 cases', () => expect(badCases.length).toBeGreaterThanOrEqual(20))

  for (const c of badCases) {
    it(`${c.name} → ${c.code}${c.line !== undefined ? ` on line ${c.line}` : ''}`, () => {
      const text = typeof c.text === 'function' ? c.text() : c.text
      const fileName = c.fileName ?? 'bad-trace.txt'
      const opts = c.maxEvents !== undefined ? { maxEvents: c.maxEvents } : {}
      const e = traceErr(text, fileName, opts)
      expect(e.code, e.message).toBe(c.code)
      expect(e.line, e.message).toBe(c.line)
      expect(e.fileName).toBe(fileName)
      if (c.says) expect(e.message.toLowerCase()).toContain(c.says.toLowerCase())
      expectClearSentence(e.message)
      expect(formatImportError(e)).toMatch(new RegExp(`^${fileName.replace('.', '\\.')}`))
      // The same error however the text is chunked.
      if (text.length < 2000) {
        for (const at of [1, Math.floor(text.length / 2), text.length - 1]) {
          const r = feedChunks([text.slice(0, at), text.slice(at)], fileName, opts)
          expect(r.ok ? null : { code: r.error.code, line: r.error.line }).toEqual({
            code: c.code,
            line: c.line
          })
        }
      }
    })
  }
})
