import { EventKind, type PageEventSink } from '../runtime/pageEvents'

/**
 * Merges consecutive events that are the same operation on the next region with the same page
 * count (a fresh host fills regions in order, so a 16 GiB TD becomes a handful of events), and counts
 * what passes through. Holds one event back; call flush() at the end.
 */
export class CoalescingSink implements PageEventSink {
  private pending = false
  private t = 0
  private kind: EventKind = EventKind.Get
  private region = 0
  private count = 0
  private ppr = 0
  private td = -1
  /** Events delivered downstream, after merging. */
  events = 0
  /** 4K page operations delivered (gets, puts, and 512 per demoted region). */
  pageOperations = 0
  /** 2 MiB regions the delivered events touch (the unit of the simulation work limit). */
  regionVisits = 0

  constructor(private readonly downstream: PageEventSink) {}

  emit(t: number, kind: EventKind, region: number, count: number, ppr: number, td: number): void {
    if (
      this.pending &&
      kind === this.kind &&
      t === this.t &&
      td === this.td &&
      ppr === this.ppr &&
      region === this.region + this.count &&
      (kind === EventKind.Get || kind === EventKind.Put)
    ) {
      this.count += count
      return
    }
    this.flush()
    this.pending = true
    this.t = t
    this.kind = kind
    this.region = region
    this.count = count
    this.ppr = ppr
    this.td = td
  }

  flush(): void {
    if (!this.pending) return
    this.pending = false
    this.events++
    this.regionVisits += this.count
    if (this.kind === EventKind.Get || this.kind === EventKind.Put)
      this.pageOperations += this.count * this.ppr
    else if (this.kind === EventKind.Demote) this.pageOperations += this.count * 512
    this.downstream.emit(this.t, this.kind, this.region, this.count, this.ppr, this.td, -1, 0)
  }
}
