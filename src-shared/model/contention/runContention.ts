import { z } from 'zod'
import { WORK_LIMITS, contentionBudget, type WorkBudget } from '../workLimits'
import type { HostAnalysis } from '../host/analyzeHost'
import { maxOf } from '../../util/arrays'
import type { ScenarioCapacity } from '../workload/capacity'
import type { ContentionPresetSettings } from '../workload/presets'
import type { Scenario } from '../workload/scenario'
import { contentionCostsSchema } from './costs'
import { lockDesignSchema, outcomeLabels, type DemoteVariant, type LockDesign } from './designs'
import {
  baseMetrics,
  judgeSensitivity,
  KERNEL_WINDOW_REGIONS_MAX,
  pointMetrics,
  sensitivityPlan,
  sensitivityPointCount,
  withParameterValue,
  type SensitivityReport
} from './sensitivity'
import { contentionTds, simulateContention, type ContentionOutcome } from './simulateContention'
import { outcomeSpread } from './spread'
import { contentionPartNames, contentionStep, sensitivityStep } from '../progressSteps'

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
  /**
   * The machine. Absent: from the host's boot log (SRAT CPU affinity lines, `hostMachine`), else
   * DEFAULT_MACHINE. Either way the report says where it came from (`ContentionMachine`).
   */
  sockets: z.number().int().min(1).max(16).optional(),
  cpusPerSocket: z.number().int().min(1).max(512).optional(),
  kernelWindowRegions: z.number().int().min(1).max(KERNEL_WINDOW_REGIONS_MAX).default(8),
  /**
   * Each TD starts at its arrival time plus a uniform draw from [0, this). Modelled: even TDs
   * launched together are started one VMM after another and each builds its TD (control pages,
   * the image's PAGE.ADDs) before its vCPUs run; no spread was published, 100 ms is an estimate,
   * well below a guest's boot time. 0: the arrival times exactly.
   */
  tdStartJitterNs: z.number().min(0).max(1e12).default(100e6),
  /**
   * Each vCPU's first fault comes a uniform draw from [0, this) after its TD starts. Modelled: the
   * guest brings its CPUs up and starts its faulting threads one after another; 100 µs (several
   * 13 µs fault cycles) is an estimate. 0: every vCPU of a TD starts together.
   */
  vcpuStartJitterNs: z.number().min(0).max(1e12).default(100e3),
  timelineBins: z.number().int().min(10).max(5000).default(400),
  /**
   * Run every design this many times, with the scenario's seed, seed + 1, … (mod 2^32), one after
   * another in one job; each outcome then carries its metrics' min, median and max (`spread`).
   * 1 (the default here and in the CLI; the app's form starts at 5): one sample, no spread.
   */
  seeds: z.number().int().min(1).max(50).default(1),
  /**
   * Also run every cost and the kernel window one at a time at ¼× and 4× their value here, every
   * design × DEMOTE variant × seed at each end, and judge which conclusions hold
   * (`report.sensitivity`; docs/contention-model.md, "Sensitivity"). 1 + 2 × parameters runs.
   */
  sensitivity: z.boolean().default(false)
})

export type ContentionSettingsInput = z.input<typeof contentionSettingsSchema>
export type ContentionRunSettings = z.infer<typeof contentionSettingsSchema>

/**
 * Settings with a contention preset's own (presets.ts contentionPresetSettings: the synchronized
 * storm's zero jitter and constant costs) laid over them.
 */
export function withPresetSettings(
  input: ContentionSettingsInput,
  preset: ContentionPresetSettings
): ContentionSettingsInput {
  const { serviceCv, ...rest } = preset
  return {
    ...input,
    ...rest,
    ...(serviceCv !== undefined ? { costs: { ...input.costs, serviceCv } } : {})
  }
}

/** Two sockets, as in the list measurement (§3.3); CPUs per socket of a Xeon 8480C. */
export const DEFAULT_MACHINE = Object.freeze({ sockets: 2, cpusPerSocket: 56 })

