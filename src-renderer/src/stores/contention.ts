import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ContentionRun, PlannerApi, ScenarioPreset } from '@shared/api/contract'
import {
  contentionSettingsSchema,
  type ContentionRunSettings,
  type ContentionSettingsInput
} from '@shared/model/contention/runContention'
import type { Scenario } from '@shared/model/workload/scenario'
import { useHostStore } from './host'
import { createJobTracker } from '../composables/jobTracker'
import { useWorkloadStore } from './workload'
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
export type ContentionAction = 'run' | 'presets' | 'workload-scenario'

/** The preset the view starts from: the measured boot storm (dpamt-model.md §3.3). */
export const CALIBRATION_PRESET_ID = 'calibration-10x16g'

/** The settings form, in the units people type; '' is an emptied number field. */
export interface ContentionDraft {
  designs: Record<DesignChoice, boolean>
  /** N of hashed:N. */
  hashedLocks: number | ''
  demote: Record<DemoteChoice, boolean>
  sockets: number | ''
  cpusPerSocket: number | ''
  kernelWindowRegions: number | ''
  timelineBins: number | ''
  /** Every cost in ns. */
  costs: Record<CostKey, number | ''>
}

const num = (v: number | ''): number => (v === '' ? Number.NaN : Number(v))

/** The form for settings (defaults: the schema's). */
export function settingsToDraft(s: ContentionRunSettings): ContentionDraft {
  const hashed = s.designs.find((d) => d.startsWith('hashed:'))
  const designs = Object.fromEntries(
    DESIGN_CHOICES.map((c) => [
      c.id,
      c.id === 'hashed' ? hashed !== undefined : s.designs.includes(c.id)
    ])
  ) as Record<DesignChoice, boolean>
  return {
    designs,
    hashedLocks: hashed ? Number(hashed.slice(7)) : 64,
    demote: Object.fromEntries(
      DEMOTE_CHOICES.map((c) => [c.id, s.demoteVariants.includes(c.id)])
    ) as Record<DemoteChoice, boolean>,
    sockets: s.sockets,
    cpusPerSocket: s.cpusPerSocket,
    kernelWindowRegions: s.kernelWindowRegions,
    timelineBins: s.timelineBins,
    costs: { ...s.costs }
  }
}

export function defaultDraft(): ContentionDraft {
  return settingsToDraft(contentionSettingsSchema.parse({}))
}

/** The form as the request's `settings`; not yet validated. */
export function draftToSettings(d: ContentionDraft): ContentionSettingsInput {
  const designs = DESIGN_CHOICES.filter((c) => d.designs[c.id]).map((c) =>
    c.id === 'hashed' ? `hashed:${d.hashedLocks === '' ? '' : String(d.hashedLocks)}` : c.id
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
    timelineBins: num(d.timelineBins)
  }
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
      key = 'hashedLocks'
      message = 'N is a whole number from 1 to 999999'
    } else if (head === 'designs') message = 'pick at least one design'
    else if (head === 'demoteVariants') message = 'pick at least one DEMOTE variant'
    else if (issue.code === 'invalid_type' && /NaN|number/i.test(message))
      message = 'enter a number'
    errors[key] ??= message
  }
  return { ok: false, errors }
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
  const draft = ref<ContentionDraft>(defaultDraft())
  /** Whether to show field errors (after the first edit or run attempt). */
  const showErrors = ref(false)
  /** The last successful run, and the preset it ran ('' for the Workload scenario). */
  const run = shallowRef<ContentionRun | null>(null)
  const runPresetId = ref('')
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
    draft.value = defaultDraft()
    showErrors.value = false
  }

  /** Run every selected design on the scenario (Ctrl+Enter); invalid settings are not sent. */
  async function runContention(): Promise<boolean> {
    if (job.value) return false
    showErrors.value = true
    const v = validation.value
    const current = host.current
    const s = scenario.value
    if (!v.ok || !current || !s) return false
    const forPreset = presetId.value
    const n = v.settings.designs.length
    const out = await jobs.run(
      `Simulating lock contention for ${n} design${n === 1 ? '' : 's'}`,
      'run',
      (jobId) =>
        api().runContention({
          jobId,
          hostId: current.hostId,
          ...(host.modelOptions ? { model: host.modelOptions } : {}),
          scenario: s,
          settings: v.settings
        })
    )
    if (!out) return false
    run.value = out.value
    runPresetId.value = forPreset
    if (timelineIndex.value >= out.value.report.outcomes.length) timelineIndex.value = 0
    return true
  }

  function cancel(): Promise<void> {
    return jobs.cancel(api())
  }

  return {
    presets,
    presetId,
    scenario,
    scenarioSource,
    draft,
    showErrors,
    run,
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
    cancel,
    dismissError: jobs.dismissError,
    notice: jobs.notice,
    dismissNotice: jobs.dismissNotice
  }
})
