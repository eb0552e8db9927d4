import { readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { hostFixturePath, readHostFixture } from '../../support/fixtures'
import { cmrLine, e820Line, GiB, parseOk, rangesOf } from './support'

const E820 = [e820Line(0, 0x9efff), e820Line(0x100000, 2 * GiB - 1)]

describe('TDX kernel lines', () => {
  it('reads "N KB allocated for PAMT" with its line number', () => {
    const { host, summary } = parseOk(
      [...E820, 'unrelated', '[    9.124357] virt/tdx: 1050636 KB allocated for PAMT'].join('\n')
    )
    expect(host.kernelLog.pamtKb).toBe(1_050_636)
    expect(host.kernelLog.pamtKbLine).toBe(4)
    expect(host.kernelLog.dynamicPamtEnabled).toBe(false)
    expect(summary.tdxLines).toBe(1)
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
    expect(summary.tdxLines).toBe(2)
  })

  it('leaves every kernel field unknown when the log has no TDX lines', () => {
    const { host, summary } = parseOk(E820.join('\n'))
    expect(host.kernelLog).toEqual({
      pamtKb: null,
      pamtKbLine: null,
      dynamicPamtEnabled: false,
      moduleVersion: null,
      initialized: null
    })
    expect(summary.tdxLines).toBe(0)
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
    expect(summary.tdxLines).toBe(1)
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
    expect(summary.tdxLines).toBe(1)
  })

  it('does not take "Failed to initialize TDX module." from kvm_intel as an init result', () => {
    const { host, summary } = parseOk(
      [...E820, '[   10.798795] kvm_intel: Failed to initialize TDX module.'].join('\n')
    )
    expect(host.kernelLog.initialized).toBeNull()
    expect(summary.tdxLines).toBe(0)
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
    expect(summary.cmrLines).toBe(2)
    expect(summary.e820Lines).toBe(0)
    expect(summary.tdxLines).toBe(4)
  })

  it('uses the CMRs as RAM when there is no e820 table (memorySource "cmr")', () => {
    const { host, summary } = parseOk(cmrOnly.join('\n'))
    expect(host.memorySource).toBe('cmr')
    expect(host.ranges).toEqual([
      { baseBytes: 0x100000, endBytes: 0x77800000, type: 'ram', typeLabel: 'CMR', nid: 0, line: 2 },
      {
        baseBytes: 0x100000000,
        endBytes: 0x206e000000,
        type: 'ram',
        typeLabel: 'CMR',
        nid: 0,
        line: 3
      }
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
    expect(summary).toMatchObject({ e820Lines: 2, cmrLines: 2 })
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
  it('counts lines, recognised and skipped, and names the file', () => {
    const text = [
      '# comment',
      '',
      '[    0.000000] Linux version 6.8.0',
      '[    0.000000] BIOS-provided physical RAM map:',
      ...E820,
      '[    0.000000] BIOS-e820: [gap 0x00000000000a0000-0x00000000000fffff]',
      cmrLine(0x100000, 0x77800000),
      '[    9.124357] virt/tdx: 1050636 KB allocated for PAMT',
      '[    9.124363] virt/tdx: module initialized'
    ].join('\n')
    const r = parseBootLog(text, 'my.log')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.summary).toEqual({
      format: 'dmesg',
      fileName: 'my.log',
      linesTotal: 10,
      e820Lines: 2,
      cmrLines: 1,
      tdxLines: 3,
      // The two plain kernel lines; comments, blanks and gap lines are not counted as skipped.
      linesSkipped: 2,
      notes: ['The e820 table is used as the memory map (mainline); CMRs are shown for reference.']
    })
    expect(r.host.name).toBe('my.log')
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
  //   wc -l F
  const expected: Record<string, { e820Lines: number; cmrLines: number; linesTotal: number }> = {
    'amd-epyc-naples-2s-1tib-8node.txt': { e820Lines: 63, cmrLines: 0, linesTotal: 91 },
    'dell-r750xs-icx-1s-128g.txt': { e820Lines: 22, cmrLines: 0, linesTotal: 52 },
    'desktop-amd-msi-a320m-16g.txt': { e820Lines: 18, cmrLines: 0, linesTotal: 40 },
    'hp-superdome2-16s-12tb.txt': { e820Lines: 38, cmrLines: 0, linesTotal: 70 },
    'intel-coopercity-4s-320g.txt': { e820Lines: 12, cmrLines: 0, linesTotal: 37 },
    'intel-server-32g-memmap-pmem-type12.txt': { e820Lines: 13, cmrLines: 0, linesTotal: 43 },
    'laptop-dell-xps13-9370-16g.txt': { e820Lines: 23, cmrLines: 0, linesTotal: 40 },
    'qemu-kvm-guest-2node-8g.txt': { e820Lines: 8, cmrLines: 0, linesTotal: 26 },
    'qemu-q35-guest-20g-on-emr.txt': { e820Lines: 10, cmrLines: 0, linesTotal: 21 },
    'tdx-spr-8480c-2s-256g-cmr-only.txt': { e820Lines: 0, cmrLines: 3, linesTotal: 18 },
    'tdx-spr-gappy-cmrs-tdx10-fail.txt': { e820Lines: 0, cmrLines: 4, linesTotal: 19 },
    'workstation-lenovo-p520-xeonw-64g.txt': { e820Lines: 21, cmrLines: 0, linesTotal: 36 }
  }

  it('lists every fixture file in the table above', () => {
    const dir = dirname(hostFixturePath('README.md'))
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
    expect(files).toEqual(Object.keys(expected).sort())
  })

  it.each(Object.entries(expected))('%s parses with the hand-counted lines', (name, counts) => {
    const r = parseBootLog(readHostFixture(name), name)
    if (!r.ok) throw new Error(`${r.error.code} line ${r.error.line}: ${r.error.message}`)
    expect(r.summary).toMatchObject(counts)
    expect(r.host.memorySource).toBe(counts.e820Lines > 0 ? 'e820' : 'cmr')
    expect(r.host.ranges).toHaveLength(counts.e820Lines > 0 ? counts.e820Lines : counts.cmrLines)
  })

  it('reproduces the SPR 8480C kernel value from its CMRs', () => {
    const name = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
    const r = parseBootLog(readHostFixture(name), name)
    if (!r.ok) throw new Error(r.error.message)
    expect(r.host.kernelLog).toEqual({
      pamtKb: 1_050_636,
      pamtKbLine: 17,
      dynamicPamtEnabled: false,
      moduleVersion: '1.5 build 698 (20240129)',
      initialized: true
    })
    expect(analyzeHost(r.host).staticPamt.kb).toBe(1_050_636)
  })

  it('reads the failed init of the gappy-CMR TDX 1.0 host', () => {
    const name = 'tdx-spr-gappy-cmrs-tdx10-fail.txt'
    const r = parseBootLog(readHostFixture(name), name)
    if (!r.ok) throw new Error(r.error.message)
    expect(r.host.kernelLog.initialized).toBe(false)
    expect(r.host.kernelLog.pamtKb).toBeNull()
    expect(r.host.kernelLog.moduleVersion).toBe('1.0 build 457 (20230206)')
    expect(r.host.memorySource).toBe('cmr')
  })
})
