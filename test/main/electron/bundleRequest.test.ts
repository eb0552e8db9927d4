import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  APP_INDEX_URL,
  createBundleHandler,
  resolveBundleRequest
} from '../../../src-main/electron/bundleRequest'
import { BROWSER_CSP } from '../../../src-main/server/security'

/** Where a Linux package keeps the built renderer (inside app.asar). */
const ROOT = '/opt/pamt-planner/resources/app.asar/out/renderer'

describe('resolveBundleRequest', () => {
  it.each([
    ['app://bundle/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['app://bundle/', 'index.html', 'text/html; charset=utf-8'],
    ['app://bundle', 'index.html', 'text/html; charset=utf-8'],
    ['app://bundle/index.html?x=1#/hosts', 'index.html', 'text/html; charset=utf-8'],
    [
      'app://bundle/assets/index-AbC123.js',
      'assets/index-AbC123.js',
      'text/javascript; charset=utf-8'
    ],
    ['app://bundle/assets/index-AbC123.css', 'assets/index-AbC123.css', 'text/css; charset=utf-8'],
    ['app://bundle/assets/logo.svg', 'assets/logo.svg', 'image/svg+xml'],
    ['app://bundle/assets/icon.PNG', 'assets/icon.PNG', 'image/png'],
    ['app://bundle/assets/inter.woff2', 'assets/inter.woff2', 'font/woff2'],
    // Chromium lowercases a standard scheme's host; the parser here keeps it, so both are taken.
    ['app://BUNDLE/index.html', 'index.html', 'text/html; charset=utf-8'],
    // ".." that stays inside: the parser resolves it before we see the path.
    ['app://bundle/assets/../index.html', 'index.html', 'text/html; charset=utf-8'],
    // A space, percent-encoded, is a legal file name character.
    ['app://bundle/assets/a%20b.js', 'assets/a b.js', 'text/javascript; charset=utf-8']
  ])('maps %s to %s as %s', (url, file, type) => {
    expect(resolveBundleRequest(ROOT, url)).toEqual({
      ok: true,
      path: join(ROOT, file),
      contentType: type
    })
  })

  it.each([
    ['a file: URL', 'file:///etc/passwd', 404],
    ['another host', 'app://evil/index.html', 404],
    ['the bundle host with a port', 'app://bundle:80/index.html', 404],
    ['no host (an absolute path)', 'app:///etc/passwd', 404],
    ['an https page', 'https://bundle/index.html', 404],
    ['an encoded slash', 'app://bundle/assets%2F..%2F..%2Fetc/passwd.js', 404],
    ['an encoded backslash', 'app://bundle/..%5C..%5Cetc%5Cpasswd.js', 404],
    ['a raw backslash', 'app://bundle/..\\..\\etc\\passwd.js', 404],
    ['an encoded NUL', 'app://bundle/index.html%00.js', 404],
    ['an empty segment (an absolute path after the host)', 'app://bundle//etc/x.js', 404],
    ['an unknown type', 'app://bundle/secret.txt', 404],
    ['a source map', 'app://bundle/assets/index.js.map', 404],
    ['no extension', 'app://bundle/assets', 404],
    ['malformed percent-encoding', 'app://bundle/%E0%A4%A.js', 400],
    ['garbage', 'not a url', 400]
  ])('refuses %s (%s) with %i', (_what, url, status) => {
    const r = resolveBundleRequest(ROOT, url)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.status).toBe(status)
  })

  it.each([
    // The parser folds plain and percent-encoded ".." at the root away ("/../x" is "/x"), so a
    // climb never leaves the bundle: it names a file inside it, here one that is then looked up.
    ['app://bundle/../../../etc/passwd.js', 'etc/passwd.js'],
    ['app://bundle/%2e%2e/%2E%2E/etc/passwd.js', 'etc/passwd.js'],
    ['app://bundle/assets/.%2e/.%2E/.%2e/x.js', 'x.js'],
    // Decoded once (as a server does), "%252e%252e" is a folder literally named "%2e%2e".
    ['app://bundle/%252e%252e/x.js', '%2e%2e/x.js']
  ])('keeps a climbing path %s inside the bundle (%s)', (url, file) => {
    expect(resolveBundleRequest(ROOT, url)).toMatchObject({ ok: true, path: join(ROOT, file) })
  })

  it.each(['POST', 'PUT', 'DELETE'])('refuses %s with 405', (method) => {
    expect(resolveBundleRequest(ROOT, APP_INDEX_URL, method)).toMatchObject({
      ok: false,
      status: 405
    })
  })
})

describe('createBundleHandler', () => {
  const files = new Map<string, string>([
    [join(ROOT, 'index.html'), '<!doctype html><title>PAMT Planner</title>'],
    [join(ROOT, 'assets/index.js'), 'console.log(1)']
  ])
  const readFile = vi.fn(async (path: string): Promise<Uint8Array> => {
    const text = files.get(path)
    if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    return new TextEncoder().encode(text)
  })
  const handler = createBundleHandler(ROOT, readFile)

  it('serves index.html with its type, nosniff and the CSP header', async () => {
    const res = await handler(new Request(APP_INDEX_URL))
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Content-Security-Policy')).toBe(BROWSER_CSP)
    expect(await res.text()).toBe('<!doctype html><title>PAMT Planner</title>')
  })

  it('serves a script without a CSP header (the policy belongs to the document)', async () => {
    const res = await handler(new Request('app://bundle/assets/index.js'))
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('Content-Security-Policy')).toBeNull()
    expect(await res.text()).toBe('console.log(1)')
  })

  it('answers a missing bundle file with 404, not a throw', async () => {
    const res = await handler(new Request('app://bundle/assets/gone.js'))
    expect(res.status).toBe(404)
  })

  it('answers a path outside the bundle with 404 without reading anything', async () => {
    readFile.mockClear()
    const res = await handler(new Request('app://bundle/..%2F..%2Fetc%2Fpasswd.js'))
    expect(res.status).toBe(404)
    expect(readFile).not.toHaveBeenCalled()
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await handler(new Request(APP_INDEX_URL, { method: 'HEAD' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Security-Policy')).toBe(BROWSER_CSP)
    expect(await res.text()).toBe('')
  })
})
