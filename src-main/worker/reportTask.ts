import { ok, type ApiResult } from '@shared/api/errors'
import { toAnalyzeOptions } from '@shared/api/modelOptions'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { runContention } from '@shared/model/contention/runContention'
import { estimateSimulationWork, WorkBudget } from '@shared/model/workEstimate'
import { pinStep, REPORT_STEPS } from '@shared/model/progressSteps'
import { buildReport } from '@shared/report/buildReport'
import { renderReportHtml } from '@shared/report/reportHtml'
import type { ContentionRun, SimulationRun } from '@shared/api/contract'
import { buildComparison } from '@shared/compare/buildComparison'
import type { CompareItem } from '@shared/compare/compareItems'
import { FLEET_VIEW_WORD_OPTIONS } from '@shared/api/fleetContract'
import { fleetReportSection } from '@shared/fleet/fleetReport'
import { fleetSummaryWords } from '@shared/fleet/fleetSummary'
import type { ReportFleet } from '@shared/report/buildReport'
import type { ReportComparePin, ReportTask, ReportTaskOutput } from './protocol'
import type { ProgressSink } from './runTask'

/**
 * Build a report in the worker (docs/reports.md): every number from the model, re-run from the
 * inputs here unless main passed the cached result of the same request. Progress: the hosts take
 * the first 10 %, the simulation and the contention run share the rest.
 */
export async function runReportTask(
  task: ReportTask,
  progress: ProgressSink
): Promise<ApiResult<ReportTaskOutput>> {
  progress('analysing', 0, REPORT_STEPS.hosts)
  const analyses = task.hosts.map((h) => analyzeHost(h.host, toAnalyzeOptions(h.model)))
  const active = analyses[task.activeIndex] ?? analyses[0]!
  const runs =
    (task.simulation && !task.simulation.cached ? 1 : 0) +
    (task.contention && !task.contention.cached ? 1 : 0) +
    task.compare.length
  let done = 0
  /** Progress within the run `done` (0-based) of `runs`, and what it is doing. */
  const step = (f: number, words: string): void =>
    progress('analysing', 0.1 + (0.85 * (done + f)) / Math.max(1, runs), words)

  let simulation: SimulationRun | null = task.simulation?.cached ?? null
  let ranSimulation: SimulationRun | null = null
  if (task.simulation && !simulation) {
    // The same budget a simulate request runs under (the service refused it if over the estimate).
    step(0, REPORT_STEPS.simulation)
    const result = simulateScenario(active, task.simulation.scenario, new WorkBudget(), {
      progress: {
        onProgress: (f) => step(f, REPORT_STEPS.simulation),
        expectedRegionVisits: estimateSimulationWork(task.simulation.scenario, active).units
      }
    })
    simulation = ranSimulation = {
      scenario: task.simulation.scenario,
      hostName: active.name,
      result,
      sweep: null
    }
    done++
  }
  let contention: ContentionRun | null = task.contention?.cached ?? null
  let ranContention: ContentionRun | null = null
  if (task.contention && !contention) {
    step(0, REPORT_STEPS.contention)
    const report = runContention(
      active,
      task.contention.scenario,
      task.contention.settings,
      (f, words) => step(f, `${REPORT_STEPS.contention}: ${words}`)
    )
    contention = ranContention = {
      hostName: active.name,
      scenario: task.contention.scenario,
      report
    }
    done++
  }
  const compared: CompareItem[] = []
  for (const [i, pin] of task.compare.entries()) {
    const words = pinStep(i + 1, task.compare.length)
    step(0, words)
    compared.push(runComparePin(pin, (f) => step(f, words)))
    done++
  }
  progress('analysing', 0.95, REPORT_STEPS.building)
  const doc = buildReport({
    app: task.app,
    generatedAt: task.generatedAt,
    scope: task.scope,
    workspaceName: task.workspaceName,
    hosts: task.hosts.map((h, i) => ({
      analysis: analyses[i]!,
      summary: h.summary,
      source: h.source,
      input: h.input,
      model: h.model
    })),
    activeIndex: task.activeIndex,
    simulation,
    contention,
    notes: task.notes,
    comparison: compared.length ? buildComparison(compared) : null,
    fleet: task.fleet ? reportFleet(task.fleet) : null
  })
  // ECharts (~1.5 MB) loads only when a report is built: the main process and the CLI, which bundle
  // the inline launcher's task runner, do not parse it at start-up.
  const { renderChartSvg } = await import('../services/report/chartSvg')
  const html = renderReportHtml(
    doc,
    renderChartSvg,
    task.pageSize ? { pageSize: task.pageSize } : {}
  )
  progress('done', 1)
  return ok({ html, ran: { simulation: ranSimulation, contention: ranContention } })
}

/**
 * Re-run one pin from its inputs, as the Compare view does through the API (the model is
 * deterministic for given inputs and seeds): its host analysed with the pin's options, then its
 * simulation or contention run.
 */
function runComparePin(pin: ReportComparePin, step: (f: number) => void): CompareItem {
  const analysis = analyzeHost(pin.host, toAnalyzeOptions(pin.model))
  const { label, hostName } = pin
  switch (pin.run.kind) {
    case 'host-analysis':
      return { kind: 'host-analysis', label, hostName, analysis }
    case 'workload-run': {
      const result = simulateScenario(analysis, pin.run.scenario, new WorkBudget())
      const run = { scenario: pin.run.scenario, hostName: analysis.name, result, sweep: null }
      return { kind: 'workload-run', label, hostName, run }
    }
    case 'contention-run': {
      const report = runContention(analysis, pin.run.scenario, pin.run.settings, step)
      const run = { hostName: analysis.name, scenario: pin.run.scenario, report }
      return { kind: 'contention-run', label, hostName, run }
    }
  }
}

/**
 * The fleet run of the workspace as a report section (docs/reports.md, "Fleet"): the saved
 * summary's figures and rows as they are (a report does not re-run hundreds of hosts), its words
 * regenerated from those figures by the same fleetSummaryWords the Fleet view uses.
 */
function reportFleet(fleet: NonNullable<ReportTask['fleet']>): ReportFleet {
  const summary = { ...fleet.summary }
  summary.words = fleetSummaryWords(summary, FLEET_VIEW_WORD_OPTIONS)
  return {
    section: fleetReportSection(summary, fleet.rows),
    files: summary.files,
    unreadable: summary.unreadable,
    rowsKept: fleet.rows.length,
    presetId: fleet.presetId
  }
}
