import { z } from 'zod'

/**
 * The locking designs for tdx_pamt_get/put (dpamt-model.md §3.1) and for DEMOTE (SEED004):
 * - `v6`: atomic_inc_not_zero / atomic_dec_and_lock fast path; the global pamt_lock on 0→1 and 1→0.
 * - `always-lock`: seed 000 (v6 05/11) semantics: every get and put takes the global lock.
 * - `per-2m`: the v6 fast path with one lock per 2 MiB region for the transitions.
 * - `hashed:N`: the v6 fast path with N locks, region mod N ("hash the physical address into a fixed
 *   number of locks", Dave Hansen 2025-05-07; Kirill 2025-08-12).
 * - `module-only`: no kernel lock: the TDX module's 2 MiB try-locks alone, retrying on
 *   TDX_OPERAND_BUSY and treating TDX_HPA_RANGE_NOT_FREE as success (the v2 approach).
 */
export type LockDesign = 'v6' | 'always-lock' | 'per-2m' | `hashed:${number}` | 'module-only'

/** DEMOTE: under the global lock (SEED004's fix), or try without it and retry under it on BUSY. */
export type DemoteVariant = 'lock-around' | 'try-then-lock'

export const lockDesignSchema = z
  .string()
  .regex(/^(v6|always-lock|per-2m|module-only|hashed:[1-9][0-9]{0,5})$/, {
    message: 'a design is v6, always-lock, per-2m, hashed:N or module-only'
  }) as unknown as z.ZodType<LockDesign>

export const ALL_DESIGNS: readonly LockDesign[] = [
  'v6',
  'always-lock',
  'per-2m',
  'hashed:64',
  'module-only'
]

/** Which kernel lock (if any) guards a transition on `region` under `design`. */
export function lockIndexFor(design: LockDesign, region: number): number {
  if (design === 'v6' || design === 'always-lock') return 0
  if (design === 'per-2m') return region
  if (design.startsWith('hashed:')) return region % Number(design.slice(7))
  return -1
}

/** The name perf lock contention would print for the design's lock(s). */
export function lockName(design: LockDesign): string {
  if (design === 'per-2m') return 'pamt_lock[2M region]'
  if (design.startsWith('hashed:')) return `pamt_lock[hash ${design.slice(7)}]`
  return 'pamt_lock'
}
