import { computed, ref, type ComputedRef, type Ref } from 'vue'
import type { JobProgress, PlannerApi } from '@shared/api/contract'
import type { ApiError, ApiResult } from '@shared/api/errors'

/** A running job as the UI shows it. */
export interface ActiveJob {
  jobId: string
  label: string
  /**
   * `reanalyze` jobs are superseded (and cancelled) by newer option changes, `live` ones (the
   * Workload view's live what-ifs) by newer edits.
   */
  kind?: 'load' | 'reanalyze' | 'live'
  phase: JobProgress['phase']
  fraction: number
  /** What runs now, from the worker (JobProgress.step); absent: the phase says it. */
  step?: string
}

export interface JobTracker<Action extends string> {
  /** The one job in flight, if any. */
  job: Ref<ActiveJob | null>
  /** The last error, until dismissed or replaced by a success. */
  error: Ref<ApiError | null>
  /** What failed, for the error banner's headline. */
  errorAction: Ref<Action>
  /** A one-line note on the last job's end that is not an error (e.g. it was cancelled). */
  notice: Ref<string | null>
  busy: ComputedRef<boolean>
  /** Follow this API's progress events (once per API object). */
  follow(api: PlannerApi): void
  /**
   * Run one job: a fresh id, progress shown, the result returned on success (the error cleared),
   * null on failure (the error shown; the caller keeps what it showed), cancel or supersession.
   */
  run<T>(
    label: string,
    action: Action,
    start: (jobId: string) => Promise<ApiResult<T>>,
    opts?: { kind?: ActiveJob['kind']; phase?: JobProgress['phase'] }
  ): Promise<{ value: T } | null>
  fail(action: Action, e: ApiError): void
  /** Stop the running job (the service terminates its worker). */
  cancel(api: PlannerApi): Promise<void>
  /**
   * Stop the running job because a newer one replaces it: no notice (what is on screen stays and
   * the newer job's result replaces it), its late result dropped.
   */
  supersede(api: PlannerApi): void
  dismissError(): void
  dismissNotice(): void
}

/** The job with an event's phase, fraction and step (a step the event lacks is cleared). */
export function withProgress(job: ActiveJob, p: JobProgress): ActiveJob {
  const { step: _old, ...rest } = job
  void _old
  const next: ActiveJob = { ...rest, phase: p.phase, fraction: p.fraction }
  if (p.step !== undefined) next.step = p.step
  return next
}

/**
 * The job lifecycle every store shares: progress, failure without losing what is shown, cancel.
 * One job at a time per tracker; a result that arrives after its job was cancelled or replaced is
 * dropped.
 */
export function createJobTracker<Action extends string>(initialAction: Action): JobTracker<Action> {
  const job = ref<ActiveJob | null>(null)
  const error = ref<ApiError | null>(null)
  const errorAction = ref(initialAction) as Ref<Action>
  const notice = ref<string | null>(null)
  let followed: PlannerApi | null = null

  function follow(api: PlannerApi): void {
    if (followed === api) return
    followed = api
    api.onProgress((p) => {
      if (job.value && job.value.jobId === p.jobId) job.value = withProgress(job.value, p)
    })
  }

  function fail(action: Action, e: ApiError): void {
    error.value = e
    errorAction.value = action
  }

  async function run<T>(
    label: string,
    action: Action,
    start: (jobId: string) => Promise<ApiResult<T>>,
    opts: { kind?: ActiveJob['kind']; phase?: JobProgress['phase'] } = {}
  ): Promise<{ value: T } | null> {
    const jobId = crypto.randomUUID()
    notice.value = null
    job.value = {
      jobId,
      label,
      phase: opts.phase ?? 'analysing',
      fraction: 0,
      ...(opts.kind ? { kind: opts.kind } : {})
    }
    try {
      const result = await start(jobId)
      if (job.value?.jobId !== jobId) return null
      if (!result.ok) {
        if (result.error.code !== 'CANCELLED') fail(action, result.error)
        return null
      }
      error.value = null
      return { value: result.value }
    } finally {
      if (job.value?.jobId === jobId) job.value = null
    }
  }

  async function cancel(api: PlannerApi): Promise<void> {
    const running = job.value
    if (!running) return
    job.value = null
    // Say so: the view keeps its previous result, which must not pass for the cancelled run's.
    notice.value = `${running.label}: cancelled. Nothing on screen comes from it.`
    await api.cancelJob({ jobId: running.jobId })
  }

  function supersede(api: PlannerApi): void {
    const running = job.value
    if (!running) return
    job.value = null
    void api.cancelJob({ jobId: running.jobId })
  }

  return {
    job,
    error,
    errorAction,
    notice,
    busy: computed(() => job.value !== null),
    follow,
    run,
    fail,
    cancel,
    supersede,
    dismissError: () => {
      error.value = null
    },
    dismissNotice: () => {
      notice.value = null
    }
  }
}
