import type { ApiError } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import { fleetErrorRow, type FleetRow, type FleetScenarioCell } from '@shared/fleet/fleetRow'
import { FleetSummaryAccumulator, type FleetSummary } from '@shared/fleet/fleetSummary'
import type { FleetItem, FleetWorkload } from '../worker/protocol'
import type { TaskLauncher } from './jobRunner'
import type { FleetInput } from './fleetInputs'

/**
 * Most hosts in one worker job. A job has a fixed cost (the batch and its rows crossing threads, and
 * on a fresh worker its start-up: loading and compiling the model bundle, 100-300 ms on a loaded
 * 2-core machine; the CLI's pool keeps its workers warm between batches), and a host takes 1-3 ms:
 * at 256 hosts a job spends most of its time on hosts (docs/fleet.md, "Pool"), and a job's rows (~1 KiB each) are
 * what main holds at once per worker.
 */
export const MAX_FLEET_BATCH = 256

/**
 * Workload cells main remembers by shape and sends with every batch, so a shape is modelled about
 * once per run rather than once per host. A fleet has a few dozen shapes; past this many, new
 * shapes are still modelled, just not remembered across batches.
 */
export const MAX_SHARED_CELLS = 512

/** How far a fleet run has got, for a progress line or bar. */
export interface FleetProgress {
  /** Rows written: hosts read plus files that could not be. */
  rows: number
  unreadable: number
  /** Hosts sent to workers and not yet back. */
  inFlight: number
  /** Whether every input has been listed (until then the total is unknown). */
  listed: boolean
}

export interface FleetRunOptions {
  /** Where batches run: a WorkerThreadLauncher pool of `jobs` workers (the CLI), or inline. */
  launcher: TaskLauncher
  /** Batches in flight at once: the pool's size. */
  jobs: number
  model?: ModelOptions
  workload: FleetWorkload | null
  /** The workload's name for the summary (a preset's is only known per host). */
  workloadName?: string | null
  /** Largest batch (default MAX_FLEET_BATCH); batches start at one host and double up to it. */
  maxBatch?: number
  /** Each row as its host finishes; awaited, so a slow consumer holds back further batches. */
  onRow: (row: FleetRow) => void | Promise<void>
  onProgress?: (p: FleetProgress) => void
  /** Aborting stops listing and cancels the batches in flight; their hosts get CANCELLED rows. */
  signal?: AbortSignal
}

interface Finished {
  id: number
  items: FleetItem[]
  rows: FleetRow[] | null
  error: ApiError | null
}

/**
 * Analyse a fleet (docs/fleet.md): hosts go to the launcher in batches, at most `jobs` batches at
 * once, and each batch's rows are passed to `onRow` as it finishes, then folded into the summary.
 * Memory is bounded by `jobs × maxBatch` rows plus the summary's groups, however many inputs: the
 * inputs are pulled lazily and no row is kept. Batches start small (1, 2, 4, …) so the first rows
 * come at once, then grow to amortise worker start-up. A batch whose worker failed (a crash, out of
 * memory) is retried one host per job, so only the host that caused it gets the error row.
 */
export async function runFleet(
  inputs: AsyncIterable<FleetInput>,
  opts: FleetRunOptions
): Promise<FleetSummary> {
  const summary = new FleetSummaryAccumulator(opts.workloadName ?? null)
  const maxBatch = Math.max(1, opts.maxBatch ?? MAX_FLEET_BATCH)
  const jobs = Math.max(1, opts.jobs)
  const source = inputs[Symbol.asyncIterator]()
  const retry: FleetItem[] = []
  const cells = new Map<string, FleetScenarioCell>()
  const running = new Map<number, { done: Promise<Finished>; cancel: () => void; size: number }>()
  let listed = false
  let batchSize = 1
  let nextId = 0
  let rows = 0
  let unreadable = 0

  const progress = (): void => {
    if (!opts.onProgress) return
    let inFlight = 0
    for (const r of running.values()) inFlight += r.size
    opts.onProgress({ rows, unreadable, inFlight, listed })
  }
  const emit = async (row: FleetRow): Promise<void> => {
    rows++
    if (row.type === 'error') unreadable++
    summary.add(row)
    await opts.onRow(row)
  }
  const onAbort = (): void => {
    for (const r of running.values()) r.cancel()
  }
  opts.signal?.addEventListener('abort', onAbort)

  /** The next batch: retried hosts one at a time first, then up to batchSize fresh inputs. */
  const pull = async (): Promise<FleetItem[]> => {
    const again = retry.shift()
    if (again) return [again]
    const items: FleetItem[] = []
    while (!listed && items.length < batchSize && !opts.signal?.aborted) {
      const next = await source.next()
      if (next.done) {
        listed = true
        break
      }
      const input = next.value
      if ('error' in input) await emit(fleetErrorRow(input.file, input.error))
      else items.push(input)
    }
    return items
  }

  const launch = (items: FleetItem[]): void => {
    const id = nextId++
    const job = opts.launcher.launch(
      {
        kind: 'fleetBatch',
        items,
        model: opts.model,
        workload: opts.workload,
        knownCells: opts.workload ? Array.from(cells) : []
      },
      () => undefined
    )
    const done = job.result.then((r): Finished =>
      r.ok ? { id, items, rows: r.value, error: null } : { id, items, rows: null, error: r.error }
    )
    running.set(id, { done, cancel: job.cancel, size: items.length })
  }

  try {
    for (;;) {
      while (running.size < jobs && !opts.signal?.aborted) {
        const items = await pull()
        if (items.length === 0) break
        launch(items)
        batchSize = Math.min(maxBatch, batchSize * 2)
      }
      progress()
      if (running.size === 0) break
      const finished = await Promise.race([...running.values()].map((r) => r.done))
      running.delete(finished.id)
      if (finished.rows) {
        for (const row of finished.rows) {
          if (row.type === 'host' && row.scenario && cells.size < MAX_SHARED_CELLS)
            cells.set(row.shape, row.scenario)
          await emit(row)
        }
      } else if (
        finished.items.length > 1 &&
        finished.error?.code === 'INTERNAL' &&
        !opts.signal?.aborted
      ) {
        for (const item of finished.items) retry.push(item)
      } else {
        const error = finished.error ?? { code: 'INTERNAL' as const, message: 'no result' }
        for (const item of finished.items) await emit(fleetErrorRow(item.file, error))
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    for (const r of running.values()) r.cancel()
    if (!listed) await source.return?.(undefined)
  }
  progress()
  return summary.result()
}
