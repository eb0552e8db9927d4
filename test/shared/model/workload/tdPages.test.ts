import { describe, expect, it } from 'vitest'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { tdClassSchema, type TdClass } from '@shared/model/workload/scenario'
import {
  controlPages,
  PAMT_CACHE_PAGES_PER_VCPU,
  septPages,
  tdMemoryLayout
} from '@shared/model/workload/tdPages'
import { GiB, MiB } from '../../../support/testHosts'

const td = (memoryBytes: number, extra: Partial<TdClass> = {}): TdClass =>
  tdClassSchema.parse({ name: 'td', count: 1, memoryBytes, vcpus: 1, ...extra })

describe('control pages of a TD (dpamt-model.md §2.8)', () => {
  it('counts TDR + TDCS per TD and TDVPR + TDCX per vCPU with the TDX module 1.5 sizes', () => {
    // TDR 4 KiB = 1 page, TDCS 24 KiB = 6 pages: 7 per TD. TDVPS 24 KiB = 6 pages: 1 TDVPR + 5
    // TDCX per vCPU. 4 vCPUs: 7 + 4·6 = 31.
    expect(controlPages(TDX_MODULE_1_5_PARAMS, 4)).toEqual({ perTd: 7, perVcpu: 6, total: 31 })
    // 32 vCPUs: 7 + 32·6 = 199.
    expect(controlPages(TDX_MODULE_1_5_PARAMS, 32).total).toBe(199)
  })

  it('follows the module parameters: a 9-page TDCS (DPAMT module source) gives 10 pages per TD', () => {
    const params = { ...TDX_MODULE_1_5_PARAMS, tdcsBaseBytes: 9 * 4096 }
    // 1 TDR + 9 TDCS = 10; one vCPU adds 6: 16.
    expect(controlPages(params, 1)).toEqual({ perTd: 10, perVcpu: 6, total: 16 })
  })

  it('tops each vCPU pamt_cache up to 10 pages (PT64_ROOT_MAX_LEVEL 5 × 2)', () => {
    expect(PAMT_CACHE_PAGES_PER_VCPU).toBe(10)
  })
})

describe('non-root S-EPT pages (dpamt-model.md §2.9, inferred)', () => {
  it('needs a PT per 2 MiB, a PD per 1 GiB and a PDPT per 512 GiB of 4K-mapped memory', () => {
    // 16 GiB of 4K: 16 GiB / 2 MiB = 8192 PT + 16 GiB / 1 GiB = 16 PD + 1 PDPT = 8209.
    expect(septPages(16 * GiB, 0, 0)).toBe(8209)
    // 4 MiB: 2 PT + 1 PD (rounded up) + 1 PDPT = 4.
    expect(septPages(4 * MiB, 0, 0)).toBe(4)
    expect(septPages(0, 0, 0)).toBe(0)
  })

  it('needs no PT for 2M mappings and neither PT nor PD for 1G mappings', () => {
    // 1026 MiB of 2M mappings: 0 PT + ⌈1026/1024⌉ = 2 PD + 1 PDPT = 3.
    expect(septPages(0, 1026 * MiB, 0)).toBe(3)
    // 1 GiB of 1G mappings: only the PDPT.
    expect(septPages(0, 0, GiB)).toBe(1)
    // The 704 GiB 1G-backed guest with 1G leaves: 4 MiB image → 2 PT; 4 MiB + 1020 MiB of
    // 4K/2M → 1 PD; 704 GiB in all → ⌈704/512⌉ = 2 PDPT: 5.
    expect(septPages(4 * MiB, 1020 * MiB, 703 * GiB)).toBe(5)
    // With 2M leaves (KVM's maximum): 2 PT + ⌈704 GiB / 1 GiB⌉ = 704 PD + 2 PDPT = 708.
    expect(septPages(4 * MiB, 704 * GiB - 4 * MiB, 0)).toBe(708)
  })

  it('with 5 levels (GPAW 52) adds a PML4 page per 256 TiB: one for any TD below 256 TiB', () => {
    // The root (PML5) is a TDCS page, as the PML4 root is with 4 levels; the PML4 below it is a
    // non-root page. 16 GiB of 4K: 8209 + ⌈16 GiB / 256 TiB⌉ = 8209 + 1 = 8210.
    expect(septPages(16 * GiB, 0, 0, 5)).toBe(8210)
    expect(septPages(16 * GiB, 0, 0, 4)).toBe(8209)
    // 2M-mapped 704 GiB: 708 + 1.
    expect(septPages(4 * MiB, 704 * GiB - 4 * MiB, 0, 5)).toBe(709)
    // 300 TiB of 1G mappings: ⌈300 TiB / 512 GiB⌉ = 600 PDPT + ⌈300/256⌉ = 2 PML4.
    expect(septPages(0, 0, 300 * 2 ** 40, 5)).toBe(602)
    // Nothing mapped: nothing at any level.
    expect(septPages(0, 0, 0, 5)).toBe(0)
  })
})

