import type { SeededRandom } from './random'
import type { TdClass } from './scenario'

/** Start times of a class's TDs: together, staggered, or Poisson with the given generator. */
export function arrivalTimes(cls: TdClass, rng: SeededRandom): number[] {
  const a = cls.arrival
  const times: number[] = []
  let t = a.mode === 'together' ? a.atNs : a.startNs
  for (let i = 0; i < cls.count; i++) {
    times.push(t)
    if (a.mode === 'staggered') t += a.intervalNs
    else if (a.mode === 'poisson') t += rng.exponential(a.meanIntervalNs)
  }
  return times
}
