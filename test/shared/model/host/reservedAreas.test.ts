import { describe, expect, it } from 'vitest'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog, type HostInput, type MemoryRange } from '@shared/model/host/memoryMap'
import { tdmrHoles, tdmrPamtAreas } from '@shared/model/host/reservedAreas'

const G = 2 ** 30
const ram = (base: number, end: number): MemoryRange => ({
  baseBytes: base,
  endBytes: end,
  type: 'ram',
  typeLabel: 'usable',
  line: 0
})

function host(ranges: MemoryRange[], cmrs: Array<[number, number]> = []): HostInput {
  return {
    name: 't',
    ranges,
    memorySource: 'e820',
    numaMemblks: [],
    numaSource: 'none',
    cmrs: cmrs.map(([b, e]) => ({ baseBytes: b, endBytes: e, line: 0 })),
    kernelLog: emptyKernelTdxLog()
  }
}

/** A fine-grained map below 2 GiB: RAM pieces separated by n small reserved gaps. */
function fineGrainedLow(gaps: number): MemoryRange[] {
  const out: MemoryRange[] = []
  let base = 0x100000
  for (let i = 0; i < gaps; i++) {
    out.push(ram(base, base + 0x1000000))
    base += 0x1000000 + 0x10000
  }
  out.push(ram(base, 2 * G), ram(4 * G, 8 * G))
  return out
}

describe('reserved areas (dpamt-model.md §1.6)', () => {
  it('counts the leading 1 MiB, every gap and the tail as holes', () => {
    expect(
      tdmrHoles({ baseBytes: 0, sizeBytes: G }, [
        { baseBytes: 0x100000, endBytes: 0x200000 },
        { baseBytes: 0x300000, endBytes: 0x400000 }
      ])
    ).toEqual([
      { baseBytes: 0, sizeBytes: 0x100000, kind: 'hole' },
      { baseBytes: 0x200000, sizeBytes: 0x100000, kind: 'hole' },
      { baseBytes: 0x400000, sizeBytes: G - 0x400000, kind: 'hole' }
    ])
  })

  it('clips PAMT chunks to the TDMR and keeps adjacent chunks apart', () => {
    const areas = tdmrPamtAreas({ baseBytes: G, sizeBytes: G }, [
      { baseBytes: G - 0x1000, sizeBytes: 0x3000, tdmrIndex: 0 },
      { baseBytes: G + 0x2000, sizeBytes: 0x1000, tdmrIndex: 1 }
    ])
    expect(areas).toEqual([
      { baseBytes: G, sizeBytes: 0x2000, kind: 'pamt', pamtOfTdmr: 0 },
      { baseBytes: G + 0x2000, sizeBytes: 0x1000, kind: 'pamt', pamtOfTdmr: 1 }
    ])
  })

  it('fits 16 areas, and fails the TDMR that needs a 17th, naming it as the kernel does', () => {
    // 1 MiB hole + 14 gaps + tail-free = 15 holes: fits. 16 gaps → 17 areas: exhausted.
    expect(analyzeHost(host(fineGrainedLow(14))).initSucceeds).toBe(true)
    const a = analyzeHost(host(fineGrainedLow(16)))
    expect(a.tdmrs[0]!.reservedAreas).toHaveLength(17)
    expect(a.initSucceeds).toBe(false)
    const p = a.problems.find((x) => x.code === 'RESERVED_AREAS_EXHAUSTED')
    // The first block ends below 1 GiB, so TDMR0 is [0, 1G) and the block crossing 1G starts TDMR1.
    expect(p?.message).toContain(
      'initialization failed: TDMR [0x0, 0x40000000): reserved areas exhausted.'
    )
  })

  it('needs far fewer areas with CMR holes (KAI-CMR) when the CMRs are contiguous', () => {
    const h = host(fineGrainedLow(16), [
      [0x100000, 2 * G],
      [4 * G, 8 * G]
    ])
    const a = analyzeHost(h, { holeSource: 'cmr' })
    expect(a.tdmrs[0]!.holes).toHaveLength(1)
    expect(a.initSucceeds).toBe(true)
  })

  it('follows max_reserved_per_tdmr', () => {
    const a = analyzeHost(host(fineGrainedLow(14)), { params: { maxReservedPerTdmr: 8 } })
    expect(a.problems.map((p) => p.code)).toContain('RESERVED_AREAS_EXHAUSTED')
  })
})

describe('TDMR count (dpamt-model.md §1.3)', () => {
  /** n RAM ranges of 1 GiB, each followed by a 1 GiB gap: one TDMR each. */
  const islands = (n: number): MemoryRange[] =>
    Array.from({ length: n }, (_, i) => ram((2 * i + 4) * G, (2 * i + 5) * G))

  it('warns when fewer than 4 TDMR slots remain', () => {
    const a = analyzeHost(host(islands(61)))
    expect(a.tdmrs).toHaveLength(61)
    expect(a.problems.find((p) => p.code === 'TDMRS_REACHING_LIMIT')?.message).toBe(
      'consumed TDMRs reaching limit: 61 used out of 64'
    )
  })

  it('fails with TDMRs exhausted past max_tdmrs', () => {
    const a = analyzeHost(host(islands(65)))
    expect(a.initSucceeds).toBe(false)
    expect(a.problems.map((p) => p.code)).toContain('TDMRS_EXHAUSTED')
  })
})

describe('CMR checks (dpamt-model.md §1.2 step 5)', () => {
  it('flags memory outside every CMR: TDX_TDMR_OUTSIDE_CMRS (mainline) or not convertible (KAI-CMR)', () => {
    const h = host(
      [ram(0x100000, 2 * G), ram(4 * G, 8 * G)],
      [
        [0x100000, 2 * G],
        [4 * G, 6 * G]
      ]
    )
    expect(analyzeHost(h).problems.map((p) => p.code)).toContain('TDMR_OUTSIDE_CMRS')
    expect(analyzeHost(h, { holeSource: 'cmr' }).problems.map((p) => p.code)).toContain(
      'MEMORY_NOT_CONVERTIBLE'
    )
  })
})
