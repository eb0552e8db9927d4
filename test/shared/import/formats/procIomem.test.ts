import { describe, expect, it } from 'vitest'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS } from '@shared/import/limits'
import { iomemType, looksLikeProcIomem, parseProcIomem } from '@shared/import/procIomem'
import { checkBadCase, err, fixture, ok, R750XS_IOMEM, rangesOf, type BadCase } from './helpers'

const GOOD = [
  '00000000-00000fff : Reserved',
  '00001000-0009ffff : System RAM',
  '000a0000-000fffff : Reserved',
  '  000f0000-000fffff : System ROM',
  '00100000-7fffffff : System RAM'
]
const good = (...extra: string[]): string => [...GOOD, ...extra].join('\n') + '\n'

describe('parseProcIomem: good input', () => {
  it('reads the R750xs fixture: top-level e820 entries only, ends made exclusive', () => {
    const { host, summary } = ok(
      parseProcIomem,
      fixture('proc-iomem-r750xs-1s-128g.txt'),
      'iomem.txt'
    )
    expect(rangesOf(host)).toEqual(R750XS_IOMEM)
    expect(host.memorySource).toBe('iomem')
    expect(host.numaSource).toBe('none')
    expect(host.numaMemblks).toEqual([])
    expect(host.cmrs).toEqual([])
    expect(host.name).toBe('iomem.txt')
    // The header is 8 comment lines, so the first entry is on line 9.
    expect(host.ranges[0]!.line).toBe(9)
    expect(summary.formats).toEqual(['proc-iomem'])
    expect(summary.recognised).toEqual([
      { what: 'top-level memory-map lines', count: 23 },
      { what: 'top-level device and bus windows (not memory)', count: 9 },
      { what: 'nested resource lines (skipped)', count: 17 }
    ])
    expect(summary.linesSkipped).toBe(0)
    expect(summary.linesTotal).toBe(fixture('proc-iomem-r750xs-1s-128g.txt').split('\n').length - 1)
  })

  it('maps every e820 name the kernel registers in /proc/iomem', () => {
    const names: Array<[string, string]> = [
      ['System RAM', 'ram'],
      ['Reserved', 'reserved'],
      ['reserved', 'reserved'],
      ['ACPI Tables', 'acpi-data'],
      ['ACPI Non-volatile Storage', 'acpi-nvs'],
      ['Soft Reserved', 'soft-reserved'],
      ['Persistent Memory', 'persistent'],
      ['Persistent Memory (legacy)', 'persistent'],
      ['Unusable memory', 'unusable'],
      ['Unknown E820 type', 'other']
    ]
    const text = names
      .map(
        ([n], i) =>
          `${(i * 0x100000).toString(16).padStart(8, '0')}-${((i + 1) * 0x100000 - 1).toString(16).padStart(8, '0')} : ${n}`
      )
      .join('\n')
    const { host } = ok(parseProcIomem, text)
    expect(host.ranges.map((r) => [r.typeLabel, r.type])).toEqual(names)
    expect(iomemType('PCI Bus 0000:00')).toBeNull()
    expect(iomemType('PCI MMCONFIG 0000 [bus 00-ff]')).toBeNull()
    expect(iomemType('Video ROM')).toBeNull()
  })

  it('skips device windows, nested lines and a pasted prompt, quoting the prompt', () => {
    const text = [
      '$ sudo cat /proc/iomem',
      ...GOOD,
      '  01000000-01e00c16 : Kernel code',
      '80000000-afffffff : PCI Bus 0000:00',
      'b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]',
      '  b0000000-bfffffff : Reserved',
      'fed00000-fed003ff : HPET 0'
    ].join('\n')
    const { host, summary } = ok(parseProcIomem, text)
    expect(rangesOf(host)).toEqual([
      [0, 0x1000, 'reserved', 'Reserved'],
      [0x1000, 0xa0000, 'ram', 'System RAM'],
      [0xa0000, 0x100000, 'reserved', 'Reserved'],
      [0x100000, 0x80000000, 'ram', 'System RAM']
    ])
    expect(summary.linesSkipped).toBe(1)
    expect(summary.skippedSamples).toEqual([{ line: 1, text: '$ sudo cat /proc/iomem' }])
    expect(summary.recognised[1]).toEqual({
      what: 'top-level device and bus windows (not memory)',
      count: 3
    })
  })

  it('notes nested System RAM (dax kmem / CXL) and leaves it out', () => {
    const text = good(
      '880000000-107fffffff : CXL Window 0',
      '  880000000-107fffffff : region0',
      '    880000000-107fffffff : dax0.0',
      '      880000000-107fffffff : System RAM (kmem)'
    )
    const { host, summary } = ok(parseProcIomem, text)
    expect(host.ranges).toHaveLength(4)
    expect(summary.notes.join(' ')).toMatch(/1 nested "System RAM" entry was skipped/)
  })

  it('accepts CRLF, a BOM, no final newline, upper-case hex, and an end at 2^52 - 1', () => {
    const text = '\uFEFF' + [...GOOD, 'FFFFFFFFFF000-FFFFFFFFFFFFF : Reserved'].join('\r\n')
    const { host } = ok(parseProcIomem, text)
    expect(host.ranges.at(-1)).toMatchObject({
      baseBytes: 2 ** 52 - 0x1000,
      endBytes: 2 ** 52,
      line: 6
    })
  })

  it('sorts ranges by address', () => {
    const { host } = ok(parseProcIomem, [GOOD[4], GOOD[0], GOOD[1]].join('\n'))
    expect(host.ranges.map((r) => r.line)).toEqual([2, 3, 1])
  })

  it('reports progress up to 1', () => {
    const seen: number[] = []
    parseProcIomem(good(), 'x', { onProgress: (f) => seen.push(f) })
    expect(seen.at(-1)).toBe(1)
  })
})

