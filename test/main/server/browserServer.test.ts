import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_HOST_FILE_BYTES, MAX_TRACE_TEXT_BYTES } from '@shared/import/limits'
import {
  DEFAULT_BODY_LIMIT_BYTES,
  startBrowserServer,
  type RunningBrowserServer
} from '../../../src-main/server/browserServer'
import { inlineServices } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'

const TOKEN = 'test-token-0123456789'
/**
 * A small body limit, so the over-limit test sends 64 KiB instead of the default's 257 MiB: the
 * check is the same code, and the test's time no longer depends on the machine's speed.
 */
const BODY_LIMIT_BYTES = 64 * 1024
let server: RunningBrowserServer
let base: string

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
  const services = inlineServices()
  server = await startBrowserServer({
    service: services.planner,
    progress: services.progress,
    rendererDir,
    token: TOKEN,
    port: 0,
    bodyLimitBytes: BODY_LIMIT_BYTES
  })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(() => server.close())

function post(method: string, body: unknown, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {})
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

  it('refuses an upload over the body limit with FILE_TOO_LARGE', async () => {
    const text = 'x'.repeat(BODY_LIMIT_BYTES)
    const res = await post('analyzeHostText', { jobId: 'big', fileName: 'big.txt', text })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'FILE_TOO_LARGE' } })
  })

  it('accepts a body just under the limit (the limit is the body, not the text)', async () => {
    // The JSON envelope around the text is 60 bytes here; leave 1 KiB for it.
    const text = 'x'.repeat(BODY_LIMIT_BYTES - 1024)
    const res = await post('analyzeHostText', { jobId: 'under', fileName: 'under.txt', text })
    expect(res.status).toBe(200)
    // Read as a host file, it is one long line of x: refused by the importer, not by the server.
    expect(await res.json()).toMatchObject({ ok: false })
  })

  it('by default fits the largest trace text even when JSON escaping doubles it', () => {
    // A trace of MAX_TRACE_TEXT_BYTES made only of newlines becomes twice as long as JSON ("\\n").
    expect(DEFAULT_BODY_LIMIT_BYTES).toBeGreaterThanOrEqual(2 * MAX_TRACE_TEXT_BYTES)
    expect(DEFAULT_BODY_LIMIT_BYTES).toBeGreaterThanOrEqual(2 * MAX_HOST_FILE_BYTES)
  })

  it('refuses an unauthenticated body before reading it: 401, not 413', async () => {
    // Over the limit and without a token: the token check comes first, in onRequest.
    const res = await post('analyzeHostText', { text: 'x'.repeat(2 * BODY_LIMIT_BYTES) }, null)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
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
