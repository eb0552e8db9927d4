import type { ModelOptions } from '../api/modelOptions'
import type { HostAnalysis } from '../model/host/analyzeHost'
import { simulateScenario } from '../model/runtime/simulate'
import { estimateSimulationWork, WorkBudget, WorkLimitError } from '../model/workEstimate'
import { presetScenario } from '../model/workload/presets'
import type { Scenario } from '../model/workload/scenario'
import {
  buildFleetRow,
  fleetErrorRow,
  hostIdentity,
  scenarioCell,
  shapeKey,
  type FleetRow,
  type FleetScenarioCell
} from './fleetRow'
import { importAndAnalyzeText } from './importAndAnalyze'

/** The workload a fleet run models on every host: a preset (sized per host) or a scenario. */
export type FleetWorkload =
  { kind: 'preset'; name: string } | { kind: 'scenario'; scenario: Scenario }

/**
 * The workload cell of one host: the preset sized to this host (host-90pct-4k) or the scenario,
 * refused as the simulate request is when its pre-flight estimate is over the work limits, and run
 * without the placement range (a fleet row shows the peak, not its best-worst range).
 */
export function fleetWorkloadCell(
  workload: FleetWorkload,
  analysis: HostAnalysis
): FleetScenarioCell {
  const scenario: Scenario | null =
    workload.kind === 'preset'
      ? presetScenario(workload.name, analysis.tdxMemoryBytes)
      : workload.scenario
  const asked = workload.kind === 'preset' ? workload.name : workload.scenario.name
  if (!scenario)
    return { name: asked, error: { code: 'INVALID_REQUEST', message: `no preset "${asked}"` } }
  const name = scenario.name
  const work = estimateSimulationWork(scenario, {
    tdxMemoryBytes: analysis.tdxMemoryBytes,
    params: analysis.params
  })
  if (work.refusal) return { name, error: { code: 'WORK_TOO_LARGE', message: work.refusal } }
  try {
    const run = simulateScenario(analysis, scenario, new WorkBudget(), { placementRange: false })
    return scenarioCell(scenario.name, run)
  } catch (e) {
    if (e instanceof WorkLimitError)
      return { name, error: { code: 'WORK_TOO_LARGE', message: e.message } }
    throw e
  }
}

/**
 * One host's row from its text: import, analyse (as analyze does), the workload; an error row when
 * the text cannot be imported (docs/fleet.md, "Rows"). `fileName` names the file to the importer
 * (its errors), `file` is the row's. `cells` holds the workload's cell per shape: a host of a shape
 * already modelled takes it. Hosts of one shape have the same memory map, parameters and options,
 * so the same analysis figures the workload reads and the same cell; a test checks a cached cell
 * equals a fresh one.
 */
export function fleetRowFromText(
  file: string,
  fileName: string,
  text: string,
  model: ModelOptions | undefined,
  workload: FleetWorkload | null,
  cells: Map<string, FleetScenarioCell>
): FleetRow {
  const done = importAndAnalyzeText(text, fileName, 'auto', model)
  if (!done.ok) return fleetErrorRow(file, done.error)
  const { host, summary, analysis } = done.value
  const shape = shapeKey(host, analysis)
  let scenario: FleetScenarioCell | null = null
  if (workload) {
    scenario = cells.get(shape) ?? fleetWorkloadCell(workload, analysis)
    cells.set(shape, scenario)
  }
  return buildFleetRow({
    file,
    summary,
    host,
    analysis,
    identity: hostIdentity(text),
    scenario,
    shape
  })
}
