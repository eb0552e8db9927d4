import { z } from 'zod'
import { KERNEL_PLACEMENTS } from './regionPool'

/**
 * A what-if TD workload (issue "Workloads and the Dynamic PAMT runtime"; dpamt-model.md §2.4-2.9).
 * Sizes are bytes, times nanoseconds. Every field the kernel does not fix has a documented default.
 */

const GiB = 2 ** 30
const S = 1e9

const arrivalSchema = z.discriminatedUnion('mode', [
  /** All TDs of the class start at `atNs` (a boot storm). */
  z.strictObject({ mode: z.literal('together'), atNs: z.number().min(0).default(0) }),
  /** One TD every `intervalNs`, from `startNs`. */
  z.strictObject({
    mode: z.literal('staggered'),
    startNs: z.number().min(0).default(0),
    intervalNs: z.number().positive()
  }),
  /** Poisson arrivals with mean inter-arrival time `meanIntervalNs` (seeded). */
  z.strictObject({
    mode: z.literal('poisson'),
    startNs: z.number().min(0).default(0),
    meanIntervalNs: z.number().positive()
  })
])

/**
 * Private memory the guest converts to shared (MapGPA), the real source of 4K mappings in a
 * huge-page-backed TD (docs/workload-model.md, "Private/shared conversion"). Modelled: where the
 * converted pages lie in GPA, and that converting happens in place (the TD keeps the host memory).
 */
export const conversionsSchema = z.strictObject({
  /**
   * A contiguous shared pool converted at boot: the guest's swiotlb bounce buffers. 'swiotlb': the
   * guest kernel's own size for this memory, clamp(6 % of memory, 64 MiB, 1 GiB) rounded up to
   * 256 KiB (arch/x86/mm/mem_encrypt.c mem_encrypt_setup_arch, kernel/dma/swiotlb.c
   * swiotlb_adjust_size). 0: none.
   */
  poolBytes: z
    .union([
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 50),
      z.literal('swiotlb')
    ])
    .default(0),
  /**
   * Where the pool starts inside its first 2 MiB of GPA, in 4K pages. memblock aligns the swiotlb
   * only to a page (swiotlb_memblock_alloc), so in general its first and last 2 MiB are shared
   * with private pages. Modelled default: 256 (half way).
   */
  poolOffsetPages: z.number().int().min(0).max(511).default(256),
  /** Scattered shared buffers: virtio rings, DMA-coherent buffers, DMA buffers of assigned devices. */
  scatteredBytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 50)
    .default(0),
  /** 4K pages of scattered buffers in each 2 MiB of GPA they touch (1: a page per 2 MiB). */
  pagesPerSplit: z.number().int().min(1).max(511).default(1),
  /** Time from the TD's start to the conversions (0: at boot). */
  atNs: z.number().min(0).default(0),
  /**
   * How long the scattered buffers stay shared before the guest converts them back to private
   * (e.g. dma_free_coherent); null: until teardown. The pool is never converted back.
   */
  scatteredSharedForNs: z.number().positive().nullable().default(null)
})

export type Conversions = z.infer<typeof conversionsSchema>

export const NO_CONVERSIONS: Conversions = conversionsSchema.parse({})

const PAGE_BYTES = 4096

/**
 * The guest kernel's default swiotlb size for a TD of `memoryBytes`: total_mem · 6 / 100, clamped to
 * [IO_TLB_DEFAULT_SIZE = 64 MiB, SZ_1G] (arch/x86/mm/mem_encrypt.c mem_encrypt_setup_arch, for SEV
 * and TDX guests), then rounded up to whole IO_TLB_SEGSIZE (128) slabs of 2 KiB, 256 KiB
 * (kernel/dma/swiotlb.c swiotlb_adjust_size). Guest memory as the guest sees it is modelled as
 * the TD's private memory.
 */
export function swiotlbDefaultBytes(memoryBytes: number): number {
  const size = Math.min(2 ** 30, Math.max(64 * 2 ** 20, Math.floor((memoryBytes * 6) / 100)))
  const SEG = 128 * 2048
  return Math.ceil(size / SEG) * SEG
}

/** Pool bytes with 'swiotlb' resolved. */
export function resolvedPoolBytes(c: { memoryBytes: number; conversions: Conversions }): number {
  const p = c.conversions.poolBytes
  return p === 'swiotlb' ? swiotlbDefaultBytes(c.memoryBytes) : p
}

/**
 * 4K pages a class's conversions need in its unified GPA page space after the image (pool from
 * its offset, then each scattered group at the start of its own 2 MiB): the room check of the
 * schema and of conversionLayout (tdPages.ts).
 */
export function conversionExtentPages(c: {
  memoryBytes: number
  conversions: Conversions
}): number {
  const cv = c.conversions
  const pool = Math.ceil(resolvedPoolBytes(c) / PAGE_BYTES)
  const scattered = Math.ceil(cv.scatteredBytes / PAGE_BYTES)
  const poolEnd = pool > 0 ? cv.poolOffsetPages + pool : 0
  if (scattered === 0) return poolEnd
  const groups = Math.ceil(scattered / cv.pagesPerSplit)
  const last = scattered - (groups - 1) * cv.pagesPerSplit
  return (Math.ceil(poolEnd / 512) + groups - 1) * 512 + last
}

