import { beforeEach, describe, expect, it, vi } from 'vitest'

type Listener = (...args: unknown[]) => unknown

const electron = vi.hoisted(() => {
  const appHandlers = new Map<string, Listener[]>()
  let ready: Promise<void> = Promise.resolve()
  return {
    appHandlers,
    setReady(p: Promise<void>): void {
      ready = p
    },
    app: {
      on: vi.fn((event: string, listener: Listener) => {
        appHandlers.set(event, [...(appHandlers.get(event) ?? []), listener])
      }),
      whenReady: vi.fn((): Promise<void> => ready)
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn<(handler: Listener | null) => void>(),
        setPermissionCheckHandler: vi.fn<(handler: Listener | null) => void>()
      }
    }
  }
})

vi.mock('electron', () => ({ app: electron.app, session: electron.session }))

import { createUrlAllowList } from '../../../src-main/electron/allowedUrl'
import { applySecurityRules, isTrustedSender } from '../../../src-main/electron/security'

const APP_URL = 'app://bundle/index.html'
/** The app's real allow-list for a built app (as main.ts makes it), spied on. */
const isAllowedUrl = vi.fn(createUrlAllowList(null, APP_URL))

interface FakeEvent {
  preventDefault: ReturnType<typeof vi.fn>
}

/** A stand-in for Electron's WebContents recording what the security rules install. */
class FakeWebContents {
  readonly handlers = new Map<string, Listener[]>()
  windowOpenHandler: Listener | undefined
  readonly on = vi.fn((event: string, listener: Listener): this => {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener])
    return this
  })
  readonly setWindowOpenHandler = vi.fn((handler: Listener): void => {
    this.windowOpenHandler = handler
  })

  /** Emit `event` to every recorded listener; returns the event object for inspection. */
  emit(event: string, ...args: unknown[]): FakeEvent {
    const e: FakeEvent = { preventDefault: vi.fn() }
    for (const l of this.handlers.get(event) ?? []) l(e, ...args)
    return e
  }
}

function webContentsCreatedHandler(): Listener {
  const handlers = electron.appHandlers.get('web-contents-created') ?? []
  expect(handlers).toHaveLength(1)
  const [handler] = handlers
  if (!handler) throw new Error('no web-contents-created handler')
  return handler
}

function createContents(): FakeWebContents {
  const contents = new FakeWebContents()
  webContentsCreatedHandler()({}, contents)
  return contents
}

async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

beforeEach(() => {
  vi.clearAllMocks()
  electron.appHandlers.clear()
  electron.setReady(Promise.resolve())
})

