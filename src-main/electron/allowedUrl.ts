/**
 * The allow-list for what the app's window may show and who may call IPC: the renderer's own
 * index.html on the `app://bundle` origin (any query or hash), or, when running under the Vite dev
 * server, any page of that server's origin. Everything else (file:, other app:// paths or hosts,
 * other sites, javascript:, data:, garbage) is refused. Pure, so it is tested without Electron.
 *
 * @param devServerUrl the dev server's URL (`ELECTRON_RENDERER_URL`, development only), or null
 * @param appIndexUrl the bundle's index as the window loads it (`APP_INDEX_URL`, bundleRequest.ts)
 */
export function createUrlAllowList(
  devServerUrl: string | null,
  appIndexUrl: string
): (url: string) => boolean {
  if (devServerUrl !== null) {
    const dev = new URL(devServerUrl)
    // An opaque origin ("null": file:, data:) would match every other opaque URL.
    if (dev.protocol !== 'http:' && dev.protocol !== 'https:') {
      throw new Error(`the renderer dev server URL must be http(s): ${devServerUrl}`)
    }
    const origin = dev.origin
    return (url) => parse(url)?.origin === origin
  }
  const app = new URL(appIndexUrl)
  if (app.protocol !== 'app:') {
    throw new Error(`the renderer index must be an app: URL: ${appIndexUrl}`)
  }
  // Compared after the WHATWG parser has normalised both (".." segments, case of the scheme), so
  // a URL naming the same page passes and any other path, host, port or scheme does not. The
  // parser keeps a custom scheme's host as written (Chromium lowercases a standard scheme's), and
  // its origin is "null" for a custom scheme, so scheme, host and path are compared one by one.
  const host = app.host.toLowerCase()
  return (url) => {
    const u = parse(url)
    return (
      u !== null &&
      u.protocol === app.protocol &&
      u.host.toLowerCase() === host &&
      u.pathname === app.pathname
    )
  }
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}
