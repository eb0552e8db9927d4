import type { ApiError } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import {
  buildFleetRow,
  fleetErrorRow,
  hostIdentity,
  scenarioCell,
  shapeKey,
  type FleetRow,
  type FleetScenarioCell
} from '@shared/fleet/fleetRow'
import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { estimateSimulationWork, WorkBudget, WorkLimitError } from '@shared/model/workEstimate'
import { presetScenario } from '@shared/model/workload/presets'
import type { Scenario } from '@shared/model/workload/scenario'
import { readTextFile } from '../services/readTextFile'
import type { FleetItem, FleetWorkload, WorkerTask } from './protocol'
import { importAndAnalyzeText } from './importAndAnalyze'

/**
 * The workload cell of one host: the preset sized to this host (host-90pct-4k) or the scenario,
 * refused as the simulate request is when its pre-flight estimate is over the work limits, and run
 * without the placement range (a fleet row shows the peak, not its best-worst range).
 */
function workloadCell(workload: FleetWorkload, analysis: HostAnalysis): FleetScenarioCell {
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
 * One host's row: read, import, analyse (as analyze does), the workload; an error row on failure.
 * `cells` holds the workload's cell per shape: a host of a shape already modelled takes it. Hosts
 * of one shape have the same memory map, parameters and options, so the same analysis figures the
 * workload reads (TDMRs, nodes, refcounts, TDX memory) and the same cell; a test checks a cached
 * cell equals a fresh one.
 */
async function fleetRow(
  item: FleetItem,
  model: ModelOptions | undefined,
  workload: FleetWorkload | null,
  cells: Map<string, FleetScenarioCell>
): Promise<FleetRow> {
  let text: string
  if ('text' in item) text = item.text
  else {
    const read = await readTextFile(item.path, MAX_HOST_FILE_BYTES)
    if (!read.ok) return fleetErrorRow(item.file, read.error)
    text = read.value.text
  }
  const fileName = 'path' in item ? basenameOf(item.path) : item.file
  const done = importAndAnalyzeText(text, fileName, 'auto', model)
  if (!done.ok) return fleetErrorRow(item.file, done.error)
  const { host, summary, analysis } = done.value
  const shape = shapeKey(host, analysis)
  let scenario: FleetScenarioCell | null = null
  if (workload) {
    scenario = cells.get(shape) ?? workloadCell(workload, analysis)
    cells.set(shape, scenario)
  }
  return buildFleetRow({
    file: item.file,
    summary,
    host,
    analysis,
    identity: hostIdentity(text),
    scenario,
    shape
  })
}

/** The last path component, as readTextFile names a file (both separators, for Windows paths). */
function basenameOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return path.slice(i + 1)
}

/**
 * The rows of a fleet batch, in the items' order (docs/fleet.md, "Pool"). A file that cannot be
 * read or imported, and a bug the model throws on one host, become that host's error row: one bad
 * host never takes the others of its batch with it.
 */
export async function runFleetBatch(
  task: Extract<WorkerTask, { kind: 'fleetBatch' }>,
  onProgress: (fraction: number) => void
): Promise<FleetRow[]> {
  const { items, model, workload } = task
  const cells = new Map(task.knownCells)
  const rows: FleetRow[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    try {
      rows.push(await fleetRow(item, model, workload, cells))
    } catch (e) {
      const error: ApiError = {
        code: 'INTERNAL',
        message: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'internal error'
      }
      rows.push(fleetErrorRow(item.file, error))
    }
    // Every 16th host: a message per host would cost more than the progress is worth.
    if ((i + 1) % 16 === 0) onProgress((i + 1) / items.length)
  }
  return rows
}
