import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AppInfo, ExampleHost, HostResult, PlannerApi } from '@shared/api/contract'
import type { ApiError, ApiResult } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import { formatLimitBytes } from '@shared/import/limits'
import { sendFileText } from '../api/sendFileText'
import { createJobTracker } from '../composables/jobTracker'

export type { ActiveJob } from '../composables/jobTracker'

/**
 * The analysed host on screen and the work that may replace it. A failed or cancelled import never
 * touches `current`: the previous host stays, and the error is shown beside it.
 */
export const useHostStore = defineStore('host', () => {
  let api: PlannerApi | null = null
  /** Application facts from the main process (mode, limits). */
  const appInfo = ref<AppInfo | null>(null)
  /** Bundled example hosts. */
  const examples = ref<ExampleHost[]>([])
  /** The example list could not be fetched (the error banner says why). */
  const examplesFailed = ref(false)
  /** The host on screen; model results only, never computed here. */
  const current = shallowRef<HostResult | null>(null)
  /** The job in flight, the last error and what failed (shared lifecycle: composables/jobTracker). */
  const jobs = createJobTracker<'load' | 'reanalyze' | 'export'>('load')
  const { job, error, errorAction, busy } = jobs
  /**
   * Model options the shown host was last analysed with (undefined: the model's defaults). The
   * workload view sends them with every simulation so both views model the same host.
   */
  const modelOptions = shallowRef<ModelOptions | undefined>(undefined)

  function connect(plannerApi: PlannerApi): void {
    api = plannerApi
    jobs.follow(plannerApi)
  }

  function requireApi(): PlannerApi {
    if (!api) throw new Error('useHostStore.connect() was not called')
    return api
  }

  /** The last host job, to send again when it failed for the connection (ErrorBanner's Retry). */
  let lastAttempt: (() => Promise<boolean>) | null = null

  /** Send the last host job again (the server was unreachable); false when there is none. */
  function retry(): Promise<boolean> {
    if (!lastAttempt || job.value) return Promise.resolve(false)
    jobs.dismissError()
    return lastAttempt()
  }

  /** Run a host job; on success the result replaces the shown host. */
  async function runJob(
    label: string,
    start: (jobId: string) => Promise<ApiResult<HostResult | null>>,
    kind: 'load' | 'reanalyze' = 'load',
    model?: ModelOptions
  ): Promise<boolean> {
    lastAttempt = () => runJob(label, start, kind, model)
    const out = await jobs.run(label, kind, start, { kind, phase: 'reading' })
    if (!out) return false
    if (out.value) adopt(out.value, out.value.model ?? model)
    return true
  }

  /**
   * Show a host analysed elsewhere (a workspace opened or restored) with the options it was
   * analysed with.
   */
  function adopt(result: HostResult, model: ModelOptions | undefined): void {
    current.value = result
    modelOptions.value = model
  }

  /**
   * The options a new import starts from, so a change of host keeps the modelling choices and
   * parameter tweaks (they used to reset on every import): hole source, placement, MAXMEM and
   * module parameter tweaks. The PAMT mode, the module parameter set and x86_phys_bits are facts
   * of each host's log (Dynamic PAMT enabled, module version, address sizes), so a new host takes
   * its own unless the user sets them again.
   */
  function carried(): { model?: ModelOptions } {
    const m = modelOptions.value
    if (!m) return {}
    const kept: ModelOptions = {
      ...(m.holeSource ? { holeSource: m.holeSource } : {}),
      ...(m.pamtPlacement ? { pamtPlacement: m.pamtPlacement } : {}),
      ...(m.maxMemBytes ? { maxMemBytes: m.maxMemBytes } : {}),
      ...(m.params && Object.keys(m.params).length ? { params: m.params } : {})
    }
    return Object.keys(kept).length ? { model: kept } : {}
  }

  /**
   * Load app facts and the example list. No host is loaded: a newcomer sees the empty state (open
   * a file, drop one, pick an example, what file to get), and a previous session is offered for
   * restore by the workspace store rather than hidden behind an example host.
   */
  async function init(): Promise<void> {
    const a = requireApi()
    const [info, list] = await Promise.all([a.getAppInfo({}), a.listExampleHosts({})])
    if (info.ok) appInfo.value = info.value
    else error.value = info.error
    if (list.ok) examples.value = list.value
    else error.value ??= list.error
    examplesFailed.value = !list.ok
    // The server was unreachable or refused the token: the banner's Retry starts up again.
    lastAttempt = info.ok && list.ok ? null : retryInit
  }
  async function retryInit(): Promise<boolean> {
    await init()
    return !examplesFailed.value && appInfo.value !== null
  }

  function loadExample(exampleId: string): Promise<boolean> {
    const title = examples.value.find((e) => e.id === exampleId)?.title ?? exampleId
    const options = carried()
    return runJob(
      `Analysing ${title}`,
      (jobId) => requireApi().analyzeExampleHost({ jobId, exampleId, ...options }),
      'load',
      options.model
    )
  }

  /** Import a File from drag and drop or the upload input; the size is checked before reading. */
  async function importFile(file: File): Promise<boolean> {
    const limit = appInfo.value?.maxHostFileBytes ?? Infinity
    if (file.size > limit) {
      jobs.fail('load', {
        code: 'FILE_TOO_LARGE',
        fileName: file.name,
        message: `file is ${(file.size / 2 ** 20).toFixed(0)} MiB, larger than the ${formatLimitBytes(limit)} limit for host logs`
      })
      return false
    }
    const options = carried()
    // The job (and its progress bar) starts before the file is read: reading a large log is
    // part of the import the user waits for.
    return runJob(
      `Importing ${file.name}`,
      (jobId) =>
        sendFileText(
          requireApi(),
          'analyzeHostText',
          { jobId, fileName: file.name, ...options },
          file
        ),
      'load',
      options.model
    )
  }

  /** Desktop only: the native open dialog. */
  function openWithDialog(): Promise<boolean> {
    const options = carried()
    return runJob(
      'Importing host log',
      (jobId) => requireApi().openHostFile({ jobId, ...options }),
      'load',
      options.model
    )
  }

  /**
   * Analyse the host on screen again with other model options (module parameters, hole source,
   * placement policy, PAMT mode). A newer change supersedes a running re-analysis; on failure the
   * shown host stays and the error is shown.
   */
  async function reanalyze(model: ModelOptions): Promise<boolean> {
    const host = current.value
    if (!host) return false
    const running = job.value
    if (running) {
      if (running.kind !== 'reanalyze') return false
      job.value = null
      void requireApi().cancelJob({ jobId: running.jobId })
    }
    return runJob(
      'Re-analysing with new model options',
      async (jobId) => {
        const a = requireApi()
        const out = await a.reanalyzeHost({ jobId, hostId: host.hostId, model })
        if (out.ok || out.error.code !== 'HOST_EVICTED') return out
        // Main dropped the host to stay within its memory budget: an example is re-imported in
        // the same job; a file has to be opened again, and the error says so.
        const exampleId = host.source.exampleId
        if (host.source.kind === 'example' && exampleId)
          return a.analyzeExampleHost({ jobId, exampleId, model })
        return { ok: false, error: evicted(host) }
      },
      'reanalyze',
      model
    )
  }

  /** What to tell the user when main no longer holds the shown host (HOST_EVICTED). */
  function evicted(host: HostResult): ApiError {
    return {
      code: 'HOST_EVICTED',
      fileName: host.source.fileName,
      message: 'this host was dropped from memory; re-open it'
    }
  }

  /** The shown host in the canonical JSON host format, or null (error shown) on failure. */
  async function exportHostJson(): Promise<{ fileName: string; text: string } | null> {
    const host = current.value
    if (!host) return null
    // The options travel with the host (host JSON `model`, docs/host-format.md).
    const model = modelOptions.value
    const result = await requireApi().exportHostJson({
      hostId: host.hostId,
      ...(model ? { model } : {})
    })
    if (!result.ok) {
      jobs.fail('export', result.error.code === 'HOST_EVICTED' ? evicted(host) : result.error)
      return null
    }
    return result.value
  }

  function cancel(): Promise<void> {
    return jobs.cancel(requireApi())
  }

  return {
    api: requireApi,
    modelOptions,
    appInfo,
    examples,
    examplesFailed,
    current,
    job,
    error,
    errorAction,
    busy,
    connect,
    init,
    adopt,
    jobs,
    loadExample,
    importFile,
    openWithDialog,
    reanalyze,
    exportHostJson,
    cancel,
    retry,
    dismissError: jobs.dismissError,
    notice: jobs.notice,
    dismissNotice: jobs.dismissNotice
  }
})
