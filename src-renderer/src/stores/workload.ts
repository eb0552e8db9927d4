import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type {
  HostResult,
  PlannerApi,
  ScenarioPreset,
  SimulationRun,
  TraceRun
} from '@shared/api/contract'
import type { ModelOptions } from '@shared/api/modelOptions'
import type { ApiResult } from '@shared/api/errors'
import {
  MAX_SCENARIO_FILE_BYTES,
  MAX_TRACE_TEXT_BYTES,
  formatLimitBytes
} from '@shared/import/limits'
import type { SweepParameter } from '@shared/model/runtime/sweep'
import type { Scenario } from '@shared/model/workload/scenario'
import {
  scaleScenarioToHost,
  scenarioCapacity,
  type ScenarioCapacity
} from '@shared/model/workload/capacity'
import { estimateSimulationWork, type WorkEstimate } from '@shared/model/workEstimate'
import { useHostStore } from './host'
import { sendFileText } from '../api/sendFileText'
import { createJobTracker } from '../composables/jobTracker'
import {
  describeSchemaErrors,
  draftToInput,
  newClassDraft,
  scenarioToDraft,
  validateScenario,
  type FieldErrors,
  type ScenarioDraft
} from './scenarioDraft'

/** The host (as shown then) and the model options a run used. */
export interface RanOn {
  host: HostResult
  model: ModelOptions | undefined
}

/** What the workload error banner says failed. */
export type WorkloadAction = 'simulate' | 'sweep' | 'trace' | 'scenario-file' | 'presets'

/**
 * Live what-ifs (docs/workload-model.md, "Live what-ifs"): once a simulation is on screen, an edit
 * re-runs it this long after the last change, superseding a live run in flight; the previous result
 * stays until the new one arrives.
 */
export const LIVE_DEBOUNCE_MS = 300
/** Live runs only on hosts with at most this much TDX memory (2 TiB)… */
export const LIVE_MAX_TDX_BYTES = 2 * 2 ** 40
/**
 * …and scenarios of at most this many estimated region visits (workEstimate.ts): filling a fresh
 * 2 TiB host with 4K TDs is about 2.1 M, a fifth of a second of work; a fragmented host visits
 * each region many times and quickly leaves live range, back to the Run button.
 */
export const LIVE_MAX_REGION_VISITS = 8_000_000

/** Preset the editor starts from (the "10 TDs x 16 GiB, no huge pages"). */
export const DEFAULT_PRESET_ID = 'ten-16g-no-hugepages'

/**
 * The Workload view's state: the scenario being edited, the last simulation and the last trace
 * replay, the job in flight and the last error. Runs go through the PlannerApi of the host store
 * against the host on screen, with that host's model options. A failed or cancelled run never
 * replaces a result: the previous one stays and the error is shown beside it.
 */
