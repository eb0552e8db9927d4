import { app, BrowserWindow, dialog, Menu } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import workerPath from '../worker/worker?modulePath'
import { appPaths } from '../services/appPaths'
import { createServices } from '../services/createServices'
import { WorkerThreadLauncher } from '../services/jobRunner'
import { createUrlAllowList } from './allowedUrl'
import { registerIpc } from './ipc'
import { applySecurityRules } from './security'

// Desktop entry (out/main/index.js): one window over the same services as browser mode.
const paths = appPaths(import.meta.url)
const rendererIndex = join(paths.rendererDir, 'index.html')
const devServerUrl = process.env['ELECTRON_RENDERER_URL'] || null
const isAllowedUrl = createUrlAllowList(devServerUrl, pathToFileURL(rendererIndex).href)

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
      spellcheck: false
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = null))
  if (devServerUrl) void mainWindow.loadURL(devServerUrl)
  else void mainWindow.loadFile(rendererIndex)
}

void app.whenReady().then(() => {
  // The renderer owns the keyboard shortcuts (Ctrl+O etc.); keep the default edit/view roles.
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' }
    ])
  )
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
