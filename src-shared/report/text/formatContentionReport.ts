import type { ContentionRun } from '../../api/contract'
import { formatPerfTime, perfLockTable } from '../../charts/contention/perfLock'
import { formatNs } from '../../charts/contention/labels'
import { capacityCaveat, capacitySentence } from '../../charts/workload/capacityText'
import { formatSensitivityReport } from './formatSensitivityReport'
import { seedSpreadCells } from './contentionText'

/** `pamt-planner contention`: perf's table, then the per-design figures perf does not print. */
export function formatContentionReport(run: ContentionRun): string {
  const r = run.report
  const s = r.settings
  const out: string[] = [
    `${r.scenarioName} on ${run.hostName} (seed ${r.seed}; costs are estimates: docs/contention-model.md)`,
    `  capacity: ${capacitySentence(r.capacity)}`
  ]
  const caveat = capacityCaveat(r.capacity)
  if (caveat) out.push(`  NOT ALL TDs FIT: ${caveat}`)
  out.push(
    `  machine: ${r.machine.sockets} sockets × ${r.machine.cpusPerSocket} CPUs (${r.machine.detail})`,
    `  timing (modelled): TD start jitter ${formatNs(s.tdStartJitterNs)}, vCPU start jitter ${formatNs(s.vcpuStartJitterNs)}, service-time CV ${s.costs.serviceCv}${s.tdStartJitterNs === 0 && s.vcpuStartJitterNs === 0 && s.costs.serviceCv === 0 ? ' (lockstep: a synchronized storm)' : ''}`
  )
  out.push('')
  out.push(perfLockTable(r.outcomes))
  out.push(
    'design          demote          acquired  contended%   p50 added    p99 added  p99.9 added   faults/s     BUSY  retries  failed  hazards'
  )
  for (const o of r.outcomes) {
    const l = o.locks[0]
    const pct = l && l.acquisitions ? ((100 * l.contended) / l.acquisitions).toFixed(2) : '0.00'
    out.push(
      `${o.design.padEnd(15)} ${o.demote.padEnd(15)} ${String(l?.acquisitions ?? 0).padStart(8)} ${pct.padStart(10)} ${formatPerfTime(o.addedLatency.p50Ns).padStart(12)} ${formatPerfTime(o.addedLatency.p99Ns).padStart(12)} ${formatPerfTime(o.addedLatency.p999Ns).padStart(12)} ${Math.round(o.faultsPerSec).toString().padStart(10)} ${String(o.busy).padStart(8)} ${String(o.retries).padStart(8)} ${String(o.failedSeamcalls).padStart(7)} ${String(o.hazards).padStart(8)}`
    )
  }
  if (r.outcomes.some((o) => o.spread)) {
    out.push(
      '',
      `over ${r.seeds.length} seeds (${r.seeds.join(', ')}): median [min–max]; the rows above are seed ${r.seed}'s`,
      `${'design'.padEnd(15)} ${'demote'.padEnd(15)} ${'contended'.padStart(16)} ${'total wait'.padStart(34)}`
    )
    // The same cells as "Copy as text" (contentionText.ts).
    for (const c of seedSpreadCells(r.outcomes))
      out.push(
        `${c.design.padEnd(15)} ${c.demote.padEnd(15)} ${c.contended.padStart(16)} ${c.totalWait.padStart(34)}`
      )
  }
  if (r.outcomes.some((o) => o.hazards > 0))
    out.push(
      'hazards: the lockless design (module-only) used pages before their PAMT pair was added, or had a pair removed while in use (docs/contention-model.md)'
    )
  if (r.sensitivity) out.push('', formatSensitivityReport(r.sensitivity, r.seeds.length))
  return out.join('\n')
}