const badCases: BadCase[] = [
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined, says: 'empty' },
  { name: 'blank lines only', text: ' \n\t\r\n', code: 'EMPTY_FILE', line: undefined },
  {
    name: 'NUL on line 3',
    text: `${GOOD[0]}\n${GOOD[1]}\nab\u0000c\n`,
    code: 'BINARY_FILE',
    line: 3,
    says: 'binary'
  },
  {
    name: 'file over the size limit',
    text: () => good() + 'x'.repeat(MAX_HOST_FILE_BYTES),
    code: 'FILE_TOO_LARGE',
    line: undefined,
    says: 'MiB limit'
  },
  {
    name: 'line over MAX_LINE_CHARS',
    text: () => `${GOOD[0]}\n${'y'.repeat(MAX_LINE_CHARS + 1)}\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'longer than'
  },
  {
    name: 'non-root read: every address zero',
    text: fixture('proc-iomem-nonroot.txt'),
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'sudo cat /proc/iomem'
  },
  {
    name: 'only device windows',
    text: '80000000-afffffff : PCI Bus 0000:00\nfed00000-fed003ff : HPET 0\n',
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'no memory map'
  },
  {
    name: 'only nested memory lines',
    text: '80000000-afffffff : PCI Bus 0000:00\n  b0000000-bfffffff : Reserved\n',
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'a dmesg e820 line is not iomem',
    text: '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable\n',
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'missing the " : " separator',
    text: good('100000000-17fffffff System RAM'),
    code: 'MALFORMED_LINE',
    line: 6,
    says: 'START-END : name'
  },
  {
    name: 'missing the end address',
    text: good('100000000- : System RAM'),
    code: 'MALFORMED_LINE',
    line: 6
  },
  {
    name: 'non-hex end',
    text: good('100000000-17fffgfff : System RAM'),
    code: 'MALFORMED_LINE',
    line: 6
  },
  {
    name: 'reversed range',
    text: good('17fffffff-100000000 : System RAM'),
    code: 'REVERSED_RANGE',
    line: 6,
    says: 'before it starts'
  },
  {
    name: 'overlapping top-level entries name the later line',
    text: good('7ffff000-8fffffff : Reserved'),
    code: 'OVERLAPPING_RANGES',
    line: 6,
    says: 'on line 6 overlaps the one on line 5'
  },
  {
    name: 'base at 2^52',
    text: good('10000000000000-10000000000fff : Reserved'),
    code: 'ADDRESS_TOO_LARGE',
    line: 6,
    says: '52 physical address bits'
  },
  {
    name: 'inclusive end at 2^52',
    text: good('100000000-10000000000000 : System RAM'),
    code: 'ADDRESS_TOO_LARGE',
    line: 6
  },
  {
    name: 'first bad line wins, with CRLF and comments counted',
    text: `# header\r\n${GOOD[0]}\r\n\r\n17fffffff-100000000 : System RAM\r\nzz-1 : x\r\n`,
    code: 'REVERSED_RANGE',
    line: 4
  }
]

describe('parseProcIomem: bad input', () => {
  it.each(badCases)('$name → $code', (c) => checkBadCase(parseProcIomem, c))

  it('never throws on a truncated copy of the fixture', () => {
    const text = fixture('proc-iomem-r750xs-1s-128g.txt')
    for (let cut = 0; cut < text.length; cut += 97) {
      expect(() => parseProcIomem(text.slice(0, cut), 'cut.txt')).not.toThrow()
    }
  })

  it('the all-zero error is not raised when only some addresses are zero', () => {
    const e = err(
      parseProcIomem,
      '00000000-00000000 : Video ROM\n80000000-afffffff : PCI Bus 0000:00\n'
    )
    expect(e.code).toBe('NO_MEMORY_LINES')
    expect(e.message).not.toContain('sudo')
    const { host } = ok(
      parseProcIomem,
      '00000000-00000000 : Reserved\n00100000-7fffffff : System RAM\n'
    )
    expect(rangesOf(host)).toEqual([
      [0, 1, 'reserved', 'Reserved'],
      [0x100000, 0x80000000, 'ram', 'System RAM']
    ])
  })
})

describe('looksLikeProcIomem', () => {
  it('recognises iomem dumps, including the non-root one', () => {
    expect(looksLikeProcIomem(fixture('proc-iomem-r750xs-1s-128g.txt'))).toBe(true)
    expect(looksLikeProcIomem(fixture('proc-iomem-nonroot.txt'))).toBe(true)
    expect(looksLikeProcIomem(good())).toBe(true)
  })
  it('rejects other formats', () => {
    expect(looksLikeProcIomem(fixture('firmware-memmap-r750xs-1s-128g.txt'))).toBe(false)
    expect(looksLikeProcIomem(fixture('lsmem-2s-128g.json'))).toBe(false)
    expect(looksLikeProcIomem(fixture('numactl-2s-128g.txt'))).toBe(false)
    expect(looksLikeProcIomem('[    0.000000] BIOS-e820: [mem 0x0-0x9efff] usable\n')).toBe(false)
    expect(looksLikeProcIomem('')).toBe(false)
  })
})
