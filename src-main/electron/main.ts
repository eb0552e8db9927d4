import { app, BrowserWindow, dialog, Menu } from 'electron'
import { join } from 'node:path'
import workerPath from '../worker/worker?modulePath'
import { appPaths } from '../services/appPaths'
import { createServices } from '../services/createServices'
import { WorkerThreadLauncher } from '../services/jobRunner'
import { createUrlAllowList } from './allowedUrl'
import { registerAppScheme, serveAppProtocol } from './appProtocol'
import { APP_INDEX_URL } from './bundleRequest'
import { registerIpc } from './ipc'
import { appMenuTemplate, launchMode } from './launchMode'
import { applySecurityRules } from './security'

// Desktop entry (out/main/index.js): one window over the same services as browser mode.
const paths = appPaths(import.meta.url)
// Packaged: the bundle over app://, no dev server, no DevTools (launchMode.ts).
const mode = launchMode(app.isPackaged, process.env)
const isAllowedUrl = createUrlAllowList(mode.devServerUrl, APP_INDEX_URL)
// Before ready, as Electron requires; the handler is installed once the app is ready.
registerAppScheme()

let mainWindow: BrowserWindow | null = null

async function showOpenDialog(what: 'host' | 'trace'): Promise<string | null> {
  const options: Electron.OpenDialogOptions =
    what === 'host'
      ? {
          title: 'Open host file',
          properties: ['openFile'],
          filters: [
            { name: 'Host files', extensions: ['txt', 'log', 'dmesg', 'json'] },
            { name: 'All files', extensions: ['*'] }
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

applySecurityRules(isAllowedUrl)
const services = createServices({
  mode: 'desktop',
  launcher: new WorkerThreadLauncher(workerPath),
  resourcesDir: paths.resourcesDir,
  showOpenDialog
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
  mainWindow.on('closed', () => (mainWindow = null))
  void mainWindow.loadURL(mode.windowUrl)
}

void app.whenReady().then(() => {
  serveAppProtocol(paths.rendererDir)
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(mode.devTools)))
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
