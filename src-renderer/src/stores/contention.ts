import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type {
  CalibrationFitRun,
  ContentionRun,
  PlannerApi,
  ScenarioPreset
} from '@shared/api/contract'
import { calibrationFitOptionsSchema, maxFitRuns } from '@shared/model/contention/calibrationFit'
import { fittedCosts } from '@shared/model/contention/calibrationReport'
import type { ContentionCosts } from '@shared/model/contention/costs'
import {
  contentionSettingsSchema,
  resolveMachine,
  scenarioDemotes,
  type ContentionMachine,
  type ContentionRunSettings,
  type ContentionSettingsInput
} from '@shared/model/contention/runContention'
import { contentionPresetSettings } from '@shared/model/workload/presets'
import type { Scenario } from '@shared/model/workload/scenario'
import { estimateContentionWork, WORK_LIMITS } from '@shared/model/workEstimate'
import { issueSentence, type FieldLabel } from '@shared/api/issueText'
import { sensitivityPlan, sensitivityPointCount } from '@shared/model/contention/sensitivity'
import { useHostStore } from './host'
import { createJobTracker } from '../composables/jobTracker'
import { useWorkloadStore, type RanOn } from './workload'
import { draftToInput, validateScenario, type FieldErrors } from './scenarioDraft'
import {
  COST_FIELDS,
  DEMOTE_CHOICES,
  DESIGN_CHOICES,
  type CostKey,
  type DemoteChoice,
  type DesignChoice
} from './contentionFields'

/** What the contention error banner says failed. */
export type ContentionAction = 'run' | 'presets' | 'workload-scenario' | 'fit'

/** The preset the view starts from: the measured boot storm (dpamt-model.md §3.3). */
export const CALIBRATION_PRESET_ID = 'calibration-10x16g'

/** The settings form, in the units people type; '' is an emptied number field. */
export interface ContentionDraft {
  designs: Record<DesignChoice, boolean>
  /** N of hashed:N. */
  hashedLocks: number | ''
  /** N of mod:N. */
  modLocks: number | ''
  demote: Record<DemoteChoice, boolean>
  sockets: number | ''
  cpusPerSocket: number | ''
  kernelWindowRegions: number | ''
  /** TD start jitter in ms, vCPU start jitter in µs (the settings hold ns). */
  tdStartJitterMs: number | ''
  vcpuStartJitterUs: number | ''
  timelineBins: number | ''
  /** Seeds to run (seed, seed + 1, …); the form starts at FORM_SEEDS. */
  seeds: number | ''
  /** Every cost in ns. */
  costs: Record<CostKey, number | ''>
}

const num = (v: number | ''): number => (v === '' ? Number.NaN : Number(v))

/**
 * Seeds the form starts with: five runs give a median and a range, where the schema's (and the
 * CLI's) default of 1 gives one sample (docs/contention-model.md, "Repetition").
 */
export const FORM_SEEDS = 5

/**
 * Simulation events a second for the sensitivity button's rough time: the calibration preset runs
 * ~4 million a second on one core (1.07 M events in ~0.25 s); the work estimate is an upper bound,
 * so the time it gives is one too (docs/contention-model.md, "Sensitivity").
 */
export const EVENTS_PER_SECOND = 4e6

/** The machine a form starts from when the settings name none (the host's, else the default). */
type DraftMachine = Pick<ContentionMachine, 'sockets' | 'cpusPerSocket'>

/** The form for settings (defaults: the schema's; the machine: `machine` unless set). */
export function settingsToDraft(
  s: ContentionRunSettings,
  machine: DraftMachine = resolveMachine({}, {})
): ContentionDraft {
  const hashed = s.designs.find((d) => d.startsWith('hashed:'))
  const mod = s.designs.find((d) => d.startsWith('mod:'))
  const designs = Object.fromEntries(
    DESIGN_CHOICES.map((c) => [
      c.id,
      c.id === 'hashed'
        ? hashed !== undefined
        : c.id === 'mod'
          ? mod !== undefined
          : s.designs.includes(c.id)
    ])
  ) as Record<DesignChoice, boolean>
  return {
    designs,
    hashedLocks: hashed ? Number(hashed.slice(7)) : 64,
    modLocks: mod ? Number(mod.slice(4)) : 64,
    demote: Object.fromEntries(
      DEMOTE_CHOICES.map((c) => [c.id, s.demoteVariants.includes(c.id)])
    ) as Record<DemoteChoice, boolean>,
    sockets: s.sockets ?? machine.sockets,
    cpusPerSocket: s.cpusPerSocket ?? machine.cpusPerSocket,
    kernelWindowRegions: s.kernelWindowRegions,
    tdStartJitterMs: s.tdStartJitterNs / 1e6,
    vcpuStartJitterUs: s.vcpuStartJitterNs / 1e3,
    timelineBins: s.timelineBins,
    seeds: s.seeds,
    costs: { ...s.costs }
  }
}

