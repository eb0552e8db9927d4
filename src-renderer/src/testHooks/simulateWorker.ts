import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import { simulateScenario, type SimulationResult } from '@shared/model/runtime/simulate'
import { presetScenario } from '@shared/model/workload/presets'

/**
 * The test hooks' model run (rendererHooks.ts): a preset scenario on the host on screen with the
 * request schema's 100,000-sample cap lifted. A Web Worker, as the app runs its model off the
 * page's thread, and a bundle of its own: the model stays out of the app's chunks.
 */
export interface SimulateRequest {
  analysis: HostAnalysis
  preset: string
  samples: number
}
export type SimulateReply = { ok: true; result: SimulationResult } | { ok: false; message: string }

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<SimulateRequest>) => void) | null
  postMessage(reply: SimulateReply): void
}

scope.onmessage = (e) => {
  try {
    const { analysis, preset, samples } = e.data
    const scenario = presetScenario(preset, analysis.tdxMemoryBytes)
    if (!scenario) throw new Error(`no workload preset ${preset}`)
    scenario.samples = samples
    scope.postMessage({ ok: true, result: simulateScenario(analysis, scenario) })
  } catch (err) {
    scope.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) })
  }
}
