import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { PlannerApi } from '@shared/api/contract'
import type { ApiResult } from '@shared/api/errors'
import type { ModelOptions } from '@shared/api/modelOptions'
import type {
  OpenedWorkspace,
  RecentWorkspace,
  SavedWorkspace
} from '@shared/api/workspaceContract'
import type { ExportReportRequest } from '@shared/api/reportContract'
import { formatLimitBytes } from '@shared/import/limits'
import {
  MAX_WORKSPACE_FILE_BYTES,
  WORKSPACE_EXTENSION,
  looksLikeWorkspace,
  type PinnedResult,
  type WorkspaceStateInput
} from '@shared/workspace/workspaceSchema'
import { sendFileText } from '../api/sendFileText'
import { downloadBlob } from '../composables/download'
import { useContentionStore, draftToSettings, validateSettings } from './contention'
import { useHostStore } from './host'
import { draftToInput, validateScenario } from './scenarioDraft'
import { useWorkloadStore } from './workload'

/** Autosave this long after the last change (docs/workspaces.md, "Autosave and restore"). */
export const AUTOSAVE_DEBOUNCE_MS = 2_000
/** …and at the latest this long after the first unsaved change, even while changes keep coming. */
export const AUTOSAVE_MAX_DELAY_MS = 30_000
export const UNTITLED = 'Untitled workspace'

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

  const name = ref(UNTITLED)
  /** Desktop: the workspace's file (Save writes there); null until saved or opened. */
  const path = ref<string | null>(null)
  /** Changes since the last explicit save or open. */
  const dirty = ref(false)
  const notes = ref('')
  /** Pinned results (the pin UI is a later task; they are kept and saved as they are). */
  const pinned = shallowRef<PinnedResult[]>([])
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
    return {
      name: name.value,
      hosts: current ? [{ hostId: current.hostId, model: host.modelOptions ?? {} }] : [],
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
      pinned: pinned.value,
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
      name.value = ws.name
      path.value = ws.path
      notes.value = ws.state.notes
      pinned.value = ws.state.pinned
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
        host.jobs.fail('export', out.error)
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
    const out = await host.jobs.run('Building the report', 'export', (jobId) =>
      api().exportReport({
        jobId,
        state,
        scope: opts.scope,
        format: opts.format,
        ...(opts.includeContention ? { includeContention: true } : {})
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

  return {
    name,
    path,
    dirty,
    notes,
    pinned,
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
