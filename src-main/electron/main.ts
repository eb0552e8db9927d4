import { app, BrowserWindow, dialog, Menu, shell } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import workerPath from '../worker/worker?modulePath'
import { appPaths } from '../services/appPaths'
import { createServices } from '../services/createServices'
import { electronPdfPrinter } from '../services/pdf/electronPdf'
import type { OpenDialogKind } from '../services/plannerService'
import { WorkerThreadLauncher } from '../services/jobRunner'
import { createUrlAllowList } from './allowedUrl'
import { registerAppScheme, serveAppProtocol } from './appProtocol'
import { APP_INDEX_URL } from './bundleRequest'
import { registerIpc } from './ipc'
import { MENU_COMMAND_CHANNEL } from '@shared/api/shortcuts'
import { appMenuTemplate } from './appMenu'
import { launchMode } from './launchMode'
import { applySecurityRules } from './security'

// Desktop entry (out/main/index.js): one window over the same services as browser mode.
const paths = appPaths(import.meta.url)
// Packaged: the bundle over app://, no dev server, no DevTools (launchMode.ts).
const mode = launchMode(app.isPackaged, process.env)
const isAllowedUrl = createUrlAllowList(mode.devServerUrl, APP_INDEX_URL)
// Before ready, as Electron requires; the handler is installed once the app is ready.
registerAppScheme()

let mainWindow: BrowserWindow | null = null

const HOST_EXTENSIONS = ['txt', 'log', 'dmesg', 'json']

async function showOpenDialog(what: OpenDialogKind): Promise<string | null> {
  const options: Electron.OpenDialogOptions =
    what === 'fleet'
      ? { title: 'Open a fleet: a folder of host files', properties: ['openDirectory'] }
      : what !== 'trace'
        ? {
            title: what === 'workspace' ? 'Open workspace' : 'Open host file or workspace',
            properties: ['openFile'],
            // All files first (the filter the dialog starts with): /proc/iomem and memmap dumps
            // usually have no extension, and logs are named kern.log.1 or syslog.
            filters: [
              ...(what !== 'workspace' ? [{ name: 'All files', extensions: ['*'] }] : []),
              ...(what === 'any'
                ? [
                    {
                      name: 'Host files and workspaces',
                      extensions: [...HOST_EXTENSIONS, 'pamtplan']
                    }
                  ]
                : []),
              ...(what !== 'workspace'
                ? [{ name: 'Host files', extensions: HOST_EXTENSIONS }]
                : []),
              ...(what !== 'host' ? [{ name: 'Workspaces', extensions: ['pamtplan'] }] : []),
              ...(what === 'workspace' ? [{ name: 'All files', extensions: ['*'] }] : [])
            ]
          }
        : {
            title: 'Open Dynamic PAMT trace',
            properties: ['openFile'],
            filters: [
              { name: 'Traces', extensions: ['csv', 'jsonl', 'txt'] },
              { name: 'All files', extensions: ['*'] }
            ]
          }
  const r = mainWindow
    ? await dialog.showOpenDialog(mainWindow, options)
    : await dialog.showOpenDialog(options)
  return r.canceled ? null : (r.filePaths[0] ?? null)
}

/** Save As for a workspace: the chosen path, or null when cancelled. */
async function showSaveDialog(suggestedName: string): Promise<string | null> {
  const options: Electron.SaveDialogOptions = {
    title: 'Save workspace',
    defaultPath: suggestedName,
    filters: [{ name: 'Workspaces', extensions: ['pamtplan'] }]
  }
  const r = mainWindow
    ? await dialog.showSaveDialog(mainWindow, options)
    : await dialog.showSaveDialog(options)
  return r.canceled || !r.filePath ? null : r.filePath
}

/** Where to write a report (docs/reports.md): the chosen path, or null when cancelled. */
async function showReportSaveDialog(
  suggestedName: string,
  format: 'html' | 'pdf'
): Promise<string | null> {
  const options: Electron.SaveDialogOptions = {
    title: 'Export report',
    defaultPath: suggestedName,
    filters: [
      format === 'pdf'
        ? { name: 'PDF', extensions: ['pdf'] }
        : { name: 'HTML report', extensions: ['html'] }
    ]
  }
  const r = mainWindow
    ? await dialog.showSaveDialog(mainWindow, options)
    : await dialog.showSaveDialog(options)
  return r.canceled || !r.filePath ? null : r.filePath
}

applySecurityRules(isAllowedUrl)
const services = createServices({
  mode: 'desktop',
  // A model worker warms up after each host loads (prewarm): a what-if needs a host.
  launcher: new WorkerThreadLauncher(workerPath, { warmUp: true }),
  resourcesDir: paths.resourcesDir,
  showOpenDialog,
  showSaveDialog,
  showReportSaveDialog,
  printPdf: electronPdfPrinter(BrowserWindow),
  // The autosave, session record and recent files live in Electron's per-user data folder.
  dataDir: app.getPath('userData')
})
registerIpc(
  services.planner,
  services.progress,
  isAllowedUrl,
  () => mainWindow?.webContents ?? null
)

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 860,
    show: false,
    title: 'PAMT Planner',
    webPreferences: {
      preload: join(paths.rootDir, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
      devTools: mode.devTools
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  // The page's beforeunload (unsaved workspace changes) silently cancels a close or reload in
  // Electron; ask instead, and let it go on if the user chooses to discard (Electron's
  // will-prevent-unload: preventDefault() ignores the page's veto).
  mainWindow.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(mainWindow!, {
      type: 'question',
      buttons: ['Discard changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'The workspace has unsaved changes. Discard them?',
      detail: 'The last autosave can be restored at the next start.'
    })
    if (choice === 0) event.preventDefault()
  })
  mainWindow.on('closed', () => (mainWindow = null))
  void mainWindow.loadURL(mode.windowUrl)
}

void app.whenReady().then(() => {
  serveAppProtocol(paths.rendererDir)
  // Menu items send their command to the page, which runs it as its key would (appMenu.ts).
  const docsDir = join(paths.rootDir, 'docs')
  const template = appMenuTemplate({
    devTools: mode.devTools,
    platform: process.platform,
    send: (command) => mainWindow?.webContents.send(MENU_COMMAND_CHANNEL, command),
    openDocs: existsSync(docsDir) ? () => void shell.openPath(docsDir) : null
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
