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

/**
 * e820 edits before and after e820__memblock_setup() (arch/x86/kernel/setup.c setup_arch()): only
 * the ones before change memblock, so the memory TDX uses. Every log here starts with the same
 * four-entry BIOS table (lines 1-5); the expected ranges are written out by hand.
 */
const BIOS = [
  dmesg('BIOS-provided physical RAM map:'), // line 1
  e820Line(0, 0x9ffff), // line 2
  e820Line(0xa0000, 0xfffff, 'reserved'), // line 3
  e820Line(0x100000, 2 * GiB - 1), // line 4
  e820Line(4 * GiB, 8 * GiB - 1) // line 5
]
/** trim_bios_range(): page 0 reserved, then the legacy BIOS area removed (lines 6 and 7 below). */
const BIOS_TRIM = [e820UpdateLine(0, 0xfff), e820RemoveLine(0xa0000, 0xfffff, 'usable')]
/** An EFI reservation (efi_arch_mem_reserve) of one page at 0x604e0000. */
const EFI_PAGE = e820UpdateLine(0x604e0000, 0x604e0fff)
/** The ranges with no edit past the BIOS-range trim: page 0 reserved, RAM [0x1000, 0xa0000). */
const TRIMMED: ReturnType<typeof rangesOf> = [
  [0, 0x1000, 'reserved', 'reserved'],
  [0x1000, 0xa0000, 'ram', 'usable'],
  [0xa0000, 0x100000, 'reserved', 'reserved'],
  [0x100000, 2 * GiB, 'ram', 'usable'],
  [4 * GiB, 8 * GiB, 'ram', 'usable']
]
/** TRIMMED with the EFI page at 0x604e0000 reserved: the RAM at 1 MiB split in two. */
const TRIMMED_WITH_EFI_PAGE: ReturnType<typeof rangesOf> = [
  ...TRIMMED.slice(0, 3),
  [0x100000, 0x604e0000, 'ram', 'usable'],
  [0x604e0000, 0x604e1000, 'reserved', 'reserved'],
  [0x604e1000, 2 * GiB, 'ram', 'usable'],
  TRIMMED[4]!
]
const parse = (...after: string[]): ReturnType<typeof parseOk> =>
  parseOk([...BIOS, ...after].join('\n'))

describe('e820 edits after the last "last_pfn" line', () => {
  it('applies an edit before the last last_pfn line and leaves out one after it (6.x, bare)', () => {
    const { host, summary } = parse(
      ...BIOS_TRIM, // lines 6-7
      dmesg('last_pfn = 0x200000 max_arch_pfn = 0x400000000'), // line 8
      EFI_PAGE, // line 9: before the second last_pfn, so before memblock setup
      dmesg('last_pfn = 0x80000 max_arch_pfn = 0x400000000'), // line 10: e820__end_of_low_ram_pfn
      e820UpdateLine(0x1000000, 0x1000fff) // line 11: after it
    )
    expect(rangesOf(host)).toEqual(TRIMMED_WITH_EFI_PAGE)
    expect(countOf(summary, 'e820Update')).toBe(3)
    expect(summary.notes).toEqual([
      '3 e820 update/remove lines were applied to the table in log order.',
      '1 e820 update/remove line (line 11) was recognised but not applied: the kernel printed it after e820__memblock_setup() had filled memblock from the e820 table, so it does not change the memory TDX uses. It follows line 10 ("last_pfn"), the last line setup_arch() prints before it fills memblock.'
    ])
  })

  it('reads the older "e820: last_pfn" form the same way', () => {
    const { host } = parse(
      ...BIOS_TRIM,
      dmesg('e820: last_pfn = 0x200000 max_arch_pfn = 0x400000000'), // line 8
      EFI_PAGE // line 9: after it
    )
    expect(rangesOf(host)).toEqual(TRIMMED)
  })

  it('applies an MTRR trim printed between two last_pfn lines', () => {
    const { host, summary } = parse(
      ...BIOS_TRIM,
      dmesg('last_pfn = 0x200000 max_arch_pfn = 0x400000000'), // line 8
      e820UpdateLine(0x7f000000, 0xffffffff), // line 9: mtrr_trim_uncached_memory()
      dmesg('update e820 for mtrr'), // line 10
      dmesg('last_pfn = 0x7f000 max_arch_pfn = 0x400000000') // line 11
    )
    // RAM [0x100000, 2 GiB) loses [0x7f000000, 2 GiB) to the trim.
    expect(rangesOf(host).slice(3, 5)).toEqual([
      [0x100000, 0x7f000000, 'ram', 'usable'],
      [0x7f000000, 2 * GiB, 'reserved', 'reserved']
    ])
    expect(summary.notes).toEqual([
      '3 e820 update/remove lines were applied to the table in log order.'
    ])
  })
})

