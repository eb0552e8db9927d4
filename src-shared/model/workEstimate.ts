import type { AnalyzeHostOptions } from './host/analyzeHost'
import {
  SHRINK_CONTENTION,
  SHRINK_SIMULATION,
  WORK_LIMITS,
  WorkBudget,
  WorkLimitError,
  formatCount
} from './workLimits'
import type { HostInput } from './host/memoryMap'
import { maxOf } from '../util/arrays'
import { resolveModuleParams } from './host/moduleVersion'
import type { TdxModuleParams } from './host/tdxModuleParams'
import type { ContentionCosts } from './contention/costs'
import type { LockDesign } from './contention/designs'
import { runSeeds, scenarioDemotes } from './contention/runContention'
import { contentionTds } from './contention/simulateContention'
import { sensitivityPlan, withParameterValue, type SensitivityBase } from './contention/sensitivity'
import { withParameter, type SweepParameter } from './runtime/sweep'
import { tdFootprintBytes } from './workload/capacity'
import { pagesPerRegionVisit } from './workload/regionPool'
import type { Scenario, TdClass } from './workload/scenario'
import {
  controlPages,
  conversionLayout,
  septPages,
  tdMemoryLayout,
  type ConversionLayout,
  type TdMemoryLayout
} from './workload/tdPages'

export { WORK_LIMITS, WorkBudget, WorkLimitError, formatCount }

const SHRINK_WAITS =
  'lower the SEAMCALL costs (pamtAddNs, pamtRemoveNs, demoteNs) or raise busyBackoffNs: while a SEAMCALL holds a 2 MiB range, other CPUs retry it every busyFailNs + busyBackoffNs'
const SHRINK_SENSITIVITY =
  'a sensitivity runs every design and seed again at both ends of each parameter: pick fewer designs or seeds, or fewer or smaller TDs; always-lock costs the most'

/** What the estimate needs of a host: the TDX memory TDs are admitted against, and the params. */
export interface WorkHost {
  tdxMemoryBytes: number
  params: TdxModuleParams
}

export interface WorkEstimate {
  /** TDs the largest run of the request plans (sum of class counts). */
  tdsPerRun: number
  /** The estimate of the request's work, in `unit`s, and its limit. */
  units: number
  limit: number
  unit: 'region visits' | 'simulation events'
  /** Contention only: the most threads one run holds (0 for a simulation). */
  threads: number
  /** Null when within every limit; else one sentence naming what is too large and how to shrink it. */
  refusal: string | null
}

/** TDs a scenario plans: every TD of every class (arrivals after the end are dropped later). */
export function plannedTds(s: Scenario): number {
  return s.tdClasses.reduce((t, c) => t + c.count, 0)
}

/**
 * Upper bound on the TDs of each class that start. A class whose one TD is larger than the host's
 * TDX memory starts none (capacity.ts). TDs that never end all hold their memory at the end, so
 * together they can cost no more than the TDX memory filled with the class doing the most work per
 * byte; TDs that end may be followed by others, so each counts.
 */
function boundOverAdmitted(
  s: Scenario,
  host: WorkHost,
  perTd: (c: TdClass) => number
): { units: number } {
  let ending = 0
  let staying = 0
  let bestPerByte = 0
  for (const c of s.tdClasses) {
    const footprint = tdFootprintBytes(c, host.params, s.kvmMaxLeaf)
    if (footprint > host.tdxMemoryBytes) continue
    const units = perTd(c)
    if (c.lifetimeNs !== null && c.lifetimeNs < s.durationNs) ending += c.count * units
    else {
      staying += c.count * units
      bestPerByte = Math.max(bestPerByte, units / footprint)
    }
  }
  return { units: ending + Math.min(staying, host.tdxMemoryBytes * bestPerByte) }
}

/** Page counts of one TD of class `c` under the scenario's mapping rules. */
interface TdPageCounts {
  layout: TdMemoryLayout
  conv: ConversionLayout
  /** 2M mappings demoted at mid-life. */
  demoted: number
  /** Control and S-EPT pages (a new S-EPT page per demoted or split mapping included). */
  kernel: number
  /** Accept steps (1 when eager). */
  steps: number
}

function tdPages(s: Scenario, c: TdClass, params: TdxModuleParams): TdPageCounts {
  const layout = tdMemoryLayout(c, s.kvmMaxLeaf)
  const conv = conversionLayout(c, s.kvmMaxLeaf)
  const demoted = Math.round(layout.twoMMappings * c.demoteShare)
  const sept =
    septPages(
      layout.fourKPages * 4096,
      layout.twoMMappings * 2 ** 21,
      layout.oneGMappings * 2 ** 30,
      c.septLevels
    ) + conv.septExtra
  const kernel = controlPages(params, c.vcpus).total + sept + demoted
  const steps = c.accept.mode === 'lazy' ? c.accept.steps : 1
  return { layout, conv, demoted, kernel, steps }
}

