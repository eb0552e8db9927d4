import { createApp, h, nextTick, toRaw } from 'vue'
import { getInstanceByDom, type ECharts } from 'echarts/core'
import type { SimulationResult } from '@shared/model/runtime/simulate'
import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import { pamtOverTimeChart, pamtOverTimeWindowNs } from '@shared/charts/workload/pamtOverTimeChart'
import { sampleSeconds, type ZoomWindow } from '@shared/charts/workload/timeAxis'
import SimulateWorker from './simulateWorker?worker'
import type { SimulateReply, SimulateRequest } from './simulateWorker'
import { panWindow, type PanMeasurement, type PanRequest } from '@shared/api/testHooks'
import ChartPanel from '../components/ChartPanel.vue'
import { useHostStore } from '../stores/host'

/**
 * Browser-mode test hooks: the in-page half of the renderer measurements that the end-to-end test
 * and `npm run bench` take (src-main/bench/rendererMetrics.ts; docs/ARCHITECTURE.md, "Renderer
 * measurements"). Loaded only when automation sets `__PAMT_PLANNER_TEST_HOOKS__` before the page
 * runs, in browser mode, and compiled out of release builds (`--mode release`, main.ts).
 *
 * Why a hook and not the Workload view: the issue asks for a one-million-point pan, and the model's
 * request schema caps a run at 100,000 samples (scenario.ts `samples`), a limit that keeps a result
 * small enough to send from the worker as JSON. The hook runs the same model with the cap lifted
 * (a preset scenario on the host on screen, `samples` = 1,000,000: every point is the model's
 * output, none interpolated) in a Web Worker of its own (simulateWorker.ts: importing the model
 * here would pull its modules into the app's eager chunks, which share some of them), builds the
 * option with the Workload view's own builder (`pamtOverTimeChart`, sampled by LTTB for the
 * visible window) and shows it in the views' own `ChartPanel` with the same `optionAt` as the
 * Workload view, so a pan goes through the same zoom handling (a re-sample for the new window
 * and a re-ticked axis, once a frame).
 */

interface TestHooks {
  measurePan(req: PanRequest): Promise<PanMeasurement>
}

declare global {
  interface Window {
    /** TEST_HOOKS_FLAG (src-shared/api/testHooks.ts): set by automation, read by main.ts. */
    __PAMT_PLANNER_TEST_HOOKS__?: boolean
    /** TEST_HOOKS_GLOBAL: installed by installTestHooks once the flag asked for them. */
    __pamtPlannerTestHooks?: TestHooks
  }
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve))

function zoomOf(chart: ECharts): { start: number; end: number } {
  const dz = (chart.getOption() as { dataZoom?: Array<{ start?: number; end?: number }> })
    .dataZoom?.[0]
  return { start: Number(dz?.start), end: Number(dz?.end) }
}

/** One model run in a fresh worker, ended after its answer. */
function simulate(req: SimulateRequest): Promise<SimulationResult> {
  const worker = new SimulateWorker()
  return new Promise<SimulationResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<SimulateReply>) =>
      e.data.ok ? resolve(e.data.result) : reject(new Error(`measurePan: ${e.data.message}`))
    worker.onerror = (e) => reject(new Error(`measurePan: the model worker failed: ${e.message}`))
    worker.postMessage(req)
  }).finally(() => worker.terminate())
}

async function measurePan(req: PanRequest): Promise<PanMeasurement> {
  const host = useHostStore().current
  if (!host) throw new Error('measurePan: no host on screen (pick an example first)')
  const result = await simulate({
    analysis: toRaw(host.analysis) as HostAnalysis,
    preset: req.preset,
    samples: req.samples
  })
  const option = pamtOverTimeChart(result)
  // As WorkloadView.vue's overTimeAt.
  const optionAt = (z: ZoomWindow): ReturnType<typeof pamtOverTimeChart> =>
    pamtOverTimeChart(result, { window: pamtOverTimeWindowNs(result, z.start, z.end) })

  // On top of the app, at the Workload view's width, so it is laid out and painted.
  const box = document.createElement('div')
  box.dataset['testid'] = 'test-hook-pan'
  box.style.cssText =
    'position:fixed;left:0;top:0;width:1360px;z-index:1000;background:var(--panel,#fff)'
  document.body.append(box)
  const app = createApp({
    render: () =>
      h(ChartPanel, {
        chartId: 'pan-1m',
        hostName: host.source.fileName,
        scenarioName: result.scenarioName,
        option,
        optionAt,
        csv: '',
        height: 420
      })
  })
  app.mount(box)
  try {
    await nextTick()
    const el = box.querySelector<HTMLElement>('[_echarts_instance_]')
    const chart = el ? getInstanceByDom(el) : undefined
    if (!chart) throw new Error('measurePan: the chart did not start')
    // Settle the first render before timing anything.
    await nextFrame()
    await nextFrame()
    const zoomBefore = zoomOf(chart)
    const frameMs: number[] = []
    let previous = await nextFrame()
    for (let i = 0; i <= req.steps; i++) {
      // As the slider or the wheel does: ChartPanel hears the datazoom event and re-ticks.
      chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, ...panWindow(i) })
      const now = await nextFrame()
      // Step 0 is the zoom into the window, not a pan.
      if (i > 0) frameMs.push(now - previous)
      previous = now
    }
    await nextFrame()
    const held = chart.getOption() as {
      series?: Array<{ data?: number[][]; sampling?: string; stack?: string }>
    }
    let heldPoints = 0
    for (const s of held.series ?? []) heldPoints = Math.max(heldPoints, s.data?.length ?? 0)
    // The stacked parts' sample times, each as one string to compare.
    const parts = (held.series ?? []).filter((s) => s.stack)
    const times = parts.map((s) => (s.data ?? []).map((d) => d[0]).join(','))
    // The run's peak sample: the first at the largest total, in the chart's seconds.
    const total = result.replay.totalBytes
    let peakK = 0
    for (let k = 1; k < total.length; k++) if (total[k]! > total[peakK]!) peakK = k
    const peakS = sampleSeconds(result)[peakK]
    let longestPathCommands = 0
    for (const p of box.querySelectorAll('path')) {
      const commands = (p.getAttribute('d') ?? '').match(/[A-Za-z]/g)?.length ?? 0
      longestPathCommands = Math.max(longestPathCommands, commands)
    }
    return {
      points: result.replay.timeNs.length,
      heldPoints,
      partsAligned: times.length > 0 && times.every((t) => t === times[0]),
      peakHeld: (parts[parts.length - 1]?.data ?? []).some((d) => d[0] === peakS),
      sampling: (held.series ?? []).map((s) => s.sampling ?? null),
      zoomBefore,
      zoomAfter: zoomOf(chart),
      frameMs,
      longestPathCommands
    }
  } finally {
    app.unmount()
    box.remove()
  }
}

/** Put the hooks on `window.__pamtPlannerTestHooks` (main.ts calls this when asked to). */
export function installTestHooks(): void {
  window.__pamtPlannerTestHooks = { measurePan }
}
