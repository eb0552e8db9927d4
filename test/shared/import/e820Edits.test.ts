import { describe, expect, it } from 'vitest'
import {
  countOf,
  dmesg,
  e820Line,
  e820RemoveLine,
  e820UpdateLine,
  GiB,
  parseOk,
  rangesOf
} from './support'

const BIOS = [
  dmesg('BIOS-provided physical RAM map:'),
  e820Line(0, 0x9efff), // line 2
  e820Line(0x9f000, 0xfffff, 'reserved'), // line 3
  e820Line(0x100000, 2 * GiB - 1), // line 4
  e820Line(4 * GiB, 8 * GiB - 1) // line 5
]
const parse = (...after: string[]): ReturnType<typeof parseOk> =>
  parseOk([...BIOS, ...after].join('\n'))

describe('e820 update lines', () => {
  it('retypes the part of a matching entry inside the (inclusive) range, keeping the rest', () => {
    const { host, summary } = parse(e820UpdateLine(0, 0xfff)) // line 6
    expect(host.ranges).toEqual([
      { baseBytes: 0, endBytes: 0x1000, type: 'reserved', typeLabel: 'reserved', line: 6 },
      { baseBytes: 0x1000, endBytes: 0x9f000, type: 'ram', typeLabel: 'usable', line: 2 },
      { baseBytes: 0x9f000, endBytes: 0x100000, type: 'reserved', typeLabel: 'reserved', line: 3 },
      { baseBytes: 0x100000, endBytes: 2 * GiB, type: 'ram', typeLabel: 'usable', line: 4 },
      { baseBytes: 4 * GiB, endBytes: 8 * GiB, type: 'ram', typeLabel: 'usable', line: 5 }
    ])
    expect(countOf(summary, 'e820Update')).toBe(1)
    expect(summary.notes).toEqual([
      '1 e820 update/remove lines were applied to the table in log order (no line of the log places them before or after memblock setup).'
    ])
  })

  it('splits an entry in three when the range is inside it', () => {
    const { host } = parse(e820UpdateLine(0x200000, 0x2fffff, 'usable', 'ACPI data'))
    expect(rangesOf(host).slice(2, 5)).toEqual([
      [0x100000, 0x200000, 'ram', 'usable'],
      [0x200000, 0x300000, 'acpi-data', 'ACPI data'],
      [0x300000, 2 * GiB, 'ram', 'usable']
    ])
  })

  it('touches only entries of the old type (MTRR trim over RAM and reserved)', () => {
    const { host } = parse(e820UpdateLine(0x7f000000, 0xffffffff)) // usable ==> reserved
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'usable'],
      [0x9f000, 0x100000, 'reserved', 'reserved'],
      [0x100000, 0x7f000000, 'ram', 'usable'],
      [0x7f000000, 2 * GiB, 'reserved', 'reserved'],
      [4 * GiB, 8 * GiB, 'ram', 'usable']
    ])
  })

  it('does nothing for "usable ==> usable" (RAM to RESERVED_KERN prints the same)', () => {
    const { host, summary } = parse(e820UpdateLine(0x39259020, 0x3926105f, 'usable', 'usable'))
    expect(host.ranges).toHaveLength(4)
    expect(countOf(summary, 'e820Update')).toBe(1)
  })

  it('does nothing when no entry of the old type is in the range', () => {
    const { host } = parse(e820UpdateLine(0, 0xfff, 'ACPI NVS', 'reserved'))
    expect(host.ranges).toHaveLength(4)
  })

  it('understands the 2025 vocabulary and types with numbers', () => {
    const { host } = parseOk(
      [
        e820Line(0x100000, 0x1fffff, 'type 20'),
        e820Line(0x200000, 0x2fffff, 'type 21'),
        e820Line(0x300000, 0x3fffff, ' System RAM'),
        dmesg('e820: update [mem 0x00100000-0x002fffff] type 21 ==> device reserved'),
        dmesg('e820: update [mem 0x00300000-0x00300fff] System RAM ==> device reserved')
      ].join('\n')
    )
    expect(rangesOf(host)).toEqual([
      [0x100000, 0x200000, 'other', 'type 20'],
      [0x200000, 0x300000, 'reserved', 'device reserved'],
      [0x300000, 0x301000, 'reserved', 'device reserved'],
      [0x301000, 0x400000, 'ram', 'System RAM']
    ])
  })

  it('applies several lines in log order (a later one sees the earlier result)', () => {
    const { host } = parse(
      e820UpdateLine(0x100000, 0x1fffff, 'usable', 'reserved'),
      e820UpdateLine(0x100000, 0x17ffff, 'reserved', 'ACPI NVS')
    )
    expect(rangesOf(host).slice(2, 5)).toEqual([
      [0x100000, 0x180000, 'acpi-nvs', 'ACPI NVS'],
      [0x180000, 0x200000, 'reserved', 'reserved'],
      [0x200000, 2 * GiB, 'ram', 'usable']
    ])
  })
})