describe('applySecurityRules', () => {
  it("registers exactly one 'web-contents-created' handler on app", () => {
    applySecurityRules(isAllowedUrl)
    const calls = electron.app.on.mock.calls.filter(([name]) => name === 'web-contents-created')
    expect(calls).toHaveLength(1)
    expect(typeof calls[0]?.[1]).toBe('function')
  })

  it('installs will-navigate, will-frame-navigate, will-redirect, will-attach-webview and a window open handler', () => {
    applySecurityRules(isAllowedUrl)
    const contents = createContents()
    expect([...contents.handlers.keys()].sort()).toEqual([
      'will-attach-webview',
      'will-frame-navigate',
      'will-navigate',
      'will-redirect'
    ])
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1)
  })

  describe.each(['will-navigate', 'will-redirect'])('%s', (eventName) => {
    it('prevents an external URL', () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      const e = contents.emit(eventName, 'https://evil.example/phish')
      expect(e.preventDefault).toHaveBeenCalledTimes(1)
      expect(isAllowedUrl).toHaveBeenCalledWith('https://evil.example/phish')
    })

    it('prevents a different file: URL', () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      const e = contents.emit(eventName, 'file:///etc/passwd')
      expect(e.preventDefault).toHaveBeenCalledTimes(1)
    })

    it("prevents a URL that only starts with the app's index path", () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      const e = contents.emit(eventName, `${APP_URL}.evil`)
      expect(e.preventDefault).toHaveBeenCalledTimes(1)
    })

    it('prevents an unparsable URL', () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      const e = contents.emit(eventName, 'not a url')
      expect(e.preventDefault).toHaveBeenCalledTimes(1)
    })

    it('lets an allowed URL through', () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      const e = contents.emit(eventName, `${APP_URL}#/hosts`)
      expect(e.preventDefault).not.toHaveBeenCalled()
      expect(isAllowedUrl).toHaveBeenCalledWith(`${APP_URL}#/hosts`)
    })
  })

  describe('will-frame-navigate (any frame; Electron passes one details event)', () => {
    /** Emits will-frame-navigate as Electron does: the event carries url and isMainFrame. */
    function emitFrameNavigate(
      contents: FakeWebContents,
      url: string,
      isMainFrame: boolean
    ): FakeEvent {
      const e: FakeEvent & { url: string; isMainFrame: boolean } = {
        preventDefault: vi.fn(),
        url,
        isMainFrame
      }
      for (const l of contents.handlers.get('will-frame-navigate') ?? []) l(e)
      return e
    }

    it.each([
      ['an external page', 'https://evil.example/phish'],
      ['a file', 'file:///etc/passwd'],
      ['another bundle page', 'app://bundle/other.html'],
      ['javascript:', 'javascript:alert(1)']
    ])('prevents a subframe navigating to %s', (_what, url) => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      expect(emitFrameNavigate(contents, url, false).preventDefault).toHaveBeenCalledTimes(1)
      expect(isAllowedUrl).toHaveBeenCalledWith(url)
    })

    it('prevents the main frame leaving too (the same rule as will-navigate)', () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      const e = emitFrameNavigate(contents, 'https://evil.example/', true)
      expect(e.preventDefault).toHaveBeenCalledTimes(1)
    })

    it('lets a frame navigate to the app itself', () => {
      applySecurityRules(isAllowedUrl)
      const contents = createContents()
      expect(
        emitFrameNavigate(contents, `${APP_URL}#/hosts`, false).preventDefault
      ).not.toHaveBeenCalled()
      expect(emitFrameNavigate(contents, APP_URL, true).preventDefault).not.toHaveBeenCalled()
    })
  })

  it("denies every new window: setWindowOpenHandler returns {action:'deny'}", () => {
    applySecurityRules(isAllowedUrl)
    const contents = createContents()
    const handler = contents.windowOpenHandler
    expect(handler).toBeTypeOf('function')
    expect(handler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    // Even a URL the app itself serves must not open a second window.
    expect(handler?.({ url: APP_URL })).toEqual({ action: 'deny' })
  })

  it('prevents will-attach-webview', () => {
    applySecurityRules(isAllowedUrl)
    const contents = createContents()
    const e = contents.emit('will-attach-webview', {}, { src: APP_URL })
    expect(e.preventDefault).toHaveBeenCalledTimes(1)
  })

  it('applies the rules to every web contents created, independently', () => {
    applySecurityRules(isAllowedUrl)
    const a = createContents()
    const b = createContents()
    expect(a.emit('will-navigate', 'https://evil.example/').preventDefault).toHaveBeenCalledTimes(1)
    expect(b.emit('will-navigate', 'https://evil.example/').preventDefault).toHaveBeenCalledTimes(1)
    expect(a.setWindowOpenHandler).toHaveBeenCalledTimes(1)
    expect(b.setWindowOpenHandler).toHaveBeenCalledTimes(1)
  })

  it('installs the permission handlers on session.defaultSession only after app.whenReady resolves', async () => {
    let resolveReady: () => void = () => undefined
    electron.setReady(
      new Promise<void>((resolve) => {
        resolveReady = resolve
      })
    )
    applySecurityRules(isAllowedUrl)
    await flushPromises()
    const ds = electron.session.defaultSession
    expect(ds.setPermissionRequestHandler).not.toHaveBeenCalled()
    expect(ds.setPermissionCheckHandler).not.toHaveBeenCalled()

    resolveReady()
    await flushPromises()
    expect(ds.setPermissionRequestHandler).toHaveBeenCalledTimes(1)
    expect(ds.setPermissionCheckHandler).toHaveBeenCalledTimes(1)
  })

  it('the permission request handler calls back false for every permission', async () => {
    applySecurityRules(isAllowedUrl)
    await flushPromises()
    const handler = electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0]
    expect(handler).toBeTypeOf('function')
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      const callback = vi.fn()
      handler?.({}, permission, callback, { requestingUrl: APP_URL })
      expect(callback).toHaveBeenCalledTimes(1)
      expect(callback).toHaveBeenCalledWith(false)
    }
  })

  it('the permission check handler returns false', async () => {
    applySecurityRules(isAllowedUrl)
    await flushPromises()
    const handler = electron.session.defaultSession.setPermissionCheckHandler.mock.calls[0]?.[0]
    expect(handler).toBeTypeOf('function')
    expect(handler?.({}, 'media', APP_URL, {})).toBe(false)
    expect(handler?.(null, 'notifications', 'https://evil.example/', {})).toBe(false)
  })

  it('does not install permission handlers, nor reject unhandled, when app.whenReady rejects', async () => {
    electron.setReady(Promise.reject(new Error('app quit before ready')))
    expect(() => applySecurityRules(isAllowedUrl)).not.toThrow()
    await flushPromises()
    expect(electron.session.defaultSession.setPermissionRequestHandler).not.toHaveBeenCalled()
    // The navigation rules are still registered.
    expect(electron.appHandlers.get('web-contents-created')).toHaveLength(1)
  })
})

describe('isTrustedSender', () => {
  it('rejects an undefined frame URL without consulting the allow-list', () => {
    expect(isTrustedSender(undefined, isAllowedUrl)).toBe(false)
    expect(isAllowedUrl).not.toHaveBeenCalled()
  })

  it('accepts an allowed URL', () => {
    expect(isTrustedSender(APP_URL, isAllowedUrl)).toBe(true)
    expect(isTrustedSender(`${APP_URL}?x=1`, isAllowedUrl)).toBe(true)
  })

  it('rejects any other URL', () => {
    expect(isTrustedSender('https://evil.example/', isAllowedUrl)).toBe(false)
    expect(isTrustedSender('', isAllowedUrl)).toBe(false)
    expect(isTrustedSender('file:///tmp/index.html', isAllowedUrl)).toBe(false)
  })
})
