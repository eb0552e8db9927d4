import { z } from 'zod'

/**
 * The locking designs for tdx_pamt_get/put (dpamt-model.md §3.1) and for DEMOTE (SEED004):
 * - `v6`: atomic_inc_not_zero / atomic_dec_and_lock fast path; the global pamt_lock on 0→1 and 1→0.
 * - `always-lock`: seed 000 (v6 05/11) semantics: every get and put takes the global lock, and every
 *   get takes two pair pages before it (freed again when the region already has its pair).
 * - `per-2m`: the v6 fast path with one lock per 2 MiB region for the transitions.
 * - `hashed:N`: the v6 fast path with N locks, the region hashed as the kernel hashes a key into a
 *   power-of-two table ("hash the physical address into a fixed number of locks", Dave Hansen
 *   2025-05-07): hash_64(region, ilog2 N) from include/linux/hash.h; see `hashedLockIndex`.
 * - `mod:N`: the v6 fast path with N locks, region mod N ("power-of-2 set of locks and 2MB range to
 *   the lock with %", Kirill 2025-08-12). Kept as a named variant because it aliases: vCPUs that
 *   walk regions in step land on the same lock whenever their regions differ by a multiple of N.
 * - `module-only`: no kernel lock at all ("lockless"): the refcount is updated with atomics and the
 *   SEAMCALL follows, not atomically with it, so it races (see simulateContention). A lock only as
 *   a fallback was asked about in the v2 review and rejected because a lost refcount race frees a
 *   pair that is in use (Rick Edgecombe, 2025-08-08); the lazy lockless attempt before v1 was
 *   abandoned too (v2 cover letter).
 */
export type LockDesign =
  'v6' | 'always-lock' | 'per-2m' | `hashed:${number}` | `mod:${number}` | 'module-only'

/** DEMOTE: under the kernel lock(s) (SEED004's fix), or try without and retry under them on BUSY. */
export type DemoteVariant = 'lock-around' | 'try-then-lock'

export const LOCK_DESIGN_MESSAGE =
  'a design is v6, always-lock, per-2m, hashed:N, mod:N (N locks, a whole number from 1 to 999999) or module-only'

export const lockDesignSchema = z
  .string()
  .regex(/^(v6|always-lock|per-2m|module-only|(hashed|mod):[1-9][0-9]{0,5})$/, {
    message: LOCK_DESIGN_MESSAGE
  }) as unknown as z.ZodType<LockDesign>

export const ALL_DESIGNS: readonly LockDesign[] = [
  'v6',
  'always-lock',
  'per-2m',
  'hashed:64',
  'module-only'
]

/** GOLDEN_RATIO_64 of include/linux/hash.h. */
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn
const U64 = (1n << 64n) - 1n

/**
 * hash_64(val, bits) as include/linux/hash.h defines it on 64-bit kernels (hash_64_generic):
 * `val * GOLDEN_RATIO_64 >> (64 - bits)`, the product taken mod 2^64, i.e. the top `bits` bits.
 * `bits` is 1..32 (the kernel's result is a u32).
 */
export function hash64(val: number, bits: number): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`bits ${bits}`)
  return Number(((BigInt(val) * GOLDEN_RATIO_64) & U64) >> BigInt(64 - bits))
}

/**
 * The lock of `region` among `n` hashed locks. A power-of-two n is exactly the kernel's
 * hash_64(region, ilog2 n). The kernel has no hash for other table sizes; the model takes the
 * top 32 bits, hash_64(region, 32), and scales them into [0, n) with reciprocal_scale()
 * (include/linux/math.h, formerly kernel.h: `(u32)(((u64) val * ep_ro) >> 32)`), the kernel's own
 * way to map a 32-bit hash onto a table of any size. For a power of two both forms give the same
 * lock, so `hashed:64` and `hashed:63` differ only in the table size.
 */
export function hashedLockIndex(region: number, n: number): number {
  if (n <= 1) return 0
  if ((n & (n - 1)) === 0) return hash64(region, Math.log2(n))
  return Math.floor((hash64(region, 32) * n) / 2 ** 32)
}

/** Which kernel lock (if any) guards a transition on `region` under `design` (-1: none). */
export function lockIndexFor(design: LockDesign, region: number): number {
  if (design === 'v6' || design === 'always-lock') return 0
  if (design === 'per-2m') return region
  if (design.startsWith('hashed:')) return hashedLockIndex(region, Number(design.slice(7)))
  if (design.startsWith('mod:')) return region % Number(design.slice(4))
  return -1
}

/**
 * lockIndexFor with the design parsed once: the simulation calls it for every locked get and put,
 * where parsing "hashed:64" each time showed in profiles.
 */
export function lockIndexer(design: LockDesign): (region: number) => number {
  if (design === 'v6' || design === 'always-lock') return () => 0
  if (design === 'per-2m') return (region) => region
  if (design.startsWith('hashed:')) {
    const n = Number(design.slice(7))
    return (region) => hashedLockIndex(region, n)
  }
  if (design.startsWith('mod:')) {
    const n = Number(design.slice(4))
    return (region) => region % n
  }
  return () => -1
}

/** Locks the design has: 1 (global), N (hashed/mod), null (one per region), 0 (module-only). */
export function lockCount(design: LockDesign): number | null {
  if (design === 'v6' || design === 'always-lock') return 1
  if (design === 'per-2m') return null
  if (design.startsWith('hashed:')) return Number(design.slice(7))
  if (design.startsWith('mod:')) return Number(design.slice(4))
  return 0
}

/** The name perf lock contention would print for the design's lock(s). */
export function lockName(design: LockDesign): string {
  if (design === 'per-2m') return 'pamt_lock[2M region]'
  if (design.startsWith('hashed:')) return `pamt_lock[hash ${design.slice(7)}]`
  if (design.startsWith('mod:')) return `pamt_lock[mod ${design.slice(4)}]`
  return 'pamt_lock'
}

/** What an outcome label needs of an outcome: its design and DEMOTE variant. */
export interface LabelledOutcome {
  design: LockDesign
  demote: DemoteVariant
}

/** Whether the outcomes include more than one DEMOTE variant (then labels name the variant). */
export function hasDemoteVariants(outcomes: readonly LabelledOutcome[]): boolean {
  return new Set(outcomes.map((o) => o.demote)).size > 1
}

/** "v6" or, when the run has both DEMOTE variants, "v6 · try-then-lock". */
export function outcomeLabel(o: LabelledOutcome, withDemote: boolean): string {
  return withDemote ? `${o.design} · ${o.demote}` : o.design
}

/** Labels of every outcome, in order: the design table's, the charts' and the sensitivity's. */
export function outcomeLabels(outcomes: readonly LabelledOutcome[]): string[] {
  const withDemote = hasDemoteVariants(outcomes)
  return outcomes.map((o) => outcomeLabel(o, withDemote))
}
