import Papa from 'papaparse'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeApiError } from '@shared/api/errors'
import { addressMapCsv } from '@shared/charts/addressMap/addressMapCsv'
import { importHostText } from '@shared/import/importHost'
import { HOST_JSON_MEMORY_TYPES } from '@shared/import/hostJson'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { FUZZ_TIMEOUT_MS, fuzzParams } from './fuzzConfig'
import { lineCount } from './mutate'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const MiB = 2 ** 20

/** Text a user can put in a name or label: formulas, escapes, long and odd Unicode. */
const userText = fc.oneof(
  fc.constantFrom(
    '=HYPERLINK("http://evil","x")',
    '@SUM(A1:A2)',
    '+1+1',
    '-2+3',
    '\x1b]0;pwned\x07\x1b[31mRED',
    '\u202eevil',
    'usable'
  ),
  fc.string({ unit: 'binary', maxLength: 30 })
)
const hex = (n: number): string => `0x${n.toString(16)}`

/** A host JSON document: ranges mostly MiB-aligned and in order, sometimes not. */
const hostJson = fc
  .record({
    name: fc.option(userText, { nil: undefined }),
    ranges: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 4096 }),
        len: fc.integer({ min: 1, max: 8192 }),
        type: fc.constantFrom(...HOST_JSON_MEMORY_TYPES),
        label: fc.option(userText, { nil: undefined }),
        odd: fc.option(fc.integer({ min: -4096, max: 4096 }), { freq: 8, nil: undefined })
      }),
      { minLength: 1, maxLength: 8 }
    ),
    nodes: fc.integer({ min: 0, max: 3 }),
    tdxModule: fc.option(
      fc.record({ maxTdmrs: fc.integer({ min: -1, max: 70 }), maxReservedPerTdmr: fc.nat(20) }),
      { nil: undefined }
    )
  })
  .map(({ name, ranges, nodes, tdxModule }) => {
    let at = 0
    const memory = ranges.map((r) => {
      const base = (at + r.gap) * MiB
      at += r.gap + r.len
      return {
        base: hex(Math.max(0, base + (r.odd ?? 0))),
        end: hex(at * MiB),
        type: r.type,
        ...(r.label !== undefined ? { label: r.label } : {})
      }
    })
    const per = Math.ceil(at / Math.max(1, nodes))
    const numa = Array.from({ length: nodes }, (_, i) => ({
      base: hex(i * per * MiB),
      end: hex(Math.min(at, (i + 1) * per) * MiB),
      node: i
    })).filter((n) => n.base !== n.end)
    return JSON.stringify(
      {
        format: 'pamt-planner-host',
        version: 1,
        ...(name !== undefined ? { name } : {}),
        memory,
        ...(numa.length ? { numa } : {}),
        ...(tdxModule ? { tdxModule } : {})
      },
      null,
      1
    )
  })

describe('fuzz: host JSON with hostile names and labels', () => {
  it(
    'imports or names the file and line; exports no formula and no control character',
    () => {
      fc.assert(
        fc.property(hostJson, (text) => {
          const r = importHostText(text, 'fuzz.host.json')
          if (!r.ok) {
            expect(r.error.fileName).toBe('fuzz.host.json')
            if (r.error.line !== undefined)
              expect(r.error.line).toBeLessThanOrEqual(lineCount(text))
            expect(describeApiError(r.error)).not.toMatch(CONTROL)
            return
          }
          const a = analyzeHost(r.host)
          // Text columns (lane, kind, type); base and end are hex, size and line numbers.
          const rows = Papa.parse<string[]>(addressMapCsv(a), { skipEmptyLines: true }).data.slice(
            1
          )
          for (const row of rows)
            for (const cell of [row[0], row[1], row[5]]) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
        }),
        fuzzParams(60)
      )
    },
    FUZZ_TIMEOUT_MS
  )
})