export const useWorkloadStore = defineStore('workload', () => {
  const host = useHostStore()

  /** Presets for the current host (`host-90pct-4k` is sized to it). */
  const presets = ref<ScenarioPreset[]>([])
  /** The host the presets were fetched for. */
  const presetsHostId = ref<string | null>(null)
  /** The preset the draft was last loaded from ('' once a file was opened). */
  const presetId = ref('')
  /** The scenario editor's form, in the units people type; null until presets arrive. */
  const draft = ref<ScenarioDraft | null>(null)
  /** Whether to show field errors (after the first edit or run attempt). */
  const showErrors = ref(false)
  /** The last successful simulation (with its sweep, when one was run). */
  const simulation = shallowRef<SimulationRun | null>(null)
  /**
   * The host and model options the last simulation ran on (a pin records them: the shown result
   * may be of a host no longer on screen).
   */
  const simulationHost = shallowRef<RanOn | null>(null)
  /** The last successful trace replay. */
  const trace = shallowRef<TraceRun | null>(null)
  /** Which result the charts show. */
  const shown = ref<'simulation' | 'trace'>('simulation')
  /** The workload job in flight, the last error and what failed (composables/jobTracker). */
  const jobs = createJobTracker<WorkloadAction>('simulate')
  const { job, error, errorAction, busy } = jobs

  /** The draft as a request scenario, and its validation with the shared schema. */
  const validation = computed(() =>
    draft.value ? validateScenario(draftToInput(draft.value)) : null
  )
  /** Field errors keyed by schema path ("tdClasses.0.memoryBytes"). */
  const fieldErrors = computed<FieldErrors>(() =>
    validation.value && !validation.value.ok ? validation.value.errors : {}
  )
  const valid = computed(() => validation.value?.ok === true)
  /** The edited scenario checked against the host on screen, before any run (capacity.ts). */
  const capacity = computed<ScenarioCapacity | null>(() => {
    const v = validation.value
    const a = host.current?.analysis
    return v?.ok && a ? scenarioCapacity(v.scenario, a.tdxMemoryBytes, a.params) : null
  })

  /** The edited scenario's work against the documented limits (workEstimate.ts), before any run. */
  const work = computed<WorkEstimate | null>(() => {
    const v = validation.value
    const a = host.current?.analysis
    return v?.ok && a ? estimateSimulationWork(v.scenario, a) : null
  })

  /** Whether edits re-run the simulation on screen (the user's switch; on by default). */
  const live = ref(true)
  /**
   * Why an edit does not re-run live (one sentence), or null when it does. Checked against the
   * edited scenario, so the sentence changes as the user types.
   */
  const liveBlocked = computed<string | null>(() => {
    const a = host.current?.analysis
    const w = work.value
    if (!live.value) return 'Live updates are off.'
    if (!a || !w) return 'Live updates start once the scenario is valid.'
    if (a.tdxMemoryBytes > LIVE_MAX_TDX_BYTES)
      return 'Live updates are for hosts of up to 2 TiB of TDX memory: press Run after editing.'
    if (w.refusal !== null || w.units > LIVE_MAX_REGION_VISITS)
      return `Live updates are for scenarios of up to ${LIVE_MAX_REGION_VISITS / 1e6} M region visits (this one: up to ${(w.units / 1e6).toFixed(1)} M): press Run after editing.`
    return null
  })

  /** The result the charts show: the chosen one, else whichever exists. */
  const shownResult = computed(() => {
    if (shown.value === 'trace' && trace.value) return trace.value.result
    return simulation.value?.result ?? trace.value?.result ?? null
  })

  function api(): PlannerApi {
    const a = host.api()
    jobs.follow(a)
    return a
  }

  const fail = jobs.fail

  /** Run a workload job: its value on success, null on failure (error shown) or cancel. */
  async function runJob<T>(
    label: string,
    action: WorkloadAction,
    start: (jobId: string) => Promise<ApiResult<T>>
  ): Promise<T | null> {
    const out = await jobs.run(label, action, start)
    return out ? out.value : null
  }

  /** Fetch the presets for the host on screen; the draft starts from the default preset. */
  async function loadPresets(): Promise<void> {
    const current = host.current
    if (!current || presetsHostId.value === current.hostId) return
    const hostId = current.hostId
    const result = await api().listScenarioPresets({ hostId })
    if (!result.ok) {
      fail('presets', result.error)
      return
    }
    presets.value = result.value
    presetsHostId.value = hostId
    if (!draft.value) {
      const first = result.value.find((p) => p.id === DEFAULT_PRESET_ID) ?? result.value[0] ?? null
      if (first) applyPreset(first.id)
    }
  }

  /**
   * Whether the draft differs from the scenario of the preset it was loaded from (the preset select
   * then says "(modified)"). Compared as scenario inputs, so "16" typed over 16 or an edit undone
   * is no change.
   */
  const presetModified = computed(() => {
    const d = draft.value
    const preset = presets.value.find((p) => p.id === presetId.value)
    if (!d || !preset) return false
    const input = (x: ScenarioDraft): string => JSON.stringify(draftToInput(x))
    return input(d) !== input(scenarioToDraft(preset.scenario))
  })

  /** Replace the draft with a preset. */
  function applyPreset(id: string): boolean {
    const preset = presets.value.find((p) => p.id === id)
    if (!preset) return false
    presetId.value = id
    draft.value = scenarioToDraft(preset.scenario)
    showErrors.value = false
    return true
  }

  /** Replace the draft with the scenario scaled to fit this host; false when it cannot be. */
  function scaleToHost(): boolean {
    const v = validation.value
    const a = host.current?.analysis
    if (!v?.ok || !a) return false
    const scaled = scaleScenarioToHost(v.scenario, a.tdxMemoryBytes, a.params)
    if (!scaled) return false
    draft.value = scenarioToDraft(scaled)
    presetId.value = ''
    return true
  }

  function addClass(): void {
    if (!draft.value || draft.value.classes.length >= 64) return
    draft.value.classes.push(newClassDraft(draft.value.classes.length))
  }

  function removeClass(index: number): void {
    if (!draft.value || draft.value.classes.length <= 1) return
    draft.value.classes.splice(index, 1)
  }

  /** The validated scenario, or null with the field errors shown. */
  function checkedScenario(): Scenario | null {
    showErrors.value = true
    const v = validation.value
    return v?.ok ? v.scenario : null
  }

  function hostRef(): { hostId: string; model?: (typeof host)['modelOptions'] } | null {
    const current = host.current
    if (!current) return null
    return host.modelOptions
      ? { hostId: current.hostId, model: host.modelOptions }
      : { hostId: current.hostId }
  }

  /** The inputs of the simulation on screen (host, options, scenario), to skip a live no-op. */
  let shownInputsKey = ''
  /** The pending live re-run, between an edit and the end of its pause. */
  let liveTimer: ReturnType<typeof setTimeout> | null = null
  function inputsKey(target: ReturnType<typeof hostRef>, scenario: Scenario): string {
    return JSON.stringify([target, scenario])
  }

  async function simulateWith(
    label: string,
    action: WorkloadAction,
    sweep?: { parameter: SweepParameter; values: number[] },
    kind?: 'live'
  ): Promise<boolean> {
    // An explicit run covers the current inputs: it replaces a live run in flight and the one
    // pending (which would otherwise retry inputs that just failed).
    if (kind !== 'live') {
      if (job.value?.kind === 'live') jobs.supersede(api())
      if (liveTimer) clearTimeout(liveTimer)
      liveTimer = null
    }
    if (job.value) return false
    const scenario = checkedScenario()
    const target = hostRef()
    if (!scenario || !target) return false
    // The service refuses the same; checked here so a run too large never starts a job.
    const analysis = host.current?.analysis
    const refusal = analysis ? estimateSimulationWork(scenario, analysis, sweep).refusal : null
    if (refusal) {
      fail(action, { code: 'WORK_TOO_LARGE', message: refusal })
      return false
    }
    const ranOn: RanOn = { host: host.current!, model: target.model }
    const out = await jobs.run(
      label,
      action,
      (jobId) => api().simulate({ jobId, ...target, scenario, ...(sweep ? { sweep } : {}) }),
      kind ? { kind } : {}
    )
    if (!out) return false
    const run = out.value
    shownInputsKey = inputsKey(target, scenario)
    simulationHost.value = ranOn
    // A plain run keeps the sweep on screen when the scenario is unchanged.
    const previous = simulation.value
    simulation.value =
      !sweep &&
      previous?.sweep &&
      JSON.stringify(previous.scenario) === JSON.stringify(run.scenario)
        ? { ...run, sweep: previous.sweep }
        : run
    shown.value = 'simulation'
    return true
  }

  /** Simulate the edited scenario on the host on screen (Ctrl+Enter). */
  function run(): Promise<boolean> {
    return simulateWith('Simulating the workload', 'simulate')
  }

  /** Simulate and sweep one parameter over `values` (model units: fractions, TD counts). */
  function runSweep(parameter: SweepParameter, values: number[]): Promise<boolean> {
    return simulateWith(`Sweeping ${values.length} values`, 'sweep', { parameter, values })
  }

  /**
   * Re-run the simulation on screen for the edited scenario and the host's current options: a live
   * run in flight is superseded; any other job (a sweep, a trace) is left alone.
   */
  function runLive(): void {
    liveTimer = null
    if (liveBlocked.value !== null || !simulation.value || shown.value !== 'simulation') return
    const v = validation.value
    const target = hostRef()
    // Nothing changed since the shown run (an edit undone, a preset chosen again, a re-analysis
    // with the same options).
    if (!v?.ok || !target || inputsKey(target, v.scenario) === shownInputsKey) return
    if (job.value?.kind === 'live') jobs.supersede(api())
    if (job.value) {
      // Another job (a run, a sweep, a trace) holds the view: try again after it, so the edit is
      // not lost.
      liveTimer = setTimeout(runLive, LIVE_DEBOUNCE_MS)
      return
    }
    void simulateWith('Updating live', 'simulate', undefined, 'live')
  }

  // Live what-ifs: the edited scenario and the host's options (a re-analysis replaces the shown
  // host) re-run the shown simulation after a pause in editing.
  watch([validation, () => host.current, () => host.modelOptions], () => {
    if (!simulation.value || liveBlocked.value !== null) return
    if (liveTimer) clearTimeout(liveTimer)
    liveTimer = setTimeout(runLive, LIVE_DEBOUNCE_MS)
  })

  /** Replay a trace file from upload or drag and drop; the size is checked before reading. */
  async function importTrace(file: File): Promise<boolean> {
    if (job.value) return false
    if (file.size > MAX_TRACE_TEXT_BYTES) {
      fail('trace', {
        code: 'FILE_TOO_LARGE',
        fileName: file.name,
        message: `file is ${(file.size / 2 ** 20).toFixed(0)} MiB, larger than the ${formatLimitBytes(MAX_TRACE_TEXT_BYTES)} upload limit for traces: open it in the desktop app or with the CLI`
      })
      return false
    }
    const target = hostRef()
    if (!target) return false
    const refcounts = draft.value?.refcounts ?? 'dense'
    const result = await runJob(`Replaying ${file.name}`, 'trace', (jobId) =>
      sendFileText(
        api(),
        'replayTraceText',
        { jobId, ...target, fileName: file.name, refcounts },
        file
      )
    )
    if (!result) return false
    trace.value = result
    shown.value = 'trace'
    return true
  }

  /** Desktop only: pick a trace with the native dialog; main streams it to the worker. */
  async function openTraceWithDialog(): Promise<boolean> {
    if (job.value) return false
    const target = hostRef()
    if (!target) return false
    const refcounts = draft.value?.refcounts ?? 'dense'
    const result = await runJob('Replaying trace', 'trace', (jobId) =>
      api().openTraceFile({ jobId, ...target, refcounts })
    )
    if (!result) return false
    trace.value = result
    shown.value = 'trace'
    return true
  }

  /** The edited scenario as a scenario file, or null (errors shown) when it is not valid. */
  function scenarioFile(): { fileName: string; text: string } | null {
    const scenario = checkedScenario()
    if (!scenario) return null
    const stem =
      scenario.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario'
    return {
      fileName: `${stem.slice(0, 60)}.scenario.json`,
      text: JSON.stringify(scenario, null, 2)
    }
  }

  /** Load a scenario file into the editor; a file that fails the schema names the field. */
  async function openScenarioFile(file: File): Promise<boolean> {
    if (file.size > MAX_SCENARIO_FILE_BYTES) {
      fail('scenario-file', {
        code: 'FILE_TOO_LARGE',
        fileName: file.name,
        message: 'a scenario file is a few KiB of JSON; this file is larger than 4 MiB'
      })
      return false
    }
    let data: unknown
    try {
      data = JSON.parse(await file.text())
    } catch (e) {
      fail('scenario-file', {
        code: 'MALFORMED_LINE',
        fileName: file.name,
        message: `not JSON: ${(e as Error).message}`
      })
      return false
    }
    const problem = describeSchemaErrors(data)
    const checked = validateScenario(data)
    if (problem !== null || !checked.ok) {
      fail('scenario-file', {
        code: 'INVALID_REQUEST',
        fileName: file.name,
        message: problem ?? 'not a scenario'
      })
      return false
    }
    draft.value = scenarioToDraft(checked.scenario)
    presetId.value = ''
    showErrors.value = false
    error.value = null
    return true
  }

  function cancel(): Promise<void> {
    return jobs.cancel(api())
  }

  /**
   * Take a workspace's scenario (docs/workspaces.md): the editor shows it, results of the
   * previous session are cleared (a workspace stores inputs, not results).
   */
  function restoreState(saved: { presetId: string; scenario: Scenario | null }): void {
    draft.value = saved.scenario ? scenarioToDraft(saved.scenario) : null
    presetId.value = saved.presetId
    showErrors.value = false
    simulation.value = null
    simulationHost.value = null
    trace.value = null
    shown.value = 'simulation'
  }

  // Presets are per host: fetch them again when another host is shown.
  watch(
    () => host.current?.hostId,
    (id) => {
      if (id && id !== presetsHostId.value && presetsHostId.value !== null) void loadPresets()
    }
  )

  return {
    presets,
    presetId,
    presetModified,
    live,
    liveBlocked,
    draft,
    showErrors,
    simulation,
    simulationHost,
    trace,
    shown,
    job,
    error,
    errorAction,
    busy,
    fieldErrors,
    valid,
    capacity,
    work,
    scaleToHost,
    shownResult,
    loadPresets,
    applyPreset,
    addClass,
    removeClass,
    run,
    runSweep,
    importTrace,
    openTraceWithDialog,
    scenarioFile,
    openScenarioFile,
    restoreState,
    cancel,
    dismissError: jobs.dismissError,
    notice: jobs.notice,
    dismissNotice: jobs.dismissNotice
  }
})