/**
 * Region visits of one TD in the workload generator and the replay: each allocation takes
 * `pagesPerRegionVisit(f)` pages from every region it visits (plus a partial region at each end of
 * each allocation), every get of a TD torn down within the run is put again at teardown, huge
 * mappings take and release whole regions, and a demoted or split mapping is a DEMOTE and a put.
 * An upper bound while regions are visited whole; released pages can make later visits smaller,
 * which WorkBudget catches.
 */
export function simulationVisitsPerTd(s: Scenario, c: TdClass, params: TdxModuleParams): number {
  const ppr = pagesPerRegionVisit(s.host.fragmentation)
  const { layout, conv, demoted, kernel, steps } = tdPages(s, c, params)
  const calls = 5 + 3 * steps
  const fourK = Math.ceil((layout.fourKPages + conv.fourKPages) / ppr) + Math.ceil(kernel / ppr)
  const whole = layout.twoMMappings + layout.oneGMappings * 512
  // Puts mirror the gets only for TDs torn down within the run (a lifetime no longer than the
  // run); a TD that lives on puts only the pages it converts to shared. Counting a teardown that
  // never comes made the estimate, and a long simulation's progress bar, twice too slow.
  const ends = c.lifetimeNs !== null && c.lifetimeNs <= s.durationNs
  const puts = ends ? fourK : Math.ceil(conv.fourKPages / ppr) + (conv.fourKPages > 0 ? 1 : 0)
  return fourK + puts + 4 * calls + 2 * whole + 3 * (demoted + conv.splits) + 1
}

/**
 * Events of one design's run for one TD (see estimateContentionWork): `base` for the faults, puts
 * and threads, `waits` for retries on a 2 MiB range a SEAMCALL holds busy.
 */
export function contentionEventsPerTd(
  s: Scenario,
  c: TdClass,
  params: TdxModuleParams,
  design: LockDesign,
  costs: ContentionCosts
): { base: number; waits: number } {
  const ppr = Math.min(512, pagesPerRegionVisit(s.host.fragmentation))
  const { layout, conv, demoted, kernel } = tdPages(s, c, params)
  const fourK = layout.fourKPages + conv.fourKPages
  // Every design but always-lock skips a vCPU ahead through a region it holds in one step.
  const visits = Math.ceil(fourK / ppr) + Math.ceil(fourK / 512) + kernel + demoted + conv.splits
  // Under always-lock every get and put takes the lock, and in a TD that demotes every fault
  // takes its mmu_lock for read (DEMOTE write-holds it): no fault is skipped ahead. Puts come only
  // from a TD with a lifetime: the contention model tears it down even after durationNs.
  const locked = design === 'always-lock'
  const ends = c.lifetimeNs !== null
  const faults = fourK + kernel
  const base =
    (locked
      ? EVENTS_PER_LOCKED_GET * faults
      : demoted > 0
        ? EVENTS_PER_DEMOTING_FAULT * faults + (c.vcpus + 1) * demoted
        : 0) +
    (locked && ends ? EVENTS_PER_LOCKED_PUT * (fourK + kernel + 512 * demoted) : 0) +
    EVENTS_PER_VISIT * visits +
    EVENTS_PER_THREAD * (c.vcpus + 1)
  // A CPU that finds a 2 MiB range busy in the module retries every busyFail + busyBackoff for as
  // long as the holder's SEAMCALL lasts: assume one such waiter per PAMT.ADD, REMOVE and DEMOTE.
  const retryNs = costs.busyFailNs + costs.busyBackoffNs
  const holdNs =
    Math.max(costs.pamtAddNs, costs.pamtRemoveNs, demoted > 0 ? costs.demoteNs : 0) +
    costs.lockHoldExtraNs
  const retries = visits === 0 ? 0 : retryNs > 0 ? visits * Math.ceil(holdNs / retryNs) : Infinity
  return { base, waits: retries }
}

/**
 * Events per 4K page under always-lock: a fault (exit, lock, PAMT work, release, AUG) and, when the
 * TD ends, its put. Measured: 6.9 per page for the calibration scenario (a fault and a put each).
 */
