import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import type { PlannerApi } from '@shared/api/contract'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { buildComparison, MAX_COMPARED, MIN_COMPARED } from '@shared/compare/buildComparison'
import type { CompareItem } from '@shared/compare/compareItems'
import type { PinnedResult } from '@shared/workspace/workspaceSchema'
import { createJobTracker } from '../composables/jobTracker'
import { useHostStore } from './host'
import { useWorkspaceStore } from './workspace'

/**
 * The Compare view's state (docs/workspaces.md, "Compare"): the pins chosen (kept in the
 * workspace store), their results re-run through the API one after another (the model is
 * deterministic, so a pin's inputs give back its result), with progress and cancel, and the
 * comparison built from them (`buildComparison`, the report blocks the HTML report renders too).
 */
export const useCompareStore = defineStore('compare', () => {
  const host = useHostStore()
  const workspace = useWorkspaceStore()
  const jobs = createJobTracker<'compare'>('compare')
  const { job, error, errorAction, busy } = jobs
  /** The re-run results of the last comparison, in selection order; null before the first. */
  const items = shallowRef<CompareItem[] | null>(null)
  /** The pins they came from (ids), so the view can say when the selection has changed since. */
  const comparedIds = shallowRef<string[]>([])

  const selected = computed<PinnedResult[]>(() =>
    workspace.compareSelection.flatMap((id) => workspace.pinned.filter((p) => p.id === id))
  )
  const canCompare = computed(
    () => selected.value.length >= MIN_COMPARED && selected.value.length <= MAX_COMPARED
  )
  const section = computed(() => (items.value ? buildComparison(items.value) : null))
  /** Whether the comparison shown is of the current selection. */
  const current = computed(
    () =>
      items.value !== null &&
      comparedIds.value.join(',') === selected.value.map((p) => p.id).join(',')
  )

  function api(): PlannerApi {
    const a = host.api()
    jobs.follow(a)
    return a
  }

  /** Choose or drop a pin for comparison; at most MAX_COMPARED are chosen. */
  function toggle(id: string): void {
    const sel = workspace.compareSelection
    if (sel.includes(id)) workspace.compareSelection = sel.filter((s) => s !== id)
    else if (sel.length < MAX_COMPARED) workspace.compareSelection = [...sel, id]
  }

  /** The full result of one pin's inputs on the host it refers to, as the views ran it. */
  async function runOn(
    p: PinnedResult,
    hostId: string,
    jobId: string
  ): Promise<ApiResult<CompareItem>> {
    const a = api()
    const hostName = workspace.pinnedHosts[p.hostId]?.source.fileName ?? p.hostId
    const model = p.model
    if (p.kind === 'host-analysis') {
      const out = await a.reanalyzeHost({ jobId, hostId, model })
      return out.ok
        ? ok({ kind: p.kind, label: p.label, hostName, analysis: out.value.analysis })
        : out
    }
    if (p.kind === 'workload-run') {
      const out = await a.simulate({ jobId, hostId, model, scenario: p.scenario })
      return out.ok ? ok({ kind: p.kind, label: p.label, hostName, run: out.value }) : out
    }
    const out = await a.runContention({
      jobId,
      hostId,
      model,
      scenario: p.scenario,
      settings: p.settings
    })
    return out.ok ? ok({ kind: p.kind, label: p.label, hostName, run: out.value }) : out
  }

  /**
   * Re-run one pin. A host main dropped from memory (HOST_EVICTED) is re-imported in the same job
   * when it is a bundled example; a file has to be opened again, and the error says so.
   */
  async function rerun(p: PinnedResult, jobId: string): Promise<ApiResult<CompareItem>> {
    const kept = workspace.pinnedHosts[p.hostId]
    if (!kept) return err('NOT_FOUND', `the pin "${p.label}" names no host of this workspace`)
    const out = await runOn(p, kept.hostId, jobId)
    if (out.ok || out.error.code !== 'HOST_EVICTED') return out
    const exampleId = kept.source.exampleId
    if (kept.source.kind !== 'example' || !exampleId)
      return {
        ok: false,
        error: {
          code: 'HOST_EVICTED',
          fileName: kept.source.fileName,
          message: `this host was dropped from memory; re-open it and pin "${p.label}" again`
        }
      }
    const again = await api().analyzeExampleHost({ jobId, exampleId, model: p.model })
    if (!again.ok) return again
    workspace.rehost(p.hostId, again.value.hostId)
    return runOn(p, again.value.hostId, jobId)
  }

  /**
   * Compare the chosen pins: each re-run in turn as a job of its own (progress and Esc / Cancel
   * as every job). A failure or a cancel keeps the previous comparison and stops the rest.
   */
  async function run(): Promise<boolean> {
    if (job.value || !canCompare.value) return false
    const pins = selected.value
    const out: CompareItem[] = []
    for (const [i, p] of pins.entries()) {
      const r = await jobs.run(
        `Comparing: re-running ${i + 1} of ${pins.length}, ${p.label}`,
        'compare',
        (jobId) => rerun(p, jobId)
      )
      if (!r) return false
      out.push(r.value)
    }
    items.value = out
    comparedIds.value = pins.map((p) => p.id)
    return true
  }

  function cancel(): Promise<void> {
    return jobs.cancel(api())
  }

  return {
    items,
    selected,
    canCompare,
    section,
    current,
    job,
    error,
    errorAction,
    busy,
    toggle,
    run,
    cancel,
    dismissError: jobs.dismissError,
    notice: jobs.notice,
    dismissNotice: jobs.dismissNotice
  }
})
