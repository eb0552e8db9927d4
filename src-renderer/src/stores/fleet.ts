import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { PlannerApi } from '@shared/api/contract'
import type { ApiError } from '@shared/api/errors'
import { FLEET_MAX_ROWS, FLEET_VIEW_WORD_OPTIONS } from '@shared/api/fleetContract'
import { planFleetChunks } from '@shared/fleet/fleetChunks'
import { fleetErrorRow, type FleetRow } from '@shared/fleet/fleetRow'
import { saveFleet, type SavedFleet } from '@shared/fleet/fleetSaved'
import { FleetSummaryAccumulator, type FleetSummary } from '@shared/fleet/fleetSummary'
import { formatLimitBytes, MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { pushAll } from '@shared/util/arrays'
import { withProgress, type ActiveJob } from '../composables/jobTracker'
import type { FleetFile } from '../fleet/fleetFiles'
import { useHostStore } from './host'

/**
 * The Fleet view's run (docs/fleet.md, "Fleet view"). Browser mode: the chosen files go to
 * `analyzeFleetTexts` in chunks (at most FLEET_CHUNK_MAX_FILES files and about
 * FLEET_CHUNK_TARGET_BYTES of text each), one chunk at a time, and the rows are folded into the
 * CLI's own FleetSummaryAccumulator, so the GUI's summary is the CLI's for the same files. Desktop:
 * `openFleetFolder` runs the CLI's runner in main and returns rows and summary. The table keeps up
 * to FLEET_MAX_ROWS rows; the summary counts every file.
 */
export const useFleetStore = defineStore('fleet', () => {
  const host = useHostStore()
  /** Workload preset id ('' for none: host analysis only). */
  const presetId = ref('')
  const rows = shallowRef<FleetRow[]>([])
  /** Rows past FLEET_MAX_ROWS: counted in the summary, not kept for the table. */
  const rowsDropped = ref(0)
  const summary = shallowRef<FleetSummary | null>(null)
  /** The files of the last run (browser mode), by the path their row names. */
  const files = shallowRef(new Map<string, File>())
  /** Desktop: rows name paths main listed, opened again by openFleetHost. */
  const byPath = ref(false)
  const job = ref<ActiveJob | null>(null)
  const error = ref<ApiError | null>(null)
  const notice = ref<string | null>(null)
  /** The workload the shown rows were run with ('' for none). */
  const ranWith = ref('')
  /**
   * The shown run came from a workspace (docs/fleet.md, "In the workspace"): the rows it kept of
   * the run's rows. Its files are not here, so rows cannot be opened or re-run.
   */
  const restored = ref<{ kept: number; total: number } | null>(null)
  /** Bumped when a run finishes (or is cancelled with rows): the workspace marks itself changed. */
  const resultVersion = ref(0)
  let runId = 0
  /** The run the user cancelled: its rows so far stay on screen. */
  let cancelledRun = -1

  const api = (): PlannerApi => host.api()

  let following: PlannerApi | null = null
  /** Files done before the chunk in flight, its size and the files chosen: the bar's base. */
  let base = { done: 0, chunk: 0, total: 1 }
  /**
   * Within a chunk the bar moves with its job's progress (the worker reports every 16 hosts), as
   * files done plus that fraction of the chunk's files, of the files chosen.
   */
  function follow(a: PlannerApi): void {
    if (following === a) return
    following = a
    a.onProgress((p) => {
      if (!job.value || p.jobId !== job.value.jobId || p.phase === 'queued') return
      // Desktop: main's fraction and step are already rows of the files found. Browser mode:
      // the worker's are of its chunk, so the fraction is counted here, of the files chosen, and
      // the label says the files done (the chunk's "16 of 64 hosts" would contradict it).
      if (byPath.value) {
        job.value = withProgress(job.value, p)
        return
      }
      const { step: _chunkStep, ...rest } = p
      void _chunkStep
      job.value = withProgress(job.value, {
        ...rest,
        fraction: Math.min(1, (base.done + p.fraction * base.chunk) / base.total)
      })
    })
  }

  function reset(): void {
    rows.value = []
    rowsDropped.value = 0
    summary.value = null
    error.value = null
    notice.value = null
    restored.value = null
  }

  const workloadRequest = (): { presetId?: string } =>
    presetId.value ? { presetId: presetId.value } : {}

  /**
   * Analyse the chosen files as a fleet (browser mode, and the desktop's dropped files): chunk by
   * chunk, each a job; progress is files done of files chosen. A file over the host limit is an
   * error row without being sent. A chunk whose worker failed is retried one file at a time, so
   * only the file that caused it gets the error row; another failure becomes each file's row.
   */
  async function analyzeFiles(chosen: readonly FleetFile[]): Promise<void> {
    if (chosen.length === 0) return
    const id = ++runId
    follow(api())
    reset()
    const jobId = crypto.randomUUID()
    const total = chosen.length
    const label = (done: number): string =>
      `Analysing the fleet: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files`
    byPath.value = false
    job.value = { jobId, label: label(0), phase: 'reading', fraction: 0 }
    ranWith.value = presetId.value
    const map = new Map<string, File>()
    const acc = new FleetSummaryAccumulator(null)
    const kept: FleetRow[] = []
    let done = 0
    const take = (row: FleetRow): void => {
      acc.add(row)
      if (kept.length < FLEET_MAX_ROWS) kept.push(row)
      else rowsDropped.value++
    }
    /** Table and summary follow the run: the same array, re-sorted only when shown again. */
    const show = (): void => {
      rows.value = kept
      triggerRef(rows)
      summary.value = acc.result(FLEET_VIEW_WORD_OPTIONS)
    }
    const live = (): boolean => runId === id && job.value?.jobId === jobId
    const send = async (chunk: FleetFile[]): Promise<FleetRow[] | null> => {
      const texts = await Promise.all(chunk.map((f) => f.file.text()))
      if (!live()) return null
      base = { done, chunk: chunk.length, total }
      const out = await api().analyzeFleetTexts({
        jobId,
        files: chunk.map((f, i) => ({ fileName: f.path, text: texts[i]! })),
        ...workloadRequest()
      })
      if (!live()) return null
      if (out.ok) return out.value.rows
      if (out.error.code === 'CANCELLED') return null
      if (chunk.length > 1 && out.error.code === 'INTERNAL') {
        const one: FleetRow[] = []
        for (const f of chunk) {
          const r = await send([f])
          if (!r) return null
          pushAll(one, r)
        }
        return one
      }
      return chunk.map((f) => fleetErrorRow(f.path, out.error))
    }
    // Distinct paths: a second file of the same path (two folders dropped) gets its position.
    const named = chosen.map((f, i) => {
      const path = map.has(f.path) ? `${f.path} (${i + 1})` : f.path
      map.set(path, f.file)
      return { path, file: f.file }
    })
    files.value = map
    try {
      const steps = planFleetChunks(named.map((f) => f.file.size))
      for (const [n, step] of steps.entries()) {
        if (step.kind === 'tooLarge') {
          take(
            fleetErrorRow(named[step.index]!.path, {
              code: 'FILE_TOO_LARGE',
              message: `file is larger than the ${formatLimitBytes(MAX_HOST_FILE_BYTES)} limit for host logs`
            })
          )
          done++
        } else {
          const chunk = step.indexes.map((i) => named[i]!)
          const got = await send(chunk)
          if (!got) return
          for (const row of got) take(row)
          done += chunk.length
        }
        // The table re-sorts all its rows when shown: after the first chunks, every 16th and the last.
        if (n < 8 || n % 16 === 0 || n === steps.length - 1) show()
        if (job.value)
          job.value = {
            ...job.value,
            label: label(done),
            phase: 'analysing',
            fraction: done / total
          }
      }
    } finally {
      // A cancelled run shows the rows it got; one replaced by a newer run shows nothing more.
      if (runId === id || cancelledRun === id) {
        show()
        resultVersion.value++
      }
      if (runId === id && job.value?.jobId === jobId) job.value = null
    }
  }

  /** Desktop: pick a folder; main walks it and runs the fleet in its worker pool. */
  async function openFolder(): Promise<void> {
    const id = ++runId
    follow(api())
    const jobId = crypto.randomUUID()
    error.value = null
    notice.value = null
    job.value = { jobId, label: 'Analysing the fleet folder', phase: 'reading', fraction: 0 }
    byPath.value = true
    const want = presetId.value
    try {
      const out = await api().openFleetFolder({ jobId, ...workloadRequest() })
      if (runId !== id || job.value?.jobId !== jobId) return
      if (!out.ok) {
        if (out.error.code !== 'CANCELLED') error.value = out.error
        return
      }
      if (!out.value) return
      rows.value = out.value.rows
      rowsDropped.value = out.value.rowsDropped
      summary.value = out.value.summary
      files.value = new Map()
      byPath.value = true
      ranWith.value = want
      restored.value = null
      resultVersion.value++
    } finally {
      if (runId === id && job.value?.jobId === jobId) job.value = null
    }
  }

  /** Stop the run: the chunk in flight is cancelled and no further chunk is sent. */
  async function cancel(): Promise<void> {
    const running = job.value
    if (!running) return
    job.value = null
    cancelledRun = runId
    runId++
    notice.value = `${running.label}: cancelled. The rows shown are the files analysed before it.`
    await api().cancelJob({ jobId: running.jobId })
  }

  /**
   * Open a row's host in the Host view: browser mode sends the file again (its File is still
   * here), the desktop asks main to read the path again. Resolves true when the host is shown.
   */
  async function openRow(row: FleetRow): Promise<boolean> {
    if (byPath.value) {
      const out = await host.jobs.run(
        `Importing ${row.file}`,
        'load',
        (jobId) => api().openFleetHost({ jobId, path: row.file }),
        { kind: 'load', phase: 'reading' }
      )
      if (out) host.adopt(out.value, out.value.model)
      return out !== null
    }
    const file = files.value.get(row.file)
    if (!file) {
      if (restored.value)
        notice.value = `${row.file}: this fleet run was restored from the workspace, which keeps rows, not files; re-open the files to analyse again.`
      return false
    }
    return host.importFile(file)
  }

  /** Whether a run can be repeated with another workload (browser mode keeps the files). */
  const canRerun = computed(() => !byPath.value && files.value.size > 0 && !job.value)

  function rerun(): Promise<void> {
    const again: FleetFile[] = []
    for (const [path, file] of files.value) again.push({ path, file })
    return analyzeFiles(again)
  }

  /**
   * The run as a workspace keeps it (docs/workspaces.md, "Fleet"): the summary and the rows that
   * fail first, then by savings, capped (saveFleet); null when there is no run.
   */
  function saved(): SavedFleet | null {
    if (!summary.value) return null
    return saveFleet({
      presetId: ranWith.value || null,
      summary: summary.value,
      rows: rows.value,
      rowsTotal: rows.value.length + rowsDropped.value
    })
  }

  /**
   * Show a fleet run a workspace kept (or clear the view for a workspace without one). Any run in
   * flight is dropped: the workspace replaces what was shown.
   */
  function restoreSaved(fleet: SavedFleet | null): void {
    runId++
    job.value = null
    reset()
    files.value = new Map()
    byPath.value = false
    if (!fleet) {
      ranWith.value = ''
      return
    }
    rows.value = fleet.rows
    rowsDropped.value = Math.max(0, fleet.rowsTotal - fleet.rows.length)
    summary.value = fleet.summary
    ranWith.value = fleet.presetId ?? ''
    presetId.value = fleet.presetId ?? ''
    restored.value = { kept: fleet.rows.length, total: fleet.rowsTotal }
  }

  return {
    presetId,
    rows,
    rowsDropped,
    summary,
    job,
    error,
    notice,
    ranWith,
    restored,
    resultVersion,
    saved,
    restoreSaved,
    byPath,
    canRerun,
    analyzeFiles,
    openFolder,
    cancel,
    openRow,
    rerun,
    dismissError: () => (error.value = null),
    dismissNotice: () => (notice.value = null)
  }
})
