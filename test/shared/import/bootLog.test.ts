import { readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog } from '@shared/model/host/memoryMap'
import { hostFixturePath, readHostFixture } from '../../support/fixtures'
import { SKIPPED_SAMPLE_COUNT } from '@shared/import/hostImport'
import { syntheticBootLog } from '../../../src-main/bench/syntheticInputs'
import { cmrLine, countOf, e820Line, GiB, parseOk, rangesOf } from './support'

const E820 = [e820Line(0, 0x9efff), e820Line(0x100000, 2 * GiB - 1)]

describe('TDX kernel lines', () => {
  it('reads "N KB allocated for PAMT" with its line number', () => {
    const { host, summary } = parseOk(
      [...E820, 'unrelated', '[    9.124357] virt/tdx: 1050636 KB allocated for PAMT'].join('\n')
    )
    expect(host.kernelLog.pamtKb).toBe(1_050_636)
    expect(host.kernelLog.pamtKbLine).toBe(4)
    expect(host.kernelLog.dynamicPamtEnabled).toBe(false)
    expect(countOf(summary, 'tdx')).toBe(1)
    expect(summary.linesSkipped).toBe(1)
  })

  it('reads "Enable Dynamic PAMT"', () => {
    const { host, summary } = parseOk(
      [
        ...E820,
        '[    8.100000] virt/tdx: Enable Dynamic PAMT',
        '[    9.124357] virt/tdx: 2568 KB allocated for PAMT'
      ].join('\n')
    )
    expect(host.kernelLog).toMatchObject({
      pamtKb: 2568,
      pamtKbLine: 4,
      dynamicPamtEnabled: true
    })
    expect(countOf(summary, 'tdx')).toBe(2)
  })

  it('leaves every kernel field unknown when the log has no TDX lines', () => {
    const { host, summary } = parseOk(E820.join('\n'))
    expect(host.kernelLog).toEqual(emptyKernelTdxLog())
    expect(countOf(summary, 'tdx')).toBe(0)
  })

  it.each([
    [
      'major_version/minor_version/build (6.8-6.15 kernels)',
      'virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, build_date 20240129, build_num 698',
      '1.5 build 698 (20240129)'
    ],
    [
      'module 1.0 in the same form',
      'virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 0, build_date 20230206, build_num 457',
      '1.0 build 457 (20230206)'
    ],
    ['"Module version: x.y.zz" (mainline 2026)', 'virt/tdx: Module version: 1.5.24', '1.5.24'],
    ['"TDX module version: x.y.zz"', 'virt/tdx: TDX module version: 1.5.06', '1.5.06'],
    ['five-part version', 'virt/tdx: module version: 2.0.08.00.0744', '2.0.08.00.0744']
  ])('reads the module version: %s', (_name, line, version) => {
    const { host, summary } = parseOk([...E820, `[    8.366483] ${line}`].join('\n'))
    expect(host.kernelLog.moduleVersion).toBe(version)
    expect(countOf(summary, 'tdx')).toBe(1)
  })

  it.each([
    ['virt/tdx: module initialized', true],
    ['virt/tdx: TDX-Module initialized', true],
    ['virt/tdx: module initialised', true],
    ['virt/tdx: module initialization failed (-5)', false],
    ['virt/tdx: TDX-Module initialization failed (-22)', false]
  ])('reads the init result from "%s"', (line, initialized) => {
    const { host, summary } = parseOk([...E820, `[    9.124363] ${line}`].join('\n'))
    expect(host.kernelLog.initialized).toBe(initialized)
    expect(countOf(summary, 'tdx')).toBe(1)
  })

  it('does not take "Failed to initialize TDX module." from kvm_intel as an init result', () => {
    const { host, summary } = parseOk(
      [...E820, '[   10.798795] kvm_intel: Failed to initialize TDX module.'].join('\n')
    )
    expect(host.kernelLog.initialized).toBeNull()
    expect(countOf(summary, 'tdx')).toBe(0)
    expect(summary.linesSkipped).toBe(1)
  })
})

