import type {
  JobProgress,
  PlannerApi,
  PlannerMethodName,
  PlannerMethods
} from '@shared/api/contract'
import type { ApiResult } from '@shared/api/errors'

/**
 * PlannerApi over loopback HTTP (browser mode): POST /api/<method> with the per-launch token as a
 * Bearer header, and progress from the /api/events Server-Sent Events stream.
 */
export function createHttpClient(token: string, baseUrl = ''): PlannerApi {
  const call =
    <M extends PlannerMethodName>(method: M) =>
    async (req: Parameters<PlannerMethods[M]>[0]): Promise<ApiResult<never>> => {
      try {
        const res = await fetch(`${baseUrl}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(req)
        })
        const body = (await res.json()) as ApiResult<never>
        return body
      } catch (e) {
        return {
          ok: false,
          error: {
            code: 'UNAVAILABLE',
            message: `cannot reach the PAMT Planner server: ${(e as Error).message}`
          }
        }
      }
    }

  const listeners = new Set<(p: JobProgress) => void>()
  let source: EventSource | null = null
  const ensureStream = (): void => {
    if (source || typeof EventSource === 'undefined') return
    source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`)
    source.addEventListener('progress', (e) => {
      const p = JSON.parse((e as MessageEvent<string>).data) as JobProgress
      for (const l of listeners) l(p)
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
    onProgress(listener) {
      listeners.add(listener)
      ensureStream()
      return () => listeners.delete(listener)
    }
  }
}
