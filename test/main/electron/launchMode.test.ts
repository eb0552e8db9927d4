import { describe, expect, it } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { appMenuTemplate, launchMode } from '../../../src-main/electron/launchMode'

const DEV = 'http://localhost:5173'

describe('launchMode', () => {
  it('a packaged app loads the bundle over app:// with DevTools off', () => {
    expect(launchMode(true, {})).toEqual({
      development: false,
      devServerUrl: null,
      windowUrl: 'app://bundle/index.html',
      devTools: false
    })
  })

  it('a packaged app ignores ELECTRON_RENDERER_URL', () => {
    expect(launchMode(true, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toEqual({
      development: false,
      devServerUrl: null,
      windowUrl: 'app://bundle/index.html',
      devTools: false
    })
  })

  it('an unpackaged run honours ELECTRON_RENDERER_URL and offers DevTools', () => {
    expect(launchMode(false, { ELECTRON_RENDERER_URL: DEV })).toEqual({
      development: true,
      devServerUrl: DEV,
      windowUrl: DEV,
      devTools: true
    })
  })

  it('an unpackaged run without a dev server (npm start) loads the bundle, DevTools on', () => {
    for (const env of [{}, { ELECTRON_RENDERER_URL: '' }]) {
      expect(launchMode(false, env)).toEqual({
        development: true,
        devServerUrl: null,
        windowUrl: 'app://bundle/index.html',
        devTools: true
      })
    }
  })
})

/** Every role in a menu template, depth first. */
function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [i.role] : []),
    ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])
  ])
}

describe('appMenuTemplate', () => {
  it('offers no DevTools and no force reload without devTools', () => {
    const r = roles(appMenuTemplate(false))
    expect(r).not.toContain('toggleDevTools')
    expect(r).not.toContain('forceReload')
    // The stock viewMenu role would bring Toggle Developer Tools back.
    expect(r).not.toContain('viewMenu')
    expect(r).toEqual([
      'fileMenu',
      'editMenu',
      'reload',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
      'windowMenu'
    ])
  })

  it('offers DevTools and force reload with devTools', () => {
    expect(roles(appMenuTemplate(true))).toEqual([
      'fileMenu',
      'editMenu',
      'reload',
      'forceReload',
      'toggleDevTools',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
      'windowMenu'
    ])
  })
})
