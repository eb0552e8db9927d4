import { describe, expect, it } from 'vitest'
import { createUrlAllowList } from '../../../src-main/electron/allowedUrl'

/** What the window of a built app loads (APP_INDEX_URL in bundleRequest.ts). */
const APP_URL = 'app://bundle/index.html'

describe('createUrlAllowList for a built app (no dev server)', () => {
  const isAllowed = createUrlAllowList(null, APP_URL)

  it.each([
    APP_URL,
    `${APP_URL}?token=abc`,
    `${APP_URL}#/hosts`,
    `${APP_URL}?a=1&b=2#/workload?x=y`,
    // The scheme is case-insensitive: the parser lowercases it.
    'APP://bundle/index.html',
    // Chromium lowercases a standard scheme's host; the parser keeps it as written.
    'app://BUNDLE/index.html',
    // ".." resolving back to the same page: the parser removes the segment before comparing.
    'app://bundle/assets/../index.html',
    'app://bundle/assets/%2e%2e/index.html'
  ])('allows the app index %s', (url) => {
    expect(isAllowed(url)).toBe(true)
  })

  it.each([
    ['the built renderer as a file: URL', 'file:///opt/pamt-planner/out/renderer/index.html'],
    ['another file', 'file:///etc/passwd'],
    ['a sibling page', 'app://bundle/other.html'],
    ['the bundle root', 'app://bundle/'],
    ['a script of the bundle', 'app://bundle/assets/index.js'],
    ['a name extending the index', 'app://bundle/index.html.evil'],
    ['a prefix of the index', 'app://bundle/index.htm'],
    ['a path below the index', 'app://bundle/index.html/evil'],
    ['another host', 'app://evil/index.html'],
    ['a host extending the name', 'app://bundle.evil/index.html'],
    ['the bundle host with a port', 'app://bundle:1/index.html'],
    ['no host', 'app:///index.html'],
    ['a percent-encoded dot', 'app://bundle/index%2Ehtml'],
    ['a percent-encoded slash', 'app://bundle/assets%2Findex.html'],
    ['an encoded NUL after the name', 'app://bundle/index.html%00.js'],
    ['an https page with the app path', 'https://bundle/index.html'],
    ['an https page', 'https://evil.example/phish'],
    ['an http page on loopback', 'http://127.0.0.1:5173/'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['an empty string', ''],
    ['garbage', 'not a url'],
    ['a relative path', 'index.html'],
    ['a bare path', '/index.html']
  ])('refuses %s', (_what, url) => {
    expect(isAllowed(url)).toBe(false)
  })

  it('refuses to build an allow-list from a renderer index that is not an app: URL', () => {
    expect(() =>
      createUrlAllowList(null, 'file:///opt/pamt-planner/out/renderer/index.html')
    ).toThrow('the renderer index must be an app: URL')
    expect(() => createUrlAllowList(null, 'https://example.com/index.html')).toThrow(
      'the renderer index must be an app: URL'
    )
  })
})

describe('createUrlAllowList under the Vite dev server', () => {
  const isAllowed = createUrlAllowList('http://localhost:5173', APP_URL)

  it.each([
    'http://localhost:5173',
    'http://localhost:5173/',
    'http://localhost:5173/#/hosts',
    'http://localhost:5173/src/main.ts?t=1',
    // Host names are case-insensitive; the parser lowercases them.
    'http://LOCALHOST:5173/'
  ])('allows the dev server page %s', (url) => {
    expect(isAllowed(url)).toBe(true)
  })

  it.each([
    ['another port', 'http://localhost:5174/'],
    ['the default port', 'http://localhost/'],
    ['https on the same port', 'https://localhost:5173/'],
    ['another loopback name', 'http://127.0.0.1:5173/'],
    ['a host extending the name', 'http://localhost.evil.example:5173/'],
    ['the origin in the query of another site', 'https://evil.example/?http://localhost:5173/'],
    ['the built app file', APP_URL],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,x'],
    ['an unparsable port', 'http://localhost:5173.evil.example/']
  ])('refuses %s', (_what, url) => {
    expect(isAllowed(url)).toBe(false)
  })

  it.each(['file:///tmp/index.html', 'data:text/html,x'])(
    'refuses a dev server URL with an opaque origin (%s), which would match every other one',
    (devUrl) => {
      expect(() => createUrlAllowList(devUrl, APP_URL)).toThrow(
        'the renderer dev server URL must be http(s)'
      )
    }
  )
})
