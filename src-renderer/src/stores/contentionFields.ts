import type { ContentionCosts } from '@shared/model/contention/costs'
import { DEFAULT_CONTENTION_COSTS } from '@shared/model/contention/costs'

export type CostKey = keyof ContentionCosts

/** A cost parameter as the Costs panel shows it: label, and the schema's doc comment as help. */
export interface CostField {
  key: CostKey
  label: string
  help: string
}

/**
 * Every cost of src-shared/model/contention/costs.ts, in its order, with its doc comment as help.
 * A renderer test checks that the keys match the schema, so a new cost cannot go missing here.
 */
export const COST_FIELDS: readonly CostField[] = [
  {
    key: 'pamtAddNs',
    label: 'PAMT.ADD',
    help: 'TDH.PHYMEM.PAMT.ADD: estimate; a SEAMCALL that writes a 2M PAMT entry and the bitmap.'
  },
  { key: 'pamtRemoveNs', label: 'PAMT.REMOVE', help: 'TDH.PHYMEM.PAMT.REMOVE: estimate.' },
  {
    key: 'augNs',
    label: 'PAGE.AUG (4K)',
    help: 'TDH.MEM.PAGE.AUG of a 4K page: estimate ("thousands of cycles", Sean, 2025-08-20).'
  },
  {
    key: 'demoteNs',
    label: 'PAGE.DEMOTE 2M→4K',
    help: 'TDH.MEM.PAGE.DEMOTE 2M → 4K: estimate ("reasonable execution time", v5S 30/45).'
  },
  {
    key: 'pageRemoveNs',
    label: 'PAGE.REMOVE (per 4K)',
    help: 'TDH.MEM.PAGE.REMOVE at teardown, per 4K page: estimate.'
  },
  {
    key: 'atomicNs',
    label: 'Refcount atomic',
    help: 'An uncontended atomic on the refcount (atomic_inc_not_zero / atomic_dec).'
  },
  {
    key: 'lockHoldExtraNs',
    label: 'Extra hold under lock',
    help: 'Work under pamt_lock besides the SEAMCALL (refcount read and set).'
  },
  {
    key: 'handoffSameSocketNs',
    label: 'Hand-off, same socket',
    help: 'Lock hand-off to a waiter on the same socket (cache-line transfer).'
  },
  {
    key: 'handoffCrossSocketNs',
    label: 'Hand-off, cross socket',
    help: 'Lock hand-off to a waiter on another socket.'
  },
  {
    key: 'pageAllocNs',
    label: 'alloc_page',
    help: 'alloc_page for a PAMT page (cache top-up or the slow path).'
  },
  {
    key: 'faultOutsideNs',
    label: 'Rest of a 4K fault',
    help: "Everything in a 4K TD fault that is not Dynamic PAMT: the EPT-violation exit, KVM's fault handling, the guest's ACCEPT and page clearing. Estimate, fitted so the calibration scenario takes about as long as the reported test (tens of seconds for 10 × 16 GB)."
  },
  {
    key: 'busyBackoffNs',
    label: 'BUSY back-off',
    help: 'Delay before retrying a SEAMCALL that returned TDX_OPERAND_BUSY.'
  },
  {
    key: 'busyFailNs',
    label: 'BUSY failure time',
    help: 'Time a SEAMCALL spends before it fails with TDX_OPERAND_BUSY (lock walk only).'
  }
]

/** The default (estimated) cost of a field. */
export function defaultCost(key: CostKey): number {
  return DEFAULT_CONTENTION_COSTS[key]
}

/** The five designs the view offers; `hashed` takes its lock count from a separate field. */
export const DESIGN_CHOICES = [
  {
    id: 'v6',
    label: 'v6',
    help: 'atomic_inc_not_zero / atomic_dec_and_lock fast path; the global pamt_lock on 0→1 and 1→0 (the posted series).'
  },
  {
    id: 'always-lock',
    label: 'always-lock',
    help: 'Seed 000 (v6 05/11) semantics: every get and put takes the global lock. The slowest to simulate (tens of seconds for the calibration preset).'
  },
  {
    id: 'per-2m',
    label: 'per-2m',
    help: 'The v6 fast path with one lock per 2 MiB region for the transitions.'
  },
  {
    id: 'hashed',
    label: 'hashed:N',
    help: 'The v6 fast path with N locks, region mod N ("hash the physical address into a fixed number of locks", Dave Hansen 2025-05-07; Kirill 2025-08-12).'
  },
  {
    id: 'module-only',
    label: 'module-only',
    help: "No kernel lock: the TDX module's 2 MiB try-locks alone, retrying on TDX_OPERAND_BUSY and treating TDX_HPA_RANGE_NOT_FREE as success (the v2 approach)."
  }
] as const

export type DesignChoice = (typeof DESIGN_CHOICES)[number]['id']

export const DEMOTE_CHOICES = [
  {
    id: 'lock-around',
    label: 'lock-around',
    help: "DEMOTE under the global pamt_lock (SEED004's fix)."
  },
  {
    id: 'try-then-lock',
    label: 'try-then-lock',
    help: 'Try DEMOTE without the lock first, retry under it on TDX_OPERAND_BUSY (the suggested optimisation).'
  }
] as const

export type DemoteChoice = (typeof DEMOTE_CHOICES)[number]['id']
