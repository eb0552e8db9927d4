import { app, session, type WebContents } from 'electron'

/**
 * Electron security checklist items applied to every web contents.
 * @see https://www.electronjs.org/docs/latest/tutorial/security
 */
export function applySecurityRules(isAllowedUrl: (url: string) => boolean): void {
  // #5: deny every permission request (camera, notifications, …); the app needs none.
  app.whenReady().then(
    () => {
      session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
        callback(false)
      )
      session.defaultSession.setPermissionCheckHandler(() => false)
    },
    () => undefined
  )

  app.on('web-contents-created', (_event, contents: WebContents) => {
    // #13: no navigation away from the app's own pages.
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedUrl(url)) event.preventDefault()
    })
    // will-navigate sees the main frame only; this sees every frame (an <iframe> the page, or
    // something injected into it, points elsewhere). Same rule; the main frame is checked twice.
    contents.on('will-frame-navigate', (details) => {
      if (!isAllowedUrl(details.url)) details.preventDefault()
    })
    // #14: no new windows, ever.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    // #11/#12: no <webview>.
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

/** #17: an IPC sender must be a frame showing the app itself (navigation and webviews are blocked). */
export function isTrustedSender(
  frameUrl: string | undefined,
  isAllowedUrl: (url: string) => boolean
): boolean {
  return frameUrl !== undefined && isAllowedUrl(frameUrl)
}
