import { describe, expect, it } from 'vitest'
import { assignNodes, numaCleanupMeminfo, uncoveredRamBytes } from '@shared/model/host/numa'
import type { NumaMemblk } from '@shared/model/host/memoryMap'

const blk = (nid: number, base: number, lastInclusive: number): NumaMemblk => ({
  baseBytes: base,
  endBytes: lastInclusive + 1,
  nid,
  hotplug: false,
  line: 0
})

// The QEMU 2-node guest's SRAT and RAM (test/fixtures/hosts/qemu-kvm-guest-2node-8g.txt).
const srat = [
  blk(0, 0, 0x9ffff),
  blk(0, 0x100000, 0xbfffffff),
  blk(0, 0x100000000, 0x143ffffff),
  blk(1, 0x144000000, 0x23fffffff)
]
const ram = [
  { baseBytes: 0, endBytes: 0x9f000 },
  { baseBytes: 0x100000, endBytes: 0xbffe0000 },
  { baseBytes: 0x100000000, endBytes: 0x240000000 }
]

describe('numa_cleanup_meminfo (dpamt-model.md §1.2 step 1)', () => {
  it('joins same-node blocks as the kernel logged it', () => {
    // Log: "NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff] -> [mem 0x00000000-0xbfffffff]"
    // then "+ [mem 0x100000000-0x143ffffff] -> [mem 0x00000000-0x143ffffff]".
    const r = numaCleanupMeminfo(srat, ram, 0x240000)
    expect(r).toEqual({
      ok: true,
      merges: 2,
      blocks: [
        { baseBytes: 0, endBytes: 0x144000000, nid: 0 },
        { baseBytes: 0x144000000, endBytes: 0x240000000, nid: 1 }
      ]
    })
  })

  it('does not join across another node', () => {
    const r = numaCleanupMeminfo(
      [blk(0, 0, 0xfffffff), blk(1, 0x10000000, 0x1fffffff), blk(0, 0x20000000, 0x2fffffff)],
      [{ baseBytes: 0, endBytes: 0x30000000 }],
      0x30000
    )
    expect(r.ok && r.blocks.map((b) => b.nid)).toEqual([0, 1, 0])
  })

  it('drops blocks with no RAM and clips at max_pfn', () => {
    const r = numaCleanupMeminfo(
      [blk(0, 0, 0x3fffffff), blk(1, 0x80000000, 0xbfffffff)],
      [{ baseBytes: 0x100000, endBytes: 0x20000000 }],
      0x20000
    )
    expect(r).toEqual({
      ok: true,
      merges: 0,
      blocks: [{ baseBytes: 0, endBytes: 0x20000000, nid: 0 }]
    })
  })

  it('fails on blocks of different nodes that overlap', () => {
    const r = numaCleanupMeminfo(
      [blk(0, 0, 0x1fffffff), blk(1, 0x10000000, 0x2fffffff)],
      [{ baseBytes: 0, endBytes: 0x30000000 }],
      0x30000
    )
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toContain('overlaps with node 1')
  })
})

describe('node assignment (memblock_set_node)', () => {
  it('splits RAM at the node boundary and merges same-node neighbours', () => {
    const r = numaCleanupMeminfo(srat, ram, 0x240000)
    if (!r.ok) throw new Error(r.reason)
    expect(assignNodes(ram, r.blocks)).toEqual({
      orphanBytes: 0,
      regions: [
        { baseBytes: 0, endBytes: 0x9f000, nid: 0 },
        { baseBytes: 0x100000, endBytes: 0xbffe0000, nid: 0 },
        { baseBytes: 0x100000000, endBytes: 0x144000000, nid: 0 },
        { baseBytes: 0x144000000, endBytes: 0x240000000, nid: 1 }
      ]
    })
  })

  it('measures RAM no block covers', () => {
    expect(
      uncoveredRamBytes(
        [{ baseBytes: 0, endBytes: 0x300000 }],
        [{ baseBytes: 0, endBytes: 0x100000, nid: 0 }]
      )
    ).toBe(0x200000)
  })
})
