import { describe, expect, it } from 'vitest'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS } from '@shared/import/limits'
import { LSMEM_COMMAND, looksLikeLsmemJson, parseLsmemJson } from '@shared/import/lsmemJson'
import { checkBadCase, err, fixture, GiB, ok, rangesOf, type BadCase } from './helpers'

/** One lsmem element, pretty-printed the way libsmartcols does (3-space indent). */
function block(range: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ range, state: 'online', ...extra })
}
function doc(...blocks: string[]): string {
  return `{\n   "memory": [\n${blocks.map((b) => `      ${b}`).join(',\n')}\n   ]\n}\n`
}
const B0 = block('0x0000000000000000-0x000000007fffffff', { size: 2 * GiB, node: 0 })
const B1 = block('0x0000000100000000-0x000000017fffffff', { size: 2 * GiB, node: 0 })

describe('parseLsmemJson: good input', () => {
  it('reads lsmem -J -b -o RANGE,SIZE,STATE,NODE,ZONES (2 sockets, one offline range)', () => {
    const { host, summary } = ok(parseLsmemJson, fixture('lsmem-2s-128g.json'), 'lsmem.json')
    expect(rangesOf(host)).toEqual([
      [0, 2 * GiB, 'ram', 'online'],
      [4 * GiB, 66 * GiB, 'ram', 'online'],
      [66 * GiB, 128 * GiB, 'ram', 'online'],
      [128 * GiB, 130 * GiB, 'ram', 'offline']
    ])
    // Each range carries the line of its element's opening brace.
    expect(host.ranges.map((r) => r.line)).toEqual([3, 9, 15, 21])
    expect(host.memorySource).toBe('lsmem')
    expect(host.numaSource).toBe('lsmem')
    // Adjacent ranges of node 1 are merged; node 0's two ranges are not adjacent.
    expect(host.numaMemblks).toEqual([
      { baseBytes: 0, endBytes: 2 * GiB, nid: 0, hotplug: false, line: 3 },
      { baseBytes: 4 * GiB, endBytes: 66 * GiB, nid: 0, hotplug: false, line: 9 },
      { baseBytes: 66 * GiB, endBytes: 130 * GiB, nid: 1, hotplug: false, line: 15 }
    ])
    expect(summary.formats).toEqual(['lsmem-json'])
    expect(summary.recognised).toEqual([
      { what: 'lsmem memory ranges', count: 4 },
      { what: 'NUMA blocks (adjacent ranges of one node merged)', count: 3 }
    ])
    expect(summary.linesTotal).toBe(29)
    const notes = summary.notes.join(' ')
    expect(notes).toContain('online or offline (3 online, 1 offline)')
    expect(notes).toContain('memory-block granularity')
  })

  it('reads default lsmem -J output: human sizes, REMOVABLE and BLOCK columns, no NODE', () => {
    const { host, summary } = ok(parseLsmemJson, fixture('lsmem-vm-human-sizes.json'))
    expect(rangesOf(host)).toEqual([
      [0, 3 * GiB, 'ram', 'online'],
      [4 * GiB, 9 * GiB, 'ram', 'online']
    ])
    expect(host.numaMemblks).toEqual([])
    expect(host.numaSource).toBe('none')
    expect(summary.notes.join(' ')).toContain('No NODE column')
    expect(summary.notes.join(' ')).toContain(LSMEM_COMMAND)
  })

  it('accepts the string-typed values of old util-linux, rounded sizes and null columns', () => {
    const text = JSON.stringify({
      memory: [
        {
          range: '0x0000000000000000-0x0000000007ffffff',
          size: '134217728',
          state: 'online',
          node: '0'
        },
        {
          range: '0x0000000008000000-0x00000000a7ffffff',
          size: '2.5G',
          state: 'on->off',
          node: null
        },
        { range: '0x00000000a8000000-0x00000000afffffff', size: '128M', state: null, zones: null }
      ]
    })
    const { host, summary } = ok(parseLsmemJson, text)
    expect(rangesOf(host)).toEqual([
      [0, 0x8000000, 'ram', 'online'],
      [0x8000000, 0xa8000000, 'ram', 'on->off'],
      [0xa8000000, 0xb0000000, 'ram', 'unknown']
    ])
    expect(host.numaMemblks).toEqual([
      { baseBytes: 0, endBytes: 0x8000000, nid: 0, hotplug: false, line: 1 }
    ])
    expect(summary.notes.join(' ')).toContain('2 range(s) have no node')
  })

  it('sorts ranges by address and accepts a BOM and CRLF', () => {
    const { host } = ok(parseLsmemJson, '\uFEFF' + doc(B1, B0).replace(/\n/g, '\r\n'))
    expect(host.ranges.map((r) => r.baseBytes)).toEqual([0, 4 * GiB])
    expect(host.numaMemblks).toHaveLength(2)
  })
})

