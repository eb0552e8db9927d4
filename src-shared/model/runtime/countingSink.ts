import type { PageEventSink } from './pageEvents'

/** Region visits between two progress reports: a compare per event, ~15 reports per M visits. */
export const VISITS_PER_REPORT = 2 ** 16

/**
 * A sink that passes every event on and reports the region visits so far every
 * VISITS_PER_REPORT (docs/workload-model.md, "Progress"): how a long simulation's progress bar
 * learns how far the generator is.
 */
export function countingSink(
  downstream: PageEventSink,
  onVisits: (regionVisits: number) => void
): PageEventSink {
  let visits = 0
  let next = VISITS_PER_REPORT
  return {
    emit(t, kind, region, count, ppr, td, cpu, line) {
      visits += count
      if (visits >= next) {
        next = visits + VISITS_PER_REPORT
        onVisits(visits)
      }
      downstream.emit(t, kind, region, count, ppr, td, cpu, line)
    }
  }
}