const EVENTS_PER_LOCKED_GET = 5
/**
 * Events per 4K fault in a demoting TD under a design whose fast path takes no lock: the exit, the
 * fast-path get and PAGE.AUG (simulateContention's fault loop; the read-held mmu_lock costs no
 * event unless it waits). A DEMOTE's write hold makes each of the TD's vCPUs wait at most once, and
 * the writer once: (vCPUs + 1) per DEMOTE. Slow paths are in EVENTS_PER_VISIT.
 */
const EVENTS_PER_DEMOTING_FAULT = 3
const EVENTS_PER_LOCKED_PUT = 3
/** Events per region a vCPU or teardown reaches: the first fault's lock, SEAMCALL and skip. */
const EVENTS_PER_VISIT = 16
const EVENTS_PER_THREAD = 4

/** Planned TDs over all seeds above which the estimate bounds by memory instead of planning. */
const ADMISSION_PLAN_LIMIT = 200_000

/**
 * The TDs each seed's contention run starts, counted per class: the run's own admission
 * (contentionTds: the seed's arrival times, then capacity.ts admitTds), so exact, not a bound.
 * Null when the seeds plan more than ADMISSION_PLAN_LIMIT TDs in all (then the caller bounds by
 * memory, as before).
 */
function startedTds(
  scenario: Scenario,
  host: WorkHost,
  seeds: number
): Array<Map<TdClass, number>> | null {
  if (plannedTds(scenario) * seeds > ADMISSION_PLAN_LIMIT) return null
  return runSeeds(scenario.seed, seeds).map((seed) => {
    const { planned, admitted } = contentionTds(host, { ...scenario, seed })
    const counts = new Map<TdClass, number>()
    for (const td of planned) if (admitted[td.id]) counts.set(td.cls, (counts.get(td.cls) ?? 0) + 1)
    return counts
  })
}

function refusal(
  what: string,
  units: number,
  limit: number,
  unit: string,
  how: string
): string | null {
  if (units <= limit) return null
  return `${what} would take about ${formatCount(units)} ${unit}, more than the limit of ${formatCount(limit)} (docs/workload-model.md, "Work limits"): ${how}.`
}

function tdRefusal(tds: number): string | null {
  if (tds <= WORK_LIMITS.tdsPerRun) return null
  return `the scenario asks for ${formatCount(tds)} TDs in one run, more than the limit of ${formatCount(WORK_LIMITS.tdsPerRun)} (docs/workload-model.md, "Work limits"): lower the TD counts.`
}

/**
 * The work of a simulate request: the scenario once, then once per sweep value. Region visits are
 * summed over TDs that can start (see boundOverAdmitted).
 */
export function estimateSimulationWork(
  scenario: Scenario,
  host: WorkHost,
  sweep?: { parameter: SweepParameter; values: readonly number[] }
): WorkEstimate {
  const runs = [
    scenario,
    ...(sweep?.values ?? []).map((v) => withParameter(scenario, sweep!.parameter, v))
  ]
  let tdsPerRun = 0
  let units = 0
  for (const s of runs) {
    const tds = plannedTds(s)
    tdsPerRun = Math.max(tdsPerRun, tds)
    // Past the TD limit the request is refused anyway: do not size the classes.
    if (tds > WORK_LIMITS.tdsPerRun) continue
    units += boundOverAdmitted(s, host, (c) => simulationVisitsPerTd(s, c, host.params)).units
  }
  const what = sweep
    ? `this simulation and its ${sweep.values.length}-point sweep`
    : 'this simulation'
  return {
    tdsPerRun,
    units,
    limit: WORK_LIMITS.simulationVisits,
    unit: 'region visits',
    threads: 0,
    refusal:
      tdRefusal(tdsPerRun) ??
      refusal(what, units, WORK_LIMITS.simulationVisits, 'region visits', SHRINK_SIMULATION)
  }
}

/**
 * The work of a contention request: one run per design, and per DEMOTE variant when the scenario
 * demotes, all of it once per seed (settings.seeds, 1 when absent), summed over the TDs each seed's
 * run starts (startedTds: the run's own admission; threads are the most of one run, as runs never
 * share a worker's threads). Events per TD: 16 per region a vCPU reaches (every design but
 * always-lock skips ahead through regions it holds), 5 per 4K fault and 3 per put under
 * always-lock, 3 per 4K fault and vCPUs + 1 per DEMOTE in a demoting TD under the other designs,
 * 4 per thread, plus retries while a SEAMCALL holds a 2 MiB range busy (docs/workload-model.md,
 * "Work limits").
 */