const badCases: BadCase[] = [
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined },
  { name: 'NUL byte', text: doc(B0) + '\u0000', code: 'BINARY_FILE', line: 6 },
  {
    name: 'file over the size limit',
    text: () => ' '.repeat(MAX_HOST_FILE_BYTES + 1),
    code: 'FILE_TOO_LARGE',
    line: undefined
  },
  {
    name: 'line over MAX_LINE_CHARS',
    text: () => doc(B0) + ' '.repeat(MAX_LINE_CHARS + 1),
    code: 'MALFORMED_LINE',
    line: 6
  },
  {
    name: 'missing comma between elements (syntax error with line and column)',
    text: doc(B0, B1).replace('},\n', '}\n'),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'not valid JSON: unexpected character "{", expected "," or "]" at line 4, column 7'
  },
  {
    name: 'trailing comma',
    text: '{"memory": [\n' + B0 + ',\n]}\n',
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'column 1'
  },
  {
    name: 'truncated file',
    text: doc(B0, B1).slice(0, 60),
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'unterminated string'
  },
  {
    name: 'a JSON array, not lsmem output',
    text: '[1, 2]\n',
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: LSMEM_COMMAND
  },
  {
    name: 'lsblk JSON',
    text: '{"blockdevices": [{"name": "sda"}]}',
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'empty memory array',
    text: '{"memory": []}',
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'empty'
  },
  {
    name: '"memory" is not a list',
    text: '{\n  "memory": "none"\n}',
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'memory on line 2'
  },
  {
    name: 'range without an end',
    text: doc(B0, block('0x0000000100000000-', { size: 2 * GiB })),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'memory[1].range on line 4: range must be "0xSTART-0xEND"'
  },
  {
    name: 'range missing',
    text: doc(B0, JSON.stringify({ size: 1, state: 'online' })),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'memory[1].range on line 4: is missing'
  },
  {
    name: 'reversed range',
    text: doc(B0, block('0x000000017fffffff-0x0000000100000000')),
    code: 'REVERSED_RANGE',
    line: 4,
    says: 'memory[1] range ends'
  },
  {
    name: 'size that does not match the range (names the size line)',
    text: `{"memory": [\n{"range": "0x0-0x7fffffff",\n "size": 1073741824}\n]}`,
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'does not match its range'
  },
  {
    name: 'human size that does not match the range',
    text: doc(block('0x0000000000000000-0x000000007fffffff', { size: '1G' })),
    code: 'MALFORMED_LINE',
    line: 3
  },
  {
    name: 'size that is no size',
    text: doc(block('0x0000000000000000-0x000000007fffffff', { size: 'lots' })),
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'neither a byte count'
  },
  {
    name: 'node that is no number',
    text: doc(B0, block('0x0000000100000000-0x000000017fffffff', { node: 'zero' })),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'memory[1].node'
  },
  {
    name: 'overlapping ranges name the later element',
    text: doc(B0, block('0x0000000040000000-0x00000000bfffffff')),
    code: 'OVERLAPPING_RANGES',
    line: 4,
    says: 'on line 4 overlaps the one on line 3'
  },
  {
    name: 'range beyond 52 bits',
    text: doc(B0, block('0x0010000000000000-0x001000007fffffff')),
    code: 'ADDRESS_TOO_LARGE',
    line: 4
  }
]

describe('parseLsmemJson: bad input', () => {
  it.each(badCases)('$name → $code', (c) => checkBadCase(parseLsmemJson, c))

  it('never throws on any prefix of the fixture', () => {
    const text = fixture('lsmem-2s-128g.json')
    for (let cut = 0; cut < text.length; cut += 7) {
      expect(() => parseLsmemJson(text.slice(0, cut), 'cut.json')).not.toThrow()
    }
  })

  it('a deeply nested document is a clear error, not a stack overflow', () => {
    const e = err(parseLsmemJson, '[\n'.repeat(100_000))
    expect(e.code).toBe('MALFORMED_LINE')
    expect(e.message).toContain('levels of nesting')
  })
})

describe('looksLikeLsmemJson', () => {
  it('recognises lsmem JSON', () => {
    expect(looksLikeLsmemJson(fixture('lsmem-2s-128g.json'))).toBe(true)
    expect(looksLikeLsmemJson(fixture('lsmem-vm-human-sizes.json'))).toBe(true)
  })
  it('rejects other formats', () => {
    expect(looksLikeLsmemJson(fixture('host-spr-2s-256g.json'))).toBe(false)
    expect(looksLikeLsmemJson(fixture('proc-iomem-r750xs-1s-128g.txt'))).toBe(false)
    expect(looksLikeLsmemJson('{"blockdevices": []}')).toBe(false)
  })
})