describe('e820 edits with "update e820 for mtrr" but no last_pfn line', () => {
  it('applies the MTRR trim and leaves out what follows the mtrr line', () => {
    const { host, summary } = parse(
      ...BIOS_TRIM,
      e820UpdateLine(0x7f000000, 0xffffffff), // line 8
      dmesg('update e820 for mtrr'), // line 9
      EFI_PAGE // line 10
    )
    expect(rangesOf(host).slice(3, 6)).toEqual([
      [0x100000, 0x7f000000, 'ram', 'usable'],
      [0x7f000000, 2 * GiB, 'reserved', 'reserved'],
      [4 * GiB, 8 * GiB, 'ram', 'usable']
    ])
    expect(summary.notes[1]).toMatch(
      /^1 e820 update\/remove line \(line 10\) was recognised but not applied: .* It follows line 9 \("update e820 for mtrr"\)/
    )
  })
})

describe('e820 edits placed by the BIOS-range trim only', () => {
  it('leaves out an edit after the trim when nothing else places it', () => {
    const { host, summary } = parse(...BIOS_TRIM, EFI_PAGE) // line 8
    expect(rangesOf(host)).toEqual(TRIMMED)
    expect(summary.notes).toEqual([
      '2 e820 update/remove lines were applied to the table in log order.',
      '1 e820 update/remove line (line 8) was recognised but not applied: the kernel printed it after e820__memblock_setup() had filled memblock from the e820 table, so it does not change the memory TDX uses. Line 8 follows the BIOS-range trim (line 7) with no "last_pfn" or "update e820 for mtrr" line after it: an MTRR trim before memblock setup that removed RAM prints "update e820 for mtrr", so this is an EFI reservation made later or an MTRR trim that removed no RAM, and leaving it out gives the memory the kernel used.'
    ])
  })

  it('applies edits before the trim (EFI reservations in efi_init(), mem=)', () => {
    const { host } = parse(EFI_PAGE, ...BIOS_TRIM) // EFI page on line 6, trim on 7-8
    expect(rangesOf(host)).toEqual(TRIMMED_WITH_EFI_PAGE)
  })

  it('names both groups when a NUMA line follows: unplaced ones and ones after NUMA init', () => {
    const { host, summary } = parse(
      ...BIOS_TRIM,
      e820UpdateLine(0x7f000000, 0xffffffff), // line 8: MTRR trim that would remove RAM
      dmesg('No NUMA configuration found'), // line 9
      EFI_PAGE // line 10
    )
    expect(rangesOf(host)).toEqual(TRIMMED)
    expect(summary.notes[1]).toContain(
      'Line 10 follows line 9 (NUMA init), printed after memblock is filled. Line 8 follows the BIOS-range trim (line 7)'
    )
  })
})

describe('e820 edits placed only by a line printed after memblock setup', () => {
  it.each([
    [
      'esrt: Reserving ESRT space from 0x00000000604e0018 to 0x00000000604e0050.',
      'ESRT reservation'
    ],
    ['Secure boot disabled', 'Secure boot'],
    ['RAMDISK: [mem 0x2e7d4000-0x31ee1fff]', 'RAMDISK'],
    ['init_memory_mapping: [mem 0x00000000-0x000fffff]', 'init_memory_mapping'],
    [
      'update e820_table_kexec for e820__memblock_alloc_reserved()',
      'e820__memblock_alloc_reserved'
    ],
    ['Zone ranges:', 'Zone ranges'],
    ['Early memory node ranges', 'Early memory node ranges'],
    ['No NUMA configuration found', 'NUMA init'],
    ['ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]', 'SRAT, NUMA init'],
    ['virt/tdx: BIOS enabled: private KeyID range [64, 128)', 'TDX init']
  ])('"%s" puts the edit after it out (%s)', (line, what) => {
    const { host, summary } = parse(
      e820UpdateLine(0, 0xfff), // line 6: before the marker, applied
      dmesg(line), // line 7
      EFI_PAGE // line 8
    )
    expect(rangesOf(host)).toEqual([
      [0, 0x1000, 'reserved', 'reserved'],
      [0x1000, 0xa0000, 'ram', 'usable'],
      ...TRIMMED.slice(2)
    ])
    expect(summary.notes).toContain(
      `1 e820 update/remove line (line 8) was recognised but not applied: the kernel printed it after e820__memblock_setup() had filled memblock from the e820 table, so it does not change the memory TDX uses. It follows line 7 (${what}), which the kernel prints after it fills memblock.`
    )
    expect(summary.linesSkipped).toBe(0)
  })

  it('does not count a marker that comes before the e820 table', () => {
    const { host } = parseOk([dmesg('Secure boot disabled'), ...BIOS, EFI_PAGE].join('\n'))
    // No table when the marker came, so nothing places the edit: it applies (rule "none").
    expect(host.ranges).toHaveLength(6)
  })
})

describe('e820 edits nothing places', () => {
  it('applies every edit and says that nothing placed them', () => {
    const { host, summary } = parse(EFI_PAGE)
    // [0x100000, 2 GiB) split around the reserved page: 4 entries + 2.
    expect(host.ranges).toHaveLength(6)
    expect(summary.notes).toEqual([
      '1 e820 update/remove lines were applied to the table in log order (no line of the log places them before or after memblock setup).'
    ])
  })
})
