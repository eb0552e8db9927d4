import { describe, expect, it } from 'vitest'
import { countOf, dmesg, e820Line, GiB, parseOk, sratLine } from './support'

const E820 = [e820Line(0, 0x9efff), e820Line(0x100000, 8 * GiB - 1)]
const parse = (...numa: string[]): ReturnType<typeof parseOk> =>
  parseOk([...E820, ...numa].join('\n'))

describe('SRAT memory affinity lines', () => {
  it('reads "ACPI: SRAT: Node N PXM P [mem a-b]" (end inclusive → exclusive)', () => {
    const { host, summary } = parse(
      sratLine(0, 0, 0x9ffff),
      sratLine(0, 0x100000, 4 * GiB - 1),
      sratLine(1, 4 * GiB, 8 * GiB - 1, '', 3)
    )
    expect(host.numaSource).toBe('srat')
    expect(host.numaMemblks).toEqual([
      { baseBytes: 0, endBytes: 0xa0000, nid: 0, hotplug: false, line: 3 },
      { baseBytes: 0x100000, endBytes: 4 * GiB, nid: 0, hotplug: false, line: 4 },
      { baseBytes: 4 * GiB, endBytes: 8 * GiB, nid: 1, hotplug: false, line: 5 }
    ])
    expect(countOf(summary, 'srat')).toBe(3)
  })

  it('reads the older "SRAT: Node …" form without "ACPI: "', () => {
    const { host } = parse(dmesg('SRAT: Node 2 PXM 2 [mem 0x100000000-0x1ffffffff]'))
    expect(host.numaMemblks).toEqual([
      { baseBytes: 4 * GiB, endBytes: 8 * GiB, nid: 2, hotplug: false, line: 3 }
    ])
  })

  it('keeps the hotplug flag', () => {
    const { host } = parse(sratLine(1, 4 * GiB, 8 * GiB - 1, ' hotplug'))
    expect(host.numaMemblks[0]!.hotplug).toBe(true)
  })

  it('skips non-volatile ranges with a note', () => {
    const { host, summary } = parse(
      sratLine(0, 0, 4 * GiB - 1),
      sratLine(1, 4 * GiB, 8 * GiB - 1, ' non-volatile'),
      sratLine(1, 8 * GiB, 16 * GiB - 1, ' hotplug non-volatile')
    )
    expect(host.numaMemblks.map((m) => m.line)).toEqual([3])
    expect(countOf(summary, 'srat')).toBe(3)
    expect(summary.notes).toEqual([
      '2 non-volatile SRAT ranges (persistent memory, lines 4, 5) are not used as NUMA memory blocks.'
    ])
  })

  it('recognises the CPU affinity lines, which say nothing about memory (sratCpus.test.ts)', () => {
    const { host, summary } = parse(
      dmesg('ACPI: SRAT: PXM 0 -> APIC 0x00 -> Node 0'),
      dmesg('SRAT: PXM 1 -> X2APIC 0x0100 -> Node 1'),
      dmesg('NUMA: Initialized distance table, cnt=2')
    )
    expect(host.numaSource).toBe('none')
    expect(countOf(summary, 'sratCpu')).toBe(2)
    expect(countOf(summary, 'numaOther')).toBe(1)
    expect(summary.linesSkipped).toBe(0)
  })

  it('prefers SRAT lines over the merge lines (which are still counted)', () => {
    const { host, summary } = parse(
      sratLine(0, 0, 0x9ffff),
      sratLine(0, 0x100000, 8 * GiB - 1),
      dmesg(
        'NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0x1ffffffff] -> [mem 0x00000000-0x1ffffffff]'
      )
    )
    expect(host.numaSource).toBe('srat')
    expect(host.numaMemblks).toHaveLength(2)
    expect(countOf(summary, 'numaMerge')).toBe(1)
  })
})

describe('NUMA merge lines without SRAT', () => {
  it('uses the merged ranges, chaining merges of one node', () => {
    const { host, summary } = parse(
      dmesg(
        'NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff] -> [mem 0x00000000-0xbfffffff]'
      ),
      dmesg(
        'NUMA: Node 0 [mem 0x00000000-0xbfffffff] + [mem 0x100000000-0x143ffffff] -> [mem 0x00000000-0x143ffffff]'
      ),
      dmesg(
        'NUMA: Node 1 [mem 0x144000000-0x1bfffffff] + [mem 0x1c0000000-0x1ffffffff] -> [mem 0x144000000-0x1ffffffff]'
      )
    )
    expect(host.numaSource).toBe('numa-merge')
    expect(host.numaMemblks).toEqual([
      { baseBytes: 0, endBytes: 0x144000000, nid: 0, hotplug: false, line: 4 },
      { baseBytes: 0x144000000, endBytes: 8 * GiB, nid: 1, hotplug: false, line: 5 }
    ])
    expect(summary.notes).toEqual([
      'No SRAT lines: the NUMA blocks come from the "NUMA: Node N … -> …" merge lines, which name only nodes with several blocks.'
    ])
  })
})

describe('no NUMA', () => {
  it('"No NUMA configuration found" + "Faking a node" → none', () => {
    const { host, summary } = parse(
      dmesg('No NUMA configuration found'),
      dmesg('Faking a node at [mem 0x0000000000000000-0x00000001ffffffff]')
    )
    expect(host.numaSource).toBe('none')
    expect(host.numaMemblks).toEqual([])
    expect(countOf(summary, 'noNuma')).toBe(2)
  })

  it('falls back to none when the kernel did, even after SRAT lines (with a note)', () => {
    const { host, summary } = parse(
      sratLine(0, 0, 8 * GiB - 1),
      dmesg('No NUMA configuration found'),
      dmesg('Faking a node at [mem 0x0000000000000000-0x00000001ffffffff]')
    )
    expect(host.numaSource).toBe('none')
    expect(host.numaMemblks).toEqual([])
    expect(summary.notes).toEqual([
      'The kernel fell back to one fake NUMA node ("No NUMA configuration found"), so the SRAT lines are not used.'
    ])
  })

  it('"NUMA turned off" (numa=off) → none', () => {
    expect(parse(dmesg('NUMA turned off')).host.numaSource).toBe('none')
  })

  it('no NUMA lines at all → none', () => {
    const { host } = parse()
    expect([host.numaSource, host.numaMemblks]).toEqual(['none', []])
  })
})
