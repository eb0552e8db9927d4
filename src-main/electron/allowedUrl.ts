/**
 * The allow-list for what the app's window may show and who may call IPC: the renderer's own
 * index.html (any query or hash), or, when running under the Vite dev server, any page of that
 * server's origin. Everything else (other files, other sites, javascript:, data:, garbage) is
 * refused. Pure, so it is tested without Electron.
 *
 * @param devServerUrl the dev server's URL (`ELECTRON_RENDERER_URL`), or null in a built app
 * @param rendererFileUrl the file: URL of the built renderer's index.html
 */
export function createUrlAllowList(
  devServerUrl: string | null,
  rendererFileUrl: string
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
  const app = new URL(rendererFileUrl)
  if (app.protocol !== 'file:') {
    throw new Error(`the renderer index must be a file: URL: ${rendererFileUrl}`)
  }
  // Compared after the WHATWG parser has normalised both (".." segments, case of the scheme), so
  // a URL naming the same file passes and any other path, host or scheme does not.
  return (url) => {
    const u = parse(url)
    return (
      u !== null && u.protocol === 'file:' && u.host === app.host && u.pathname === app.pathname
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
