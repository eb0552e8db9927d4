import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_SERVER_LIMITS,
  startBrowserServer,
  type RunningBrowserServer,
  type ServerLimits
} from '../../../src-main/server/browserServer'
import { inlineServices } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'
import { rawExchange, type RawExchange } from './rawSocket'
import type { FleetRow } from '../../../src-shared/fleet/fleetRow'

const TOKEN = 'test-token-0123456789'
/**
 * Small body limits, so an over-limit test sends kilobytes instead of the defaults' megabytes: the
 * checks are the same code, and a test's time no longer depends on the machine's speed.
 */
const API_BODY_BYTES = 4 * 1024
const HOST_BODY_BYTES = 64 * 1024
const TRACE_BODY_BYTES = 128 * 1024
const FLEET_BODY_BYTES = 96 * 1024

const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')

const servers: RunningBrowserServer[] = []

/** A server over the real services (model inline) with the given limits. */
async function startServer(limits: Partial<ServerLimits>): Promise<RunningBrowserServer> {
  const services = inlineServices()
  const started = await startBrowserServer({
    service: services.planner,
    progress: services.progress,
    rendererDir,
    token: TOKEN,
    port: 0,
    limits
  })
  servers.push(started)
  return started
}

let server: RunningBrowserServer
let base: string

beforeAll(async () => {
  server = await startServer({
    apiBodyBytes: API_BODY_BYTES,
    hostUploadBodyBytes: HOST_BODY_BYTES,
    traceUploadBodyBytes: TRACE_BODY_BYTES,
    fleetUploadBodyBytes: FLEET_BODY_BYTES
  })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(() => Promise.all(servers.map((s) => s.close())))

function post(
  method: string,
  body: unknown,
  token: string | null = TOKEN,
  headers: Record<string, string> = {}
): Promise<Response> {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers
    },
    body: JSON.stringify(body)
  })
}

/** A raw request with a chosen Host header (fetch does not allow setting it). */
function getWithHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: '/', headers: { Host: host } },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      }
    )
    req.on('error', reject)
    req.end()
  })
}

describe('browser-mode server', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`)
  })

  it('serves the renderer with a strict CSP', async () => {
    const res = await fetch(`${base}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })

  it('rejects API calls without the token, or with a wrong one', async () => {
    expect((await post('getAppInfo', {}, null)).status).toBe(401)
    const wrong = await post('getAppInfo', {}, 'nope')
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    expect(await getWithHost('evil.example:80')).toBe(403)
    expect(await getWithHost(`localhost:${server.port}`)).toBe(200)
  })

  it('validates requests against the shared schema', async () => {
    const res = await post('analyzeHostText', { jobId: 'j', fileName: 'x.txt' })
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const extra = await post('getAppInfo', { sneaky: 1 })
    expect(await extra.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const unknown = await post('deleteEverything', {})
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('analyses an uploaded host log', async () => {
    const text = readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const body = (await (
      await post('analyzeHostText', { jobId: 'up1', fileName: 'spr.txt', text })
    ).json()) as {
      ok: boolean
      value: { analysis: { staticPamt: { kb: number } } }
    }
    expect(body.ok).toBe(true)
    expect(body.value.analysis.staticPamt.kb).toBe(1_050_636)
  })

  it('does not take the token from the query string except on the event stream', async () => {
    const res = await fetch(`${base}/api/getAppInfo?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}'
    })
    expect(res.status).toBe(401)
  })

  it('guards percent-encoded API paths with the token too', async () => {
    const res = await fetch(`${base}/%61pi/getAppInfo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}'
    })
    // The router decodes %61 to "a" and matches /api/:method; the check follows the matched route.
    expect(res.status).toBe(401)
  })

  it('streams job progress as server-sent events to token holders only', async () => {
    expect((await fetch(`${base}/api/events`)).status).toBe(401)
    const controller = new AbortController()
    const events = await fetch(`${base}/api/events?token=${TOKEN}`, { signal: controller.signal })
    expect(events.headers.get('content-type')).toBe('text/event-stream')
    const reader = events.body!.getReader()
    await reader.read() // ": connected"
    await post('analyzeExampleHost', { jobId: 'sse1', exampleId: 'laptop-dell-xps13-9370-16g' })
    let text = ''
    while (!text.includes('"phase":"done"')) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value)
    }
    expect(text).toContain('event: progress')
    expect(text).toContain('"jobId":"sse1"')
    controller.abort()
  })
})

