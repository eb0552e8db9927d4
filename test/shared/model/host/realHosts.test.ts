import { describe, expect, it } from 'vitest'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { readHostFixture } from '../../../support/fixtures'

/**
 * Real hosts, checked against values derived by hand from the kernel rules (dpamt-model.md §1.2-1.7,
 * §2.3, §2.5); the derivation is in each comment. Placement (and so PAMT reserved areas) uses the
 * default `first-candidate` policy (§1.5, inferred).
 */
function analyze(name: string): HostAnalysis {
  const r = parseBootLog(readHostFixture(name), name)
  if (!r.ok) throw new Error(`${r.error.fileName}:${r.error.line}: ${r.error.message}`)
  return analyzeHost(r.host)
}

const GiB = 2 ** 30
const ranges = (a: HostAnalysis): Array<[number, number]> =>
  a.tdmrs.map((t) => [t.baseBytes / GiB, (t.baseBytes + t.sizeBytes) / GiB])
const areaCounts = (a: HostAnalysis): number[] => a.tdmrs.map((t) => t.reservedAreas.length)

describe('TDX SPR 8480C, 2 sockets, 256 GiB, CMRs only (kernel printed 1050636 KB)', () => {
  const a = analyze('tdx-spr-8480c-2s-256g-cmr-only.txt')
  it('builds [0,2G) [4G,130G) [130G,258G): 256 GiB in 3 TDMRs = 4104·256 + 4·3 KB', () => {
    expect(ranges(a)).toEqual([
      [0, 2],
      [4, 130],
      [130, 258]
    ])
    expect(a.staticPamt.kb).toBe(1_050_636)
    expect(a.calibration?.matches).toBe(true)
    expect(a.dynamicPamt.staticKb).toBe(40 * 256 + 12)
  })
  it('needs 2 + 4 + 1 reserved areas: all three PAMT chunks land in TDMR1', () => {
    // Chunks of 2053, 129277 and 131329 pages at 0x100000, 0x11f8fd, 0x140202 (each first candidate
    // that does not overlap an earlier chunk); TDMR1 also has the tail hole after 0x206e000000.
    expect(areaCounts(a)).toEqual([2, 4, 1])
    expect(a.tdmrs.map((t) => t.pamtChunk?.baseBytes)).toEqual([
      0x100000000, 0x11f8fd000, 0x140202000
    ])
  })
  it('sizes refcounts: dense 129 pages (max_pfn 0x4070000), sparse 128', () => {
    expect(a.refcounts.denseBytes).toBe(129 * 4096)
    expect(a.refcounts.sparsePages).toBe(128)
  })
})

describe('TDX gappy CMRs (module 1.0, init failed)', () => {
  const a = analyze('tdx-spr-gappy-cmrs-tdx10-fail.txt')
  it('covers 2 + 444 + 448 + 2 GiB; TDMRs over 256 GiB need two PAMT_1G pages', () => {
    expect(ranges(a)).toEqual([
      [0, 2],
      [4, 448],
      [512, 960],
      [1024, 1026]
    ])
    expect(a.staticPamt.kb).toBe(4104 * 896 + 4 + 8 + 8 + 4)
  })
  it('explains that the model finds no TDMR failure, so the logged failure lies elsewhere', () => {
    expect(a.initSucceeds).toBe(true)
    expect(a.problems.map((p) => p.code)).toContain('KERNEL_INIT_FAILED_ELSEWHERE')
  })
})