/** The machine a run used, and where it came from. */
export interface ContentionMachine {
  sockets: number
  cpusPerSocket: number
  /** 'host': the host's boot log; 'default': DEFAULT_MACHINE; 'user': set in the settings. */
  source: 'host' | 'default' | 'user'
  /** One sentence for the report: the source, and for 'host' which lines. */
  detail: string
}

/**
 * The machine the host's boot log describes: NUMA nodes with CPUs (SRAT CPU affinity lines) as
 * sockets, and the most CPUs of a node as CPUs per socket; null when the log has no such lines.
 * Modelled: a node is taken for a socket (sub-NUMA clustering splits a socket into 2 or 4 nodes,
 * and then sockets are over-counted: edit them), and CPUs are logical CPUs, SMT siblings included.
 */
export function hostMachine(
  host: Pick<HostAnalysis, 'cpuTopology'>
): Omit<ContentionMachine, 'source'> | null {
  const t = host.cpuTopology
  if (!t || t.nodes.length === 0) return null
  const most = maxOf(t.nodes.map((n) => n.cpus))
  const sockets = Math.min(16, t.nodes.length)
  const cpusPerSocket = Math.min(512, most)
  const clipped = t.nodes.length > 16 || most > 512
  const lines =
    t.firstLine === t.lastLine ? `line ${t.firstLine}` : `lines ${t.firstLine}-${t.lastLine}`
  return {
    sockets,
    cpusPerSocket,
    detail: `from the host log: ${t.nodes.length} NUMA node${t.nodes.length === 1 ? '' : 's'} with CPUs (${t.nodes.map((n) => n.cpus).join(', ')} APIC ids) in SRAT CPU affinity ${lines}, a node taken as a socket${clipped ? ', clipped to 16 sockets of at most 512 CPUs' : ''}`
  }
}

/** The machine of a run: the settings' values, else the host's, else DEFAULT_MACHINE. */
export function resolveMachine(
  host: Pick<HostAnalysis, 'cpuTopology'>,
  settings: Pick<ContentionRunSettings, 'sockets' | 'cpusPerSocket'>
): ContentionMachine {
  const fromHost = hostMachine(host)
  const base = fromHost ?? {
    ...DEFAULT_MACHINE,
    detail: `default: the list measurement's 2 sockets of a Xeon 8480C (the log has no SRAT CPU affinity lines)`
  }
  const sockets = settings.sockets ?? base.sockets
  const cpusPerSocket = settings.cpusPerSocket ?? base.cpusPerSocket
  if (sockets === base.sockets && cpusPerSocket === base.cpusPerSocket)
    return { sockets, cpusPerSocket, source: fromHost ? 'host' : 'default', detail: base.detail }
  return {
    sockets,
    cpusPerSocket,
    source: 'user',
    detail: `set in the settings (${fromHost ? 'the host log says' : 'the default is'} ${base.sockets} × ${base.cpusPerSocket})`
  }
}

export interface ContentionReport {
  scenarioName: string
  /** The scenario's seed: the first of `seeds`. */
  seed: number
  /** The seeds run, in order (settings.seeds of them); one unless repeated. */
  seeds: number[]
  settings: ContentionRunSettings
  /** Sockets and CPUs per socket the run used, and where they came from. */
  machine: ContentionMachine
  /**
   * Requested vs started TDs: TDs that do not fit are not started, in every design alike, and every
   * figure below is for the TDs that started.
   */
  capacity: ScenarioCapacity
  /**
   * One outcome per design, and per DEMOTE variant when the scenario demotes: the first seed's run,
   * with `spread` over every seed when there are several.
   */
  outcomes: ContentionOutcome[]
  /** Events simulated over all outcomes, seeds and sensitivity points (for throughput). */
  events: number
  /** With settings.sensitivity: each parameter at ¼× and 4×, and which conclusions hold. */
  sensitivity?: SensitivityReport
}

/** Whether any TD class demotes 2M pages: only then do the DEMOTE variants differ. */
export function scenarioDemotes(s: Scenario): boolean {
  return s.tdClasses.some((c) => c.demoteShare > 0 && c.share2m > 0)
}

