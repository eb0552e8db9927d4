import { z } from 'zod'
import type { HostAnalysis } from '../host/analyzeHost'
import type { ScenarioCapacity } from '../workload/capacity'
import type { Scenario } from '../workload/scenario'
import { contentionCostsSchema } from './costs'
import { lockDesignSchema, type DemoteVariant, type LockDesign } from './designs'
import { contentionTds, simulateContention, type ContentionOutcome } from './simulateContention'

/** A contention run's machine, costs and designs; defaults documented in docs/contention-model.md. */
export const contentionSettingsSchema = z.strictObject({
  designs: z
    .array(lockDesignSchema)
    .min(1)
    .max(8)
    .default(['v6', 'always-lock', 'per-2m', 'hashed:64', 'module-only']),
  demoteVariants: z
    .array(z.enum(['lock-around', 'try-then-lock']))
    .min(1)
    .max(2)
    .default(['lock-around', 'try-then-lock']),
  costs: contentionCostsSchema.default(contentionCostsSchema.parse({})),
  /** Two sockets, as in the list measurement (§3.3); CPUs per socket of a Xeon 8480C. */
  sockets: z.number().int().min(1).max(16).default(2),
  cpusPerSocket: z.number().int().min(1).max(512).default(56),
  kernelWindowRegions: z.number().int().min(1).max(4096).default(8),
  timelineBins: z.number().int().min(10).max(5000).default(400)
})

export type ContentionSettingsInput = z.input<typeof contentionSettingsSchema>
export type ContentionRunSettings = z.infer<typeof contentionSettingsSchema>

export interface ContentionReport {
  scenarioName: string
  seed: number
  settings: ContentionRunSettings
  /**
   * Requested vs started TDs: TDs that do not fit are not started, in every design alike, and every
   * figure below is for the TDs that started.
   */
  capacity: ScenarioCapacity
  /** One outcome per design, and per DEMOTE variant when the scenario demotes. */
  outcomes: ContentionOutcome[]
  /** Events simulated over all outcomes, and the wall time the model took (for throughput). */
  events: number
}

/** Whether any TD class demotes 2M pages: only then do the DEMOTE variants differ. */
export function scenarioDemotes(s: Scenario): boolean {
  return s.tdClasses.some((c) => c.demoteShare > 0 && c.share2m > 0)
}

/**
 * Run every selected design on the same scenario (dpamt-model.md §3): each design once, and each
 * DEMOTE variant when the scenario demotes. Deterministic for the scenario's seed.
 */
export function runContention(
  host: HostAnalysis,
  scenario: Scenario,
  settings: ContentionRunSettings,
  onProgress?: (fraction: number) => void
): ContentionReport {
  const variants: DemoteVariant[] = scenarioDemotes(scenario)
    ? settings.demoteVariants
    : [settings.demoteVariants[0]!]
  const runs: Array<[LockDesign, DemoteVariant]> = settings.designs.flatMap((d) =>
    variants.map((v) => [d, v] as [LockDesign, DemoteVariant])
  )
  const outcomes = runs.map(([design, demote], i) =>
    simulateContention(host, scenario, design, demote, settings, (f) =>
      onProgress?.((i + f) / runs.length)
    )
  )
  return {
    scenarioName: scenario.name,
    seed: scenario.seed,
    settings,
    capacity: contentionTds(host, scenario).capacity,
    outcomes,
    events: outcomes.reduce((s, o) => s + o.events, 0)
  }
}
