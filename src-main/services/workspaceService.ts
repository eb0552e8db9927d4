import { mkdir, readFile, rename, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import type { HostResult } from '@shared/api/contract'
import { err, ok, type ApiResult } from '@shared/api/errors'
import { formatLimitBytes } from '@shared/import/limits'
import { safeFileStem } from '@shared/util/fileNames'
import type {
  OpenedWorkspace,
  RecentWorkspace,
  SavedWorkspace,
  WorkspaceSession
} from '@shared/api/workspaceContract'
import {
  MAX_WORKSPACE_FILE_BYTES,
  WORKSPACE_EXTENSION,
  WORKSPACE_FORMAT,
  WORKSPACE_VERSION,
  workspaceStateSchema,
  type Workspace,
  type WorkspaceHost,
  type WorkspaceStateInput
} from '@shared/workspace/workspaceSchema'
import { atomicWrite } from './atomicWrite'
import type { StoredHost } from './hostStore'
import { embedText, extractText, parseWorkspaceText } from './workspaceCodec'

/** File names in the data folder (docs/workspaces.md, "The data folder"). */
export const AUTOSAVE_FILE = `autosave${WORKSPACE_EXTENSION}`
export const DISMISSED_FILE = `autosave-dismissed${WORKSPACE_EXTENSION}`
export const SESSION_FILE = 'session.json'
/** Recent workspaces kept (desktop). */
export const MAX_RECENT = 8
/** The environment variable that overrides browser mode's data folder (tests, portable setups). */
export const DATA_DIR_ENV = 'PAMT_PLANNER_DATA_DIR'

/**
 * Browser mode's data folder when `serve --data-dir` is not given: $PAMT_PLANNER_DATA_DIR, else
 * $XDG_DATA_HOME/pamt-planner, else ~/.local/share/pamt-planner (the XDG Base Directory default).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const own = env[DATA_DIR_ENV]
  if (own) return own
  const xdg = env['XDG_DATA_HOME']
  // The XDG spec ignores a relative XDG_DATA_HOME.
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), 'pamt-planner')
}

/**
 * The session record: a counter orders autosaves against explicit saves without trusting clocks,
 * so "the autosave is newer than the last save" is exact.
 */
interface SessionRecord {
  seq: number
  autosave: { seq: number; name: string; savedAt: string; path: string | null } | null
  lastSaveSeq: number
  recent: RecentWorkspace[]
}

const EMPTY_SESSION: SessionRecord = { seq: 0, autosave: null, lastSaveSeq: 0, recent: [] }

export interface WorkspaceServiceOptions {
  dataDir: string
  version: string
  /** Desktop dialogs; absent in browser mode (Save downloads, Open uploads). */
  showSaveDialog?: (suggestedName: string) => Promise<string | null>
  showOpenDialog?: () => Promise<string | null>
  /** A stored host by the service's id (with its input text). */
  storedHost(hostId: string): ApiResult<StoredHost>
  /** Import and analyse a host text (a job of the JobRunner); the stored host gets a new id. */
  importHost(
    jobId: string,
    text: string,
    source: HostResult['source'],
    model: WorkspaceHost['model']
  ): Promise<ApiResult<HostResult>>
}

/**
 * Workspaces in main: build a `.pamtplan` from the renderer's state and the stored hosts' texts,
 * write it atomically, read one back (migrated, validated, each host's text checked against its
 * SHA-256 and analysed again), and keep the autosave and recent list in the data folder.
 */
export class WorkspaceService {
  /** Paths main itself gave out (dialogs, recent list): the only ones the renderer may name. */
  private readonly approved = new Set<string>()
  /** Session record writes, one after another. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly opts: WorkspaceServiceOptions) {}

  get dataDir(): string {
    return this.opts.dataDir
  }

  private async readSession(): Promise<SessionRecord> {
    try {
      const raw = JSON.parse(await readFile(join(this.dataDir, SESSION_FILE), 'utf8')) as unknown
      if (raw && typeof raw === 'object') {
        const r = raw as Partial<SessionRecord>
        return {
          seq: typeof r.seq === 'number' ? r.seq : 0,
          autosave: r.autosave ?? null,
          lastSaveSeq: typeof r.lastSaveSeq === 'number' ? r.lastSaveSeq : 0,
          recent: Array.isArray(r.recent)
            ? r.recent.filter((e) => typeof e?.path === 'string').slice(0, MAX_RECENT)
            : []
        }
      }
    } catch {
      // Missing or damaged: a fresh session (the record only offers a restore and a recent list).
    }
    return { ...EMPTY_SESSION, recent: [] }
  }

  /** Change the session record under the queue and write it atomically. */
  private update<T>(change: (s: SessionRecord) => Promise<T> | T): Promise<T> {
    const next = this.queue.then(async () => {
      await mkdir(this.dataDir, { recursive: true })
      const session = await this.readSession()
      const out = await change(session)
      await atomicWrite(join(this.dataDir, SESSION_FILE), JSON.stringify(session, null, 2) + '\n')
      return out
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  async session(): Promise<ApiResult<WorkspaceSession>> {
    const s = await this.readSession()
    for (const r of s.recent) this.approved.add(r.path)
    const a = s.autosave
    return ok({
      dataDir: this.dataDir,
      autosave: a && a.seq > s.lastSaveSeq ? { name: a.name, savedAt: a.savedAt } : null,
      recent: this.opts.showOpenDialog ? s.recent : []
    })
  }

  /** The workspace document for `state`: each host's text from the store, embedded. */
  build(stateInput: WorkspaceStateInput): ApiResult<Workspace> {
    const parsed = workspaceStateSchema.safeParse(stateInput)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return err(
        'INVALID_REQUEST',
        `workspace state at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`
      )
    }
    const state = parsed.data
    const hosts: WorkspaceHost[] = []
    for (const [i, h] of state.hosts.entries()) {
      const stored = this.opts.storedHost(h.hostId)
      if (!stored.ok) return stored
      const { text, source } = stored.value
      if (text === undefined)
        return err('NOT_FOUND', `host ${source.fileName} has no input text to save`)
      hosts.push({
        id: `w${i + 1}`,
        source: {
          kind: source.kind,
          fileName: basename(source.fileName),
          ...(source.exampleId ? { exampleId: source.exampleId } : {})
        },
        input: embedText(text),
        model: h.model
      })
    }
    return ok({
      format: WORKSPACE_FORMAT,
      version: WORKSPACE_VERSION,
      name: state.name,
      savedBy: { app: 'PAMT Planner', version: this.opts.version },
      hosts,
      activeHostId:
        state.activeHost !== null && state.activeHost < hosts.length
          ? `w${state.activeHost + 1}`
          : null,
      workload: state.workload,
      contention: state.contention,
      pinned: state.pinned,
      fleet: state.fleet,
      notes: state.notes
    })
  }

  async save(req: {
    state: WorkspaceStateInput
    path?: string
    saveAs?: boolean
  }): Promise<ApiResult<SavedWorkspace | null>> {
    const doc = this.build(req.state)
    if (!doc.ok) return doc
    const text = serialize(doc.value)
    const fileName = `${safeFileStem(doc.value.name, 'workspace')}${WORKSPACE_EXTENSION}`
    if (!this.opts.showSaveDialog) {
      // Browser mode: the page downloads the text; this counts as the explicit save.
      await this.update((s) => {
        s.lastSaveSeq = ++s.seq
      })
      return ok({ fileName, path: null, text })
    }
    let target = !req.saveAs && req.path && this.approved.has(req.path) ? req.path : null
    if (target === null) {
      target = await this.opts.showSaveDialog(fileName)
      if (target === null) return ok(null)
      this.approved.add(target)
    }
    const path = target
    try {
      await atomicWrite(path, text)
    } catch (e) {
      return err('FILE_UNREADABLE', `cannot write the workspace: ${(e as Error).message}`, {
        fileName: basename(path)
      })
    }
    await this.update((s) => {
      s.lastSaveSeq = ++s.seq
      s.recent = remember(s.recent, { name: doc.value.name, path })
    })
    return ok({ fileName: basename(path), path })
  }

  async autosave(req: {
    state: WorkspaceStateInput
    path?: string
  }): Promise<ApiResult<{ savedAt: string }>> {
    const doc = this.build(req.state)
    if (!doc.ok) return doc
    const text = serialize(doc.value)
    const savedAt = new Date().toISOString()
    return this.update(async (s) => {
      await atomicWrite(join(this.dataDir, AUTOSAVE_FILE), text)
      s.autosave = {
        seq: ++s.seq,
        name: doc.value.name,
        savedAt,
        path: req.path && this.approved.has(req.path) ? req.path : null
      }
      return ok({ savedAt })
    })
  }

  async dismissAutosave(): Promise<ApiResult<{ dismissed: boolean }>> {
    return this.update(async (s) => {
      if (!s.autosave) return ok({ dismissed: false })
      s.autosave = null
      await rename(join(this.dataDir, AUTOSAVE_FILE), join(this.dataDir, DISMISSED_FILE)).catch(
        () => undefined
      )
      return ok({ dismissed: true })
    })
  }

  async restoreAutosave(jobId: string): Promise<ApiResult<OpenedWorkspace>> {
    const s = await this.readSession()
    const read = await this.readFileText(join(this.dataDir, AUTOSAVE_FILE))
    if (!read.ok) return read
    const path = s.autosave?.path ?? null
    if (path) this.approved.add(path)
    const opened = await this.openText(jobId, read.value, AUTOSAVE_FILE, path)
    // A restored session is unsaved work again: its name is the workspace's, its file its own.
    return opened
  }

  /** Desktop: a path from the recent list, else a dialog; null when the dialog is cancelled. */
  async openFile(jobId: string, requested?: string): Promise<ApiResult<OpenedWorkspace | null>> {
    let path: string | null
    if (requested !== undefined) {
      // The recent list of an earlier run counts too (session() approves it for the renderer).
      if (!this.approved.has(requested))
        for (const r of (await this.readSession()).recent) this.approved.add(r.path)
      if (!this.approved.has(requested))
        return err('NOT_FOUND', 'that file is not in the recent list', {
          fileName: basename(requested)
        })
      path = requested
    } else {
      if (!this.opts.showOpenDialog)
        return err('UNAVAILABLE', 'no file dialog in browser mode: use Open')
      path = await this.opts.showOpenDialog()
      if (path === null) return ok(null)
    }
    const read = await this.readFileText(path)
    if (!read.ok) return read
    return this.openPath(jobId, read.value, path)
  }

  /** Open text already read from `path` (desktop), remembering the path for Save and recent. */
  async openPath(jobId: string, text: string, path: string): Promise<ApiResult<OpenedWorkspace>> {
    this.approved.add(path)
    const opened = await this.openText(jobId, text, basename(path), path)
    if (opened.ok)
      await this.update((s) => {
        s.recent = remember(s.recent, { name: opened.value.name, path })
      })
    return opened
  }

  /**
   * Parse, migrate and validate a workspace's text, check and re-analyse each host. Nothing is
   * kept unless every host opens: a bad file leaves the app as it was.
   */
  async openText(
    jobId: string,
    text: string,
    fileName: string,
    path: string | null
  ): Promise<ApiResult<OpenedWorkspace>> {
    const parsed = parseWorkspaceText(text, fileName)
    if (!parsed.ok) return parsed
    const { workspace, fromVersion, migrations } = parsed.value
    const hosts: HostResult[] = []
    for (const h of workspace.hosts) {
      const extracted = extractText(h.input)
      if (!extracted.ok)
        return err('INVALID_REQUEST', `host ${h.id} (${h.source.fileName}): ${extracted.why}`, {
          fileName
        })
      const result = await this.opts.importHost(jobId, extracted.text, h.source, h.model)
      if (!result.ok) {
        const e = result.error
        return {
          ok: false,
          error: {
            ...e,
            message: `in workspace ${fileName}: ${e.message}`,
            fileName: e.fileName ?? h.source.fileName
          }
        }
      }
      hosts.push(result.value)
    }
    const activeIndex = workspace.hosts.findIndex((h) => h.id === workspace.activeHostId)
    return ok({
      fileName,
      name: workspace.name,
      path,
      fromVersion,
      migrations,
      hosts,
      state: {
        name: workspace.name,
        hosts: workspace.hosts.map((h, i) => ({ hostId: hosts[i]!.hostId, model: h.model })),
        activeHost: activeIndex >= 0 ? activeIndex : null,
        workload: workspace.workload,
        contention: workspace.contention,
        pinned: workspace.pinned,
        fleet: workspace.fleet,
        notes: workspace.notes
      }
    })
  }

  /** A workspace file's text, its size checked before reading. */
  async readFileText(path: string): Promise<ApiResult<string>> {
    const fileName = basename(path)
    try {
      const info = await stat(path)
      if (!info.isFile()) return err('FILE_UNREADABLE', 'not a regular file', { fileName })
      if (info.size > MAX_WORKSPACE_FILE_BYTES)
        return err(
          'FILE_TOO_LARGE',
          `workspace is larger than the ${formatLimitBytes(MAX_WORKSPACE_FILE_BYTES)} limit`,
          { fileName }
        )
      return ok(await readFile(path, 'utf8'))
    } catch (e) {
      const code = (e as { code?: string }).code
      return err(
        'FILE_UNREADABLE',
        code === 'ENOENT' ? 'the file no longer exists' : `cannot read: ${(e as Error).message}`,
        { fileName }
      )
    }
  }
}

/** The file's text: 2-space JSON (base64 data stays on one line), a final newline. */
export function serialize(doc: Workspace): string {
  return JSON.stringify(doc, null, 2) + '\n'
}

function remember(list: RecentWorkspace[], entry: RecentWorkspace): RecentWorkspace[] {
  return [entry, ...list.filter((e) => e.path !== entry.path)].slice(0, MAX_RECENT)
}