export function defaultDraft(machine?: DraftMachine): ContentionDraft {
  const draft = settingsToDraft(contentionSettingsSchema.parse({}), machine)
  // always-lock takes the lock on every get and put: on the calibration preset it is ~290 M of the
  // ~360 M events of one seed, so with FORM_SEEDS it would be refused by the work limit. The form
  // starts without it; it stays one click away (the CLI's default, one seed, keeps it).
  draft.designs['always-lock'] = false
  return { ...draft, seeds: FORM_SEEDS }
}

/** The form as the request's `settings`; not yet validated. */
export function draftToSettings(d: ContentionDraft): ContentionSettingsInput {
  const n = (v: number | ''): string => (v === '' ? '' : String(v))
  const designs = DESIGN_CHOICES.filter((c) => d.designs[c.id]).map((c) =>
    c.id === 'hashed'
      ? `hashed:${n(d.hashedLocks)}`
      : c.id === 'mod'
        ? `mod:${n(d.modLocks)}`
        : c.id
  )
  return {
    designs: designs as ContentionSettingsInput['designs'],
    demoteVariants: DEMOTE_CHOICES.filter((c) => d.demote[c.id]).map((c) => c.id),
    costs: Object.fromEntries(COST_FIELDS.map((f) => [f.key, num(d.costs[f.key])])) as Record<
      CostKey,
      number
    >,
    sockets: num(d.sockets),
    cpusPerSocket: num(d.cpusPerSocket),
    kernelWindowRegions: num(d.kernelWindowRegions),
    tdStartJitterNs: num(d.tdStartJitterMs) * 1e6,
    vcpuStartJitterNs: num(d.vcpuStartJitterUs) * 1e3,
    timelineBins: num(d.timelineBins),
    seeds: num(d.seeds)
  }
}

/** The form's label (and unit) of a settings field, for messages in the form's words. */
function settingsFieldLabel(path: ReadonlyArray<PropertyKey>): FieldLabel | null {
  const [head, key] = path
  if (head === 'costs') {
    const f = COST_FIELDS.find((c) => c.key === key)
    return f ? { label: f.label, ...(f.unit === 'ns' ? { unit: 'ns' } : {}) } : null
  }
  const fields: Record<string, FieldLabel> = {
    sockets: { label: 'Sockets' },
    cpusPerSocket: { label: 'CPUs per socket' },
    kernelWindowRegions: { label: 'Kernel window', unit: '2M regions' },
    tdStartJitterNs: { label: 'TD start jitter', scale: 1e-6, unit: 'ms' },
    vcpuStartJitterNs: { label: 'vCPU start jitter', scale: 1e-3, unit: 'µs' },
    timelineBins: { label: 'Timeline bins' },
    seeds: { label: 'Seeds' }
  }
  return fields[String(head)] ?? null
}

/**
 * Validate with contentionSettingsSchema; field errors keyed by the form's fields: "designs",
 * "hashedLocks", "demoteVariants", "sockets", "costs.pamtAddNs", …
 */
export function validateSettings(
  input: ContentionSettingsInput
): { ok: true; settings: ContentionRunSettings } | { ok: false; errors: FieldErrors } {
  const parsed = contentionSettingsSchema.safeParse(input)
  if (parsed.success) return { ok: true, settings: parsed.data }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const [head, index] = issue.path
    let key = issue.path.map(String).join('.')
    let message = issue.message
    if (head === 'designs' && typeof index === 'number') {
      key = String(input.designs?.[index] ?? '').startsWith('mod:') ? 'modLocks' : 'hashedLocks'
      message = 'N is a whole number from 1 to 999999'
    } else if (head === 'designs') message = 'pick at least one design'
    else if (head === 'demoteVariants') message = 'pick at least one DEMOTE variant'
    else if (issue.code === 'invalid_type' && /NaN|number/i.test(message))
      message = 'enter a number'
    else {
      const field = settingsFieldLabel(issue.path)
      if (field) message = issueSentence(issue, field)
    }
    errors[key] ??= message
  }
  return { ok: false, errors }
}

