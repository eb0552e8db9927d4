/**
 * The browser-mode test hooks' contract (docs/ARCHITECTURE.md, "Renderer measurements"): what
 * the renderer's hook (src-renderer/src/testHooks/rendererHooks.ts) takes and returns, and what
 * the end-to-end test and `npm run bench` (src-main/bench/rendererMetrics.ts) send it. Types and
 * pure helpers only, so both sides compile against the same shapes.
 */

/** Set on `window` by automation before the page runs (an init script); never by the app. */
export const TEST_HOOKS_FLAG = '__PAMT_PLANNER_TEST_HOOKS__'
/** Where the renderer puts the hooks once the flag asked for them. */
export const TEST_HOOKS_GLOBAL = '__pamtPlannerTestHooks'

export interface PanRequest {
  /** Samples of the model run: the series' length. */
  samples: number
  /** Pan steps after the first zoom to a 10 % window (panWindow). */
  steps: number
  /** The workload preset to run on the host on screen. */
  preset: string
}

/** What one pan measurement saw; the caller turns the frame times into figures. */
export interface PanMeasurement {
  /** Samples of the model run the chart was built from: the series' full length. */
  points: number
  /** Points of the longest series as the chart holds them after the last pan (getOption). */
  heldPoints: number
  /** Each series' sampling setting as the chart holds it (null: none). */
  sampling: Array<string | null>
  /**
   * Whether the held stacked parts all have the same sample times, and whether the run's peak
   * sample (the first at the largest total) is among them after the last pan.
   */
  partsAligned: boolean
  peakHeld: boolean
  /** The x dataZoom window, in percent, before the pans and after the last one. */
  zoomBefore: { start: number; end: number }
  zoomAfter: { start: number; end: number }
  /** Per pan step: ms from the animation frame that dispatched it to the next frame. */
  frameMs: number[]
  /** Drawing commands of the longest SVG path on screen after the last pan. */
  longestPathCommands: number
}

/** Pan step `i`: 0 zooms into the first 10 % of the time axis, each next step moves it 4 % right. */
export function panWindow(i: number): { start: number; end: number } {
  return { start: 4 * i, end: 10 + 4 * i }
}