describe('browser-mode server: a body limit per route', () => {
  it('by default: 1 MiB for API calls, the text limit doubled for JSON plus 1 MiB for uploads', () => {
    // MAX_HOST_FILE_BYTES is 64 MiB: 2 × 64 + 1 = 129 MiB = 135266304 bytes. A text made only of
    // newlines doubles as JSON ("\n" per byte), so that is the largest valid upload's body.
    expect(DEFAULT_SERVER_LIMITS.hostUploadBodyBytes).toBe(135_266_304)
    // MAX_TRACE_TEXT_BYTES is 128 MiB: 2 × 128 + 1 = 257 MiB = 269484032 bytes.
    expect(DEFAULT_SERVER_LIMITS.traceUploadBodyBytes).toBe(269_484_032)
    expect(DEFAULT_SERVER_LIMITS.apiBodyBytes).toBe(1_048_576)
  })

  it('refuses an API call over the small limit with 413, naming the API-call limit', async () => {
    // 5 KiB of scenario name in a simulate request: over the 4 KiB API limit.
    const res = await post('simulate', {
      jobId: 's',
      hostId: 'h1',
      scenario: { name: 'x'.repeat(5 * 1024) }
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('for an API call') }
    })
  })

  it('accepts a host upload over the API limit but under its own, and refuses one over it', async () => {
    // 32 KiB of text: 8 × the API limit, half the host upload limit. Read as a host file it is one
    // long line of x, refused by the importer (not the server) with ok: false.
    const under = await post('analyzeHostText', {
      jobId: 'u',
      fileName: 'u.txt',
      text: 'x'.repeat(32 * 1024)
    })
    expect(under.status).toBe(200)
    expect(await under.json()).toMatchObject({ ok: false })
    const over = await post('analyzeHostText', {
      jobId: 'o',
      fileName: 'o.txt',
      text: 'x'.repeat(HOST_BODY_BYTES)
    })
    expect(over.status).toBe(413)
    expect(await over.json()).toMatchObject({
      ok: false,
      error: { code: 'FILE_TOO_LARGE', message: expect.stringContaining('host file') }
    })
  })

  it('gives trace uploads their own, larger limit', async () => {
    // 96 KiB: over the host upload limit (64 KiB), under the trace limit (128 KiB). The server
    // reads it and the service answers (no such host here), so the body limit let it through.
    const text = 'x'.repeat(96 * 1024)
    const under = await post('replayTraceText', {
      jobId: 't',
      hostId: 'h999',
      fileName: 't.csv',
      text,
      refcounts: 'dense'
    })
    expect(under.status).toBe(200)
    expect(await under.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const over = await post('replayTraceText', {
      jobId: 't',
      hostId: 'h999',
      fileName: 't.csv',
      text: 'x'.repeat(TRACE_BODY_BYTES),
      refcounts: 'dense'
    })
    expect(over.status).toBe(413)
    expect(await over.json()).toMatchObject({
      ok: false,
      error: { code: 'FILE_TOO_LARGE', message: expect.stringContaining('trace') }
    })
  })

  it('gives a fleet chunk its own limit and answers one row per file, a bad file its error row', async () => {
    // 40 KiB of files: over the API limit (4 KiB), under the fleet limit (96 KiB).
    const under = await post('analyzeFleetTexts', {
      jobId: 'f',
      files: [
        { fileName: 'rack/a.log', text: readHostFixture('qemu-kvm-guest-2node-8g.txt') },
        { fileName: 'rack/b.log', text: 'x'.repeat(40 * 1024) }
      ]
    })
    expect(under.status).toBe(200)
    const body = (await under.json()) as { ok: true; value: { rows: FleetRow[] } }
    expect(body.value.rows.map((r) => [r.file, r.type])).toEqual([
      ['rack/a.log', 'host'],
      ['rack/b.log', 'error']
    ])
    const over = await post('analyzeFleetTexts', {
      jobId: 'f',
      files: [{ fileName: 'o.log', text: 'x'.repeat(FLEET_BODY_BYTES) }]
    })
    expect(over.status).toBe(413)
    expect(await over.json()).toMatchObject({
      ok: false,
      error: { code: 'FILE_TOO_LARGE', message: expect.stringContaining('fleet upload') }
    })
    // 65 files: one more than a chunk may hold, refused by the schema.
    const many = await post('analyzeFleetTexts', {
      jobId: 'f',
      files: Array.from({ length: 65 }, (_, i) => ({ fileName: `h${i}`, text: 'x' }))
    })
    expect(await many.json()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('at most 64 files') }
    })
  })

  it('refuses an unauthenticated body before reading it: 401, not 413', async () => {
    // Over the limit and without a token: the token check comes first, in onRequest.
    const res = await post('analyzeHostText', { text: 'x'.repeat(2 * HOST_BODY_BYTES) }, null)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })
})

