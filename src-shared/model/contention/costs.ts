import { z } from 'zod'

/**
 * Named costs of the paths that call tdx_pamt_get/put and DEMOTE, in nanoseconds. No SEAMCALL
 * latencies have been published (dpamt-model.md §3.3: only "thousands of cycles" for SEAMCALLs, and
 * "reasonable execution time" for DEMOTE), so every default here is a modelling estimate, to be
 * fitted by the user; the calibration scenario (docs/contention-model.md) shows how far they land
 * from the contention Rick Edgecombe measured.
 */
export const contentionCostsSchema = z.strictObject({
  /** TDH.PHYMEM.PAMT.ADD: estimate; a SEAMCALL that writes a 2M PAMT entry and the bitmap. */
  pamtAddNs: z.number().min(0).default(4000),
  /** TDH.PHYMEM.PAMT.REMOVE: estimate. */
  pamtRemoveNs: z.number().min(0).default(3000),
  /** TDH.MEM.PAGE.AUG of a 4K page: estimate ("thousands of cycles", Sean, 2025-08-20). */
  augNs: z.number().min(0).default(5000),
  /** TDH.MEM.PAGE.DEMOTE 2M → 4K: estimate ("reasonable execution time", v5S 30/45). */
  demoteNs: z.number().min(0).default(20000),
  /** TDH.MEM.PAGE.REMOVE at teardown, per 4K page: estimate. */
  pageRemoveNs: z.number().min(0).default(3000),
  /** An uncontended atomic on the refcount (atomic_inc_not_zero / atomic_dec). */
  atomicNs: z.number().min(0).default(20),
  /** Work under pamt_lock besides the SEAMCALL (refcount read and set). */
  lockHoldExtraNs: z.number().min(0).default(50),
  /** Lock hand-off to a waiter on the same socket (cache-line transfer). */
  handoffSameSocketNs: z.number().min(0).default(100),
  /** Lock hand-off to a waiter on another socket. */
  handoffCrossSocketNs: z.number().min(0).default(400),
  /**
   * alloc_page for a PAMT page: the slow path of a get outside the fault path (control pages), and
   * the per-vCPU cache top-up before each fault (v6 08/11: refilled to 10 pages before mmu_lock).
   */
  pageAllocNs: z.number().min(0).default(250),
  /**
   * Freeing a PAMT page back to the page allocator: a lost 0→1 race, a REMOVE's returned pair, and
   * seed 000's free of the two pages every get takes when the region already has its pair.
   * Estimate (a free to the per-CPU lists is cheaper than an allocation).
   */
  pageFreeNs: z.number().min(0).default(150),
  /**
   * Everything in a 4K TD fault that is not Dynamic PAMT: the EPT-violation exit, KVM's fault
   * handling, the guest's ACCEPT and page clearing. Estimate, fitted so the calibration scenario
   * takes about as long as the reported test (tens of seconds for 10 × 16 GB).
   */
  faultOutsideNs: z.number().min(0).default(8000),
  /** Delay before retrying a SEAMCALL that returned TDX_OPERAND_BUSY. */
  busyBackoffNs: z.number().min(0).default(1000),
  /** Time a SEAMCALL spends before it fails with TDX_OPERAND_BUSY (lock walk only). */
  busyFailNs: z.number().min(0).default(300),
  /**
   * Coefficient of variation of the service times (not ns): the fault's non-DPAMT part, PAGE.AUG,
   * PAMT.ADD/REMOVE, DEMOTE and PAGE.REMOVE are each drawn from a lognormal with the cost above as
   * its mean and this CV; 0 makes them the constants above. No latency distribution has been
   * published; 0.3 is an estimate of a moderate spread (90 % of draws within ×0.6–×1.55 of the
   * mean) from cache misses, interrupts and page clearing. It matters because constant costs keep
   * vCPUs in lockstep forever, which makes them collide on every cycle or never.
   */
  serviceCv: z.number().min(0).max(4).default(0.3)
})

export type ContentionCosts = z.infer<typeof contentionCostsSchema>

export const DEFAULT_CONTENTION_COSTS: Readonly<ContentionCosts> = Object.freeze(
  contentionCostsSchema.parse({})
)