/** A preset's own timing settings in the form's units ({} when it has none). */
export function presetTimingDraft(id: string): Partial<
  Pick<ContentionDraft, 'tdStartJitterMs' | 'vcpuStartJitterUs'>
> & {
  serviceCv?: number
} {
  const p = contentionPresetSettings(id)
  return {
    ...(p.tdStartJitterNs !== undefined ? { tdStartJitterMs: p.tdStartJitterNs / 1e6 } : {}),
    ...(p.vcpuStartJitterNs !== undefined ? { vcpuStartJitterUs: p.vcpuStartJitterNs / 1e3 } : {}),
    ...(p.serviceCv !== undefined ? { serviceCv: p.serviceCv } : {})
  }
}

/**
 * The Contention view's state: settings being edited, the scenario (a contention preset or the
 * Workload view's scenario), the last run, the job in flight and the last error. Runs go through
 * the host store's PlannerApi against the host on screen with its model options; a failed or
 * cancelled run never replaces the shown one.
 */
export const useContentionStore = defineStore('contention', () => {
  const host = useHostStore()

  const presets = ref<ScenarioPreset[]>([])
  /** The preset the scenario came from ('' when it came from the Workload view). */
  const presetId = ref('')
  /** The scenario the next run uses. */
  const scenario = shallowRef<Scenario | null>(null)
  const scenarioSource = ref<'preset' | 'workload'>('preset')
  /** The host's machine (SRAT CPU affinity lines), else the default; the form starts from it. */
  const hostMachine = computed(() => resolveMachine(host.current?.analysis ?? {}, {}))
  const draft = ref<ContentionDraft>(defaultDraft(hostMachine.value))
  /** The machine as the form has it, and where it came from (host log, default or edited). */
  const machine = computed<ContentionMachine>(() => {
    const d = draft.value
    return resolveMachine(host.current?.analysis ?? {}, {
      ...(d.sockets === '' ? {} : { sockets: d.sockets }),
      ...(d.cpusPerSocket === '' ? {} : { cpusPerSocket: d.cpusPerSocket })
    })
  })
  // Another host: the form follows its machine unless the machine was edited.
  watch(hostMachine, (next, prev) => {
    const d = draft.value
    if (d.sockets === prev.sockets && d.cpusPerSocket === prev.cpusPerSocket) {
      d.sockets = next.sockets
      d.cpusPerSocket = next.cpusPerSocket
    }
  })
  /** Whether to show field errors (after the first edit or run attempt). */
  const showErrors = ref(false)
  /** The last successful run, and the preset it ran ('' for the Workload scenario). */
  const run = shallowRef<ContentionRun | null>(null)
  const runPresetId = ref('')
  /** The host and model options the last run used (a pin records them). */
  const runHost = shallowRef<RanOn | null>(null)
  /** Index into run.report.outcomes of the design whose timeline is shown. */
  const timelineIndex = ref(0)
  /** The contention job in flight, the last error and what failed (composables/jobTracker). */
  const jobs = createJobTracker<ContentionAction>('run')
  const { job, error, errorAction, busy } = jobs
  const settingsInput = computed(() => draftToSettings(draft.value))
  const validation = computed(() => validateSettings(settingsInput.value))
  const fieldErrors = computed<FieldErrors>(() =>
    validation.value.ok ? {} : validation.value.errors
  )
  const valid = computed(() => validation.value.ok)

  function api(): PlannerApi {
    const a = host.api()
    jobs.follow(a)
    return a
  }

  const fail = jobs.fail

  /** Fetch the contention presets once; the scenario starts from the calibration preset. */
  async function loadPresets(): Promise<void> {
    if (presets.value.length) return
    const result = await api().listContentionPresets({})
    if (!result.ok) {
      fail('presets', result.error)
      return
    }
    presets.value = result.value
    if (!scenario.value) {
      const first =
        result.value.find((p) => p.id === CALIBRATION_PRESET_ID) ?? result.value[0] ?? null
      if (first) applyPreset(first.id)
    }
  }

  function applyPreset(id: string): boolean {
    const preset = presets.value.find((p) => p.id === id)
    if (!preset) return false
    presetId.value = id
    scenario.value = preset.scenario
    scenarioSource.value = 'preset'
    // The preset's own timing (the synchronized storm: no jitter, constant costs), else the
    // defaults: switching presets never keeps another preset's lockstep.
    const defaults = defaultDraft()
    const { serviceCv, ...timing } = presetTimingDraft(id)
    draft.value.tdStartJitterMs = timing.tdStartJitterMs ?? defaults.tdStartJitterMs
    draft.value.vcpuStartJitterUs = timing.vcpuStartJitterUs ?? defaults.vcpuStartJitterUs
    draft.value.costs.serviceCv = serviceCv ?? defaults.costs.serviceCv
    return true
  }

  /** Take the Workload view's current scenario (validated with the scenario schema). */
  async function useWorkloadScenario(): Promise<boolean> {
    const workload = useWorkloadStore()
    if (!workload.draft) await workload.loadPresets()
    const d = workload.draft
    if (!d) {
      fail('workload-scenario', {
        code: 'NOT_FOUND',
        message: 'the Workload view has no scenario yet: open it once to load its presets'
      })
      return false
    }
    const checked = validateScenario(draftToInput(d))
    if (!checked.ok) {
      const n = Object.keys(checked.errors).length
      fail('workload-scenario', {
        code: 'INVALID_REQUEST',
        message: `the Workload scenario has ${n} field${n === 1 ? '' : 's'} to fix: correct ${n === 1 ? 'it' : 'them'} in the Workload view`
      })
      return false
    }
    scenario.value = checked.scenario
    scenarioSource.value = 'workload'
    presetId.value = ''
    error.value = null
    return true
  }

  function resetCosts(): void {
    draft.value.costs = { ...defaultDraft().costs }
  }

  function resetSettings(): void {
    const { serviceCv, ...timing } = presetTimingDraft(presetId.value)
    draft.value = { ...defaultDraft(hostMachine.value), ...timing }
    if (serviceCv !== undefined) draft.value.costs.serviceCv = serviceCv
    showErrors.value = false
  }

  /**
   * What the Sensitivity button would run: its points (1 + 2 × parameters), the estimated events
   * and a rough upper bound on the time, or null while the form or scenario is not runnable.
   */
  const sensitivityWork = computed(() => {
    const v = validation.value
    const current = host.current
    const s = scenario.value
    if (!v.ok || !current || !s) return null
    const settings = { ...v.settings, sensitivity: true }
    const work = estimateContentionWork(s, current.analysis, settings)
    const points = 1 + sensitivityPointCount(sensitivityPlan(settings, scenarioDemotes(s)))
    return {
      points,
      events: work.units,
      seconds: work.units / EVENTS_PER_SECOND,
      refusal: work.refusal
    }
  })

  /**
   * Run every selected design on the scenario (Ctrl+Enter); invalid settings are not sent. With
   * `sensitivity`, each cost and the kernel window at ¼× and 4× too (the Sensitivity button).
   */
  async function runContention(sensitivity = false): Promise<boolean> {
    if (job.value) return false
    showErrors.value = true
    const v = validation.value
    const current = host.current
    const s = scenario.value
    if (!v.ok || !current || !s) return false
    const settings = sensitivity ? { ...v.settings, sensitivity: true } : v.settings
    // The service refuses the same; checked here so a run too large never starts a job.
    const refusal = estimateContentionWork(s, current.analysis, settings).refusal
    if (refusal) {
      jobs.fail('run', { code: 'WORK_TOO_LARGE', message: refusal })
      return false
    }
    const forPreset = presetId.value
    const ranOn: RanOn = { host: current, model: host.modelOptions }
    const n = settings.designs.length
    const k = settings.seeds
    const points = sensitivity
      ? ` × ${1 + sensitivityPointCount(sensitivityPlan(settings, scenarioDemotes(s)))} sensitivity points`
      : ''
    const out = await jobs.run(
      `Simulating lock contention for ${n} design${n === 1 ? '' : 's'}${k > 1 ? ` × ${k} seeds` : ''}${points}`,
      'run',
      (jobId) =>
        api().runContention({
          jobId,
          hostId: current.hostId,
          ...(host.modelOptions ? { model: host.modelOptions } : {}),
          scenario: s,
          settings
        })
    )
    if (!out) return false
    run.value = out.value
    runHost.value = ranOn
    runPresetId.value = forPreset
    if (timelineIndex.value >= out.value.report.outcomes.length) timelineIndex.value = 0
    return true
  }

  function cancel(): Promise<void> {
    return jobs.cancel(api())
  }

  /** Take a workspace's contention scenario and settings (docs/workspaces.md); no run is kept. */
  function restoreState(saved: {
    presetId: string
    scenarioSource: 'preset' | 'workload'
    scenario: Scenario | null
    settings: ContentionRunSettings | null
  }): void {
    presetId.value = saved.presetId
    scenario.value = saved.scenario
    scenarioSource.value = saved.scenarioSource
    draft.value = saved.settings
      ? settingsToDraft(saved.settings, hostMachine.value)
      : defaultDraft(hostMachine.value)
    showErrors.value = false
    run.value = null
    runHost.value = null
    runPresetId.value = ''
    timelineIndex.value = 0
  }

  // -- Calibration fit (docs/contention-model.md, "Checks → Calibration") ------------------------
  /** The fit's own seeds and grid points ('' an emptied field); the schema's defaults. */
  const fitDefaults = calibrationFitOptionsSchema.parse({})
  const fitForm = ref<{ seeds: number | ''; points: number | '' }>({
    seeds: fitDefaults.seeds,
    points: fitDefaults.points
  })
  const fitOptions = computed(() =>
    calibrationFitOptionsSchema.safeParse({
      seeds: num(fitForm.value.seeds),
      points: num(fitForm.value.points)
    })
  )
  /** The most runs the fit's form allows (each one v6 run of the calibration preset). */
  const fitMaxRuns = computed(() =>
    fitOptions.value.success ? maxFitRuns(fitOptions.value.data) : null
  )
  /** The last fit; a failed or cancelled one never replaces it. */
  const fit = shallowRef<CalibrationFitRun | null>(null)

  /**
   * Fit the costs to the list's measurement on the host on screen: the form's settings are what
   * the fit holds (its costs the base the scale multiplies); designs and seeds do not apply.
   */
  async function runFit(): Promise<boolean> {
    if (job.value) return false
    showErrors.value = true
    const v = validation.value
    const o = fitOptions.value
    const current = host.current
    if (!v.ok || !o.success || !current) return false
    // The service refuses the same; the card says so before anything is sent.
    if (maxFitRuns(o.data) > WORK_LIMITS.calibrationFitRuns) return false
    const out = await jobs.run(
      `Fitting the costs to the list's measurement (up to ${maxFitRuns(o.data)} runs of v6)`,
      'fit',
      (jobId) =>
        api().fitCalibration({
          jobId,
          hostId: current.hostId,
          ...(host.modelOptions ? { model: host.modelOptions } : {}),
          settings: v.settings,
          fit: o.data
        })
    )
    if (!out) return false
    fit.value = out.value
    return true
  }

  /** The costs "Use these costs" copies: the fitted point's, every one (fittedCosts). */
  const fitCosts = computed<ContentionCosts | null>(() =>
    fit.value ? fittedCosts(fit.value.report) : null
  )
  const sameCosts = (a: Record<string, number | ''>, b: ContentionCosts): boolean =>
    (Object.keys(b) as Array<keyof ContentionCosts>).every((k) => a[k] === b[k])
  /** Whether the cost fields hold the fitted costs (copied and not edited since). */
  const costsFromFit = computed(
    () => fitCosts.value !== null && sameCosts(draft.value.costs, fitCosts.value)
  )
  /** Whether the shown run used the fitted costs. */
  const runUsesFitCosts = computed(
    () =>
      fitCosts.value !== null &&
      run.value !== null &&
      sameCosts(run.value.report.settings.costs, fitCosts.value)
  )

  /** Copy the fitted costs into the cost fields; nothing runs until the user does. */
  function useFittedCosts(): void {
    if (fitCosts.value) draft.value.costs = { ...fitCosts.value }
  }

  return {
    presets,
    presetId,
    scenario,
    scenarioSource,
    draft,
    machine,
    showErrors,
    run,
    runHost,
    runPresetId,
    timelineIndex,
    job,
    error,
    errorAction,
    busy,
    settingsInput,
    fieldErrors,
    valid,
    loadPresets,
    applyPreset,
    useWorkloadScenario,
    resetCosts,
    resetSettings,
    runContention,
    restoreState,
    runSensitivity: () => runContention(true),
    sensitivityWork,
    cancel,
    fitForm,
    fitOptions,
    fitMaxRuns,
    fit,
    runFit,
    fitCosts,
    costsFromFit,
    runUsesFitCosts,
    useFittedCosts,
    dismissError: jobs.dismissError,
    notice: jobs.notice,
    dismissNotice: jobs.dismissNotice
  }
})