describe('browser-mode server: a file as the raw body of a text method', () => {
  /** POST a text/plain body with the rest of the request in the X-Pamt-Request header. */
  function upload(
    method: string,
    req: unknown,
    text: string,
    token: string | null = TOKEN
  ): Promise<Response> {
    return fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        ...(req === undefined ? {} : { 'X-Pamt-Request': encodeURIComponent(JSON.stringify(req)) }),
        ...(token ? { Authorization: `Bearer ${token}` } : {})
      },
      body: text
    })
  }

  it('analyses a host sent as text/plain exactly as the same host sent as JSON', async () => {
    const text = readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const raw = (await (
      await upload('analyzeHostText', { jobId: 'r1', fileName: 'spr.txt' }, text)
    ).json()) as {
      ok: boolean
      value: { analysis: { staticPamt: { kb: number } }; source: { fileName: string } }
    }
    expect(raw.ok).toBe(true)
    // The kernel's own line in this log: 1050636 KB of static PAMT.
    expect(raw.value.analysis.staticPamt.kb).toBe(1_050_636)
    expect(raw.value.source.fileName).toBe('spr.txt')
  })

  it('validates the header request with the method schema, and refuses a missing or bad one', async () => {
    const noHeader = await upload('analyzeHostText', undefined, 'x')
    expect(await noHeader.json()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('X-Pamt-Request') }
    })
    const withText = await upload('analyzeHostText', { jobId: 'j', fileName: 'a', text: 'b' }, 'x')
    expect(await withText.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    // No fileName: the shared schema refuses it, as it would the JSON request.
    const missing = await upload('analyzeHostText', { jobId: 'j' }, 'x')
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    // saveWorkspace has a body limit of its own but is not a text method.
    const notText = await upload('saveWorkspace', {}, 'x')
    expect(await notText.json()).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'saveWorkspace takes a JSON request, not a text/plain body'
      }
    })
  })

  it('keeps the route limit and the token check for raw bodies', async () => {
    const over = await upload(
      'analyzeHostText',
      { jobId: 'o', fileName: 'o.txt' },
      'x'.repeat(HOST_BODY_BYTES + 1)
    )
    expect(over.status).toBe(413)
    expect(await over.json()).toMatchObject({ ok: false, error: { code: 'FILE_TOO_LARGE' } })
    const anonymous = await upload('analyzeHostText', { jobId: 'a', fileName: 'a.txt' }, 'x', null)
    expect(anonymous.status).toBe(401)
  })
})

describe('browser-mode server: Origin on state-changing requests', () => {
  const self = (): string => `http://127.0.0.1:${server.port}`

  it('accepts a POST without Origin (non-browser clients) and one from its own origin', async () => {
    expect((await post('getAppInfo', {})).status).toBe(200)
    expect((await post('getAppInfo', {}, TOKEN, { Origin: self() })).status).toBe(200)
  })

  it('refuses a POST from another origin with 403, even with the token', async () => {
    for (const origin of [
      'http://evil.example',
      // The other loopback name is another origin: the page was loaded from 127.0.0.1.
      `http://localhost:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`,
      // Sandboxed frames and file: pages send "null".
      'null'
    ]) {
      const res = await post('cancelJob', { jobId: 'x' }, TOKEN, { Origin: origin })
      expect(res.status, origin).toBe(403)
      expect(await res.json()).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: expect.stringContaining('cross-origin') }
      })
    }
  })

  it('refuses a foreign Origin before reading the body: 403, not 413', async () => {
    const res = await post('analyzeHostText', { text: 'x'.repeat(2 * HOST_BODY_BYTES) }, TOKEN, {
      Origin: 'http://evil.example'
    })
    expect(res.status).toBe(403)
  })

  it('does not require Origin on GET (the event stream, the page)', async () => {
    const res = await fetch(`${base}/`, { headers: { Origin: 'http://evil.example' } })
    expect(res.status).toBe(200)
  })
})

