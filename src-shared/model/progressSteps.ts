import type { ContentionPart } from './contention/runContention'

/**
 * The words of a job's progress step (`JobProgress.step`, docs/workload-model.md "Progress" and
 * docs/contention-model.md "Progress"): what the worker is running now, in the product's names
 * (design and DEMOTE variant labels as the design table writes them, placements as the scenario
 * names them). One module, so the GUI's bar and the CLI's terminal line say the same thing.
 */

/** Counts as the product prints them: 1,000 with a thousands comma. */
const count = (n: number): string => n.toLocaleString('en-US')

/**
 * A workload run's main phase. The generator streams each region event straight into the replay
 * (no event list in between), so generating and replaying are one phase, not two.
 */
export const WORKLOAD_STEP = 'generating and replaying events'

/** A placement-range repeat: "placement range: interleaved (2/3)", the main run being 1 of n. */
export function placementStep(placement: string, run: number, runs: number): string {
  return `placement range: ${placement} (${run}/${runs})`
}

/** A sweep's run of one value: "sweep value 3 of 11". */
export function sweepStep(value: number, values: number): string {
  return `sweep value ${count(value)} of ${count(values)}`
}

/**
 * A contention part's name, as the design table labels its outcome (`outcomeLabel`): the design,
 * " · " and the DEMOTE variant when the request runs both, " · seed N" when it runs several seeds.
 */
export function contentionPartName(
  part: Pick<ContentionPart, 'design' | 'demote' | 'seed'>,
  of: { variants: boolean; seeds: boolean }
): string {
  let name: string = part.design
  if (of.variants) name += ` · ${part.demote}`
  if (of.seeds) name += ` · seed ${part.seed}`
  return name
}

/** Names of every part of a request, in its order (contentionParts), told apart as needed. */
export function contentionPartNames(parts: readonly ContentionPart[]): string[] {
  const of = {
    variants: new Set(parts.map((p) => p.demote)).size > 1,
    seeds: new Set(parts.map((p) => p.seedIndex)).size > 1
  }
  return parts.map((p) => contentionPartName(p, of))
}

/** One worker running a request's parts in turn: "simulating v6 (2/5)". */
export function contentionStep(name: string, run: number, runs: number): string {
  return `simulating ${name} (${count(run)}/${count(runs)})`
}

/**
 * Parts in parallel on the pool: the ones running now and how many are done, "simulating
 * always-lock, per-2m (3 of 5 runs done)".
 */
export function contentionPartsStep(
  running: readonly string[],
  done: number,
  runs: number
): string {
  const what = running.length
    ? `simulating ${running.join(', ')}`
    : 'waiting for a free model worker'
  return `${what} (${count(done)} of ${count(runs)} runs done)`
}

/** A sensitivity point (docs/contention-model.md, "Sensitivity"): "sensitivity 3 of 18, seamcallNs 4×: …". */
export function sensitivityStep(
  point: number,
  points: number,
  parameter: string,
  end: 'low' | 'high',
  inner: string
): string {
  return `sensitivity ${count(point)} of ${count(points)}, ${parameter} ${end === 'low' ? '¼×' : '4×'}: ${inner}`
}

/** A calibration fit (docs/contention-model.md, "Calibration fit"): its evaluations against their bound. */
export function calibrationStep(evaluation: number, atMost: number): string {
  return `fit evaluation ${count(evaluation)} of at most ${count(atMost)}`
}

/** A fleet run: "120 of 1,000 hosts". */
export function fleetStep(done: number, hosts: number): string {
  return `${count(done)} of ${count(hosts)} hosts`
}

/** A report re-running a pinned result: "re-running pin 2 of 3". */
export function pinStep(pin: number, pins: number): string {
  return `re-running pin ${count(pin)} of ${count(pins)}`
}

/** A report job's other steps, in the order it takes them. */
export const REPORT_STEPS = {
  hosts: 'analysing the hosts',
  simulation: 'simulating the workload',
  contention: 'contention run',
  building: 'building the report'
} as const

/** A trace replay, after its parse. */
export const TRACE_STEP = 'replaying the trace'
