import type { ContentionCosts } from '@shared/model/contention/costs'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'

export type CostKey = keyof ContentionCosts

/** A cost parameter as the Costs panel shows it: label, and the schema's doc comment as help. */
export interface CostField {
  key: CostKey
  label: string
  help: string
  /** What the number is: nanoseconds, or a coefficient of variation (serviceCv). */
  unit: 'ns' | 'CV'
}

/**
 * Every cost of src-shared/model/contention/costs.ts, in its order, with its doc comment as help.
 * A renderer test checks that the keys match the schema, so a new cost cannot go missing here.
 */
export const COST_FIELDS: readonly CostField[] = [
  {
    key: 'pamtAddNs',
    label: 'PAMT.ADD',
    unit: 'ns',
    help: 'TDH.PHYMEM.PAMT.ADD: estimate; a SEAMCALL that writes a 2M PAMT entry and the bitmap.'
  },
  {
    key: 'pamtRemoveNs',
    label: 'PAMT.REMOVE',
    unit: 'ns',
    help: 'TDH.PHYMEM.PAMT.REMOVE: estimate.'
  },
  {
    key: 'augNs',
    label: 'PAGE.AUG (4K)',
    unit: 'ns',
    help: 'TDH.MEM.PAGE.AUG of a 4K page: estimate ("thousands of cycles", Sean, 2025-08-20).'
  },
  {
    key: 'demoteNs',
    label: 'PAGE.DEMOTE 2M→4K',
    unit: 'ns',
    help: 'TDH.MEM.PAGE.DEMOTE 2M → 4K: estimate ("reasonable execution time", v5S 30/45).'
  },
  {
    key: 'pageRemoveNs',
    label: 'PAGE.REMOVE (per 4K)',
    unit: 'ns',
    help: 'TDH.MEM.PAGE.REMOVE at teardown, per 4K page: estimate.'
  },
  {
    key: 'atomicNs',
    label: 'Refcount atomic',
    unit: 'ns',
    help: 'An uncontended atomic on the refcount (atomic_inc_not_zero / atomic_dec).'
  },
  {
    key: 'lockHoldExtraNs',
    label: 'Extra hold under lock',
    unit: 'ns',
    help: 'Work under pamt_lock besides the SEAMCALL (refcount read and set).'
  },
  {
    key: 'handoffSameSocketNs',
    label: 'Hand-off, same socket',
    unit: 'ns',
    help: 'Lock hand-off to a waiter on the same socket (cache-line transfer).'
  },
  {
    key: 'handoffCrossSocketNs',
    label: 'Hand-off, cross socket',
    unit: 'ns',
    help: 'Lock hand-off to a waiter on another socket.'
  },
  {
    key: 'pageAllocNs',
    label: 'alloc_page',
    unit: 'ns',
    help: 'alloc_page for a PAMT page: the slow path of a get outside the fault path (control pages), and the per-vCPU cache top-up before each fault (v6 08/11: refilled to 10 pages before mmu_lock).'
  },
  {
    key: 'pageFreeNs',
    label: 'free a PAMT page',
    unit: 'ns',
    help: "Freeing a PAMT page back to the page allocator: a lost 0→1 race, a REMOVE's returned pair, and seed 000's free of the two pages every get takes when the region already has its pair. Estimate (a free to the per-CPU lists is cheaper than an allocation)."
  },
  {
    key: 'faultOutsideNs',
    label: 'Rest of a 4K fault',
    unit: 'ns',
    help: "Everything in a 4K TD fault that is not Dynamic PAMT: the EPT-violation exit, KVM's fault handling, the guest's ACCEPT and page clearing. Estimate, fitted so the calibration scenario takes about as long as the reported test (tens of seconds for 10 × 16 GB)."
  },
  {
    key: 'busyBackoffNs',
    label: 'BUSY back-off',
    unit: 'ns',
    help: 'Delay before retrying a SEAMCALL that returned TDX_OPERAND_BUSY.'
  },
  {
    key: 'busyFailNs',
    label: 'BUSY failure time',
    unit: 'ns',
    help: 'Time a SEAMCALL spends before it fails with TDX_OPERAND_BUSY (lock walk only).'
  },
  {
    key: 'serviceCv',
    label: 'Service-time spread',
    unit: 'CV',
    help: "Coefficient of variation of the service times (not ns): the fault's non-DPAMT part, PAGE.AUG, PAMT.ADD/REMOVE, DEMOTE and PAGE.REMOVE are each drawn from a lognormal with the cost above as its mean and this CV; 0 makes them the constants above. No latency distribution has been published; 0.3 is an estimate of a moderate spread (90 % of draws within ×0.6–×1.55 of the mean) from cache misses, interrupts and page clearing. It matters because constant costs keep vCPUs in lockstep forever, which makes them collide on every cycle or never."
  }
]

/** The default (estimated) cost of a field. */
export function defaultCost(key: CostKey): number {
  return DEFAULT_CONTENTION_COSTS[key]
}

/**
 * The designs the view offers; `hashed` and `mod` take their lock count from a field of their own.
 * `module-only` keeps its id (CLI, saved runs) and is labelled as what it is.
 */
export const DESIGN_CHOICES = [
  {
    id: 'v6',
    label: 'v6',
    help: 'atomic_inc_not_zero / atomic_dec_and_lock fast path; the global pamt_lock on 0→1 and 1→0 (the posted series).'
  },
  {
    id: 'always-lock',
    label: 'always-lock',
    help: 'Seed 000 (v6 05/11) semantics: every get and put takes the global lock, and every get takes two pages first and frees them when the region already has its pair. The slowest to simulate (tens of seconds for the calibration preset).'
  },
  {
    id: 'per-2m',
    label: 'per-2m',
    help: 'The v6 fast path with one lock per 2 MiB region for the transitions; DEMOTE takes the locks of its own and its pair pages’ regions.'
  },
  {
    id: 'hashed',
    label: 'hashed:N',
    help: 'The v6 fast path with N locks, the region hashed as the kernel hashes a key: hash_64(region, log2 N) (include/linux/hash.h; other N: reciprocal_scale of the top 32 bits). "Hash the physical address into a fixed number of locks", Dave Hansen 2025-05-07.'
  },
  {
    id: 'mod',
    label: 'mod:N',
    help: 'The v6 fast path with N locks, region mod N (Kirill 2025-08-12). Aliases: vCPUs walking regions a multiple of N apart share one lock, so it can look as bad as one global lock; compare with hashed:N.'
  },
  {
    id: 'module-only',
    label: 'lockless (racy; rejected in the v2 review)',
    help: "module-only: no kernel lock at all, only the TDX module's 2 MiB try-locks. Not a free win: the refcount update and the SEAMCALL are not atomic, so a get can use a page before its pair is added and a REMOVE can drop a pair in use; the run counts those as hazards. Rick Edgecombe, v2 review (2025-08-08): without the lock, a lost refcount race releases a PAMT page early."
  }
] as const

export type DesignChoice = (typeof DESIGN_CHOICES)[number]['id']

export const DEMOTE_CHOICES = [
  {
    id: 'lock-around',
    label: 'lock-around',
    help: "DEMOTE under the kernel lock (SEED004's fix): pamt_lock, or under per-2m, hashed and mod the locks of its own and its pair pages' regions. Always inside its TD's write-held mmu_lock."
  },
  {
    id: 'try-then-lock',
    label: 'try-then-lock',
    help: 'Try DEMOTE without the lock first, retry under it on TDX_OPERAND_BUSY (the suggested optimisation).'
  }
] as const

export type DemoteChoice = (typeof DEMOTE_CHOICES)[number]['id']
