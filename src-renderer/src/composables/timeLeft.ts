import type { JobProgress } from '@shared/api/contract'

/**
 * The time-left estimate a progress bar shows (docs/workload-model.md, "Progress"): an estimate
 * from the fraction's own pace, not a model figure. Pure: every call takes the time, so tests feed
 * hand-made (time, fraction) sequences and no clock runs.
 *
 * From the first event of a phase (time t0, fraction f0), at time t with fraction f the raw
 * finish time is t + (t − t0)·(1 − f)/(f − f0): the pace so far, held for the rest (with f0 = 0
 * this is elapsed·(1 − f)/f left). Nothing is said until at least MIN_ELAPSED_MS and
 * MIN_PROGRESS of the fraction have passed, nor while queued. Each new raw finish time moves the
 * smoothed one by a share 1 − e^(−Δt/SMOOTHING_MS) of the difference (Δt: time since the last
 * observation), so one fast or slow stretch does not make the figure jump, and the time left
 * (smoothed finish − now) counts down between events. A phase change or a fraction that goes
 * back (a host import: parsing, then analysing from 0) starts the estimate again.
 */

/** Time that must pass before an estimate (a first second is mostly start-up). */
export const MIN_ELAPSED_MS = 1000
/** Fraction that must pass before an estimate: 5 %. */
export const MIN_PROGRESS = 0.05
/** Time constant of the smoothing of the finish time. */
export const SMOOTHING_MS = 3000

export interface TimeLeftEstimator {
  /** A progress event, or a clock tick with the last event's phase and fraction. */
  observe(atMs: number, phase: JobProgress['phase'], fraction: number): void
  /** Milliseconds left at `atMs` (never below 0), or null while there is nothing to go on. */
  msLeft(atMs: number): number | null
}

export function createTimeLeftEstimator(): TimeLeftEstimator {
  let phase: JobProgress['phase'] | null = null
  let t0 = 0
  let f0 = 0
  let last = 0
  let lastFraction = 0
  /** The smoothed finish time, once there is enough to go on. */
  let finish: number | null = null

  const restart = (atMs: number, p: JobProgress['phase'] | null, fraction: number): void => {
    phase = p
    t0 = last = atMs
    f0 = lastFraction = fraction
    finish = null
  }

  return {
    observe(atMs, p, fraction) {
      if (p === 'queued' || p === 'done') return restart(atMs, null, 0)
      if (p !== phase || fraction < lastFraction) return restart(atMs, p, fraction)
      lastFraction = fraction
      const elapsed = atMs - t0
      const progressed = fraction - f0
      if (elapsed < MIN_ELAPSED_MS || progressed < MIN_PROGRESS) {
        last = atMs
        return
      }
      const raw = atMs + (elapsed * (1 - fraction)) / progressed
      const share = finish === null ? 1 : 1 - Math.exp(-(atMs - last) / SMOOTHING_MS)
      finish = finish === null ? raw : finish + share * (raw - finish)
      last = atMs
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
