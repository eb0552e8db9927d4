import type { ApiError } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import { fleetErrorRow, type FleetRow, type FleetScenarioCell } from '@shared/fleet/fleetRow'
import { fleetRowFromText, type FleetWorkload } from '@shared/fleet/fleetHost'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { readTextFile } from '../services/readTextFile'
import type { FleetItem, WorkerTask } from './protocol'

/**
 * One host's row: read (a path) or take its text, then src-shared/fleet/fleetHost.ts
 * fleetRowFromText (import, analyse as analyze does, the workload, the shape's cell).
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
  return fleetRowFromText(item.file, fileName, text, model, workload, cells)
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
  onProgress: (fraction: number, hostsDone: number) => void
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
    if ((i + 1) % 16 === 0) onProgress((i + 1) / items.length, i + 1)
  }
  return rows
}
