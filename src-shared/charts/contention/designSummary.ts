import type { ContentionOutcome } from '../../model/contention/simulateContention'
import { hasDemoteVariants, outcomeLabel } from './labels'

/** One design (and DEMOTE variant) of a contention run, its kernel lock rows summed. */
export interface DesignSummary {
  label: string
  design: string
  demote: string
  /** Kernel lock rows of the design (0 for module-only). */
  acquisitions: number
  contended: number
  /** contended / acquisitions, 0..1 (0 when the lock is never taken). */
  contendedFraction: number
  totalWaitNs: number
  maxWaitNs: number
  /** totalWait / contended, as perf's avg wait. */
  avgWaitNs: number
  meanHoldNs: number
  maxHoldNs: number
  addedP50Ns: number
  addedP99Ns: number
  addedP999Ns: number
  addedMeanNs: number
  addedMaxNs: number
  faults: number
  faultsPerSec: number
  faultSpanNs: number
  teardownSpanNs: number
  pamtAdds: number
  pamtRemoves: number
  demotes: number
  busy: number
  retries: number
  failedSeamcalls: number
  lostRaces: number
  /** Correctness failures of the lockless design (0 for the locked ones). */
  hazards: number
  /** Contended acquisitions per caller over every lock row of the design. */
  contendedByCaller: Record<string, number>
}

/** The per-design summary rows (the design table and its CSV). */
export function designSummaries(outcomes: readonly ContentionOutcome[]): DesignSummary[] {
  const withDemote = hasDemoteVariants(outcomes)
  return outcomes.map((o) => {
    let acquisitions = 0
    let contended = 0
    let totalWaitNs = 0
    let maxWaitNs = 0
    let totalHoldNs = 0
    let maxHoldNs = 0
    const byCaller: Record<string, number> = {}
    for (const l of o.locks) {
      acquisitions += l.acquisitions
      contended += l.contended
      totalWaitNs += l.totalWaitNs
      maxWaitNs = Math.max(maxWaitNs, l.maxWaitNs)
      totalHoldNs += l.totalHoldNs
      maxHoldNs = Math.max(maxHoldNs, l.maxHoldNs)
      for (const [caller, n] of Object.entries(l.contendedByCaller))
        byCaller[caller] = (byCaller[caller] ?? 0) + n
    }
    return {
      label: outcomeLabel(o, withDemote),
      design: o.design,
      demote: o.demote,
      acquisitions,
      contended,
      contendedFraction: acquisitions ? contended / acquisitions : 0,
      totalWaitNs,
      maxWaitNs,
      avgWaitNs: contended ? totalWaitNs / contended : 0,
      meanHoldNs: acquisitions ? totalHoldNs / acquisitions : 0,
      maxHoldNs,
      addedP50Ns: o.addedLatency.p50Ns,
      addedP99Ns: o.addedLatency.p99Ns,
      addedP999Ns: o.addedLatency.p999Ns,
      addedMeanNs: o.addedLatency.meanNs,
      addedMaxNs: o.addedLatency.maxNs,
      faults: o.faults,
      faultsPerSec: o.faultsPerSec,
      faultSpanNs: o.faultSpanNs,
      teardownSpanNs: o.teardownSpanNs,
      pamtAdds: o.pamtAdds,
      pamtRemoves: o.pamtRemoves,
      demotes: o.demotes,
      busy: o.busy,
      retries: o.retries,
      failedSeamcalls: o.failedSeamcalls,
      lostRaces: o.lostRaces,
      hazards: o.hazards,
      contendedByCaller: byCaller
    }
  })
}

/** "tdx_pamt_get 701, tdx_pamt_put 53" (most first), or "" when nothing contended. */
export function formatCallers(byCaller: Record<string, number>): string {
  return Object.entries(byCaller)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, n]) => `${c} ${n.toLocaleString('en-US')}`)
    .join(', ')
}
