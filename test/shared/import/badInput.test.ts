import { describe, expect, it } from 'vitest'
import { formatImportError, type ImportError } from '@shared/import/importError'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS } from '@shared/import/limits'
import type { MemoryRangeType } from '@shared/model/host/memoryMap'
import {
  cmrLine,
  countOf,
  dmesg,
  e820Line,
  expectClearSentence,
  GiB,
  parseErr,
  parseOk,
  rangesOf,
  sratLine
} from './support'

const P52 = 2n ** 52n

/** Three well-formed lines: [0, 0x9f000) RAM, [0x9f000, 0x100000) reserved, [1M, 2G) RAM. */
const GOOD = [
  e820Line(0, 0x9efff),
  e820Line(0x9f000, 0xfffff, 'reserved'),
  e820Line(0x100000, 2 * GiB - 1)
]
const good = (...extra: string[]): string => [...GOOD, ...extra].join('\n') + '\n'

interface BadCase {
  name: string
  /** A function for inputs too big to keep around between tests. */
  text: string | (() => string)
  code: ImportError['code']
  /** The 1-based line the error is about; undefined for whole-file errors. */
  line: number | undefined
  /** Text the message must contain (case-insensitive). */
  says?: string
}

const badCases: BadCase[] = [
  // Whole-file problems
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined, says: 'empty' },
  {
    name: 'whitespace-only file',
    text: '   \n\t\n  \r\n \n',
    code: 'EMPTY_FILE',
    line: undefined,
    says: 'empty'
  },
  { name: 'only newlines', text: '\n\n\n', code: 'EMPTY_FILE', line: undefined },
  {
    name: 'NUL byte on line 3',
    text: `${GOOD[0]}\n${GOOD[1]}\nabc\u0000def\n${GOOD[2]}\n`,
    code: 'BINARY_FILE',
    line: 3,
    says: 'binary'
  },
  {
    name: 'U+FFFD (invalid UTF-8 decoded) on line 2',
    text: `${GOOD[0]}\nkernel: caf\uFFFD\n${GOOD[2]}\n`,
    code: 'BINARY_FILE',
    line: 2,
    says: 'binary'
  },
  {
    name: 'ELF header (NUL in the first line)',
    text: '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000\u0000\n',
    code: 'BINARY_FILE',
    line: 1
  },
  {
    name: 'UTF-16LE text decoded as UTF-8 (NUL between every character)',
    text: 'B\u0000I\u0000O\u0000S\u0000-\u0000e\u00008\u00002\u00000\u0000',
    code: 'BINARY_FILE',
    line: 1
  },
  {
    name: 'binary check names the line with CRLF endings too',
    text: `${GOOD[0]}\r\n${GOOD[1]}\r\n${GOOD[2]}\r\n\u0000\r\n`,
    code: 'BINARY_FILE',
    line: 4
  },
  {
    name: 'file one byte over MAX_HOST_FILE_BYTES',
    text: () => good() + 'x'.repeat(MAX_HOST_FILE_BYTES + 1 - good().length),
    code: 'FILE_TOO_LARGE',
    line: undefined,
    says: 'MiB limit'
  },
  {
    name: 'line one character over MAX_LINE_CHARS',
    text: () => `${GOOD[0]}\n${'y'.repeat(MAX_LINE_CHARS + 1)}\n${GOOD[2]}\n`,
    code: 'MALFORMED_LINE',
    line: 2,
    says: `longer than ${MAX_LINE_CHARS}`
  },
  // No memory map at all
  {
    name: 'only unrelated dmesg lines',
    text: [
      '[    0.000000] Linux version 6.8.0-1015-intel (buildd@lcy02-amd64-050)',
      '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro',
      '[    0.012345] ACPI: Early table checksum verification disabled',
      '[    1.234567] usb 1-1: new high-speed USB device number 2 using xhci_hcd'
    ].join('\n'),
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'no memory map'
  },
  {
    name: 'only # comment lines, one quoting an e820 line',
    text: `# header\n# ${GOOD[0]}\n#\n`,
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'TDX lines but neither e820 nor CMR lines',
    text: [
      '[    9.124357] virt/tdx: 1050636 KB allocated for PAMT',
      '[    9.124363] virt/tdx: module initialized'
    ].join('\n'),
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'only e820 update / user / modified tables (not the BIOS table)',
    text: [
      '[    0.000000] e820: update [mem 0x00000000-0x00000fff] usable ==> reserved',
      '[    0.000000] user: [mem 0x0000000000000000-0x000000000009ffff] usable',
      '[    0.000000] modified: [mem 0x0000000000100000-0x000000007fffffff] usable'
    ].join('\n'),
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'only BIOS-e820 gap lines',
    text: '[    0.000000] BIOS-e820: [gap 0x00000000000a0000-0x00000000000effff]\n',
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  {
    name: 'only a truncated CMR line (not recognised as a CMR)',
    text: '[    8.366488] virt/tdx: CMR: [0x100000, 0x7780\n',
    code: 'NO_MEMORY_LINES',
    line: undefined
  },
  // Malformed e820 lines
  {
    name: 'e820 line truncated after the dash (missing end)',
    text: good('[    0.000000] BIOS-e820: [mem 0x0000000100000000-'),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'BIOS-e820'
  },
  {
    name: 'e820 line with no end address',
    text: good('[    0.000000] BIOS-e820: [mem 0x0000000100000000] usable'),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'e820 line missing the closing bracket',
    text: good('[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff usable'),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'e820 line missing the type',
    text: good('[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff]'),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'not "BIOS-e820: [mem 0xSTART-0xEND] type"'
  },
  {
    name: 'e820 line missing the type, trailing blanks',
    text: `${GOOD[0]}\n[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff]   \t\n`,
    code: 'MALFORMED_LINE',
    line: 2
  },
  {
    name: 'unknown e820 type text',
    text: good(e820Line(2 * GiB, 4 * GiB - 1, 'bogus')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'unknown memory type "bogus"'
  },
  {
    name: 'e820 type "type" without a number',
    text: good(e820Line(2 * GiB, 4 * GiB - 1, 'type')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'unknown memory type'
  },
  {
    name: 'e820 type "persistent (type x)"',
    text: good(e820Line(2 * GiB, 4 * GiB - 1, 'persistent (type x)')),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'pre-3.7 kernel e820 format',
    text: '[    0.000000]  BIOS-e820: 0000000000000000 - 000000000009f000 (usable)\n',
    code: 'MALFORMED_LINE',
    line: 1
  },
  {
    name: 'non-hex digit in an e820 address',
    text: good('[    0.000000] BIOS-e820: [mem 0x00000001000g0000-0x000000017fffffff] usable'),
    code: 'MALFORMED_LINE',
    line: 4
  },
  // Reversed and empty ranges
  {
    name: 'reversed e820 range',
    text: good(e820Line(4 * GiB - 1, 2 * GiB)),
    code: 'REVERSED_RANGE',
    line: 4,
    says: 'before it starts'
  },
  {
    name: 'reversed CMR',
    text: `${cmrLine(0x100000, 0x77800000)}\n${cmrLine(0x206e000000, 0x100000000)}\n`,
    code: 'REVERSED_RANGE',
    line: 2,
    says: 'CMR ends'
  },
  {
    name: 'zero-length CMR',
    text: `${cmrLine(0x100000, 0x77800000)}\n${cmrLine(0x100000000, 0x100000000)}\n`,
    code: 'REVERSED_RANGE',
    line: 2,
    says: 'at or before it starts'
  },
  // Overlaps: the error names the later line
  {
    name: 'overlapping e820 ranges',
    text: good(e820Line(2 * GiB - 0x1000, 3 * GiB - 1, 'reserved')),
    code: 'OVERLAPPING_RANGES',
    line: 4,
    says: 'e820 range on line 4 overlaps the one on line 3'
  },
  {
    name: 'overlap where the later line has the lower base',
    text: [e820Line(4 * GiB, 8 * GiB - 1), e820Line(3 * GiB, 4 * GiB)].join('\n'),
    code: 'OVERLAPPING_RANGES',
    line: 2,
    says: 'line 2 overlaps the one on line 1'
  },
  {
    name: 'e820 ranges sharing one byte (inclusive end = next base)',
    text: [e820Line(0x100000, 0x1fffff), e820Line(0x1fffff, 0x2fffff)].join('\n'),
    code: 'OVERLAPPING_RANGES',
    line: 2
  },
  {
    name: 'e820 range nested inside another',
    text: good(e820Line(0x200000, 0x2fffff, 'reserved')),
    code: 'OVERLAPPING_RANGES',
    line: 4,
    says: 'overlaps the one on line 3'
  },
  {
    name: 'duplicate identical e820 line',
    text: good(GOOD[2]!),
    code: 'OVERLAPPING_RANGES',
    line: 4,
    says: 'line 4 overlaps the one on line 3'
  },
  {
    name: 'overlapping CMRs',
    text: [cmrLine(0x100000, 0x77800000), cmrLine(0x70000000, 0x100000000)].join('\n'),
    code: 'OVERLAPPING_RANGES',
    line: 2,
    says: 'CMR range on line 2 overlaps the one on line 1'
  },
  {
    name: 'duplicate CMR lines in both forms',
    text: [cmrLine(0x100000000, 0x206e000000, 0), cmrLine(0x100000000, 0x206e000000)].join('\n'),
    code: 'OVERLAPPING_RANGES',
    line: 2
  },
  // Addresses beyond 52 bits
  {
    name: 'e820 base at 2^52',
    text: good(e820Line(P52, P52 + 0xfffffn)),
    code: 'ADDRESS_TOO_LARGE',
    line: 4,
    says: 'beyond 52 physical address bits'
  },
  {
    name: 'e820 inclusive end at 2^52',
    text: good(e820Line(4 * GiB, P52)),
    code: 'ADDRESS_TOO_LARGE',
    line: 4
  },
  {
    name: 'e820 at 2^64 - 1',
    text: good(e820Line(0xfffffffffffff000n, 0xffffffffffffffffn, 'reserved')),
    code: 'ADDRESS_TOO_LARGE',
    line: 4
  },
  {
    name: '17-hex-digit address',
    text: good('[    0.000000] BIOS-e820: [mem 0x10000000000000000-0x10000000000000fff] reserved'),
    code: 'ADDRESS_TOO_LARGE',
    line: 4,
    says: '0x10000000000000000'
  },
  {
    name: 'CMR base at 2^52',
    text: [cmrLine(0x100000, 0x77800000), cmrLine(P52, P52 + 0x100000n)].join('\n'),
    code: 'ADDRESS_TOO_LARGE',
    line: 2
  },
  {
    name: 'CMR end past 2^52',
    text: cmrLine(0x100000, P52 + 0x1000n),
    code: 'ADDRESS_TOO_LARGE',
    line: 1
  },
  // Line numbers and which error wins
  {
    name: 'reversed range after CRLF lines and comments keeps the file line number',
    text: `# a comment\r\n\r\n${GOOD[0]}\r\n${GOOD[1]}\r\n${e820Line(0x200000, 0x100000)}\r\n`,
    code: 'REVERSED_RANGE',
    line: 5
  },
  {
    name: 'first bad line wins over a later one',
    text: good(e820Line(4 * GiB, 2 * GiB), 'BIOS-e820: [mem 0x1-'),
    code: 'REVERSED_RANGE',
    line: 4
  },
  {
    name: 'a malformed line is reported before overlaps (checked after the scan)',
    text: good(GOOD[2]!, 'BIOS-e820: [mem 0x1-'),
    code: 'MALFORMED_LINE',
    line: 5
  },
  // e820 update / remove lines
  {
    name: 'update line without "==>"',
    text: good(dmesg('e820: update [mem 0x00000000-0x00000fff] usable reserved')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'e820 update line is not'
  },
  {
    name: 'update line without a new type',
    text: good(dmesg('e820: update [mem 0x00000000-0x00000fff] usable ==> ')),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'update line with a truncated range',
    text: good(dmesg('e820: update [mem 0x00000000-] usable ==> reserved')),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'update line with an unknown old type',
    text: good(dmesg('e820: update [mem 0x00000000-0x00000fff] bogus ==> reserved')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'unknown memory type "bogus"'
  },
  {
    name: 'update line with a reversed range',
    text: good(dmesg('e820: update [mem 0x00002000-0x00000fff] usable ==> reserved')),
    code: 'REVERSED_RANGE',
    line: 4,
    says: 'e820 edit range ends'
  },
  {
    name: 'remove line without a closing bracket',
    text: good(dmesg('e820: remove [mem 0x000a0000-0x000fffff usable')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'e820 remove line is not'
  },
  {
    name: 'remove line with an unknown type',
    text: good(dmesg('e820: remove [mem 0x000a0000-0x000fffff] usablish')),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'remove line with a reversed range',
    text: good(dmesg('e820: remove [mem 0x000fffff-0x000a0000] usable')),
    code: 'REVERSED_RANGE',
    line: 4
  },
  // user-defined table
  {
    name: 'user table line with an unknown type',
    text: good(dmesg('user-defined physical RAM map:'), dmesg('user: [mem 0x0-0xfff] bogus')),
    code: 'MALFORMED_LINE',
    line: 5,
    says: 'user line has an unknown memory type'
  },
  {
    name: 'user table line without an end',
    text: good(dmesg('user-defined physical RAM map:'), dmesg('user: [mem 0x0-] usable')),
    code: 'MALFORMED_LINE',
    line: 5,
    says: 'not "user: [mem 0xSTART-0xEND] type"'
  },
  {
    name: 'overlapping user table lines',
    text: good(
      dmesg('user-defined physical RAM map:'),
      dmesg('user: [mem 0x0000000000000000-0x000000000009ffff] usable'),
      dmesg('user: [mem 0x0000000000090000-0x00000000000fffff] reserved')
    ),
    code: 'OVERLAPPING_RANGES',
    line: 6,
    says: 'user e820 range on line 6 overlaps the one on line 5'
  },
  {
    name: 'user table range beyond 52 bits',
    text: good(
      dmesg('user-defined physical RAM map:'),
      dmesg('user: [mem 0x0010000000000000-0x0010000000000fff] usable')
    ),
    code: 'ADDRESS_TOO_LARGE',
    line: 5
  },
  {
    name: 'remove lines that leave an empty table',
    text: good(dmesg('e820: remove [mem 0x00000000-0xffffffffffffffff] ')),
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'empty after its update and remove lines'
  },
  // NUMA lines
  {
    name: 'SRAT line with a reversed range',
    text: good(sratLine(0, 0x100000000, 0xfffff)),
    code: 'REVERSED_RANGE',
    line: 4,
    says: 'SRAT range ends'
  },
  {
    name: 'SRAT line without a range',
    text: good(dmesg('ACPI: SRAT: Node 0 PXM 0')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'SRAT line is not'
  },
  {
    name: 'SRAT line with an unknown flag',
    text: good(sratLine(0, 0, 0xfffff, ' hotswap')),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'SRAT line beyond 52 bits',
    text: good(sratLine(0, P52, P52 + 0xfffffn)),
    code: 'ADDRESS_TOO_LARGE',
    line: 4
  },
  {
    name: 'NUMA merge line without a result',
    text: good(dmesg('NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff]')),
    code: 'MALFORMED_LINE',
    line: 4,
    says: 'NUMA merge line is not'
  },
  {
    name: 'NUMA merge line with a reversed result',
    text: good(
      dmesg(
        'NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff] -> [mem 0xbfffffff-0x00000000]'
      )
    ),
    code: 'REVERSED_RANGE',
    line: 4,
    says: 'NUMA merge range ends'
  },
  // Several boots
  {
    name: 'overlap inside the second boot of a journal is still an error',
    text: [
      ...GOOD,
      dmesg('Linux version 6.8.0 (x)'),
      GOOD[0],
      GOOD[2],
      e820Line(GiB, 3 * GiB - 1)
    ].join('\n'),
    code: 'OVERLAPPING_RANGES',
    line: 7,
    says: 'line 7 overlaps the one on line 6'
  }
]

describe('bad-input corpus', () => {
  it('has at least 45 cases', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(45)
  })

  it.each(badCases)('$name → $code', ({ text, code, line, says }) => {
    const input = typeof text === 'function' ? text() : text
    const e = parseErr(input, 'bad.log')
    expect(e.code).toBe(code)
    expect(e.line).toBe(line)
    expect(e.fileName).toBe('bad.log')
    expectClearSentence(e.message)
    if (says !== undefined) expect(e.message.toLowerCase()).toContain(says.toLowerCase())
    expect(formatImportError(e)).toBe(
      line === undefined ? `bad.log: ${e.message}` : `bad.log:${line}: ${e.message}`
    )
  })

  it('accepts a file exactly MAX_HOST_FILE_BYTES long (the limit is inclusive)', () => {
    const head = good()
    const pad = MAX_HOST_FILE_BYTES - head.length
    // Pad with short lines so the line limit is not what is tested here.
    const line = 'z'.repeat(1023) + '\n'
    const text = head + line.repeat(Math.floor(pad / 1024)) + 'z'.repeat(pad % 1024)
    expect(text.length).toBe(MAX_HOST_FILE_BYTES)
    const r = parseOk(text)
    expect(countOf(r.summary, 'biosE820')).toBe(3)
  })

  it('accepts a line exactly MAX_LINE_CHARS long', () => {
    const r = parseOk(good('q'.repeat(MAX_LINE_CHARS)))
    expect(r.summary.linesSkipped).toBe(1)
  })
})

type R = [number, number, MemoryRangeType, string]

interface OkCase {
  name: string
  text: string
  ranges: R[]
}

const E0: R = [0, 0x9f000, 'ram', 'usable']
const E1: R = [0x9f000, 0x100000, 'reserved', 'reserved']
const E2: R = [0x100000, 2 * GiB, 'ram', 'usable']

const okCases: OkCase[] = [
  {
    name: 'mixed CRLF and LF line endings',
    text: `${GOOD[0]}\r\n${GOOD[1]}\n${GOOD[2]}\r\n`,
    ranges: [E0, E1, E2]
  },
  {
    name: 'CRLF endings with no final newline',
    text: `${GOOD[0]}\r\n${GOOD[1]}\r\n${GOOD[2]}`,
    ranges: [E0, E1, E2]
  },
  {
    name: 'syslog prefixes',
    text: [
      'Aug 29 16:48:39 host kernel: BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable',
      'Aug 29 16:48:39 host kernel: BIOS-e820: [mem 0x000000000009f000-0x00000000000fffff] reserved',
      'Aug 29 16:48:39 host kernel: BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable'
    ].join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'syslog prefixes with a dmesg timestamp after "kernel:"',
    text: GOOD.map((l) => `Aug 29 16:48:39 host kernel: ${l}`).join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'journalctl short-iso prefixes',
    text: GOOD.map((l) => `2024-08-29T16:48:39+0200 myhost kernel: ${l.slice(15)}`).join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'journalctl short-monotonic prefixes',
    text: GOOD.map((l) => `[    0.000000] myhost kernel: ${l.slice(15)}`).join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'no timestamp at all',
    text: GOOD.map((l) => l.slice(15)).join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'dmesg --reltime / -d relative timestamps',
    text: GOOD.map((l) => `[  +0.000001] ${l.slice(15)}`).join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'dmesg -T human timestamps',
    text: GOOD.map((l) => `[Thu Aug 29 16:48:39 2024] ${l.slice(15)}`).join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: 'BIOS-e820 gap lines are ignored (with and without a size)',
    text: [
      GOOD[0],
      GOOD[1],
      '[    0.000000] BIOS-e820: [gap 0x0000000080000000-0x00000000afffffff]',
      '[    0.000000] BIOS-e820: [gap 0x00000000c0000000-0x00000000fed1bfff] 1005.1 MB ...',
      GOOD[2]
    ].join('\n'),
    ranges: [E0, E1, E2]
  },
  {
    name: '2025+ vocabulary (System RAM, device reserved, persistent RAM (type 12))',
    text: [
      '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff]  System RAM',
      '[    0.000000] BIOS-e820: [mem 0x000000000009f000-0x00000000000fffff]  device reserved',
      '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff]  System RAM',
      '[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff]  persistent RAM (type 12)'
    ].join('\n'),
    ranges: [
      [0, 0x9f000, 'ram', 'System RAM'],
      [0x9f000, 0x100000, 'reserved', 'device reserved'],
      [0x100000, 2 * GiB, 'ram', 'System RAM'],
      [4 * GiB, 5 * GiB, 'persistent', 'persistent RAM (type 12)']
    ]
  },
  {
    name: '2025 size column before the type (x86/boot/e820 "print out sizes")',
    text: [
      '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff]  636   KB System RAM',
      '[    0.000000] BIOS-e820: [gap 0x00000000000a0000-0x00000000000effff]  320   KB ...',
      '[    0.000000] BIOS-e820: [mem 0x000000000009f000-0x00000000000fffff]  388   KB device reserved',
      '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff]    1.9 GB System RAM',
      '[    0.000000] BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff]   12   GB reserved'
    ].join('\n'),
    ranges: [
      [0, 0x9f000, 'ram', 'System RAM'],
      [0x9f000, 0x100000, 'reserved', 'device reserved'],
      [0x100000, 2 * GiB, 'ram', 'System RAM'],
      [0xfd00000000, 0x10000000000, 'reserved', 'reserved']
    ]
  },
  {
    name: 'classic vocabulary: soft reserved, type 20, ACPI, unusable, persistent (type 12)',
    text: [
      e820Line(0x100000, 0x1fffff, 'soft reserved'),
      e820Line(0x200000, 0x2fffff, 'type 20'),
      e820Line(0x300000, 0x3fffff, 'ACPI data'),
      e820Line(0x400000, 0x4fffff, 'ACPI NVS'),
      e820Line(0x500000, 0x5fffff, 'unusable'),
      e820Line(0x600000, 0x6fffff, 'persistent (type 12)'),
      e820Line(0x700000, 0x7fffff, 'persistent (type 7)')
    ].join('\n'),
    ranges: [
      [0x100000, 0x200000, 'soft-reserved', 'soft reserved'],
      [0x200000, 0x300000, 'other', 'type 20'],
      [0x300000, 0x400000, 'acpi-data', 'ACPI data'],
      [0x400000, 0x500000, 'acpi-nvs', 'ACPI NVS'],
      [0x500000, 0x600000, 'unusable', 'unusable'],
      [0x600000, 0x700000, 'persistent', 'persistent (type 12)'],
      [0x700000, 0x800000, 'persistent', 'persistent (type 7)']
    ]
  },
  {
    name: 'type text with odd case and inner/trailing blanks',
    text: [
      e820Line(0x100000, 0x1fffff, 'ACPI   nvs \t'),
      e820Line(0x200000, 0x2fffff, 'Usable')
    ].join('\n'),
    ranges: [
      [0x100000, 0x200000, 'acpi-nvs', 'ACPI   nvs'],
      [0x200000, 0x300000, 'ram', 'Usable']
    ]
  },
  {
    name: 'upper-case hex digits',
    text: '[    0.000000] BIOS-e820: [mem 0x00000000000A0000-0x00000000000FFFFF] reserved',
    ranges: [[0xa0000, 0x100000, 'reserved', 'reserved']]
  },
  {
    name: 'e820 update applies; header-less user, modified and reserve setup_data lines do not',
    text: [
      GOOD[0],
      GOOD[1],
      GOOD[2],
      '[    0.000000] e820: update [mem 0x00000000-0x00000fff] usable ==> reserved',
      '[    0.000000] user: [mem 0x0000000000000000-0x000000000009ffff] usable',
      '[    0.000000] reserve setup_data: [mem 0x0000000000000000-0x000000000009efff] usable',
      '[    0.000000] modified: [mem 0x0000000000100000-0x000000007fffffff] persistent (type 12)'
    ].join('\n'),
    ranges: [[0, 0x1000, 'reserved', 'reserved'], [0x1000, 0x9f000, 'ram', 'usable'], E1, E2]
  },
  {
    name: 'a malformed BIOS-e820 line inside a # comment is ignored',
    text: `# BIOS-e820: [mem 0x0-\n${good()}`,
    ranges: [E0, E1, E2]
  },
  {
    name: 'adjacent ranges (inclusive end + 1 = next base) do not overlap',
    text: [e820Line(0x100000, 0x1fffff), e820Line(0x200000, 0x2fffff, 'reserved')].join('\n'),
    ranges: [
      [0x100000, 0x200000, 'ram', 'usable'],
      [0x200000, 0x300000, 'reserved', 'reserved']
    ]
  },
  {
    name: 'out-of-order but disjoint lines keep the file order',
    text: [e820Line(4 * GiB, 8 * GiB - 1), e820Line(0x100000, 2 * GiB - 1)].join('\n'),
    ranges: [
      [4 * GiB, 8 * GiB, 'ram', 'usable'],
      [0x100000, 2 * GiB, 'ram', 'usable']
    ]
  },
  {
    name: 'one-byte range',
    text: e820Line(0x1000, 0x1000, 'reserved'),
    ranges: [[0x1000, 0x1001, 'reserved', 'reserved']]
  },
  {
    name: 'highest 52-bit address (inclusive end 2^52 - 1) is accepted',
    text: e820Line(2 ** 52 - 2 ** 30, 2 ** 52 - 1, 'reserved'),
    ranges: [[2 ** 52 - 2 ** 30, 2 ** 52, 'reserved', 'reserved']]
  },
  {
    name: '17-hex-digit address that is zero-padded is still exact',
    text: '[    0.000000] BIOS-e820: [mem 0x00000000000100000-0x0000000007fffffff] usable',
    ranges: [[0x100000, 2 * GiB, 'ram', 'usable']]
  },
  {
    name: 'UTF-8 byte order mark at the start of the file',
    text: '\uFEFF' + good(),
    ranges: [E0, E1, E2]
  },
  {
    name: 'CMR ending exactly at 2^52 (exclusive end) is accepted',
    text: cmrLine(2 ** 52 - 2 ** 30, 2 ** 52),
    ranges: [[2 ** 52 - 2 ** 30, 2 ** 52, 'ram', 'CMR']]
  }
]

describe('inputs that must parse', () => {
  it.each(okCases)('$name', ({ text, ranges }) => {
    const { host } = parseOk(text)
    expect(rangesOf(host)).toEqual(ranges)
  })

  it('keeps the file line of each range, counting CRLF lines and comments', () => {
    const { host, summary } = parseOk(`# c\r\n\r\n${GOOD[0]}\n${GOOD[1]}\r\n\r\n${GOOD[2]}\r\n`)
    expect(host.ranges.map((r) => r.line)).toEqual([3, 4, 6])
    expect(summary.linesTotal).toBe(6)
    expect(host.ranges.every((r) => !r.typeLabel.includes('\r'))).toBe(true)
  })
})
