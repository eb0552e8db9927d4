import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { emptyKernelTdxLog } from '@shared/model/host/memoryMap'
import { countOf, GiB, parseOk, rangesOf } from './support'

const DIR = fileURLToPath(new URL('../../fixtures/formats/dmesg/', import.meta.url))
const read = (name: string): string => readFileSync(DIR + name, 'utf8')
const load = (name: string): ReturnType<typeof parseOk> => parseOk(read(name), name)

describe('synthetic dmesg fixtures (test/fixtures/formats/dmesg)', () => {
  it('each starts with a "#" header saying what it tests', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'))
    expect(files.length).toBeGreaterThanOrEqual(7)
    for (const f of files) {
      const text = read(f)
      expect(text.startsWith('# Synthetic. Tests: '), f).toBe(true)
      expect(text, f).toMatch(/^# Expect: /m)
    }
  })

  it('e820-update-remove.txt', () => {
    const { host, summary } = load('e820-update-remove.txt')
    expect(rangesOf(host)).toEqual([
      [0, 0x1000, 'reserved', 'reserved'],
      [0x1000, 0xa0000, 'ram', 'usable'],
      [0xa0000, 0x100000, 'reserved', 'reserved'],
      [0x100000, 0x7f000000, 'ram', 'usable'],
      [0x7f000000, 2 * GiB, 'reserved', 'reserved'],
      [4 * GiB, 18 * GiB, 'ram', 'usable']
    ])
    expect(host.ranges.map((r) => r.line)).toEqual([14, 7, 8, 9, 17, 10])
    expect(countOf(summary, 'e820Update')).toBe(3)
    expect(countOf(summary, 'e820Remove')).toBe(1)
    expect(countOf(summary, 'e820Other')).toBe(5)
    expect(summary.linesSkipped).toBe(0)
  })

  it('user-table-mem.txt', () => {
    const { host, summary } = load('user-table-mem.txt')
    expect(rangesOf(host)).toEqual([
      [0, 0x1000, 'reserved', 'reserved'],
      [0x1000, 0xa0000, 'ram', 'usable'],
      [0xa0000, 0x100000, 'reserved', 'reserved'],
      [0x100000, 2 * GiB, 'ram', 'usable'],
      [4 * GiB, 12 * GiB, 'ram', 'usable']
    ])
    expect(host.ranges[0]!.line).toBe(16)
    expect(summary.notes).toContain(
      'The user-defined e820 table (mem=/memmap=, line 11) replaces the BIOS table as the memory map.'
    )
  })

  it('two-boots-identical.txt', () => {
    const { host, summary } = load('two-boots-identical.txt')
    expect(host.ranges.map((r) => r.line)).toEqual([16, 17, 18])
    expect(host.kernelLog).toEqual({
      ...emptyKernelTdxLog(),
      pamtKb: 2568,
      pamtKbLine: 20,
      dynamicPamtEnabled: true,
      initialized: true,
      // The last boot's lines 19-21.
      initLine: 21,
      tdxLines: 3
    })
    expect(summary.notes).toEqual([
      'The log holds 2 boots with identical BIOS-e820 tables (from lines 6, 16); the table is used once, with the lines of the last boot (from line 14).'
    ])
    expect(summary.skippedSamples.map((s) => s.line)).toEqual([12, 13])
  })

  it('two-boots-different.txt', () => {
    const { host, summary } = load('two-boots-different.txt')
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'usable'],
      [0x100000, 4 * GiB, 'ram', 'usable']
    ])
    expect(host.ranges[1]!.line).toBe(10)
    expect(summary.notes[0]).toMatch(/^The log holds 2 boots whose BIOS-e820 tables differ/)
  })

  it('srat-hotplug-nvdimm.txt', () => {
    const { host, summary } = load('srat-hotplug-nvdimm.txt')
    expect(host.numaSource).toBe('srat')
    expect(
      host.numaMemblks.map((m) => [m.nid, m.baseBytes, m.endBytes, m.hotplug, m.line])
    ).toEqual([
      [0, 0, 2 * GiB, false, 11],
      [0, 4 * GiB, 18 * GiB, false, 12],
      [1, 34 * GiB, 50 * GiB, true, 14]
    ])
    expect(countOf(summary, 'sratCpu')).toBe(2)
    expect(countOf(summary, 'numaMerge')).toBe(1)
    expect(summary.linesSkipped).toBe(0)
    expect(summary.notes).toEqual([
      '1 non-volatile SRAT ranges (persistent memory, lines 13) are not used as NUMA memory blocks.'
    ])
  })

  it('numa-merge-only.txt', () => {
    const { host } = load('numa-merge-only.txt')
    expect(host.numaSource).toBe('numa-merge')
    expect(host.numaMemblks).toEqual([
      { baseBytes: 0, endBytes: 0x144000000, nid: 0, hotplug: false, line: 8 }
    ])
  })

  it('tdx-failure-lines.txt', () => {
    const { host, summary } = load('tdx-failure-lines.txt')
    expect(host.kernelLog).toEqual({
      ...emptyKernelTdxLog(),
      dynamicPamtEnabled: true,
      moduleVersion: '1.5.24',
      initialized: false,
      initErrno: -28,
      // The first failure printed is the cause; the errno comes from the later summary line.
      initLine: 13,
      initFailure: 'TDMR [0x0, 0x80000000): reserved areas exhausted',
      // Lines 7-17: ten TDX lines and the node-0 fallback warning.
      tdxLines: 11,
      keyIdRange: { first: 16, end: 64 },
      tdmrsReachingLimit: { used: 62, max: 64 },
      reservedAreasExhausted: { baseBytes: 0, endBytes: 0x80000000, line: 13 },
      seamcallFailures: [{ leaf: '0x0000000000000008', status: '0xc0000c0000000000', line: 14 }]
    })
    expect(countOf(summary, 'tdx')).toBe(10)
    expect(countOf(summary, 'pamtNodeFallback')).toBe(1)
    expect(summary.linesSkipped).toBe(0)
  })
})