/** The seeds a run of `count` seeds uses: the scenario's, then the next ones, mod 2^32. */
export function runSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (seed + k) % 2 ** 32)
}

/** One simulation of a contention request: a seed (by index into the request's seeds) × design × DEMOTE variant. */
export interface ContentionPart {
  seedIndex: number
  seed: number
  design: LockDesign
  demote: DemoteVariant
}

/**
 * The simulations of a request with these settings, in the order the report lists them: seed by
 * seed, and within a seed design by design, each DEMOTE variant when the scenario demotes. Each is
 * independent of the others (its own seeded streams), so they may run in any order or at once and
 * still give the same outcomes (docs/contention-model.md, "Parallel runs").
 */
export function contentionParts(
  scenario: Scenario,
  settings: Pick<ContentionRunSettings, 'designs' | 'demoteVariants'>,
  seeds: readonly number[]
): ContentionPart[] {
  const variants: DemoteVariant[] = scenarioDemotes(scenario)
    ? settings.demoteVariants
    : [settings.demoteVariants[0]!]
  return seeds.flatMap((seed, seedIndex) =>
    settings.designs.flatMap((design) =>
      variants.map((demote) => ({ seedIndex, seed, design, demote }))
    )
  )
}

/** One part of a request: simulateContention with the part's seed, design and variant. */
export function runContentionPart(
  host: HostAnalysis,
  scenario: Scenario,
  settings: ContentionRunSettings,
  machine: ContentionMachine,
  part: ContentionPart,
  budget: WorkBudget,
  onProgress?: (fraction: number) => void
): ContentionOutcome {
  return simulateContention(
    host,
    { ...scenario, seed: part.seed },
    part.design,
    part.demote,
    { ...settings, sockets: machine.sockets, cpusPerSocket: machine.cpusPerSocket },
    onProgress,
    budget
  )
}

/**
 * Every design × DEMOTE variant × seed on one scenario and one set of settings: `[k][i]` is seed
 * k's outcome i. The one loop a run and each of its sensitivity points go through, so a point
 * differs from the base run only in the parameter it varies. `onProgress` gets this loop's own
 * fraction.
 */
function runDesigns(
  host: HostAnalysis,
  scenario: Scenario,
  settings: ContentionRunSettings,
  machine: ContentionMachine,
  seeds: readonly number[],
  budget: WorkBudget,
  onProgress?: (fraction: number, step: string) => void
): ContentionOutcome[][] {
  const parts = contentionParts(scenario, settings, seeds)
  const names = contentionPartNames(parts)
  const outcomes = parts.map((part, i) => {
    // Said as each run starts ("simulating v6 (2/5)"): a run reports within itself only every
    // 2^20 events.
    const step = contentionStep(names[i]!, i + 1, parts.length)
    onProgress?.(i / parts.length, step)
    const outcome = runContentionPart(host, scenario, settings, machine, part, budget, (f) =>
      onProgress?.((i + f) / parts.length, step)
    )
    // Its end too, so a sensitivity of many short runs still moves its bar.
    onProgress?.((i + 1) / parts.length, step)
    return outcome
  })
  return bySeed(outcomes, seeds.length)
}

/** Outcomes in contentionParts order, cut into one row per seed. */
function bySeed(outcomes: readonly ContentionOutcome[], seeds: number): ContentionOutcome[][] {
  const per = outcomes.length / seeds
  return Array.from({ length: seeds }, (_, k) => outcomes.slice(k * per, (k + 1) * per))
}

/**
 * The report of a request without a sensitivity from its parts' outcomes (contentionParts order):
 * what runContention returns, for a caller that ran the parts elsewhere (the service's parallel
 * workers). `capacity` is contentionTds(host, scenario).capacity.
 */
export function assembleContentionReport(
  scenario: Scenario,
  settings: ContentionRunSettings,
  machine: ContentionMachine,
  capacity: ScenarioCapacity,
  outcomes: readonly ContentionOutcome[]
): ContentionReport {
  const seeds = runSeeds(scenario.seed, settings.seeds)
  return reportOf(scenario, settings, machine, capacity, bySeed(outcomes, seeds.length), seeds)
}

