import {
  TEXT_UPLOAD_HEADER,
  type JobProgress,
  type PlannerApi,
  type PlannerMethodName,
  type PlannerMethods
} from '@shared/api/contract'
import type { ApiResult } from '@shared/api/errors'
import { parseJobProgress } from '@shared/api/progress'

/**
 * PlannerApi over loopback HTTP (browser mode): POST /api/<method> with the per-launch token as a
 * Bearer header, and progress from the /api/events Server-Sent Events stream.
 */
export function createHttpClient(token: string, baseUrl = ''): PlannerApi {
  const send = async (
    method: PlannerMethodName,
    init: { headers: Record<string, string>; body: BodyInit }
  ): Promise<ApiResult<never>> => {
    let res: Response
    let text: string
    try {
      res = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { ...init.headers, Authorization: `Bearer ${token}` },
        body: init.body
      })
      text = await res.text()
    } catch (e) {
      return unavailable(`cannot reach the PAMT Planner server: ${(e as Error).message}`)
    }
    const body = parseResult(text)
    if (body) return body
    // Not our server's answer (a proxy's error page, a wrong address): say what came back.
    const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`
    return unavailable(`the PAMT Planner server answered ${status} without an API result`)
  }
  const call =
    <M extends PlannerMethodName>(method: M) =>
    (req: Parameters<PlannerMethods[M]>[0]): Promise<ApiResult<never>> =>
      send(method, {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(req)
      })

  const listeners = new Set<(p: JobProgress) => void>()
  let source: EventSource | null = null
  const ensureStream = (): void => {
    if (source || typeof EventSource === 'undefined') return
    source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`)
    source.addEventListener('progress', (e) => {
      // Checked like a request (api/progress.ts): a malformed event is dropped, never shown.
      let value: unknown
      try {
        value = JSON.parse((e as MessageEvent<string>).data)
      } catch {
        return
      }
      const p = parseJobProgress(value)
      if (p) for (const l of listeners) l(p)
    })
  }

  return {
    getAppInfo: call('getAppInfo'),
    listExampleHosts: call('listExampleHosts'),
    analyzeExampleHost: call('analyzeExampleHost'),
    analyzeHostText: call('analyzeHostText'),
    openHostFile: call('openHostFile'),
    cancelJob: call('cancelJob'),
    reanalyzeHost: call('reanalyzeHost'),
    exportHostJson: call('exportHostJson'),
    listScenarioPresets: call('listScenarioPresets'),
    simulate: call('simulate'),
    replayTraceText: call('replayTraceText'),
    openTraceFile: call('openTraceFile'),
    listContentionPresets: call('listContentionPresets'),
    runContention: call('runContention'),
    getWorkspaceSession: call('getWorkspaceSession'),
    saveWorkspace: call('saveWorkspace'),
    autosaveWorkspace: call('autosaveWorkspace'),
    openWorkspaceText: call('openWorkspaceText'),
    openWorkspaceFile: call('openWorkspaceFile'),
    restoreAutosave: call('restoreAutosave'),
    dismissAutosave: call('dismissAutosave'),
    openFile: call('openFile'),
    fitCalibration: call('fitCalibration'),
    analyzeFleetTexts: call('analyzeFleetTexts'),
    openFleetFolder: call('openFleetFolder'),
    openFleetHost: call('openFleetHost'),
    // The file itself is the body: the browser streams it from disk, and the page's thread never
    // holds, decodes or escapes the text (a 60 MB log took it 1.6 s as JSON).
    uploadText: ((method, req, file) =>
      send(method, {
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          [TEXT_UPLOAD_HEADER]: encodeURIComponent(JSON.stringify(req))
        },
        body: file
      })) as NonNullable<PlannerApi['uploadText']>,
    exportReport: call('exportReport'),
    onProgress(listener) {
      listeners.add(listener)
      ensureStream()
      return () => listeners.delete(listener)
    }
  }
}

function unavailable(message: string): ApiResult<never> {
  return { ok: false, error: { code: 'UNAVAILABLE', message } }
}

/** The body as an ApiResult, or null when it is not JSON of that shape (ok, or an error message). */
function parseResult(text: string): ApiResult<never> | null {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof body !== 'object' || body === null || !('ok' in body)) return null
  if (body.ok === true) return body as ApiResult<never>
  if (body.ok !== false || !('error' in body)) return null
  const error = body.error
  if (typeof error !== 'object' || error === null || !('message' in error)) return null
  return typeof error.message === 'string' ? (body as ApiResult<never>) : null
}
