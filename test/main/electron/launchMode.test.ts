import { describe, expect, it } from 'vitest'
import { launchMode } from '../../../src-main/electron/launchMode'

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