describe('CMR lines', () => {
  const cmrOnly = [
    '[    8.366483] virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, build_date 20240129, build_num 698',
    cmrLine(0x100000, 0x77800000),
    cmrLine(0x100000000, 0x206e000000, 3),
    '[    9.124357] virt/tdx: 1050636 KB allocated for PAMT'
  ]

  it('reads both "CMR: [a, b)" and "CMR[3]: [a, b)" with their lines', () => {
    const { host, summary } = parseOk(cmrOnly.join('\n'))
    expect(host.cmrs).toEqual([
      { baseBytes: 0x100000, endBytes: 0x77800000, line: 2 },
      { baseBytes: 0x100000000, endBytes: 0x206e000000, line: 3 }
    ])
    expect(countOf(summary, 'cmr')).toBe(2)
    expect(countOf(summary, 'biosE820')).toBe(0)
    expect(countOf(summary, 'tdx')).toBe(2)
  })

  it('uses the CMRs as RAM when there is no e820 table (memorySource "cmr")', () => {
    const { host, summary } = parseOk(cmrOnly.join('\n'))
    expect(host.memorySource).toBe('cmr')
    expect(host.ranges).toEqual([
      { baseBytes: 0x100000, endBytes: 0x77800000, type: 'ram', typeLabel: 'CMR', line: 2 },
      { baseBytes: 0x100000000, endBytes: 0x206e000000, type: 'ram', typeLabel: 'CMR', line: 3 }
    ])
    expect(summary.notes).toEqual([
      'No e820 table in the log: the TDX CMRs are used as the memory map (each CMR as RAM).'
    ])
  })

  it('uses the e820 table when both are present (memorySource "e820"), keeping the CMRs', () => {
    const { host, summary } = parseOk([...E820, ...cmrOnly].join('\n'))
    expect(host.memorySource).toBe('e820')
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'usable'],
      [0x100000, 2 * GiB, 'ram', 'usable']
    ])
    expect(host.cmrs.map((c) => c.line)).toEqual([4, 5])
    expect([countOf(summary, 'biosE820'), countOf(summary, 'cmr')]).toEqual([2, 2])
    expect(summary.notes).toEqual([
      'The e820 table is used as the memory map (mainline); CMRs are shown for reference.'
    ])
  })

  it('uses the e820 table even when the CMR lines come first', () => {
    const { host } = parseOk([...cmrOnly, ...E820].join('\n'))
    expect(host.memorySource).toBe('e820')
    expect(host.ranges.map((r) => r.line)).toEqual([5, 6])
  })

  it('has no notes for a plain e820 log', () => {
    expect(parseOk(E820.join('\n')).summary.notes).toEqual([])
  })
})

describe('summary', () => {
  it('lists recognised kinds, skipped lines and samples, and names the file', () => {
    const text = [
      '# comment',
      '',
      '[    0.000000] Linux version 6.8.0',
      '[    0.000000] BIOS-provided physical RAM map:',
      ...E820,
      '[    0.000000] BIOS-e820: [gap 0x00000000000a0000-0x00000000000fffff]',
      '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz',
      cmrLine(0x100000, 0x77800000),
      '[    9.124357] virt/tdx: 1050636 KB allocated for PAMT',
      '[    9.124363] virt/tdx: module initialized',
      `[    9.2] ${'x'.repeat(300)}`
    ].join('\n')
    const r = parseBootLog(text, 'my.log')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.summary).toEqual({
      formats: ['dmesg'],
      fileName: 'my.log',
      linesTotal: 12,
      recognised: [
        { what: 'BIOS-e820 table lines', count: 2 },
        { what: 'BIOS-e820 gap lines (ignored)', count: 1 },
        { what: 'other e820 lines (headers, setup_data, last_pfn, MTRR update)', count: 1 },
        { what: 'TDX CMR lines', count: 1 },
        { what: 'TDX kernel lines', count: 2 },
        { what: 'kernel version banners', count: 1 }
      ],
      // The command line and the long line; comments and blanks are not counted as skipped.
      linesSkipped: 2,
      skippedSamples: [
        { line: 8, text: '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz' },
        { line: 12, text: `[    9.2] ${'x'.repeat(190)}` }
      ],
      notes: ['The e820 table is used as the memory map (mainline); CMRs are shown for reference.']
    })
    expect(r.host.name).toBe('my.log')
  })

  it(`quotes only the first ${SKIPPED_SAMPLE_COUNT} skipped lines, trimmed`, () => {
    const noise = Array.from({ length: 20 }, (_, i) => `   noise ${i}   `)
    const { summary } = parseOk([...E820, ...noise].join('\n'))
    expect(summary.linesSkipped).toBe(20)
    expect(summary.skippedSamples).toEqual(
      noise.slice(0, SKIPPED_SAMPLE_COUNT).map((t, i) => ({ line: i + 3, text: t.trim() }))
    )
  })

  it('reports progress on long logs, ending at 1', () => {
    const filler = Array.from({ length: 200_000 }, (_, i) => `[ ${i}.000000] noise line ${i}`)
    const seen: number[] = []
    const r = parseBootLog([...E820, ...filler].join('\n'), 'long.log', {
      onProgress: (f) => seen.push(f)
    })
    expect(r.ok).toBe(true)
    expect(seen.length).toBeGreaterThan(2)
    expect(seen[seen.length - 1]).toBe(1)
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!)
    expect(seen.every((f) => f > 0 && f <= 1)).toBe(true)
  })
})