describe('browser-mode server: timeouts', () => {
  /**
   * Small timeouts so the tests take a fraction of a second; every wait is on the socket closing,
   * never on a timer, so a slow machine only makes them slower, not wrong.
   */
  let slow: RunningBrowserServer
  beforeAll(async () => {
    slow = await startServer({
      headersTimeoutMs: 200,
      requestTimeoutMs: 300,
      keepAliveTimeoutMs: 50,
      timeoutCheckIntervalMs: 20
    })
  })

  it('by default bounds every wait and count (none is 0, which would mean never)', () => {
    expect(DEFAULT_SERVER_LIMITS).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 5_000,
      timeoutCheckIntervalMs: 1_000,
      maxConnections: 32,
      maxEventStreams: 8
    })
  })

  const open = (): RawExchange => rawExchange(slow.port)
  const hostLine = (): string => `Host: 127.0.0.1:${slow.port}\r\n`

  it('closes a slow-loris POST that keeps sending a byte at a time, with 408', async () => {
    const c = open()
    c.write(
      `POST /api/getAppInfo HTTP/1.1\r\n${hostLine()}Authorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n'
    )
    // One byte every 10 ms: the connection is never idle, and the body (100000 bytes) could not
    // arrive in under 1000 s, so only the whole-request timeout can end it.
    c.drip(' ', 10)
    const { data } = await c.closed
    expect(data).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('closes a connection whose headers trickle in, with 408', async () => {
    const c = open()
    c.write(`GET / HTTP/1.1\r\n${hostLine()}`)
    c.drip('X-Slow: 1\r\n', 10)
    const { data } = await c.closed
    expect(data).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('closes a connection that never sends a request', async () => {
    const { data } = await open().closed
    expect(data).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('closes an idle kept-alive connection after its response', async () => {
    const c = open()
    c.write(`GET / HTTP/1.1\r\n${hostLine()}Connection: keep-alive\r\n\r\n`)
    const { data } = await c.closed
    // One full answer, then the server hung up on its own: the client never closed.
    expect(data).toMatch(/^HTTP\/1\.1 200 /)
    expect(data.match(/HTTP\/1\.1 /g)).toHaveLength(1)
  })

  it('answers a request that arrives at once, and keeps a progress stream open past the timeouts', async () => {
    const controller = new AbortController()
    const events = await fetch(`http://127.0.0.1:${slow.port}/api/events?token=${TOKEN}`, {
      signal: controller.signal
    })
    expect(events.status).toBe(200)
    const reader = events.body!.getReader()
    await reader.read() // ": connected"
    // A slow-loris request times out meanwhile: the stream is older than that by now.
    const loris = open()
    loris.write(`GET / HTTP/1.1\r\n${hostLine()}`)
    await loris.closed
    const res = await fetch(`http://127.0.0.1:${slow.port}/api/analyzeExampleHost`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ jobId: 'late', exampleId: 'laptop-dell-xps13-9370-16g' })
    })
    expect(res.status).toBe(200)
    let text = ''
    while (!text.includes('"jobId":"late","phase":"done"')) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value)
    }
    expect(text).toContain('"jobId":"late","phase":"done"')
    controller.abort()
  })
})

describe('browser-mode server: caps on connections and progress streams', () => {
  it('closes a connection beyond the cap as soon as it is accepted', async () => {
    const capped = await startServer({ maxConnections: 2, keepAliveTimeoutMs: 60_000 })
    const hostLine = `Host: 127.0.0.1:${capped.port}\r\n`
    // Two kept-alive connections, each proven accepted by a full answer.
    const held = [rawExchange(capped.port), rawExchange(capped.port)]
    for (const c of held) {
      c.write(`GET / HTTP/1.1\r\n${hostLine}Connection: keep-alive\r\n\r\n`)
      await c.received('</title>')
    }
    const third = rawExchange(capped.port)
    third.write(`GET / HTTP/1.1\r\n${hostLine}\r\n`)
    // Closed by the server without a byte of answer.
    expect((await third.closed).data).toBe('')
    for (const c of held) c.destroy()
  })

  it('refuses the stream beyond the cap with 503 BUSY, and admits one again after a client leaves', async () => {
    const capped = await startServer({ maxEventStreams: 2 })
    const url = `http://127.0.0.1:${capped.port}/api/events?token=${TOKEN}`
    const controllers = [new AbortController(), new AbortController()]
    for (const c of controllers) {
      const res = await fetch(url, { signal: c.signal })
      expect(res.status).toBe(200)
      await res.body!.getReader().read() // ": connected"
    }
    const refused = await fetch(url)
    expect(refused.status).toBe(503)
    expect(await refused.json()).toEqual({
      ok: false,
      error: {
        code: 'BUSY',
        message:
          'too many progress streams open (2): close another PAMT Planner tab and reload this one'
      }
    })
    controllers[0]!.abort()
    // The server learns of the abort when the connection closes; until then it still refuses.
    // Each try is a full round trip, so this loop waits on the server, not on a clock.
    let admitted: Response | null = null
    for (let tries = 0; tries < 1000 && !admitted; tries++) {
      const controller = new AbortController()
      const res = await fetch(url, { signal: controller.signal })
      if (res.status === 200) {
        admitted = res
        controllers.push(controller)
      } else {
        expect(res.status).toBe(503)
        await res.body?.cancel()
      }
    }
    expect(admitted?.status).toBe(200)
    for (const c of controllers) c.abort()
  })
})
