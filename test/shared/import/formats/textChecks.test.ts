import { describe, expect, it } from 'vitest'
import { looksLikeFirmwareMemmap } from '@shared/import/firmwareMemmap'
import { looksLikeHostJson } from '@shared/import/hostJson'
import { looksLikeLsmemJson } from '@shared/import/lsmemJson'
import { looksLikeNumactl } from '@shared/import/numactl'
import { looksLikeProcIomem } from '@shared/import/procIomem'
import {
  JsonSyntaxError,
  lineAndColumn,
  parseJsonDocument,
  sniffLines,
  sortAndCheckOverlaps,
  splitLines
} from '@shared/import/textChecks'
import { ImportFailure } from '@shared/import/importError'
import { fixture } from './helpers'

describe('parseJsonDocument', () => {
  it('agrees with JSON.parse on valid documents', () => {
    const samples = [
      '{"a": [1, -2.5e3, 0, true, false, null], "b": {"c": "x\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"}}',
      '[]',
      '{}',
      '  "just a string"  ',
      '-0.125E+2',
      fixture('lsmem-2s-128g.json'),
      fixture('host-spr-2s-256g.json')
    ]
    for (const s of samples) expect(parseJsonDocument(s).value).toEqual(JSON.parse(s))
  })

  it('keeps the last of duplicate keys and "__proto__" as an own property', () => {
    const v = parseJsonDocument('{"a": 1, "a": 2, "__proto__": {"polluted": true}}')
      .value as Record<string, unknown>
    expect(v.a).toBe(2)
    expect(Object.keys(v)).toEqual(['a', '__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('locates values by path (member keys, array elements) and falls back to the parent', () => {
    const text = '{\n  "memory": [\n    {"base": "0x0"},\n    {"base": "0x1"}\n  ]\n}'
    const doc = parseJsonDocument(text)
    const lc = (path: PropertyKey[]): { line: number; column: number } =>
      lineAndColumn(text, doc.offsetOf(path))
    expect(lc([])).toEqual({ line: 1, column: 1 })
    expect(lc(['memory'])).toEqual({ line: 2, column: 3 })
    expect(lc(['memory', 1])).toEqual({ line: 4, column: 5 })
    expect(lc(['memory', 1, 'base'])).toEqual({ line: 4, column: 6 })
    expect(lc(['memory', 1, 'end'])).toEqual({ line: 4, column: 5 })
    expect(lc(['memory', 7])).toEqual({ line: 2, column: 3 })
  })

  const syntax: Array<[string, string, number, number, string]> = [
    ['missing value', '{"a": }', 1, 7, 'expected a value'],
    ['trailing comma in array', '[1,\n]', 2, 1, 'expected a value'],
    ['unquoted key', '{\n  a: 1}', 2, 3, 'expected a quoted property name'],
    ['missing colon', '{"a" 1}', 1, 6, 'expected ":"'],
    ['bad escape', '"a\\x"', 1, 4, 'valid escape'],
    ['raw newline in a string', '"a\nb"', 1, 3, 'control characters'],
    ['unterminated string', '{"a": "bc', 1, 7, 'unterminated string'],
    ['leading zero', '01', 1, 2, 'end of file after the JSON value'],
    ['garbage after the value', '{}\n{}', 2, 1, 'end of file after the JSON value'],
    ['NaN', '[NaN]', 1, 2, 'expected a value'],
    ['empty input', '   ', 1, 4, 'unexpected end of file'],
    ['CRLF lines count once', '{\r\n"a":\r\n}', 3, 1, 'expected a value']
  ]
  it.each(syntax)('%s → line %i, column %i', (_n, text, line, column, says) => {
    let e: unknown
    try {
      parseJsonDocument(text)
    } catch (x) {
      e = x
    }
    expect(e).toBeInstanceOf(JsonSyntaxError)
    const err = e as JsonSyntaxError
    expect(lineAndColumn(text, err.offset)).toEqual({ line, column })
    expect(err.message).toContain(says)
  })
})

describe('range checks and line helpers', () => {
  it('sortAndCheckOverlaps sorts stably and lets touching ranges pass', () => {
    const r = (
      baseBytes: number,
      endBytes: number,
      line: number
    ): { baseBytes: number; endBytes: number; line: number } => ({ baseBytes, endBytes, line })
    expect(
      sortAndCheckOverlaps([r(10, 20, 1), r(0, 10, 2), r(20, 20, 3)], 'x', 'f').map((x) => x.line)
    ).toEqual([2, 1, 3])
    expect(() => sortAndCheckOverlaps([r(0, 10, 1), r(5, 6, 2)], 'x', 'f')).toThrow(ImportFailure)
  })

  it('splitLines handles CRLF and a missing final newline', () => {
    expect(splitLines('a\r\nb\nc')).toEqual(['a', 'b', 'c'])
    expect(splitLines('a\n')).toEqual(['a'])
  })

  it('sniffLines skips blanks and comments and reads at most N lines', () => {
    expect(sniffLines('# c\n\n a \nb\n', 1)).toEqual([' a'])
    expect(sniffLines('x\n'.repeat(100)).length).toBe(50)
  })
})

describe('auto-detection: each fixture is claimed by exactly its own sniffer', () => {
  const sniffers = {
    'proc-iomem': looksLikeProcIomem,
    'firmware-memmap': looksLikeFirmwareMemmap,
    'lsmem-json': looksLikeLsmemJson,
    numactl: looksLikeNumactl,
    'host-json': looksLikeHostJson
  }
  const cases: Array<[string, keyof typeof sniffers | null]> = [
    ['proc-iomem-r750xs-1s-128g.txt', 'proc-iomem'],
    ['proc-iomem-nonroot.txt', 'proc-iomem'],
    ['firmware-memmap-r750xs-1s-128g.txt', 'firmware-memmap'],
    ['lsmem-2s-128g.json', 'lsmem-json'],
    ['lsmem-vm-human-sizes.json', 'lsmem-json'],
    ['numactl-2s-cxl-4node.txt', 'numactl'],
    ['numactl-2s-128g.txt', 'numactl'],
    ['host-spr-2s-256g.json', 'host-json'],
    ['host-minimal.json', 'host-json'],
    ['../hosts/dell-r750xs-icx-1s-128g.txt', null],
    ['../hosts/tdx-spr-8480c-2s-256g-cmr-only.txt', null]
  ]
  it.each(cases)('%s → %s', (file, expected) => {
    const text = fixture(file)
    const claimed = Object.entries(sniffers)
      .filter(([, f]) => f(text))
      .map(([k]) => k)
    expect(claimed).toEqual(expected === null ? [] : [expected])
  })
})
