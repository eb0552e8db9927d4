import { describe, expect, it } from 'vitest'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog, type HostInput, type MemoryRange } from '@shared/model/host/memoryMap'
import { parseBootLog } from '@shared/import/bootLog'
import { readHostFixture } from '../../../support/fixtures'

function ram(base: number, lastInclusive: number, line = 1): MemoryRange {
  return {
    baseBytes: base,
    endBytes: lastInclusive + 1,
    type: 'ram',
    typeLabel: 'usable',
    line
  }
}

function host(ranges: MemoryRange[]): HostInput {
  return {
    name: 't',
    ranges,
    memorySource: 'e820',
    numaMemblks: [],
    numaSource: 'none',
    cmrs: [],
    kernelLog: emptyKernelTdxLog()
  }
}

function analyzeFixture(name: string): ReturnType<typeof analyzeHost> {
  const r = parseBootLog(readHostFixture(name), name)
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host)
}

describe('dpamt-model.md §1.8 worked example', () => {
  const a = analyzeHost(
    host([ram(0, 0x9efff), ram(0x100000, 0x7fffffff), ram(0x100000000, 0x107fffffff)])
  )

  it('clamps the first MiB and builds two memory blocks', () => {
    expect(a.memoryBlocks).toEqual([
      { startPfn: 0x100, endPfn: 0x80000, nid: 0 },
      { startPfn: 0x100000, endPfn: 0x1080000, nid: 0 }
    ])
  })

  it('builds TDMR0 [0, 2G) and TDMR1 [4G, 66G)', () => {
    expect(a.tdmrs.map((t) => [t.baseBytes, t.sizeBytes])).toEqual([
      [0, 2 * 2 ** 30],
      [4 * 2 ** 30, 62 * 2 ** 30]
    ])
  })

  it('sizes every PAMT level to the byte', () => {
    expect(a.tdmrs[0]!.staticPamt).toEqual({
      pamt4kBytes: 8_388_608,
      pamt2mBytes: 16_384,
      pamt1gBytes: 4096
    })
    expect(a.tdmrs[1]!.staticPamt).toEqual({
      pamt4kBytes: 260_046_848,
      pamt2mBytes: 507_904,
      pamt1gBytes: 4096
    })
    expect(a.staticPamt.kb).toBe(262_664)
  })

  it('gives the Dynamic PAMT static part as 40·G + 4·N KB', () => {
    expect(a.tdmrs[0]!.dynamicPamtStatic.bitmapBytes).toBe(65_536)
    expect(a.tdmrs[1]!.dynamicPamtStatic.bitmapBytes).toBe(2_031_616)
    expect(a.dynamicPamt.staticKb).toBe(2568)
  })

  it('sizes dense refcounts at 33 pages and sparse at 32 (page 1 skipped)', () => {
    expect(a.maxPfn).toBe(0x1080000)
    expect(a.refcounts.denseBytes).toBe(135_168)
    expect(a.refcounts.sparsePages).toBe(32)
    expect(a.refcounts.sparsePageRanges).toEqual([
      { firstPage: 0, lastPage: 0 },
      { firstPage: 2, lastPage: 32 }
    ])
  })

  it('finds the first MiB as the only hole of TDMR0 (§1.6)', () => {
    expect(a.tdmrs[0]!.holes).toEqual([{ baseBytes: 0, sizeBytes: 0x100000, kind: 'hole' }])
    expect(a.tdmrs[1]!.holes).toEqual([])
  })

  it('puts both PAMT chunks in ZONE_NORMAL inside TDMR1: two PAMT areas, never merged (§1.8)', () => {
    // Chunk 0: 2053 pages at ALIGN(0x100000, 2053) = 0x100000. Chunk 1: 63613 pages; its first
    // candidate 0x100000 overlaps chunk 0, so the next one, 0x100000 + 63613 = 0x10f87d.
    expect(
      a.tdmrs.map(
        (t) => t.pamtChunk && [t.pamtChunk.baseBytes, t.pamtChunk.sizeBytes, t.pamtChunk.zone]
      )
    ).toEqual([
      [0x100000000, 2053 * 4096, 'Normal'],
      [0x10f87d000, 63613 * 4096, 'Normal']
    ])
    expect(a.tdmrs[0]!.reservedAreas).toHaveLength(1)
    expect(a.tdmrs[1]!.reservedAreas).toEqual([
      { baseBytes: 0x100000000, sizeBytes: 2053 * 4096, kind: 'pamt', pamtOfTdmr: 0 },
      { baseBytes: 0x10f87d000, sizeBytes: 63613 * 4096, kind: 'pamt', pamtOfTdmr: 1 }
    ])
    expect(a.initSucceeds).toBe(true)
  })
})

describe('real hosts', () => {
  it('reproduces the 1050636 KB the SPR 8480C kernel printed, from its CMRs', () => {
    const a = analyzeFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
    expect(a.staticPamt.kb).toBe(1_050_636)
    expect(a.tdmrs).toHaveLength(3)
    expect(a.tdmrCoveredBytes).toBe(256 * 2 ** 30)
    expect(a.calibration).toMatchObject({
      kernelPamtKb: 1_050_636,
      modelKb: 1_050_636,
      matches: true
    })
    expect(a.calibration!.kernelDecoded).toEqual({ tdmrGiB: 256, tdmrCount: 3, ambiguous: false })
    expect(a.problems.filter((p) => p.severity !== 'info')).toEqual([])
  })
})
