import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { HostResult, PlannerApi } from '@shared/api/contract'
import type { ApiError, ApiResult } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import type {
  OpenedWorkspace,
  RecentWorkspace,
  SavedWorkspace
} from '@shared/api/workspaceContract'
import type { ExportReportRequest } from '@shared/api/reportContract'
import { asSavedFleet } from '@shared/fleet/fleetSaved'
import { formatLimitBytes } from '@shared/import/limits'
import {
  contentionPinLabel,
  contentionPinSummary,
  hostPinLabel,
  hostPinSummary,
  MAX_PIN_LABEL,
  workloadPinLabel,
  workloadPinSummary
} from '@shared/compare/compareItems'
import {
  MAX_PINNED,
  MAX_WORKSPACE_FILE_BYTES,
  MAX_WORKSPACE_HOSTS,
  WORKSPACE_EXTENSION,
  looksLikeWorkspace,
  type PinnedResult,
  type WorkspaceStateInput
} from '@shared/workspace/workspaceSchema'
import { sendFileText } from '../api/sendFileText'
import { downloadBlob } from '../composables/download'
import { useContentionStore, draftToSettings, validateSettings } from './contention'
import { useFleetStore } from './fleet'
import { useHostStore } from './host'
import { draftToInput, validateScenario } from './scenarioDraft'
import { useWorkloadStore } from './workload'

/** Autosave this long after the last change (docs/workspaces.md, "Autosave and restore"). */
export const AUTOSAVE_DEBOUNCE_MS = 2_000
/** …and at the latest this long after the first unsaved change, even while changes keep coming. */
export const AUTOSAVE_MAX_DELAY_MS = 30_000
export const UNTITLED = 'Untitled workspace'

/** What a pin can be taken of: the Host view's analysis, a Workload or a Contention run. */
export type PinKind = PinnedResult['kind']

/**
 * A host pins refer to (docs/workspaces.md, "Pinned results"): the service's id for it now (it
 * changes when a workspace is opened or an evicted example is re-imported), where it came from,
 * and the model options it is saved with.
 */
export interface PinnedHost {
  hostId: string
  source: HostResult['source']
  model: ModelOptions
}

/** Asks before unsaved work is dropped; window.confirm in the app, a stub in tests. */
export type ConfirmDiscard = (message: string) => boolean

/**
 * The workspace around the views (docs/workspaces.md): its name and file, whether it has unsaved
 * changes, Save / Save As / Open / recent files, the autosave to the data folder and the offer to
 * restore the previous session. Main builds and reads the `.pamtplan` files; this store sends the
 * state (the host on screen by id, its model options, the scenarios, settings, pins and notes).
 */
