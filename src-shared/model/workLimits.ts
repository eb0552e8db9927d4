// The work limits and their error, apart from the estimate so the model's run loops can import
// them without importing the estimate (which imports the model).

/**
 * Pre-flight bounds on the work of a model run (docs/workload-model.md, "Work limits"), checked by
 * the service before any worker starts, by the CLI (through the service) and by the GUI before it
 * sends a request, from the scenario and the host alone. The figures are documented limits, not tuning: each is about half
 * a minute to two minutes of one core at the model's measured rate (`npm run bench`), and memory
 * that stays well inside the worker's heap cap.
 */
export const WORK_LIMITS = {
  /**
   * TDs one run plans (the sum of the class counts, or of a sweep point's): every TD is planned, and
   * admitted or not, before any event; 100,000 is also the largest count of one class.
   */
  tdsPerRun: 100_000,
  /**
   * Region visits of one simulate request, its sweep points included: the workload generator and the
   * replay cost per 2 MiB region a TD operation touches, ~10 million a second (bench: 47 M events in
   * 4.1 s), so about half a minute.
   */
  simulationVisits: 300_000_000,
  /**
   * Events of one contention request, every design and DEMOTE variant together: the discrete-event
   * simulation runs 3-8 million a second (bench), so about one to two minutes. The calibration
   * scenario with every design is ~290 M, nearly all of them the always-lock design's.
   */
  contentionEvents: 400_000_000,
  /**
   * Events of one contention request with a sensitivity (1 + 2 × parameters points, each every
   * design × DEMOTE variant × seed; docs/contention-model.md, "Sensitivity"). The estimate is an
   * upper bound, and for designs that skip ahead a loose one: the calibration preset with v6,
   * per-2m, hashed:64 and module-only over 3 seeds is estimated at 1.87 billion and ran 413 million
   * events (4.5×). 3.5 billion admits the form's default (those designs, 5 seeds: 3.12 billion
   * estimated, ~690 million run: about 3 minutes of one core at ~4 million events a second) and
   * refuses always-lock on that preset (10.6 billion with one seed), whose estimate is nearly
   * exact (1.2×).
   */
  sensitivityEvents: 3_500_000_000,
  /** vCPU and VMM threads of one contention run, each a generator held in memory for the run. */
  contentionThreads: 100_000,
  /**
   * v6 runs of one calibration fit (maxFitRuns: (points + 1) × evaluations × seeds). A run of the
   * calibration preset is about 1.07 M events (0.25-0.4 s), so 360 runs are about the contention
   * limit's 400 M events; the per-run estimate (an upper bound, ~4.9 M for the preset) would refuse
   * the default fit's 180. The fit also stops itself past contentionEvents of real events.
   */
  calibrationFitRuns: 360
} as const

/** Thrown by a model run that passes its work limit while running (the estimate fell short). */
export class WorkLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WorkLimitError'
  }
}

/** "1.2 billion", "300 million", "45,000". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'unboundedly many'
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(3))} billion`
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))} million`
  return Math.round(n).toLocaleString('en-US')
}

/** How to shrink a simulate request, for refusals and for WorkBudget's stop. */
export const SHRINK_SIMULATION =
  'lower the TD counts or memory, the fragmentation, the lazy-accept steps, or the sweep points'
/** How to shrink a contention request. */
export const SHRINK_CONTENTION =
  'pick fewer designs or seeds, fewer or smaller TDs, or a lower fragmentation; always-lock costs the most'

/** A run's remaining work, shared by every run of one request (a simulation and its sweep). */
export class WorkBudget {
  private used = 0
  constructor(
    readonly limit: number = WORK_LIMITS.simulationVisits,
    private readonly unit: string = 'region visits',
    private readonly how: string = SHRINK_SIMULATION
  ) {}

  /** Count `n` units; throws WorkLimitError past the limit. */
  spend(n: number): void {
    this.used += n
    if (this.used > this.limit)
      throw new WorkLimitError(
        `the run passed ${formatCount(this.limit)} ${this.unit}, the limit for one request, and was stopped (docs/workload-model.md, "Work limits"): ${this.how}.`
      )
  }

  get spent(): number {
    return this.used
  }
}

/**
 * A budget of one contention request: `limit` simulation events (WORK_LIMITS.contentionEvents, or
 * sensitivityEvents for a request with a sensitivity).
 */
export function contentionBudget(limit: number = WORK_LIMITS.contentionEvents): WorkBudget {
  return new WorkBudget(limit, 'simulation events', SHRINK_CONTENTION)
}