describe('host fixtures', () => {
  // Hand counts, from:
  //   grep -v '^#' F | grep -c 'BIOS-e820: \[mem'              (no fixture has [gap lines)
  //   grep -v '^#' F | grep -cE 'CMR(\[[0-9]+\])?: \[0x'
  //   grep -v '^#' F | grep -c 'e820: update'   /  grep -c 'e820: remove'
  //   grep -v '^#' F | grep -cE 'SRAT: Node [0-9]+ PXM'   (numaMemblks; none is non-volatile)
  //   the distinct "Node N" of those lines (nodes); "Faking a node" → numaSource 'none'
  //   wc -l F
  interface Expected {
    biosE820: number
    cmr: number
    updates: number
    removes: number
    linesTotal: number
    numaSource: 'srat' | 'none'
    memblks: number
    nodes: number
  }
  const none = { numaSource: 'none', memblks: 0, nodes: 0 } as const
  const srat = (memblks: number, nodes: number) => ({ numaSource: 'srat', memblks, nodes }) as const
  const expected: Record<string, Expected> = {
    'amd-epyc-naples-2s-1tib-8node.txt': {
      biosE820: 63,
      cmr: 0,
      updates: 2,
      removes: 1,
      linesTotal: 91,
      ...srat(10, 8)
    },
    'dell-r750xs-icx-1s-128g.txt': {
      biosE820: 22,
      cmr: 0,
      updates: 14,
      removes: 1,
      linesTotal: 52,
      ...srat(2, 1)
    },
    'desktop-amd-msi-a320m-16g.txt': {
      biosE820: 18,
      cmr: 0,
      updates: 9,
      removes: 1,
      linesTotal: 40,
      ...none
    },
    'hp-superdome2-16s-12tb.txt': {
      biosE820: 38,
      cmr: 0,
      updates: 1,
      removes: 1,
      linesTotal: 70,
      ...srat(17, 16)
    },
    'intel-coopercity-4s-320g.txt': {
      biosE820: 12,
      cmr: 0,
      updates: 6,
      removes: 1,
      linesTotal: 37,
      ...srat(5, 4)
    },
    'intel-server-32g-memmap-pmem-type12.txt': {
      biosE820: 13,
      cmr: 0,
      updates: 0,
      removes: 0,
      linesTotal: 43,
      ...none
    },
    'laptop-dell-xps13-9370-16g.txt': {
      biosE820: 23,
      cmr: 0,
      updates: 2,
      removes: 1,
      linesTotal: 40,
      ...none
    },
    'qemu-kvm-guest-2node-8g.txt': {
      biosE820: 8,
      cmr: 0,
      updates: 0,
      removes: 0,
      linesTotal: 26,
      ...srat(4, 2)
    },
    'qemu-q35-guest-20g-on-emr.txt': {
      biosE820: 10,
      cmr: 0,
      updates: 0,
      removes: 0,
      linesTotal: 21,
      ...none
    },
    'tdx-spr-8480c-2s-256g-cmr-only.txt': {
      biosE820: 0,
      cmr: 3,
      updates: 0,
      removes: 0,
      linesTotal: 18,
      ...none
    },
    'tdx-spr-gappy-cmrs-tdx10-fail.txt': {
      biosE820: 0,
      cmr: 4,
      updates: 0,
      removes: 0,
      linesTotal: 19,
      ...none
    },
    'workstation-lenovo-p520-xeonw-64g.txt': {
      biosE820: 21,
      cmr: 0,
      updates: 3,
      removes: 1,
      linesTotal: 36,
      ...none
    }
  }

  it('lists every fixture file in the table above', () => {
    const dir = dirname(hostFixturePath('README.md'))
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
    expect(files).toEqual(Object.keys(expected).sort())
  })

  it.each(Object.entries(expected))('%s parses with the hand-counted lines', (name, want) => {
    const r = parseBootLog(readHostFixture(name), name)
    if (!r.ok) throw new Error(`${r.error.code} line ${r.error.line}: ${r.error.message}`)
    const { host, summary } = r
    expect(summary.formats).toEqual(['dmesg'])
    expect(summary.linesTotal).toBe(want.linesTotal)
    expect(countOf(summary, 'biosE820')).toBe(want.biosE820)
    expect(countOf(summary, 'cmr')).toBe(want.cmr)
    expect(countOf(summary, 'e820Update')).toBe(want.updates)
    expect(countOf(summary, 'e820Remove')).toBe(want.removes)
    expect(host.memorySource).toBe(want.biosE820 > 0 ? 'e820' : 'cmr')
    expect(host.numaSource).toBe(want.numaSource)
    expect(host.numaMemblks).toHaveLength(want.memblks)
    expect(new Set(host.numaMemblks.map((m) => m.nid)).size).toBe(want.nodes)
    // One boot each: no multi-boot note.
    expect(summary.notes.some((n) => n.includes('boots'))).toBe(false)
    // The ranges of one table never overlap, edits included.
    const sorted = [...host.ranges].sort((a, b) => a.baseBytes - b.baseBytes)
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]!.baseBytes).toBeGreaterThanOrEqual(sorted[i - 1]!.endBytes)
    }
  })

  it('reads the 16 SRAT nodes of the HP Superdome2 (old "SRAT:" prefix, no "ACPI: ")', () => {
    const name = 'hp-superdome2-16s-12tb.txt'
    const r = parseOk(readHostFixture(name), name)
    expect(r.host.numaMemblks[0]).toEqual({
      baseBytes: 0,
      endBytes: 0x80000000,
      nid: 0,
      hotplug: false,
      line: 52
    })
    expect(r.host.numaMemblks[16]).toMatchObject({
      baseBytes: 0xb6000000000,
      endBytes: 0xc2000000000,
      nid: 15
    })
    expect(countOf(r.summary, 'numaMerge')).toBe(1)
  })

  it('applies the update and remove lines of the Dell R750xs (page 0 reserved, MTRR trim)', () => {
    const name = 'dell-r750xs-icx-1s-128g.txt'
    const r = parseOk(readHostFixture(name), name)
    // "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved" splits the first entry.
    expect(rangesOf(r.host).slice(0, 3)).toEqual([
      [0, 0x1000, 'reserved', 'reserved'],
      [0x1000, 0x8f000, 'ram', 'usable'],
      [0x8f000, 0x90000, 'reserved', 'reserved']
    ])
    // "usable ==> usable" (RAM to RESERVED_KERN) changes nothing.
    expect(r.host.ranges).toHaveLength(22 + 1)
    // Lines 34-47 (12 "usable ==> usable", then trim_bios_range's pair on 46-47) apply. The MTRR
    // trim on line 48 follows the BIOS-range trim with no "last_pfn" or "update e820 for mtrr"
    // line, so it removed no RAM (RAM ends at 0x6f800000 below 4 GiB) and is left out.
    expect(r.summary.notes).toEqual([
      '14 e820 update/remove lines were applied to the table in log order.',
      expect.stringMatching(
        /^1 e820 update\/remove line \(line 48\) was recognised but not applied/
      )
    ])
  })

  it('uses the user-defined table of the memmap=4G!4G host', () => {
    const name = 'intel-server-32g-memmap-pmem-type12.txt'
    const r = parseOk(readHostFixture(name), name)
    expect(r.host.ranges).toHaveLength(14)
    expect(r.host.ranges[0]!.line).toBe(30)
    expect(r.host.ranges.find((x) => x.baseBytes === 4 * GiB)).toMatchObject({
      endBytes: 8 * GiB,
      type: 'persistent',
      typeLabel: 'persistent (type 12)'
    })
    expect(countOf(r.summary, 'userE820')).toBe(14)
    expect(r.summary.notes).toEqual([
      'The user-defined e820 table (mem=/memmap=, line 29) replaces the BIOS table as the memory map.'
    ])
  })

  it('reproduces the SPR 8480C kernel value from its CMRs', () => {
    const name = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
    const r = parseBootLog(readHostFixture(name), name)
    if (!r.ok) throw new Error(r.error.message)
    expect(r.host.kernelLog).toEqual({
      ...emptyKernelTdxLog(),
      pamtKb: 1_050_636,
      pamtKbLine: 17,
      moduleVersion: '1.5 build 698 (20240129)',
      initialized: true,
      initLine: 18,
      keyIdRange: { first: 64, end: 128 },
      // Lines 10 (KeyIDs), 11 (ACPI S3), 13 (version), 17 (KB), 18 (initialized); CMR lines are
      // read as the memory map, not counted here.
      tdxLines: 5
    })
    expect(analyzeHost(r.host).staticPamt.kb).toBe(1_050_636)
  })

  it('reads the failed init of the gappy-CMR TDX 1.0 host', () => {
    const name = 'tdx-spr-gappy-cmrs-tdx10-fail.txt'
    const r = parseBootLog(readHostFixture(name), name)
    if (!r.ok) throw new Error(r.error.message)
    expect(r.host.kernelLog).toEqual({
      ...emptyKernelTdxLog(),
      moduleVersion: '1.0 build 457 (20230206)',
      initialized: false,
      initErrno: -5,
      initLine: 18,
      initFailure: 'module initialization failed (-5)',
      tdxLines: 5,
      seamcallFailures: [{ leaf: '0x0000000000000022', status: '0xc000050500000000', line: 15 }]
    })
    expect(r.host.memorySource).toBe('cmr')
    // The SEAMCALL line and its two register lines, the version line and the init result.
    expect(countOf(r.summary, 'tdx')).toBe(5)
    expect(r.summary.skippedSamples).toEqual([
      { line: 19, text: '[   10.798795] kvm_intel: Failed to initialize TDX module.' }
    ])
  })
})

describe('a log at the size limit', () => {
  // Speed is measured by `npm run bench` (import section), never here: CI machines vary.
  it('parses a 64 MiB log of realistic lines, counting every skipped line', () => {
    const { text, copies } = syntheticBootLog(64 * 2 ** 20)
    expect(text.length).toBeLessThanOrEqual(64 * 2 ** 20)
    expect(text.length).toBeGreaterThan(63 * 2 ** 20)
    const { host, summary } = parseOk(text)
    // Ranges are half-open: the e820 line's inclusive end + 1.
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'usable'],
      [0x100000, 0x80000000, 'ram', 'usable']
    ])
    // Of the seven repeated lines, "e820: reserve RAM buffer" is recognised as e820 (other), the
    // SRAT PXM -> APIC line as SRAT CPU affinity and the distance-table line as NUMA; four are skipped.
    expect(countOf(summary, 'e820Other')).toBe(copies)
    expect(summary.linesSkipped).toBe(copies * 4)
  }, 60_000)
})
