import type { HostAnalysis } from '../host/analyzeHost'
import { EventKind, type PageEventBuffer } from '../runtime/pageEvents'
import type { ContentionCosts } from './costs'
import { lockIndexFor, lockName, type LockDesign } from './designs'
import { LatencyHistogram } from './latencyHistogram'
import { newLockStats, type LockStats } from './spinlock'

export interface TraceContentionOutcome {
  design: LockDesign
  locks: LockStats[]
  /** Lock requests the trace implies under this design. */
  requests: number
  addedLatency: { meanNs: number; p50Ns: number; p99Ns: number; p999Ns: number; maxNs: number }
}

/**
 * Lock contention implied by a recorded trace (open loop): every get/put the design would take a
 * lock for becomes a request at its recorded time, holding the lock for the SEAMCALL it makes
 * (PAMT.ADD, PAMT.REMOVE) or the bookkeeping alone; requests queue FIFO per lock. Modelled: waits do
 * not delay the trace's later events, so it is exact only while contention is light. The
 * closed-loop simulation (simulateContention) is the reference for scenarios.
 */
export function traceContention(
  host: HostAnalysis,
  events: PageEventBuffer,
  design: LockDesign,
  costs: ContentionCosts
): TraceContentionOutcome {
  const order = events.timeOrder()
  const refcount = new Uint16Array(Math.ceil(host.maxPfn / 512) + 1)
  const freeAt = new Map<number, number>()
  const stats = newLockStats(lockName(design))
  const latency = new LatencyHistogram()
  let requests = 0
  const callers: Record<string, number> = {}

  const request = (lockId: number, t: number, holdNs: number, caller: string): void => {
    requests++
    stats.acquisitions++
    const free = freeAt.get(lockId) ?? 0
    let start = t
    if (free > t) {
      start = free + costs.handoffSameSocketNs
      stats.contended++
      const wait = start - t
      stats.totalWaitNs += wait
      stats.maxWaitNs = Math.max(stats.maxWaitNs, wait)
      callers[caller] = (callers[caller] ?? 0) + 1
    }
    freeAt.set(lockId, start + holdNs)
    stats.totalHoldNs += holdNs
    stats.maxHoldNs = Math.max(stats.maxHoldNs, holdNs)
    latency.add(start - t + holdNs)
  }

  for (let j = 0; j < order.length; j++) {
    const i = order[j]!
    const kind = events.kind[i]
    if (kind !== EventKind.Get && kind !== EventKind.Put) continue
    const t = events.timeNs[i]!
    const r0 = events.region[i]!
    const ppr = events.pagesPerRegion[i]!
    for (let r = r0; r < r0 + events.regionCount[i]!; r++) {
      const before = refcount[r] ?? 0
      const lockId = lockIndexFor(design, r)
      if (kind === EventKind.Get) {
        refcount[r] = Math.min(65535, before + ppr)
        if (design === 'always-lock')
          for (let k = 0; k < ppr; k++)
            request(
              0,
              t,
              before === 0 && k === 0
                ? costs.pamtAddNs + costs.lockHoldExtraNs
                : costs.lockHoldExtraNs,
              'tdx_pamt_get'
            )
        else if (before === 0 && lockId >= 0)
          request(lockId, t, costs.pamtAddNs + costs.lockHoldExtraNs, 'tdx_pamt_get')
        else latency.add(costs.atomicNs, ppr)
      } else {
        const after = Math.max(0, before - ppr)
        refcount[r] = after
        if (design === 'always-lock')
          for (let k = 0; k < ppr; k++)
            request(
              0,
              t,
              after === 0 && k === ppr - 1
                ? costs.pamtRemoveNs + costs.lockHoldExtraNs
                : costs.lockHoldExtraNs,
              'tdx_pamt_put'
            )
        else if (before > 0 && after === 0 && lockId >= 0)
          request(lockId, t, costs.pamtRemoveNs + costs.lockHoldExtraNs, 'tdx_pamt_put')
      }
    }
  }
  let best = ''
  let most = -1
  for (const [c, n] of Object.entries(callers)) if (n > most) [best, most] = [c, n]
  stats.caller = best
  stats.contendedByCaller = callers
  return {
    design,
    locks: design === 'module-only' ? [] : [stats],
    requests,
    addedLatency: {
      meanNs: latency.mean(),
      p50Ns: latency.quantile(0.5),
      p99Ns: latency.quantile(0.99),
      p999Ns: latency.quantile(0.999),
      maxNs: latency.max
    }
  }
}
