import { APP_INDEX_URL } from './bundleRequest'

export interface LaunchMode {
  /** Development: an unpackaged run (`npm run dev`, `npm start`); a packaged app never is. */
  readonly development: boolean
  /** The Vite dev server (`ELECTRON_RENDERER_URL`), honoured in development only; else null. */
  readonly devServerUrl: string | null
  /** What the window loads: the dev server, or the bundle over `app://`. */
  readonly windowUrl: string
  /** DevTools (the webPreferences switch and the View menu entries): development only. */
  readonly devTools: boolean
}

/**
 * Decides the launch mode from `app.isPackaged` and the environment. In a packaged app the
 * environment cannot point the window at another page (`ELECTRON_RENDERER_URL` is ignored) nor
 * open DevTools on it.
 */
export function launchMode(isPackaged: boolean, env: NodeJS.ProcessEnv): LaunchMode {
  const development = !isPackaged
  const devServerUrl = development ? env['ELECTRON_RENDERER_URL'] || null : null
  return {
    development,
    devServerUrl,
    windowUrl: devServerUrl ?? APP_INDEX_URL,
    devTools: development
  }
}