describe('how a TD’s private memory is mapped', () => {
  it('maps all of a TD without huge pages at 4K, the 4 MiB image included', () => {
    // 16 GiB / 4 KiB = 4194304 pages, of which the image is 4 MiB / 4 KiB = 1024.
    expect(tdMemoryLayout(td(16 * GiB))).toEqual({
      fourKPages: 4_194_304,
      imagePages: 1024,
      twoMMappings: 0,
      oneGMappings: 0
    })
  })

  it('rounds the image up to whole pages', () => {
    // 5000 bytes → 2 pages; the rest, 2 MiB − 8 KiB, is 510 more 4K pages: 512 in all.
    expect(tdMemoryLayout(td(2 * MiB, { imageBytes: 5000 }))).toEqual({
      fourKPages: 512,
      imagePages: 2,
      twoMMappings: 0,
      oneGMappings: 0
    })
  })

  it('with 1G leaves (future), maps 1G-backed memory that fills no whole 1G page with 2M pages', () => {
    // 4 GiB, share1g 1: rest = 4 GiB − 4 MiB = 4092 MiB → 3 whole 1G pages; the remaining
    // 4092 − 3072 = 1020 MiB → 510 2M mappings; only the image stays 4K.
    expect(tdMemoryLayout(td(4 * GiB, { share1g: 1 }), '1g')).toEqual({
      fourKPages: 1024,
      imagePages: 1024,
      twoMMappings: 510,
      oneGMappings: 3
    })
  })

  it('with 2M leaves (the default, the huge-page series), maps 1G-backed memory with 2M leaves', () => {
    // Same TD: 4092 MiB / 2 MiB = 2046 2M mappings, no 1G mapping.
    expect(tdMemoryLayout(td(4 * GiB, { share1g: 1 }))).toEqual({
      fourKPages: 1024,
      imagePages: 1024,
      twoMMappings: 2046,
      oneGMappings: 0
    })
    expect(tdMemoryLayout(td(4 * GiB, { share1g: 1 }), '2m')).toEqual(
      tdMemoryLayout(td(4 * GiB, { share1g: 1 }))
    )
  })

  it('with 4K leaves (mainline KVM today), maps everything 4K whatever backs it', () => {
    // 4 GiB / 4 KiB = 1048576 pages, the 1024 image pages among them.
    for (const extra of [{ share1g: 1 }, { share2m: 1 }, { share1g: 0.5, share2m: 0.5 }]) {
      expect(tdMemoryLayout(td(4 * GiB, extra), '4k')).toEqual({
        fourKPages: 1_048_576,
        imagePages: 1024,
        twoMMappings: 0,
        oneGMappings: 0
      })
    }
  })

  it('splits shares of 1G, 2M and 4K', () => {
    // 2 GiB, share1g 0.5, share2m 0.25: rest = 2044 MiB. 1G: ⌊1022 MiB / 1 GiB⌋ = 0. Huge bytes
    // 0.75 · 2044 = 1533 MiB → ⌊1533 / 2⌋ = 766 2M mappings = 1532 MiB. 4K: 2044 − 1532 = 512 MiB
    // = 131072 pages, plus the 1024 image pages = 132096. The same with 1G leaves.
    expect(tdMemoryLayout(td(2 * GiB, { share1g: 0.5, share2m: 0.25 }), '1g')).toEqual(
      tdMemoryLayout(td(2 * GiB, { share1g: 0.5, share2m: 0.25 }))
    )
    expect(tdMemoryLayout(td(2 * GiB, { share1g: 0.5, share2m: 0.25 }))).toEqual({
      fourKPages: 132_096,
      imagePages: 1024,
      twoMMappings: 766,
      oneGMappings: 0
    })
  })
})