export const tdClassSchema = z
  .strictObject({
    name: z.string().min(1).max(80),
    count: z.number().int().min(1).max(100_000),
    /** Private memory of one TD. */
    memoryBytes: z
      .number()
      .int()
      .min(2 ** 21)
      .max(2 ** 50),
    vcpus: z.number().int().min(1).max(4096),
    /**
     * Share of private memory (after the image) backed by 1G pages (guest_memfd HugeTLB 1G backing,
     * not in mainline guest_memfd, which hands KVM order-0 folios). KVM maps it with leaves of at
     * most the scenario's kvmMaxLeaf.
     */
    share1g: z.number().min(0).max(1).default(0),
    /** Share backed by 2M pages, likewise mapped at most kvmMaxLeaf; the rest is 4K. */
    share2m: z.number().min(0).max(1).default(0),
    /** TD build image (TDVF and initial pages): always PAGE.ADD at 4K (HP-v2, §2.8). */
    imageBytes: z
      .number()
      .int()
      .min(0)
      .default(4 * 2 ** 20),
    /** Eager: all memory accepted at boot. Lazy: accepted evenly over `durationNs` in `steps`. */
    accept: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('eager') }),
        z.strictObject({
          mode: z.literal('lazy'),
          durationNs: z.number().positive(),
          steps: z.number().int().min(1).max(4096).default(64)
        })
      ])
      .default({ mode: 'eager' }),
    /** Time from start to teardown; null: runs to the end of the scenario. */
    lifetimeNs: z.number().positive().nullable().default(null),
    /** Share of 2M mappings demoted to 4K at mid-life (DEMOTE, §2.8). */
    demoteShare: z.number().min(0).max(1).default(0),
    arrival: arrivalSchema.default({ mode: 'together', atNs: 0 }),
    /**
     * S-EPT paging levels: 4 (GPAW 48) or 5 (GPAW 52), chosen per TD by the guest physical address
     * width userspace sets in CPUID 0x80000008 (arch/x86/kvm/vmx/tdx.c
     * setup_tdparams_eptp_controls). 5 levels add one PML4 page per 256 TiB of GPA: the root
     * (PML4 or PML5) is a TDCS page either way (TDX module SEPT_ROOT_PAGE_INDEX).
     */
    septLevels: z.union([z.literal(4), z.literal(5)]).default(4),
    /** Private memory converted to shared (none by default). */
    conversions: conversionsSchema.default(NO_CONVERSIONS)
  })
  .refine((c) => c.share1g + c.share2m <= 1, {
    message: 'share1g + share2m (fractions of memoryBytes) must not exceed 1, i.e. 100 %'
  })
  .refine((c) => c.imageBytes <= c.memoryBytes, {
    message: 'imageBytes must not exceed memoryBytes'
  })
  .refine(
    (c) =>
      conversionExtentPages(c) <=
      Math.floor((c.memoryBytes - Math.ceil(c.imageBytes / PAGE_BYTES) * PAGE_BYTES) / PAGE_BYTES),
    {
      message:
        'conversions do not fit the memory after the image (the pool from its offset, then a 2 MiB of GPA per scattered split)',
      path: ['conversions']
    }
  )

export const scenarioSchema = z.strictObject({
  format: z.literal('pamt-planner-scenario').default('pamt-planner-scenario'),
  name: z.string().min(1).max(120),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  /** Simulated time span; the time series covers [0, durationNs]. */
  durationNs: z
    .number()
    .positive()
    .default(60 * S),
  tdClasses: z.array(tdClassSchema).min(1).max(64),
  host: z
    .strictObject({
      /**
       * 0: a fresh host, 4K allocations fill whole 2 MiB regions; 1: fully fragmented, every 4K page
       * in its own region. Pages per region = round(512^(1 - f)) (modelled, docs/workload-model.md).
       */
      fragmentation: z.number().min(0).max(1).default(0),
      /**
       * Probability that a teardown SEAMCALL fails (§2.8): reclaiming a control or S-EPT page (the
       * page is leaked and keeps its refcount, so its region keeps its pair), and each PAMT.REMOVE
       * on a refcount's 1→0 (tdx_pamt_put() WARNs, sets the refcount back to 1 and leaks the pair).
       */
      reclaimFailureRate: z.number().min(0).max(1).default(0),
      /**
       * Where TD kernel pages (control, S-EPT) land relative to guest pages: 'separate' (their own
       * regions, the default), 'interleaved' (in the guest pages' regions) or 'scattered' (each
       * allocation in a region of its own). Modelled (regionPool.ts KernelPlacement,
       * docs/workload-model.md "Where pages land"); every result shows the range over all three.
       */
      kernelPlacement: z.enum(KERNEL_PLACEMENTS).default('separate')
    })
    .default({ fragmentation: 0, reclaimFailureRate: 0, kernelPlacement: 'separate' }),
  /** Refcount array: dense (v6) or sparse (v4, seed 002). */
  refcounts: z.enum(['dense', 'sparse']).default('dense'),
  /**
   * The largest S-EPT leaf KVM maps private memory with. '4k': mainline KVM today
   * (tdx_gmem_max_mapping_level returns PG_LEVEL_4K for private memory, arch/x86/kvm/vmx/tdx.c).
   * '2m': the TDX huge-page series (HP-v2, v5S), PG_LEVEL_2M for a runnable TD. '1g': future, not
   * in KVM today. Memory backed by larger pages (share1g, share2m) is mapped with leaves of at most
   * this size.
   */
  kvmMaxLeaf: z.enum(['4k', '2m', '1g']).default('2m'),
  /** Points in the displayed time series (the totals at each point are exact). */
  samples: z.number().int().min(16).max(100_000).default(1000)
})

export type TdClass = z.infer<typeof tdClassSchema>
export type KvmMaxLeaf = Scenario['kvmMaxLeaf']
export type Scenario = z.infer<typeof scenarioSchema>
export type ScenarioInput = z.input<typeof scenarioSchema>

export const SCENARIO_UNITS = { GiB, S }
