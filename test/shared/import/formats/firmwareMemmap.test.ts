import { describe, expect, it } from 'vitest'
import {
  FIRMWARE_MEMMAP_COMMAND,
  firmwareMemmapType,
  looksLikeFirmwareMemmap,
  parseFirmwareMemmap
} from '@shared/import/firmwareMemmap'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS } from '@shared/import/limits'
import { checkBadCase, fixture, ok, R750XS_IOMEM, rangesOf, type BadCase, type R } from './helpers'

/** The raw firmware map of the R750xs: /proc/iomem's table with the first 4 KiB not split off. */
const R750XS_MEMMAP: R[] = [[0x0, 0x8f000, 'ram', 'System RAM'], ...R750XS_IOMEM.slice(2)]

const GOOD = [
  '0x0 0x9efff System RAM',
  '0x9f000 0xfffff Reserved',
  '0x100000 0x7fffffff System RAM'
]
const good = (...extra: string[]): string => [...GOOD, ...extra].join('\n') + '\n'

describe('parseFirmwareMemmap: good input', () => {
  it('reads the R750xs fixture (glob order) and sorts it by address', () => {
    const text = fixture('firmware-memmap-r750xs-1s-128g.txt')
    const { host, summary } = ok(parseFirmwareMemmap, text, 'memmap.txt')
    expect(rangesOf(host)).toEqual(R750XS_MEMMAP)
    expect(host.memorySource).toBe('firmware-memmap')
    expect(host.numaSource).toBe('none')
    // Entry 0 is on line 8 (after 7 header lines), entry 2 comes after 0, 1, 10..19 (line 20).
    expect(host.ranges[0]!.line).toBe(8)
    expect(host.ranges[2]!.line).toBe(20)
    expect(summary.formats).toEqual(['firmware-memmap'])
    expect(summary.recognised).toEqual([{ what: 'firmware memmap entries', count: 22 }])
    expect(summary.notes.join(' ')).toContain('sorted by address')
  })

  it('maps every type string, in either case', () => {
    const types: Array<[string, string]> = [
      ['System RAM', 'ram'],
      ['reserved', 'reserved'],
      ['Reserved', 'reserved'],
      ['ACPI Tables', 'acpi-data'],
      ['ACPI Non-volatile Storage', 'acpi-nvs'],
      ['Unusable memory', 'unusable'],
      ['Persistent Memory (legacy)', 'persistent'],
      ['Persistent Memory', 'persistent'],
      ['Soft Reserved', 'soft-reserved'],
      ['Unknown E820 type', 'other']
    ]
    const text = types
      .map(
        ([t], i) =>
          `0x${(i * 0x100000).toString(16)} 0x${((i + 1) * 0x100000 - 1).toString(16)} ${t}`
      )
      .join('\n')
    const { host } = ok(parseFirmwareMemmap, text)
    expect(host.ranges.map((r) => [r.typeLabel, r.type])).toEqual(types)
    expect(firmwareMemmapType('usable')).toBeNull()
  })

  it('keeps the notes quiet about sorting when the lines are already in order', () => {
    const { summary } = ok(parseFirmwareMemmap, good())
    expect(summary.notes.join(' ')).not.toContain('sorted')
  })

  it('skips a pasted prompt and tolerates extra blanks, tabs, CRLF and a BOM', () => {
    const text = `\uFEFF$ ${FIRMWARE_MEMMAP_COMMAND}\r\n0x0\t0x9efff   System RAM  \r\n${GOOD[1]}\r\n`
    const { host, summary } = ok(parseFirmwareMemmap, text)
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'System RAM'],
      [0x9f000, 0x100000, 'reserved', 'Reserved']
    ])
    expect(summary.linesSkipped).toBe(1)
    expect(summary.skippedSamples[0]!.line).toBe(1)
  })

  it('exports the documented one-liner', () => {
    expect(FIRMWARE_MEMMAP_COMMAND).toBe(
      'for d in /sys/firmware/memmap/*; do echo "$(cat $d/start) $(cat $d/end) $(cat $d/type)"; done'
    )
  })
})

const badCases: BadCase[] = [
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined },
  { name: 'NUL byte', text: `${GOOD[0]}\n\u0000\n`, code: 'BINARY_FILE', line: 2 },
  {
    name: 'file over the size limit',
    text: () => 'x'.repeat(MAX_HOST_FILE_BYTES + 1),
    code: 'FILE_TOO_LARGE',
    line: undefined
  },
  {
    name: 'line over MAX_LINE_CHARS',
    text: () => `${GOOD[0]}\n${GOOD[1]}\n0x${'1'.repeat(MAX_LINE_CHARS)}\n`,
    code: 'MALFORMED_LINE',
    line: 3
  },
  {
    name: 'no entries, only the command',
    text: `# dump\n${FIRMWARE_MEMMAP_COMMAND}\n`,
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: '/sys/firmware/memmap'
  },
  {
    name: 'missing the type (empty type file)',
    text: good('0x100000000 0x17fffffff'),
    code: 'MALFORMED_LINE',
    line: 4,
    says: '0xSTART 0xEND type'
  },
  {
    name: 'end without 0x',
    text: good('0x100000000 17fffffff System RAM'),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'unknown type',
    text: good('0x100000000 0x17fffffff usable'),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'unknown memory type "usable"'
  },
  {
    name: 'reversed entry',
    text: good('0x17fffffff 0x100000000 System RAM'),
    code: 'REVERSED_RANGE',
    line: 4,
    says: 'before it starts'
  },
  {
    name: 'overlap between out-of-order lines names the later line',
    text: ['0x100000 0x7fffffff System RAM', '0x0 0x100fff Reserved'].join('\n'),
    code: 'OVERLAPPING_RANGES',
    line: 2,
    says: 'on line 2 overlaps the one on line 1'
  },
  {
    name: 'inclusive end at 2^52',
    text: good('0x100000000 0x10000000000000 System RAM'),
    code: 'ADDRESS_TOO_LARGE',
    line: 4
  },
  {
    name: '2^64 - 1',
    text: good('0xfffffffffffff000 0xffffffffffffffff Reserved'),
    code: 'ADDRESS_TOO_LARGE',
    line: 4,
    says: '0xfffffffffffff000'
  }
]

describe('parseFirmwareMemmap: bad input', () => {
  it.each(badCases)('$name → $code', (c) => checkBadCase(parseFirmwareMemmap, c))
})

describe('looksLikeFirmwareMemmap', () => {
  it('recognises memmap dumps', () => {
    expect(looksLikeFirmwareMemmap(fixture('firmware-memmap-r750xs-1s-128g.txt'))).toBe(true)
    expect(looksLikeFirmwareMemmap(good())).toBe(true)
  })
  it('rejects other formats', () => {
    expect(looksLikeFirmwareMemmap(fixture('proc-iomem-r750xs-1s-128g.txt'))).toBe(false)
    expect(looksLikeFirmwareMemmap(fixture('lsmem-2s-128g.json'))).toBe(false)
    expect(looksLikeFirmwareMemmap(fixture('numactl-2s-cxl-4node.txt'))).toBe(false)
    expect(looksLikeFirmwareMemmap('0x10 0x20 0x30\n')).toBe(false)
  })
})
