import { readFile as fsReadFile } from 'node:fs/promises'
import { extname, isAbsolute, join, relative } from 'node:path'
import { BROWSER_CSP } from '../server/security'

/**
 * The desktop window's own origin: the built renderer is served from `app://bundle/`, a custom
 * scheme registered as standard and secure (main.ts), instead of `file://`, so the page has a real
 * origin ('self' in the CSP means the bundle and nothing else on disk) and can read no other file.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * What the bundle contains (Vite's output: index.html, hashed JS and CSS, the fonts and images it
 * references). Any other extension is answered 404: the handler serves the bundle's types only.
 */
export const BUNDLE_MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2'
}

export type BundleTarget =
  | { ok: true; path: string; contentType: string }
  | { ok: false; status: 400 | 404 | 405; reason: string }

/**
 * Maps a request to a file inside `rendererDir`, or says why not. Pure (no file access), so every
 * way out of the bundle is tested: another scheme or host, a port, `..` or `.` (plain or
 * percent-encoded: the URL parser folds `%2e%2e` into `..` and removes it, and a segment that
 * still decodes to one is refused), an encoded `/` or `\`, a NUL, an empty segment (`//etc`),
 * malformed percent-encoding, or a type the bundle does not have.
 */
export function resolveBundleRequest(
  rendererDir: string,
  url: string,
  method = 'GET'
): BundleTarget {
  if (method !== 'GET' && method !== 'HEAD') {
    return { ok: false, status: 405, reason: `method ${method} not allowed` }
  }
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return { ok: false, status: 400, reason: 'unparsable URL' }
  }
  // The parser keeps a custom scheme's host as written; Chromium lowercases a standard one.
  if (u.protocol !== `${APP_SCHEME}:` || u.host.toLowerCase() !== APP_HOST) {
    return { ok: false, status: 404, reason: 'not the bundle origin' }
  }
  const raw = u.pathname === '' || u.pathname === '/' ? '/index.html' : u.pathname
  const segments: string[] = []
  for (const part of raw.slice(1).split('/')) {
    let seg: string
    try {
      seg = decodeURIComponent(part)
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' }
    }
    if (seg === '' || seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) {
      return { ok: false, status: 404, reason: 'path outside the bundle' }
    }
    segments.push(seg)
  }
  const path = join(rendererDir, ...segments)
  // Belt and braces after the segment checks: the joined path must still lie below rendererDir.
  const rel = relative(rendererDir, path)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    return { ok: false, status: 404, reason: 'path outside the bundle' }
  }
  const contentType = BUNDLE_MIME_TYPES[extname(path).toLowerCase()]
  if (contentType === undefined) {
    return { ok: false, status: 404, reason: 'not a bundle file type' }
  }
  return { ok: true, path, contentType }
}

/** Headers on every bundle response; the CSP header (the browser-mode policy) on HTML. */
export function bundleHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff'
  }
  if (contentType.startsWith('text/html')) headers['Content-Security-Policy'] = BROWSER_CSP
  return headers
}

/**
 * The `app://` protocol handler (`protocol.handle` in main.ts): standard `Request` in, `Response`
 * out, so it runs under Node in tests. A missing file (or a directory) is a 404, never a throw.
 */
export function createBundleHandler(
  rendererDir: string,
  readFile: (path: string) => Promise<Uint8Array> = fsReadFile
): (request: Request) => Promise<Response> {
  return async (request) => {
    const target = resolveBundleRequest(rendererDir, request.url, request.method)
    if (!target.ok) {
      return new Response(target.reason, {
        status: target.status,
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'X-Content-Type-Options': 'nosniff'
        }
      })
    }
    let body: Uint8Array
    try {
      body = await readFile(target.path)
    } catch {
      return new Response('not found', {
        status: 404,
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'X-Content-Type-Options': 'nosniff'
        }
      })
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: bundleHeaders(target.contentType)
    })
  }
}
