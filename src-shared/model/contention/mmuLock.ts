/** What KVM's mmu_lock did in a contention run (demoting TDs only). */
export interface MmuLockStats {
  /** DEMOTEs that took the lock for write, and those that had to wait for it. */
  writeAcquisitions: number
  writesWaited: number
  writeWaitNs: number
  maxWriteWaitNs: number
  /** Faults that found the lock write-held or a writer waiting, and their waits. */
  readsBlocked: number
  readWaitNs: number
  maxReadWaitNs: number
}

export function newMmuLockStats(): MmuLockStats {
  return {
    writeAcquisitions: 0,
    writesWaited: 0,
    writeWaitNs: 0,
    maxWriteWaitNs: 0,
    readsBlocked: 0,
    readWaitNs: 0,
    maxReadWaitNs: 0
  }
}

/**
 * KVM's mmu_lock of one TD, an rwlock_t on x86 (KVM_HAVE_MMU_RWLOCK), i.e. a queued rwlock: the TDP
 * MMU fault path holds it for read (kvm_tdp_mmu_page_fault), a huge page split, and so DEMOTE, for
 * write (tdp_mmu_split_huge_page -> tdx_sept_split_private_spte; SEED004: "KVM holds write
 * mmu_lock before invoking DEMOTE"). As in a queued rwlock, a waiting writer stops new readers
 * (include/asm-generic/qrwlock.h queued_read_lock: _QW_WMASK covers _QW_WAITING, so the reader
 * takes queued_read_lock_slowpath in kernel/locking/qrwlock.c and queues), the writer gets the
 * lock once the readers inside have left, and waiters are served in arrival order, consecutive
 * readers together.
 * The pamt lock(s) nest inside it. Modelled: readers in interrupt context (which skip the queue)
 * do not occur here.
 */
export class MmuLock {
  private readers = 0
  private writer = -1
  private readonly waiters: Array<{ thread: number; write: boolean; since: number }> = []

  /** Take the lock for `thread`; true when taken at once, false when queued. */
  acquire(thread: number, write: boolean, nowNs: number, stats: MmuLockStats): boolean {
    if (write) stats.writeAcquisitions++
    const free = this.writer < 0 && this.waiters.length === 0 && (!write || this.readers === 0)
    if (free) {
      if (write) this.writer = thread
      else this.readers++
      return true
    }
    if (write) stats.writesWaited++
    else stats.readsBlocked++
    this.waiters.push({ thread, write, since: nowNs })
    return false
  }

  /** Release (read or write) at `nowNs`; returns the threads that get the lock now, in order. */
  release(write: boolean, nowNs: number, stats: MmuLockStats): number[] {
    if (write) this.writer = -1
    else this.readers--
    const granted: number[] = []
    while (this.writer < 0 && this.waiters.length > 0) {
      const head = this.waiters[0]!
      if (head.write) {
        if (this.readers > 0 || granted.length > 0) break
        this.writer = head.thread
      } else this.readers++
      this.waiters.shift()
      granted.push(head.thread)
      const wait = nowNs - head.since
      if (head.write) {
        stats.writeWaitNs += wait
        if (wait > stats.maxWriteWaitNs) stats.maxWriteWaitNs = wait
      } else {
        stats.readWaitNs += wait
        if (wait > stats.maxReadWaitNs) stats.maxReadWaitNs = wait
      }
      if (head.write) break
    }
    return granted
  }
}
