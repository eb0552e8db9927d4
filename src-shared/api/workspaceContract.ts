import type { HostResult, JobRequest } from './contract'
import type { ApiResult } from './errors'
import type { ModelOptions } from './modelOptions'
import type { WorkspaceState, WorkspaceStateInput } from '../workspace/workspaceSchema'

/**
 * Workspace methods of the PlannerApi (issue 12, "Workspaces"; docs/workspaces.md). Main builds and
 * reads the `.pamtplan` files, because it holds the hosts' input texts; the renderer sends and gets
 * back only the state around them (options, scenarios, settings, pins, notes).
 */

/** A workspace read from a file or the autosave: its hosts analysed again, with new host ids. */
export interface OpenedWorkspace {
  fileName: string
  name: string
  /** Desktop: the file's path, where Save writes again; null for an upload. */
  path: string | null
  /** The version the file was written in, and the migrations applied to it (none when current). */
  fromVersion: number
  migrations: string[]
  /** The hosts in workspace order, analysed with their model options. */
  hosts: HostResult[]
  /** The state, with `hosts[i].hostId` the ids of `hosts[i]` above. */
  state: WorkspaceState
}

export interface SavedWorkspace {
  fileName: string
  /** Desktop: where it was written. Browser mode: null, and `text` is the file to download. */
  path: string | null
  text?: string
}

export interface RecentWorkspace {
  name: string
  path: string
}

export interface WorkspaceSession {
  /** The data folder (autosave, session record, recent files). */
  dataDir: string
  /** The autosave, when it is newer than the last explicit save: offer to restore it. */
  autosave: { name: string; savedAt: string } | null
  /** Desktop: recently opened or saved workspaces, newest first. Browser mode: empty. */
  recent: RecentWorkspace[]
}

export type OpenedFile =
  { kind: 'host'; host: HostResult } | { kind: 'workspace'; workspace: OpenedWorkspace }

export interface SaveWorkspaceRequest {
  state: WorkspaceStateInput
  /** Desktop: the workspace's file (one main gave out by a dialog or the recent list). */
  path?: string
  /** Desktop: always ask where (Save As). */
  saveAs?: boolean
}

export interface WorkspaceMethods {
  getWorkspaceSession(req: Record<string, never>): Promise<ApiResult<WorkspaceSession>>
  /** Save (desktop: to `path` or a dialog's choice, atomically; browser: the text to download). */
  saveWorkspace(req: SaveWorkspaceRequest): Promise<ApiResult<SavedWorkspace | null>>
  /** Write the autosave in the data folder (atomically); `path` is the workspace's own file. */
  autosaveWorkspace(req: {
    state: WorkspaceStateInput
    path?: string
  }): Promise<ApiResult<{ savedAt: string }>>
  /** Browser mode: open an uploaded workspace file. */
  openWorkspaceText(
    req: JobRequest & { fileName: string; text: string }
  ): Promise<ApiResult<OpenedWorkspace>>
  /** Desktop: open a workspace from the recent list (`path`) or a dialog; null when cancelled. */
  openWorkspaceFile(req: JobRequest & { path?: string }): Promise<ApiResult<OpenedWorkspace | null>>
  /** Open the autosave (the previous session). */
  restoreAutosave(req: JobRequest): Promise<ApiResult<OpenedWorkspace>>
  /** Set the autosave aside (kept as autosave-dismissed.pamtplan) so it is not offered again. */
  dismissAutosave(req: Record<string, never>): Promise<ApiResult<{ dismissed: boolean }>>
  /** Desktop Ctrl+O: one dialog for host files and workspaces, the format detected. */
  openFile(req: JobRequest & { model?: ModelOptions }): Promise<ApiResult<OpenedFile | null>>
}