describe('HP Superdome2, 16 sockets, 12 TiB, SRAT', () => {
  const a = analyze('hp-superdome2-16s-12tb.txt')
  it('splits memory at the 16 node boundaries: 17 TDMRs', () => {
    // Node 0: [0,2G) and [4G,770G); nodes 1-15: 768 GiB each from 896 GiB up to 12416 GiB.
    expect(a.nodes).toHaveLength(16)
    expect(a.tdmrs).toHaveLength(17)
    expect(ranges(a).slice(0, 4)).toEqual([
      [0, 2],
      [4, 770],
      [896, 1664],
      [1664, 2432]
    ])
    expect(a.tdmrCoveredBytes).toBe(12288 * GiB)
  })
  it('gives 4104·12288 KB + PAMT_1G pages 1 + 3 + 15·3', () => {
    expect(a.staticPamt.kb).toBe(4104 * 12288 + 4 * (1 + 3 + 15 * 3))
    expect(a.dynamicPamt.staticKb).toBe(40 * 12288 + 4 * (1 + 3 + 15 * 3))
  })
  it('puts each node PAMT on its node: 5, 3, 2 then 1 reserved areas', () => {
    expect(areaCounts(a)).toEqual([5, 3, 2, ...Array(14).fill(1)])
    expect(a.tdmrs[2]!.pamtChunk).toMatchObject({ baseBytes: 0xe000001000, nid: 1 })
    expect(a.nodes.every((n) => n.tdmrIndexes.length >= 1)).toBe(true)
  })
  it('sizes refcounts: dense 6208 pages, sparse 6144 (pages 0, 2-384, 448-6207)', () => {
    expect(a.refcounts.densePages).toBe(6208)
    expect(a.refcounts.sparsePages).toBe(1 + 383 + 5760)
  })
})

describe('Intel server 32 GiB with memmap=4G!4G (persistent type 12)', () => {
  const a = analyze('intel-server-32g-memmap-pmem-type12.txt')
  it('uses the user-defined map: [4G,8G) is PRAM, not TDX memory', () => {
    expect(ranges(a)).toEqual([
      [0, 2],
      [8, 34]
    ])
    expect(a.staticPamt.kb).toBe(4104 * 28 + 8)
  })
  it('has 4 holes below 2G and two PAMT chunks from 8 GiB', () => {
    expect(areaCounts(a)).toEqual([4, 2])
    expect(a.tdmrs.map((t) => t.pamtChunk?.baseBytes)).toEqual([0x200000000, 0x206835000])
  })
  it('sizes refcounts: max_pfn 0x880000 → dense 17 pages, sparse 14', () => {
    expect(a.maxPfn).toBe(0x880000)
    expect(a.refcounts.densePages).toBe(17)
    expect(a.refcounts.sparsePages).toBe(14)
  })
})

describe('QEMU guest, 2 NUMA nodes, 8 GiB', () => {
  const a = analyze('qemu-kvm-guest-2node-8g.txt')
  it('splits at the node boundary 0x144000000: [0,3G) [4G,6G) [6G,9G)', () => {
    expect(a.numaSource).toBe('srat')
    expect(ranges(a)).toEqual([
      [0, 3],
      [4, 6],
      [6, 9]
    ])
    expect(a.staticPamt.kb).toBe(4104 * 8 + 12)
  })
  it('puts node 1 PAMT at its first page, inside TDMR1: areas 2, 3, 0', () => {
    expect(a.tdmrs.map((t) => [t.pamtChunk?.baseBytes, t.pamtChunk?.nid])).toEqual([
      [0x100000000, 0],
      [0x10100a000, 0],
      [0x144000000, 1]
    ])
    expect(areaCounts(a)).toEqual([2, 3, 0])
  })
  it('needs 5 refcount pages dense and sparse', () => {
    expect(a.refcounts.densePages).toBe(5)
    expect(a.refcounts.sparsePages).toBe(5)
  })
})

describe('QEMU q35 guest, 20 GiB, faked node', () => {
  const a = analyze('qemu-q35-guest-20g-on-emr.txt')
  it('builds [0,2G) [4G,22G): 4104·20 + 8 KB', () => {
    expect(a.numaSource).toBe('none')
    expect(ranges(a)).toEqual([
      [0, 2],
      [4, 22]
    ])
    expect(a.staticPamt.kb).toBe(82_088)
    expect(a.dynamicPamt.staticKb).toBe(808)
  })
  it('has holes [0,1M) and the tail after 0x7ffdc000, and two PAMT areas in TDMR1', () => {
    expect(a.tdmrs[0]!.holes.map((h) => [h.baseBytes, h.sizeBytes])).toEqual([
      [0, 0x100000],
      [0x7ffdc000, 0x80000000 - 0x7ffdc000]
    ])
    expect(a.tdmrs.map((t) => t.pamtChunk?.baseBytes)).toEqual([0x100000000, 0x104825000])
    expect(areaCounts(a)).toEqual([2, 2])
  })
  it('sizes refcounts: dense 11 pages, sparse 10', () => {
    expect(a.refcounts.densePages).toBe(11)
    expect(a.refcounts.sparsePages).toBe(10)
  })
})
