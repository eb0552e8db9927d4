import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import type { JobProgress, PlannerMethodName } from '@shared/api/contract'
import { createHttpClient } from '@renderer/api/httpClient'

/** A stand-in for the browser's EventSource recording every stream the client opens. */
class FakeEventSource {
  static opened: FakeEventSource[] = []
  private readonly listeners = new Map<string, Array<(e: MessageEvent<string>) => void>>()

  constructor(readonly url: string) {
    FakeEventSource.opened.push(this)
  }

  addEventListener(type: string, listener: (e: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  close(): void {}

  /** Deliver a server-sent event of `type` with `data`, as the browser would. */
  emit(type: string, data: string): void {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }))
  }
}

type FetchMock = Mock<(url: string, init: RequestInit) => Promise<Response>>

function stubFetch(respond: () => Promise<Response>): FetchMock {
  const fetchMock: FetchMock = vi.fn(respond)
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

beforeEach(() => {
  FakeEventSource.opened = []
  vi.stubGlobal('EventSource', FakeEventSource)
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('createHttpClient requests', () => {
  it('POSTs the request as JSON to /api/<method> with the Bearer token and returns the result', async () => {
    const value = { cancelled: true }
    const fetchMock = stubFetch(async () => json({ ok: true, value }))
    const r = await createHttpClient('tok-123').cancelJob({ jobId: 'job-1' })
    expect(r).toEqual({ ok: true, value: { cancelled: true } })
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(fetchMock).toHaveBeenCalledWith('/api/cancelJob', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer tok-123' },
      body: '{"jobId":"job-1"}'
    })
  })

  it('prefixes the base URL', async () => {
    const fetchMock = stubFetch(async () => json({ ok: true, value: [] }))
    await createHttpClient('t', 'http://127.0.0.1:4000').listExampleHosts({})
    expect(fetchMock.mock.calls[0]?.[0]).toBe('http://127.0.0.1:4000/api/listExampleHosts')
    expect(fetchMock.mock.calls[0]?.[1].body).toBe('{}')
  })

  it('sends every contract method to the endpoint of the same name', async () => {
    const fetchMock = stubFetch(async () => json({ ok: true, value: null }))
    const api = createHttpClient('t')
    const methods: PlannerMethodName[] = [
      'getAppInfo',
      'listExampleHosts',
      'analyzeExampleHost',
      'analyzeHostText',
      'openHostFile',
      'cancelJob',
      'reanalyzeHost',
      'exportHostJson',
      'listScenarioPresets',
      'simulate',
      'replayTraceText',
      'openTraceFile',
      'listContentionPresets',
      'runContention',
      'fitCalibration'
    ]
    for (const m of methods) {
      // The transport forwards any request unchanged; the server validates it.
      await (api[m] as (req: unknown) => Promise<unknown>)({})
    }
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(methods.map((m) => `/api/${m}`))
  })

  it("passes a server error body through unchanged (401 with the server's error value)", async () => {
    const body = {
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'missing or wrong access token' }
    }
    stubFetch(async () => json(body, 401))
    expect(await createHttpClient('wrong').getAppInfo({})).toEqual(body)
  })

  it('passes an import error with file and line through unchanged', async () => {
    const body = {
      ok: false,
      error: {
        code: 'REVERSED_RANGE',
        message: 'ends before it starts',
        fileName: 'a.log',
        line: 2
      }
    }
    stubFetch(async () => json(body))
    const r = await createHttpClient('t').analyzeHostText({
      jobId: 'j',
      fileName: 'a.log',
      text: 'x'
    })
    expect(r).toEqual(body)
  })

  it('turns a network failure into UNAVAILABLE carrying the failure message', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')))
    expect(await createHttpClient('t').getAppInfo({})).toEqual({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: 'cannot reach the PAMT Planner server: Failed to fetch'
      }
    })
  })

  it('turns a non-JSON answer (a proxy 502 page) into one line naming the HTTP status', async () => {
    stubFetch(
      async () =>
        new Response('<html>\n<body><h1>502 Bad Gateway</h1></body>\n</html>\n', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' }
        })
    )
    // Before the fix this read "cannot reach the PAMT Planner server: Unexpected token '<' …":
    // wrong (the server answered) and carrying a JSON parser message.
    expect(await createHttpClient('t').getAppInfo({})).toEqual({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: 'the PAMT Planner server answered HTTP 502 Bad Gateway without an API result'
      }
    })
  })

  it('treats JSON that is not an API result (a framework 404 body) like any other foreign answer', async () => {
    stubFetch(
      async () =>
        new Response(
          JSON.stringify({
            message: 'Route POST:/api/x not found',
            error: 'Not Found',
            statusCode: 404
          }),
          { status: 404, statusText: 'Not Found' }
        )
    )
    expect(await createHttpClient('t').getAppInfo({})).toEqual({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: 'the PAMT Planner server answered HTTP 404 Not Found without an API result'
      }
    })
  })

  it('names the bare status when the answer has no status text, and rejects a malformed error value', async () => {
    // An error value without a message would leave the UI nothing to show.
    stubFetch(async () => new Response('{"ok":false,"error":{"code":"INTERNAL"}}', { status: 500 }))
    expect(await createHttpClient('t').getAppInfo({})).toEqual({
      ok: false,
      error: {
        code: 'UNAVAILABLE',
        message: 'the PAMT Planner server answered HTTP 500 without an API result'
      }
    })
  })
})

