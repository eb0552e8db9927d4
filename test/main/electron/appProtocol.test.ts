import { beforeEach, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => ({
  protocol: {
    registerSchemesAsPrivileged: vi.fn<(schemes: unknown[]) => void>(),
    handle: vi.fn<(scheme: string, handler: (r: Request) => Promise<Response>) => void>()
  }
}))

vi.mock('electron', () => ({ protocol: electron.protocol }))

import { registerAppScheme, serveAppProtocol } from '../../../src-main/electron/appProtocol'

beforeEach(() => vi.clearAllMocks())

describe('registerAppScheme', () => {
  it('registers app: as standard, secure and fetch-capable, and nothing more', () => {
    registerAppScheme()
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1)
    // No bypassCSP, corsEnabled, allowServiceWorkers or stream: the page stays under its CSP
    // and no other origin can read the bundle.
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }
    ])
  })
})

describe('serveAppProtocol', () => {
  it('installs one handler for app: that serves from the given folder only', async () => {
    serveAppProtocol('/nonexistent/pamt-planner/out/renderer')
    expect(electron.protocol.handle).toHaveBeenCalledTimes(1)
    const [scheme, handler] = electron.protocol.handle.mock.calls[0] ?? []
    expect(scheme).toBe('app')
    // Outside the bundle: refused before any file is read.
    const outside = await handler?.(new Request('app://evil/index.html'))
    expect(outside?.status).toBe(404)
    // Inside, but the folder does not exist: a 404 from the real file read, not a throw.
    const missing = await handler?.(new Request('app://bundle/index.html'))
    expect(missing?.status).toBe(404)
  })
})