describe('e820 remove lines', () => {
  it('removes the parts of entries of the given type inside the range', () => {
    const { host, summary } = parse(e820RemoveLine(0x90000, 0x1fffff, 'usable'))
    expect(rangesOf(host)).toEqual([
      [0, 0x90000, 'ram', 'usable'],
      [0x9f000, 0x100000, 'reserved', 'reserved'],
      [0x200000, 2 * GiB, 'ram', 'usable'],
      [4 * GiB, 8 * GiB, 'ram', 'usable']
    ])
    expect(countOf(summary, 'e820Remove')).toBe(1)
  })

  it('removes any type when the line has none', () => {
    const { host } = parse(e820RemoveLine(0x90000, 0x1fffff))
    expect(rangesOf(host)).toEqual([
      [0, 0x90000, 'ram', 'usable'],
      [0x200000, 2 * GiB, 'ram', 'usable'],
      [4 * GiB, 8 * GiB, 'ram', 'usable']
    ])
  })

  it('takes an end far beyond 2^52 (mem=6G prints ...-0xfffffffffffffffe)', () => {
    const { host } = parse(
      dmesg('e820: remove [mem 0x180000000-0xfffffffffffffffe] usable'),
      e820UpdateLine(0xfffffffff0000000n, 0xffffffffffffffffn)
    )
    expect(rangesOf(host).slice(3)).toEqual([[4 * GiB, 6 * GiB, 'ram', 'usable']])
  })

  it('"e820: remove" of the real logs, [0xa0000-0xfffff] usable, leaves reserved alone', () => {
    const { host } = parse(e820RemoveLine(0xa0000, 0xfffff, 'usable'))
    expect(host.ranges).toHaveLength(4)
  })
})

describe('user-defined table (mem=/memmap=)', () => {
  const user = [
    dmesg('user-defined physical RAM map:'), // line 6
    dmesg('user: [mem 0x0000000000000000-0x000000000009efff] usable'),
    dmesg('user: [mem 0x000000000009f000-0x00000000000fffff] reserved'),
    dmesg('user: [mem 0x0000000000100000-0x000000007fffffff] usable'),
    dmesg('user: [mem 0x0000000100000000-0x000000017fffffff] persistent (type 12)'),
    dmesg('user: [mem 0x0000000180000000-0x00000001ffffffff] usable')
  ]

  it('replaces the BIOS table', () => {
    const { host, summary } = parse(...user)
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'usable'],
      [0x9f000, 0x100000, 'reserved', 'reserved'],
      [0x100000, 2 * GiB, 'ram', 'usable'],
      [4 * GiB, 6 * GiB, 'persistent', 'persistent (type 12)'],
      [6 * GiB, 8 * GiB, 'ram', 'usable']
    ])
    expect(host.ranges.map((r) => r.line)).toEqual([7, 8, 9, 10, 11])
    expect(host.memorySource).toBe('e820')
    expect(countOf(summary, 'userE820')).toBe(5)
    expect(summary.notes).toEqual([
      'The user-defined e820 table (mem=/memmap=, line 6) replaces the BIOS table as the memory map.'
    ])
  })

  it('gets the update/remove lines that follow it; earlier ones are already in it', () => {
    const { host } = parse(
      e820RemoveLine(0, 0xffffffff), // before the user table: applies to the BIOS table only
      ...user,
      e820UpdateLine(0, 0xfff) // line 13
    )
    expect(rangesOf(host).slice(0, 2)).toEqual([
      [0, 0x1000, 'reserved', 'reserved'],
      [0x1000, 0x9f000, 'ram', 'usable']
    ])
    expect(host.ranges).toHaveLength(6)
  })

  it('ignores "user:" lines without the header, with a note', () => {
    const { host, summary } = parse(user[1]!, user[2]!)
    expect(host.ranges).toHaveLength(4)
    expect(countOf(summary, 'userE820')).toBe(2)
    expect(summary.notes).toEqual([
      '2 "user: [mem …]" lines without the "user-defined physical RAM map:" header were ignored.'
    ])
  })
})