describe('createHttpClient progress stream', () => {
  const progress = (jobId: string, fraction: number): JobProgress => ({
    jobId,
    phase: 'parsing',
    fraction
  })

  it('opens no stream until the first listener, then exactly one, with the token URL-encoded', async () => {
    stubFetch(async () => json({ ok: true, value: null }))
    const api = createHttpClient('a b+/=&')
    await api.getAppInfo({})
    expect(FakeEventSource.opened).toHaveLength(0)
    api.onProgress(() => undefined)
    api.onProgress(() => undefined)
    // encodeURIComponent by hand: ' ' %20, '+' %2B, '/' %2F, '=' %3D, '&' %26.
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual([
      '/api/events?token=a%20b%2B%2F%3D%26'
    ])
  })

  it('opens the stream under the base URL', () => {
    createHttpClient('t', 'http://127.0.0.1:4000').onProgress(() => undefined)
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual([
      'http://127.0.0.1:4000/api/events?token=t'
    ])
  })

  it('dispatches every progress event, parsed, to every listener in order', () => {
    const api = createHttpClient('t')
    const a: JobProgress[] = []
    const b: JobProgress[] = []
    api.onProgress((p) => a.push(p))
    api.onProgress((p) => b.push(p))
    const stream = FakeEventSource.opened[0]!
    stream.emit('progress', '{"jobId":"j1","phase":"parsing","fraction":0.25}')
    stream.emit('progress', '{"jobId":"j2","phase":"parsing","fraction":0.5}')
    // Events of another type are not progress.
    stream.emit('message', '{"jobId":"j3","phase":"parsing","fraction":1}')
    expect(a).toEqual([progress('j1', 0.25), progress('j2', 0.5)])
    expect(b).toEqual(a)
  })

  it('passes the step and drops an event that is not well-formed progress (api/progress.ts)', () => {
    const api = createHttpClient('t')
    const a: JobProgress[] = []
    api.onProgress((p) => a.push(p))
    const stream = FakeEventSource.opened[0]!
    stream.emit(
      'progress',
      '{"jobId":"j","phase":"analysing","fraction":0.5,"step":"sweep value 3 of 11"}'
    )
    stream.emit('progress', '{"jobId":"j","phase":"replaying","fraction":0.6}')
    stream.emit('progress', '{"jobId":"j","phase":"analysing","fraction":0.7,"extra":1}')
    stream.emit('progress', 'not json')
    expect(a).toEqual([
      { jobId: 'j', phase: 'analysing', fraction: 0.5, step: 'sweep value 3 of 11' }
    ])
  })

  it('stops delivering to a listener after it unsubscribes, and keeps the one stream', () => {
    const api = createHttpClient('t')
    const a: JobProgress[] = []
    const b: JobProgress[] = []
    const offA = api.onProgress((p) => a.push(p))
    const offB = api.onProgress((p) => b.push(p))
    const stream = FakeEventSource.opened[0]!
    stream.emit('progress', JSON.stringify(progress('j', 0.1)))
    offA()
    stream.emit('progress', JSON.stringify(progress('j', 0.2)))
    offB()
    stream.emit('progress', JSON.stringify(progress('j', 0.3)))
    expect(a).toEqual([progress('j', 0.1)])
    expect(b).toEqual([progress('j', 0.1), progress('j', 0.2)])
    // A later listener reuses the stream rather than opening a second one.
    const c: JobProgress[] = []
    api.onProgress((p) => c.push(p))
    stream.emit('progress', JSON.stringify(progress('j', 0.4)))
    expect(c).toEqual([progress('j', 0.4)])
    expect(FakeEventSource.opened).toHaveLength(1)
  })

  it('accepts listeners without a stream where EventSource does not exist', () => {
    vi.stubGlobal('EventSource', undefined)
    const off = createHttpClient('t').onProgress(() => undefined)
    expect(FakeEventSource.opened).toHaveLength(0)
    expect(() => off()).not.toThrow()
  })
})