export const useWorkspaceStore = defineStore('workspace', () => {
  const host = useHostStore()
  const workload = useWorkloadStore()
  const contention = useContentionStore()
  const fleet = useFleetStore()

  const name = ref(UNTITLED)
  /** Desktop: the workspace's file (Save writes there); null until saved or opened. */
  const path = ref<string | null>(null)
  /** Changes since the last explicit save or open. */
  const dirty = ref(false)
  const notes = ref('')
  /**
   * Pinned results, in pin order. Their `hostId` is a workspace host id (`w1`…) of `pinnedHosts`;
   * a save renumbers them to the file's host order (`currentState`).
   */
  const pinned = shallowRef<PinnedResult[]>([])
  /** The hosts pins refer to, by workspace host id: kept and saved with the workspace. */
  const pinnedHosts = shallowRef<Record<string, PinnedHost>>({})
  /**
   * The pins chosen for comparison (ids, in the order chosen). Kept here, not in the file: the
   * version 2 schema has no place for it, and a version bump for a selection is not worth it.
   */
  const compareSelection = ref<string[]>([])
  /** The previous session's autosave, offered until restored or dismissed. */
  const restoreOffer = ref<{ name: string; savedAt: string } | null>(null)
  const recent = ref<RecentWorkspace[]>([])
  /** When the last autosave was written (ISO), for the status line. */
  const lastAutosave = ref<string | null>(null)
  /** A short status after a save or an open ("Saved SPR-lab.pamtplan"). */
  const status = ref<string | null>(null)
  const saving = ref(false)

  /** The window title: the workspace name, a • when there are unsaved changes. */
  const title = computed(() => `${dirty.value ? '• ' : ''}${name.value} — PAMT Planner`)

  let confirmDiscard: ConfirmDiscard = (m) => window.confirm(m)
  /** Changes are tracked only once started (the start-up example host is not a change). */
  let tracking = false
  /** Set while a workspace is applied, so its own assignments do not count as changes. */
  let applying = false
  let debounceTimer: ReturnType<typeof setTimeout> | null = null
  let boundTimer: ReturnType<typeof setTimeout> | null = null
  /** Bumped by each change; an autosave covers the generation it started with. */
  let generation = 0
  let autosavedGeneration = 0

  function api(): PlannerApi {
    return host.api()
  }

  /** The state main needs to build the file; drafts that do not validate are left out (null). */
  function currentState(): WorkspaceStateInput {
    const current = host.current
    const scenario = workload.draft ? validateScenario(draftToInput(workload.draft)) : null
    const settings = validateSettings(draftToSettings(contention.draft))
    // The host on screen first, then every other host a pin refers to; pins are renumbered to
    // this order (the file's w1, w2, …), a host shared by several pins or on screen counted once.
    const hosts: Array<{ hostId: string; model: ModelOptions }> = current
      ? [{ hostId: current.hostId, model: host.modelOptions ?? {} }]
      : []
    const index = new Map<string, number>(current ? [[current.hostId, 0]] : [])
    const savedPins: PinnedResult[] = []
    for (const p of pinned.value) {
      const kept = pinnedHosts.value[p.hostId]
      if (!kept) continue
      let i = index.get(kept.hostId)
      if (i === undefined) {
        i = hosts.length
        hosts.push({ hostId: kept.hostId, model: kept.model })
        index.set(kept.hostId, i)
      }
      savedPins.push({ ...p, hostId: `w${i + 1}` })
    }
    return {
      name: name.value,
      hosts,
      activeHost: current ? 0 : null,
      workload: {
        presetId: workload.presetId,
        scenario: scenario?.ok ? scenario.scenario : null
      },
      contention: {
        presetId: contention.presetId,
        scenarioSource: contention.scenarioSource,
        scenario: contention.scenario,
        settings: settings.ok ? settings.settings : null
      },
      pinned: savedPins,
      fleet: fleet.saved(),
      notes: notes.value
    }
  }

  function markDirty(): void {
    if (!tracking || applying) return
    dirty.value = true
    generation++
    scheduleAutosave()
  }

  function clearTimers(): void {
    if (debounceTimer) clearTimeout(debounceTimer)
    if (boundTimer) clearTimeout(boundTimer)
    debounceTimer = null
    boundTimer = null
  }

  function scheduleAutosave(): void {
    if (debounceTimer) clearTimeout(debounceTimer)
    debounceTimer = setTimeout(() => void autosave(), AUTOSAVE_DEBOUNCE_MS)
    boundTimer ??= setTimeout(() => void autosave(), AUTOSAVE_MAX_DELAY_MS)
  }

  /**
   * Write the autosave now, if there is anything new. Held while a host job runs (the host is
   * changing) and while the previous session is still offered (it would be overwritten).
   */
  async function autosave(): Promise<boolean> {
    clearTimers()
    if (generation === autosavedGeneration) return false
    if (host.job || restoreOffer.value) {
      if (host.job) scheduleAutosave()
      return false
    }
    const covers = generation
    const out = await api().autosaveWorkspace({
      state: currentState(),
      ...(path.value ? { path: path.value } : {})
    })
    if (!out.ok) return false
    autosavedGeneration = covers
    lastAutosave.value = out.value.savedAt
    return true
  }

  /** After start-up: track changes and ask main whether the previous session can be restored. */
  async function start(opts: { confirm?: ConfirmDiscard } = {}): Promise<void> {
    if (opts.confirm) confirmDiscard = opts.confirm
    tracking = true
    const session = await api().getWorkspaceSession({})
    if (!session.ok) return
    restoreOffer.value = session.value.autosave
    recent.value = session.value.recent
  }

  function okToDiscard(): boolean {
    return !dirty.value || confirmDiscard(`Discard the unsaved changes to "${name.value}"?`)
  }

  /** Show an opened workspace: its host, options, scenarios, settings, pins and notes. */
  function apply(ws: OpenedWorkspace): void {
    applying = true
    try {
      const index = ws.state.activeHost ?? 0
      const shown = ws.hosts[index]
      const model: ModelOptions | undefined = ws.state.hosts[index]?.model
      if (shown) host.adopt(shown, model && Object.keys(model).length ? model : undefined)
      workload.restoreState(ws.state.workload)
      contention.restoreState(ws.state.contention)
      fleet.restoreSaved(ws.state.fleet ? asSavedFleet(ws.state.fleet) : null)
      name.value = ws.name
      path.value = ws.path
      notes.value = ws.state.notes
      // Pins name the file's hosts (w1 = hosts[0]); main opened each of them under a new id.
      const kept: Record<string, PinnedHost> = {}
      for (const p of ws.state.pinned) {
        const i = Number(p.hostId.slice(1)) - 1
        const opened = ws.hosts[i]
        const state = ws.state.hosts[i]
        if (opened && state)
          kept[p.hostId] = { hostId: state.hostId, source: opened.source, model: state.model }
      }
      pinnedHosts.value = kept
      pinned.value = ws.state.pinned.filter((p) => kept[p.hostId])
      compareSelection.value = []
      dirty.value = false
      autosavedGeneration = generation
      clearTimers()
      const migrated = ws.migrations.length ? ` (migrated from version ${ws.fromVersion})` : ''
      status.value = `Opened ${ws.fileName}${migrated}`
    } finally {
      applying = false
    }
  }

  /** Run an open through the host store's job (progress bar, error banner, the host kept). */
  async function openWith(
    label: string,
    start: (jobId: string) => Promise<ApiResult<OpenedWorkspace | null>>
  ): Promise<boolean> {
    const out = await host.jobs.run(label, 'load', start, { kind: 'load', phase: 'reading' })
    if (!out?.value) return false
    apply(out.value)
    return true
  }

  /** Restore the previous session's autosave. */
  async function restore(): Promise<boolean> {
    if (!okToDiscard()) return false
    const opened = await openWith('Restoring the previous session', (jobId) =>
      api().restoreAutosave({ jobId })
    )
    if (opened) {
      restoreOffer.value = null
      // The autosave is unsaved work until saved to a file of its own.
      dirty.value = true
      status.value = 'Restored the previous session'
    }
    return opened
  }

  /** Decline the previous session: main sets its autosave aside; autosaving resumes. */
  async function dismissRestore(): Promise<void> {
    restoreOffer.value = null
    await api().dismissAutosave({})
    if (generation !== autosavedGeneration) scheduleAutosave()
  }

  /** Whether a file chosen for Open is a workspace (by name, else by its first bytes). */
  async function isWorkspaceFile(file: File): Promise<boolean> {
    if (file.name.toLowerCase().endsWith(WORKSPACE_EXTENSION)) return true
    return looksLikeWorkspace(await file.slice(0, 4096).text())
  }

  /** Open an uploaded or dropped workspace (browser mode, and drops on the desktop). */
  async function openUpload(file: File): Promise<boolean> {
    if (file.size > MAX_WORKSPACE_FILE_BYTES) {
      host.jobs.fail('load', {
        code: 'FILE_TOO_LARGE',
        fileName: file.name,
        message: `workspace is larger than the ${formatLimitBytes(MAX_WORKSPACE_FILE_BYTES)} limit`
      })
      return false
    }
    if (!okToDiscard()) return false
    return openWith(`Opening ${file.name}`, (jobId) =>
      sendFileText(api(), 'openWorkspaceText', { jobId, fileName: file.name }, file)
    )
  }

  /** Ctrl+O, the Open button, drag and drop: a workspace opens as one, anything else as a host. */
  async function openChosenFile(file: File): Promise<boolean> {
    if (await isWorkspaceFile(file)) return openUpload(file)
    return host.importFile(file)
  }

  /** Desktop Ctrl+O: one dialog; main detects a workspace or a host file. */
  async function openWithDialog(): Promise<boolean> {
    const model = host.modelOptions
    const out = await host.jobs.run(
      'Opening',
      'load',
      (jobId) => api().openFile({ jobId, ...(model ? { model } : {}) }),
      { kind: 'load', phase: 'reading' }
    )
    if (!out?.value) return false
    if (out.value.kind === 'host') {
      host.adopt(out.value.host, out.value.host.model ?? model)
      return true
    }
    const workspace = out.value.workspace
    if (!okToDiscard()) return false
    apply(workspace)
    void refreshRecent()
    return true
  }

  /** Desktop: open a workspace from the recent list. */
  async function openRecent(entry: RecentWorkspace): Promise<boolean> {
    if (!okToDiscard()) return false
    const opened = await openWith(`Opening ${entry.name}`, (jobId) =>
      api().openWorkspaceFile({ jobId, path: entry.path })
    )
    if (opened) void refreshRecent()
    return opened
  }

  async function refreshRecent(): Promise<void> {
    const session = await api().getWorkspaceSession({})
    if (session.ok) recent.value = session.value.recent
  }

  /**
   * Save (Ctrl+S): desktop writes the workspace's file (a dialog the first time), browser mode
   * downloads it. Save As (Ctrl+Shift+S) always asks: a dialog, or in browser mode a new name.
   */
  async function save(saveAs = false): Promise<boolean> {
    if (saving.value) return false
    if (saveAs && !host.appInfo?.hasFileDialog) {
      const next = window.prompt('Save the workspace as', name.value)?.trim()
      if (!next) return false
      name.value = next.slice(0, 200)
    }
    saving.value = true
    try {
      const state = currentState()
      const covers = generation
      const out: ApiResult<SavedWorkspace | null> = await api().saveWorkspace({
        state,
        ...(path.value && !saveAs ? { path: path.value } : {}),
        ...(saveAs ? { saveAs: true } : {})
      })
      if (!out.ok) {
        host.jobs.fail('export', out.error.code === 'HOST_EVICTED' ? evictedOnSave() : out.error)
        return false
      }
      if (!out.value) return false
      if (out.value.text !== undefined)
        downloadBlob(out.value.fileName, new Blob([out.value.text], { type: 'application/json' }))
      path.value = out.value.path
      if (generation === covers) dirty.value = false
      // A file named by the dialog names the workspace too (desktop Save As).
      if (out.value.path && name.value === UNTITLED)
        name.value = out.value.fileName.replace(/\.pamtplan$/i, '') || UNTITLED
      status.value = `Saved ${out.value.fileName}`
      if (out.value.path) void refreshRecent()
      return true
    } finally {
      saving.value = false
    }
  }

  /**
   * Export a report (docs/reports.md): main builds it from this state in the model worker, as a
   * job with progress (Esc cancels). Desktop: main asks where and writes it; browser mode: the
   * file comes back and downloads.
   */
  async function exportReport(opts: {
    scope: ExportReportRequest['scope']
    format: ExportReportRequest['format']
    includeContention: boolean
  }): Promise<boolean> {
    const state = currentState()
    // The pins chosen on the Compare view that the saved state still holds (a pin whose host was
    // dropped is not in it): a comparison report's subject, a workspace report's section.
    const kept = new Set(state.pinned.map((p) => p.id))
    const compare = compareSelection.value.filter((id) => kept.has(id))
    const withCompare =
      (opts.scope === 'comparison' || opts.scope === 'workspace') && compare.length >= 2
    const out = await host.jobs.run('Building the report', 'export', (jobId) =>
      api().exportReport({
        jobId,
        state,
        scope: opts.scope,
        format: opts.format,
        ...(opts.includeContention ? { includeContention: true } : {}),
        ...(withCompare ? { compare } : {})
      })
    )
    const report = out?.value
    if (!report) return false
    if (report.html !== undefined)
      downloadBlob(report.fileName, new Blob([report.html], { type: 'text/html' }))
    else if (report.pdfBase64 !== undefined) {
      const bin = atob(report.pdfBase64)
      const bytes = new Uint8Array(bin.length)
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
      downloadBlob(report.fileName, new Blob([bytes], { type: 'application/pdf' }))
    }
    status.value = `Report ${report.path ?? report.fileName} (${report.bytes} bytes)`
    return true
  }

  /** The workspace host id for a service host, a new one when no pin refers to it yet. */
  function slotFor(result: HostResult, model: ModelOptions | undefined): string | null {
    const hosts = pinnedHosts.value
    const found = Object.entries(hosts).find(([, h]) => h.hostId === result.hostId)
    if (found) return found[0]
    // The file holds at most MAX_WORKSPACE_HOSTS, one of them the host on screen.
    if (Object.keys(hosts).length >= MAX_WORKSPACE_HOSTS - 1) return null
    let n = 1
    while (hosts[`w${n}`]) n++
    const id = `w${n}`
    pinnedHosts.value = {
      ...hosts,
      [id]: { hostId: result.hostId, source: result.source, model: model ?? {} }
    }
    return id
  }

  /** Why nothing can be pinned of `kind` now, or null (the Pin button's title when disabled). */
  function pinRefusal(kind: PinKind): string | null {
    if (pinned.value.length >= MAX_PINNED) return `a workspace keeps at most ${MAX_PINNED} pins`
    let target: HostResult | undefined
    if (kind === 'host-analysis') {
      if (!host.current) return 'no host is shown'
      if (host.job) return 'wait for the host job to finish'
      target = host.current
    } else if (kind === 'workload-run') {
      if (workload.shown === 'trace' && workload.trace)
        return 'a trace replay cannot be pinned: the workspace does not keep trace files'
      if (!workload.simulation || !workload.simulationHost) return 'no finished simulation'
      target = workload.simulationHost.host
    } else {
      if (!contention.run || !contention.runHost) return 'no finished contention run'
      target = contention.runHost.host
    }
    const kept = Object.values(pinnedHosts.value)
    if (kept.length >= MAX_WORKSPACE_HOSTS - 1 && !kept.some((h) => h.hostId === target.hostId))
      return `pins can refer to at most ${MAX_WORKSPACE_HOSTS - 1} hosts besides the one on screen (a workspace holds ${MAX_WORKSPACE_HOSTS})`
    return null
  }

  /** The label a new pin of `kind` starts with: "<host> · <scenario> · <design set>". */
  function defaultPinLabel(kind: PinKind): string {
    if (kind === 'host-analysis') {
      const c = host.current
      return c ? hostPinLabel(c.source.fileName, c.analysis) : ''
    }
    if (kind === 'workload-run') {
      const run = workload.simulation
      const on = workload.simulationHost
      return run && on ? workloadPinLabel(on.host.source.fileName, run) : ''
    }
    const run = contention.run
    const on = contention.runHost
    return run && on ? contentionPinLabel(on.host.source.fileName, run) : ''
  }

  /**
   * Pin what the view of `kind` shows (docs/workspaces.md, "Pinned results"): the inputs that
   * reproduce it (host, model options, scenario, sweep, settings) and a summary of its headline
   * numbers. Returns the pin, or null with `pinRefusal` saying why.
   */
  function pin(kind: PinKind, label?: string): PinnedResult | null {
    if (pinRefusal(kind)) return null
    const text = (label?.trim() || defaultPinLabel(kind)).slice(0, MAX_PIN_LABEL)
    let n = 1
    while (pinned.value.some((p) => p.id === `p${n}`)) n++
    const base = { id: `p${n}`, label: text, pinnedAt: new Date().toISOString() }
    let made: PinnedResult
    if (kind === 'host-analysis') {
      const c = host.current!
      const hostId = slotFor(c, host.modelOptions)
      if (!hostId) return null
      made = {
        kind,
        ...base,
        hostId,
        model: host.modelOptions ?? {},
        summary: hostPinSummary(c.analysis)
      }
    } else if (kind === 'workload-run') {
      const run = workload.simulation!
      const on = workload.simulationHost!
      const hostId = slotFor(on.host, on.model)
      if (!hostId) return null
      // The sweep is not kept: a comparison re-runs the scenario alone (it charts no sweep).
      made = {
        kind,
        ...base,
        hostId,
        model: on.model ?? {},
        summary: workloadPinSummary(run),
        scenario: run.scenario
      }
    } else {
      const run = contention.run!
      const on = contention.runHost!
      const hostId = slotFor(on.host, on.model)
      if (!hostId) return null
      // A comparison re-runs the designs and seeds, not the ¼× and 4× sensitivity points.
      made = {
        kind,
        ...base,
        hostId,
        model: on.model ?? {},
        summary: contentionPinSummary(run),
        scenario: run.scenario,
        settings: { ...run.report.settings, sensitivity: false }
      }
    }
    pinned.value = [...pinned.value, made]
    return made
  }

  /** Remove a pin; its host is dropped too when no other pin refers to it. */
  function unpin(id: string): void {
    const next = pinned.value.filter((p) => p.id !== id)
    if (next.length === pinned.value.length) return
    const used = new Set(next.map((p) => p.hostId))
    pinnedHosts.value = Object.fromEntries(
      Object.entries(pinnedHosts.value).filter(([w]) => used.has(w))
    )
    compareSelection.value = compareSelection.value.filter((s) => s !== id)
    pinned.value = next
  }

  function renamePin(id: string, next: string): void {
    const clean = next.trim().slice(0, MAX_PIN_LABEL)
    const p = pinned.value.find((x) => x.id === id)
    if (!clean || !p || p.label === clean) return
    pinned.value = pinned.value.map((x) => (x.id === id ? { ...x, label: clean } : x))
  }

  /** A pinned host re-imported under a new service id (an evicted example, Compare). */
  function rehost(workspaceHostId: string, hostId: string): void {
    const kept = pinnedHosts.value[workspaceHostId]
    if (!kept) return
    pinnedHosts.value = { ...pinnedHosts.value, [workspaceHostId]: { ...kept, hostId } }
  }

  /**
   * Main dropped a host of this workspace from memory (HOST_EVICTED), so it cannot embed its text:
   * name the hosts pins refer to, the likely ones (the host on screen was used just now).
   */
  function evictedOnSave(): ApiError {
    const names = [...new Set(Object.values(pinnedHosts.value).map((h) => h.source.fileName))]
    return {
      code: 'HOST_EVICTED',
      message: `a host pins refer to was dropped from memory (one of ${names.join(', ')}); re-open it, or remove the pins that refer to it, and save again`
    }
  }

  function rename(next: string): void {
    const clean = next.trim().slice(0, 200)
    if (!clean || clean === name.value) return
    name.value = clean
  }

  // What counts as a change: the host shown, its options, the edited scenario and settings, the
  // name and notes. A view filling in its default preset (null → preset) is not a change.
  // Synchronous, so the assignments of apply() are seen while `applying` is set.
  watch(() => [host.current?.hostId, host.modelOptions], markDirty, { flush: 'sync' })
  watch(
    () => workload.draft,
    (_next, previous) => {
      if (previous !== null) markDirty()
    },
    { deep: true, flush: 'sync' }
  )
  watch(
    () => contention.scenario,
    (_next, previous) => {
      if (previous !== null) markDirty()
    },
    { flush: 'sync' }
  )
  watch(() => contention.draft, markDirty, { deep: true, flush: 'sync' })
  watch([name, notes, pinned], markDirty, { flush: 'sync' })
  // A finished fleet run is a change (it is saved with the workspace); a restored one is not.
  watch(() => fleet.resultVersion, markDirty, { flush: 'sync' })

  return {
    name,
    path,
    dirty,
    notes,
    pinned,
    pinnedHosts,
    compareSelection,
    pin,
    pinRefusal,
    defaultPinLabel,
    unpin,
    renamePin,
    rehost,
    restoreOffer,
    recent,
    lastAutosave,
    status,
    saving,
    title,
    start,
    currentState,
    autosave,
    restore,
    dismissRestore,
    openUpload,
    openChosenFile,
    openWithDialog,
    openRecent,
    save,
    exportReport,
    rename,
    isWorkspaceFile
  }
})
