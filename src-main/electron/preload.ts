import { contextBridge, ipcRenderer } from 'electron'
import type { DesktopBridge, PlannerMethodName } from '@shared/api/contract'
import { parseJobProgress } from '@shared/api/progress'
import { isMenuCommand, MENU_COMMAND_CHANNEL } from '@shared/api/shortcuts'

// Sandboxed preload: bundled whole (no requires but electron), exposes only the contract's methods.
const invoke =
  (method: PlannerMethodName) =>
  (req: unknown): Promise<never> =>
    ipcRenderer.invoke(`planner:${method}`, req) as Promise<never>

const api: DesktopBridge = {
  getAppInfo: invoke('getAppInfo'),
  listExampleHosts: invoke('listExampleHosts'),
  analyzeExampleHost: invoke('analyzeExampleHost'),
  analyzeHostText: invoke('analyzeHostText'),
  openHostFile: invoke('openHostFile'),
  cancelJob: invoke('cancelJob'),
  reanalyzeHost: invoke('reanalyzeHost'),
  exportHostJson: invoke('exportHostJson'),
  listScenarioPresets: invoke('listScenarioPresets'),
  simulate: invoke('simulate'),
  replayTraceText: invoke('replayTraceText'),
  openTraceFile: invoke('openTraceFile'),
  listContentionPresets: invoke('listContentionPresets'),
  runContention: invoke('runContention'),
  getWorkspaceSession: invoke('getWorkspaceSession'),
  saveWorkspace: invoke('saveWorkspace'),
  autosaveWorkspace: invoke('autosaveWorkspace'),
  openWorkspaceText: invoke('openWorkspaceText'),
  openWorkspaceFile: invoke('openWorkspaceFile'),
  restoreAutosave: invoke('restoreAutosave'),
  dismissAutosave: invoke('dismissAutosave'),
  openFile: invoke('openFile'),
  fitCalibration: invoke('fitCalibration'),
  analyzeFleetTexts: invoke('analyzeFleetTexts'),
  openFleetFolder: invoke('openFleetFolder'),
  openFleetHost: invoke('openFleetHost'),
  exportReport: invoke('exportReport'),
  onProgress(listener) {
    // Checked like a request (api/progress.ts): only a well-formed event reaches the page.
    const handler = (_e: unknown, value: unknown): void => {
      const p = parseJobProgress(value)
      if (p) listener(p)
    }
    ipcRenderer.on('planner:progress', handler)
    return () => ipcRenderer.removeListener('planner:progress', handler)
  },
  onMenuCommand(listener) {
    // Only the menu's known commands reach the page; the event (with its sender) never does.
    const handler = (_e: unknown, command: unknown): void => {
      if (isMenuCommand(command)) listener(command)
    }
    ipcRenderer.on(MENU_COMMAND_CHANNEL, handler)
    return () => ipcRenderer.removeListener(MENU_COMMAND_CHANNEL, handler)
  }
}

contextBridge.exposeInMainWorld('pamtPlanner', api)
