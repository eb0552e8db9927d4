import { protocol } from 'electron'
import { APP_SCHEME, createBundleHandler } from './bundleRequest'

/**
 * `app:` as a standard (real origin, relative URLs resolve), secure (a secure context, like
 * https) scheme that fetch() may use. No `bypassCSP`, no service workers, no CORS for others.
 * Must run before the app is ready (Electron's rule for registerSchemesAsPrivileged).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

/** After ready: answer `app://bundle/…` from the built renderer only (bundleRequest.ts). */
export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createBundleHandler(rendererDir))
}