describe('e820 lines that are recognised and ignored', () => {
  it.each([
    'e820: last_pfn = 0x880000 max_arch_pfn = 0x400000000',
    'extended physical RAM map:',
    'reserve setup_data: [mem 0x0000000000000000-0x000000000009efff] usable',
    'modified physical RAM map:',
    'modified: [mem 0x0000000000100000-0x000000007fffffff] persistent (type 12)',
    'e820: BIOS-provided physical RAM map:',
    'e820: reserve RAM buffer [mem 0x0009f000-0x0009ffff]',
    'e820: [mem 0x90000000-0xfed1bfff] available for PCI devices',
    'BIOS-e820: [gap 0x0000000080000000-0x00000000afffffff]'
  ])('%s', (message) => {
    const { host, summary } = parse(dmesg(message))
    expect(host.ranges).toHaveLength(4)
    expect(summary.linesSkipped).toBe(0)
    expect(summary.recognised.reduce((n, r) => n + r.count, 0)).toBe(6)
  })
})

describe('several boots in one journal', () => {
  const boot = (time: string, ...extra: string[]): string[] => [
    dmesg('Linux version 6.8.0-45-generic (buildd@lcy02-amd64-075)', time),
    ...BIOS,
    ...extra
  ]

  it('uses an identical second table once, with a note', () => {
    const lines = [
      ...boot('0.000000', dmesg('virt/tdx: 100 KB allocated for PAMT')),
      ...boot('0.000000', dmesg('virt/tdx: 200 KB allocated for PAMT'))
    ]
    const { host, summary } = parseOk(lines.join('\n'))
    expect(host.ranges).toHaveLength(4)
    expect(host.ranges[0]!.line).toBe(10)
    expect(host.kernelLog).toMatchObject({ pamtKb: 200, pamtKbLine: 14 })
    expect(countOf(summary, 'biosE820')).toBe(8)
    expect(countOf(summary, 'banner')).toBe(2)
    expect(summary.notes).toEqual([
      'The log holds 2 boots with identical BIOS-e820 tables (from lines 3, 10); the table is used once, with the lines of the last boot (from line 8).'
    ])
  })

  it('uses the last boot when the tables differ (instead of an overlap error)', () => {
    const lines = [
      ...boot('0.000000', e820UpdateLine(0, 0xfff)),
      ...BIOS.slice(0, 3),
      e820Line(0x100000, 4 * GiB - 1) // the first boot had 2 GiB here
    ]
    const { host, summary } = parseOk(lines.join('\n'))
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'usable'],
      [0x9f000, 0x100000, 'reserved', 'reserved'],
      [0x100000, 4 * GiB, 'ram', 'usable']
    ])
    expect(summary.notes).toEqual([
      "The log holds 2 boots whose BIOS-e820 tables differ (from lines 3, 9); the last boot's table is used, with the e820 edits, NUMA and TDX lines that follow it (from line 8)."
    ])
  })

  it('keeps one boot when BIOS-e820 lines are interleaved with unknown lines only', () => {
    const { host, summary } = parseOk(
      [BIOS[1], 'random line', BIOS[2], BIOS[3], 'x', BIOS[4]].join('\n')
    )
    expect(host.ranges).toHaveLength(4)
    expect(summary.notes).toEqual([])
  })

  it('uses the last boot with a memory map when the last boot is cut short', () => {
    const lines = [...boot('0.000000'), dmesg('Linux version 6.9.0 (x)'), dmesg('random')]
    const { host, summary } = parseOk(lines.join('\n'))
    expect(host.ranges).toHaveLength(4)
    expect(summary.notes).toEqual([
      'The log holds 2 boots; the last one with a memory map (from line 1) is used.'
    ])
  })
})
