import type { JobProgress } from '@shared/api/contract'

/**
 * The time-left estimate a progress bar shows (docs/workload-model.md, "Progress"): an estimate
 * from the fraction's own pace, not a model figure. Pure: every call takes the time, so tests feed
 * hand-made (time, fraction) sequences and no clock runs.
 *
 * The pace is measured from the last event before the fraction first moved (time t0, fraction f0):
 * a worker's start-up and the host analysis before the first report say nothing about the run's
 * pace, and on a loaded machine they took a second of an 8 s run. At time t with fraction f the
 * raw finish time is t + (t − t0)·(1 − f)/(f − f0): the pace so far, held for the rest (with
 * f0 = 0, elapsed·(1 − f)/f left). Nothing is said until at least MIN_ELAPSED_MS and MIN_PROGRESS
 * of the fraction have passed since t0, nor while queued. Each new raw finish time moves the
 * smoothed one by a share 1 − e^(−Δt/SMOOTHING_MS) of the difference (Δt: time since the previous
 * estimate), so one fast or slow stretch does not make the figure jump, and the time left
 * (smoothed finish − now) counts down between events. A clock tick re-estimates with the last
 * fraction, so a stalled fraction makes the estimate grow. A phase change or a fraction that goes
 * back (a host import: parsing, then analysing from 0) starts the estimate again.
 */

/** Time that must pass before an estimate (from the last event before the fraction moved). */
export const MIN_ELAPSED_MS = 1000
/** Fraction that must pass before an estimate: 5 %. */
export const MIN_PROGRESS = 0.05
/** Time constant of the smoothing of the finish time. */
export const SMOOTHING_MS = 1500

export interface TimeLeftEstimator {
  /** A progress event: the job's phase and fraction at time `atMs`. */
  observe(atMs: number, phase: JobProgress['phase'], fraction: number): void
  /** A clock tick between events: re-estimate with the last event's fraction. */
  tick(atMs: number): void
  /** Milliseconds left at `atMs` (never below 0), or null while there is nothing to go on. */
  msLeft(atMs: number): number | null
}

export function createTimeLeftEstimator(): TimeLeftEstimator {
  let phase: JobProgress['phase'] | null = null
  let t0 = 0
  let f0 = 0
  let last = 0
  let fraction = 0
  /** The smoothed finish time, once there is enough to go on. */
  let finish: number | null = null

  const restart = (atMs: number, p: JobProgress['phase'] | null, f: number): void => {
    phase = p
    t0 = last = atMs
    f0 = fraction = f
    finish = null
  }

  const estimate = (atMs: number): void => {
    const elapsed = atMs - t0
    const progressed = fraction - f0
    if (elapsed < MIN_ELAPSED_MS || progressed < MIN_PROGRESS) return
    const raw = atMs + (elapsed * (1 - fraction)) / progressed
    finish =
      finish === null
        ? raw
        : finish + (1 - Math.exp(-(atMs - last) / SMOOTHING_MS)) * (raw - finish)
    last = atMs
  }

  return {
    observe(atMs, p, f) {
      if (p === 'queued' || p === 'done') return restart(atMs, null, 0)
      if (p !== phase || f < fraction) return restart(atMs, p, f)
      // Not moved yet: the pace starts from here, not from the job's start.
      if (f === f0) {
        t0 = last = atMs
        return
      }
      fraction = f
      estimate(atMs)
    },
    tick(atMs) {
      if (phase !== null && fraction > f0) estimate(atMs)
    },
    msLeft(atMs) {
      return finish === null ? null : Math.max(0, finish - atMs)
    }
  }
}

/**
 * The estimate in words, rounded so it reads as one: "less than 5 s left", "about 40 s left" (to
 * 5 s under a minute), "about 2 min left" (to the minute under 90 minutes), "about 3 h left";
 * null for no estimate.
 */
export function timeLeftText(ms: number | null): string | null {
  if (ms === null) return null
  const s = ms / 1000
  if (s < 5) return 'less than 5 s left'
  if (s < 57.5) return `about ${Math.round(s / 5) * 5} s left`
  if (s < 90 * 60) return `about ${Math.max(1, Math.round(s / 60))} min left`
  return `about ${Math.round(s / 3600)} h left`
}