export function estimateContentionWork(
  scenario: Scenario,
  host: WorkHost,
  settings: {
    designs: readonly LockDesign[]
    demoteVariants: readonly string[]
    costs: ContentionCosts
    seeds?: number
    kernelWindowRegions?: number
    sensitivity?: boolean
  }
): WorkEstimate {
  const seeds = settings.seeds ?? 1
  const tdsPerRun = plannedTds(scenario)
  const demotes = scenarioDemotes(scenario)
  const variants = demotes ? settings.demoteVariants.length : 1
  // A sensitivity runs everything again at each end of each parameter, with that end's costs
  // (a quarter of busyBackoffNs means four times the retries): the base point and each end.
  const base: SensitivityBase = {
    costs: settings.costs,
    kernelWindowRegions: settings.kernelWindowRegions ?? 8
  }
  const plan = settings.sensitivity ? sensitivityPlan(base, demotes) : null
  const points = [
    base,
    ...(plan?.parameters ?? []).flatMap((r) =>
      [r.low, r.high].map((v) => withParameterValue(base, r.parameter, v))
    )
  ]
  // Events and waits over every seed.
  let events = 0
  let waits = 0
  let threads = 0
  if (tdsPerRun <= WORK_LIMITS.tdsPerRun) {
    const started = startedTds(scenario, host, seeds)
    // Per seed, sum `perTd` over the TDs the run starts; or, when too many to plan here, the
    // memory bound (boundOverAdmitted) for every seed.
    const overRuns = (perTd: (c: TdClass) => number): number => {
      if (!started) return seeds * boundOverAdmitted(scenario, host, perTd).units
      const memo = new Map<TdClass, number>()
      let sum = 0
      for (const run of started)
        for (const [c, n] of run) {
          let u = memo.get(c)
          if (u === undefined) memo.set(c, (u = perTd(c)))
          sum += n * u
        }
      return sum
    }
    threads = started
      ? maxOf(started.map((run) => [...run].reduce((t, [c, n]) => t + n * (c.vcpus + 1), 0)))
      : boundOverAdmitted(scenario, host, (c) => c.vcpus + 1).units
    for (const point of points)
      for (const design of settings.designs) {
        const per = new Map<TdClass, { base: number; waits: number }>()
        const of = (c: TdClass): { base: number; waits: number } => {
          let v = per.get(c)
          if (!v)
            per.set(c, (v = contentionEventsPerTd(scenario, c, host.params, design, point.costs)))
          return v
        }
        events += variants * overRuns((c) => of(c).base)
        waits += variants * overRuns((c) => of(c).waits)
      }
  }
  const units = events + waits
  const limit = plan ? WORK_LIMITS.sensitivityEvents : WORK_LIMITS.contentionEvents
  const threadRefusal =
    threads > WORK_LIMITS.contentionThreads
      ? `this contention run would hold about ${formatCount(threads)} vCPU and VMM threads, more than the limit of ${formatCount(WORK_LIMITS.contentionThreads)} (docs/workload-model.md, "Work limits"): lower the TD counts or vCPUs.`
      : null
  const how = !Number.isFinite(waits)
    ? 'busyFailNs + busyBackoffNs must be above 0, or a CPU that retries a busy SEAMCALL never lets time pass'
    : waits > events
      ? SHRINK_WAITS
      : plan
        ? SHRINK_SENSITIVITY
        : SHRINK_CONTENTION
  const what = `this contention run (${settings.designs.length} design${settings.designs.length === 1 ? '' : 's'}${seeds > 1 ? ` × ${seeds} seeds` : ''}${plan ? ` × ${points.length} sensitivity points` : ''})`
  return {
    tdsPerRun,
    units,
    limit,
    unit: 'simulation events',
    threads,
    refusal:
      tdRefusal(tdsPerRun) ?? threadRefusal ?? refusal(what, units, limit, 'simulation events', how)
  }
}

/**
 * The WorkHost of an imported host under the request's model options, for callers that hold the
 * host's input but not its analysis (the service): the TDX memory of the stored analysis, and the
 * module parameters resolved as analyzeHost resolves them.
 */
export function workHostOf(
  host: HostInput,
  tdxMemoryBytes: number,
  options: AnalyzeHostOptions = {}
): WorkHost {
  const mode = options.pamtMode ?? (host.kernelLog.dynamicPamtEnabled ? 'dynamic' : 'static')
  const { params } = resolveModuleParams(
    host.kernelLog,
    mode === 'dynamic',
    options.moduleParamSet,
    host.params,
    options.params
  )
  return { tdxMemoryBytes, params }
}