function reportOf(
  scenario: Scenario,
  settings: ContentionRunSettings,
  machine: ContentionMachine,
  capacity: ScenarioCapacity,
  perSeed: ContentionOutcome[][],
  seeds: number[],
  sensitivity?: { report: SensitivityReport; events: number }
): ContentionReport {
  const first = perSeed[0]!
  const outcomes =
    seeds.length === 1
      ? first
      : first.map((o, i) => ({ ...o, spread: outcomeSpread(perSeed.map((r) => r[i]!)) }))
  return {
    scenarioName: scenario.name,
    seed: scenario.seed,
    seeds,
    settings,
    machine,
    capacity,
    outcomes,
    events: eventsOf(perSeed) + (sensitivity?.events ?? 0),
    ...(sensitivity ? { sensitivity: sensitivity.report } : {})
  }
}

const eventsOf = (perSeed: readonly ContentionOutcome[][]): number =>
  perSeed.flat().reduce((s, o) => s + o.events, 0)

/**
 * Run every selected design on the same scenario (dpamt-model.md §3): each design once, and each
 * DEMOTE variant when the scenario demotes; all of it once per seed (settings.seeds), one seed
 * after another. With settings.sensitivity, all of it again at each end of every parameter
 * (sensitivity.ts), with one progress fraction over every run. Deterministic for the scenario's
 * seed.
 */
export function runContention(
  host: HostAnalysis,
  scenario: Scenario,
  settings: ContentionRunSettings,
  onProgress?: (fraction: number, step: string) => void
): ContentionReport {
  const machine = resolveMachine(host, settings)
  const seeds = runSeeds(scenario.seed, settings.seeds)
  const plan = settings.sensitivity ? sensitivityPlan(settings, scenarioDemotes(scenario)) : null
  const points = 1 + (plan ? sensitivityPointCount(plan) : 0)
  // A sensitivity point names its parameter and end before the run ("sensitivity 3 of 18, …").
  const progressAt =
    (point: number, at?: { parameter: string; end: 'low' | 'high' }) =>
    (f: number, step: string): void =>
      onProgress?.(
        (point + f) / points,
        at ? sensitivityStep(point, points - 1, at.parameter, at.end, step) : step
      )
  // One budget for every run of the request: the run-time stop behind the pre-flight estimate.
  const budget = contentionBudget(
    plan ? WORK_LIMITS.sensitivityEvents : WORK_LIMITS.contentionEvents
  )
  const perSeed = runDesigns(host, scenario, settings, machine, seeds, budget, progressAt(0))
  const first = perSeed[0]!
  let sensitivity: { report: SensitivityReport; events: number } | undefined
  if (plan) {
    const labels = outcomeLabels(first)
    let pointEvents = 0
    const perDesign = plan.parameters.map((range, p) => {
      const [low, high] = (['low', 'high'] as const).map((end, e) => {
        const at = withParameterValue(settings, range.parameter, range[end])
        const runs = runDesigns(
          host,
          scenario,
          at,
          machine,
          seeds,
          budget,
          progressAt(1 + 2 * p + e, { parameter: range.parameter, end })
        )
        pointEvents += eventsOf(runs)
        return pointMetrics(runs)
      })
      return Object.fromEntries(labels.map((l, i) => [l, { low: low![i]!, high: high![i]! }]))
    })
    const outcomes =
      seeds.length === 1
        ? first
        : first.map((o, i) => ({ ...o, spread: outcomeSpread(perSeed.map((r) => r[i]!)) }))
    const base = baseMetrics(outcomes)
    sensitivity = {
      report: judgeSensitivity(
        labels.map((label, i) => ({ label, design: first[i]!.design })),
        plan,
        Object.fromEntries(labels.map((l, i) => [l, base[i]!])),
        perDesign,
        seeds.length,
        pointEvents
      ),
      events: pointEvents
    }
  }
  const capacity = contentionTds(host, scenario).capacity
  return reportOf(scenario, settings, machine, capacity, perSeed, seeds, sensitivity)
}
