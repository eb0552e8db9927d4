import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createUrlAllowList } from '../../../src-main/electron/allowedUrl'

/** Where a Linux package installs the built renderer (what main.ts passes in a built app). */
const APP_URL = 'file:///opt/pamt-planner/out/renderer/index.html'

describe('createUrlAllowList for a built app (no dev server)', () => {
  const isAllowed = createUrlAllowList(null, APP_URL)

  it.each([
    APP_URL,
    `${APP_URL}?token=abc`,
    `${APP_URL}#/hosts`,
    `${APP_URL}?a=1&b=2#/workload?x=y`,
    // The scheme is case-insensitive: the parser lowercases it, so this is the same file.
    'FILE:///opt/pamt-planner/out/renderer/index.html',
    // ".." resolving back to the same file: the parser removes the segment before comparing.
    'file:///opt/pamt-planner/out/renderer/assets/../index.html',
    'file:///opt/pamt-planner/out/renderer/assets/%2e%2e/index.html'
  ])('allows the app index %s', (url) => {
    expect(isAllowed(url)).toBe(true)
  })

  it.each([
    ['another file', 'file:///etc/passwd'],
    ['a sibling file', 'file:///opt/pamt-planner/out/renderer/other.html'],
    ['a name extending the index', 'file:///opt/pamt-planner/out/renderer/index.html.evil'],
    ['a prefix of the index', 'file:///opt/pamt-planner/out/renderer/index.htm'],
    ['a path below the index', 'file:///opt/pamt-planner/out/renderer/index.html/evil'],
    [
      'a sibling folder sharing the prefix',
      'file:///opt/pamt-planner/out/renderer-evil/index.html'
    ],
    ['a folder whose name ends like it', 'file:///opt/pamt-planner/out/xrenderer/index.html'],
    [
      '".." climbing out of the index',
      'file:///opt/pamt-planner/out/renderer/index.html/../../../../etc/passwd'
    ],
    ['".." into a sibling', 'file:///opt/pamt-planner/out/renderer/../evil/index.html'],
    ['a percent-encoded dot', 'file:///opt/pamt-planner/out/renderer/index%2Ehtml'],
    ['a percent-encoded slash', 'file:///opt/pamt-planner/out/renderer%2Findex.html'],
    [
      'percent-encoded ".." climbing out',
      'file:///opt/pamt-planner/out/renderer/%2e%2e/%2E%2E/%2e%2e/etc/passwd'
    ],
    ['an encoded NUL after the name', 'file:///opt/pamt-planner/out/renderer/index.html%00.js'],
    [
      'the same path on a remote host',
      'file://evil.example/opt/pamt-planner/out/renderer/index.html'
    ],
    ['an https page', 'https://evil.example/phish'],
    ['an http page on loopback', 'http://127.0.0.1:5173/'],
    [
      'an https page with the app path',
      'https://evil.example/opt/pamt-planner/out/renderer/index.html'
    ],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['an empty string', ''],
    ['garbage', 'not a url'],
    ['a relative path', 'index.html'],
    ['a bare path', '/opt/pamt-planner/out/renderer/index.html']
  ])('refuses %s', (_what, url) => {
    expect(isAllowed(url)).toBe(false)
  })

  it('matches an install path with a space in its percent-encoded form', () => {
    // pathToFileURL encodes the space as %20, as Chromium does in the window's URL.
    const allow = createUrlAllowList(
      null,
      pathToFileURL('/opt/PAMT Planner/out/renderer/index.html').href
    )
    expect(allow('file:///opt/PAMT%20Planner/out/renderer/index.html#/hosts')).toBe(true)
    expect(allow('file:///opt/PAMT%20Planner/out/renderer/index.html.evil')).toBe(false)
    expect(allow('file:///opt/PAMT/out/renderer/index.html')).toBe(false)
  })

  it('refuses to build an allow-list from a renderer index that is not a file: URL', () => {
    expect(() => createUrlAllowList(null, 'https://example.com/index.html')).toThrow(
      'the renderer index must be a file: URL'
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
