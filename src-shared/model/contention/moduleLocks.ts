/**
 * The TDX module's PAMT entry locks at 2 MiB granularity (dpamt-model.md §3.2): try-locks that
 * never spin; a failed acquire is TDX_OPERAND_BUSY. Only the 2M entries matter for the conflicts
 * the model covers (ADD vs ADD sharing a pair page's region, DEMOTE vs ADD).
 */
export class ModuleLocks {
  private readonly exclusive = new Set<number>()
  private readonly shared = new Map<number, number>()

  /** Try a set of acquisitions atomically: all succeed, or none is taken (the walk releases all). */
  tryAcquire(exclusive: readonly number[], shared: readonly number[]): boolean {
    for (const r of exclusive)
      if (this.exclusive.has(r) || (this.shared.get(r) ?? 0) > 0) return false
    for (const r of shared) if (this.exclusive.has(r)) return false
    const ex = new Set(exclusive)
    if (ex.size !== exclusive.length) return false
    for (const r of shared) if (ex.has(r)) return false
    for (const r of exclusive) this.exclusive.add(r)
    for (const r of shared) this.shared.set(r, (this.shared.get(r) ?? 0) + 1)
    return true
  }

  release(exclusive: readonly number[], shared: readonly number[]): void {
    for (const r of exclusive) this.exclusive.delete(r)
    for (const r of shared) {
      const n = (this.shared.get(r) ?? 1) - 1
      if (n <= 0) this.shared.delete(r)
      else this.shared.set(r, n)
    }
  }
}
