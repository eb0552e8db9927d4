import type { MenuItemConstructorOptions } from 'electron'
import { shortcutFor, type MenuCommand } from '@shared/api/shortcuts'

export interface AppMenuOptions {
  /** Development only: Reload, Force Reload and Toggle Developer Tools (launchMode.ts). */
  readonly devTools: boolean
  /** `process.platform`: macOS gets the application menu and Close instead of Quit in File. */
  readonly platform: NodeJS.Platform
  /** Send a command to the window (main.ts: `webContents.send(MENU_COMMAND_CHANNEL, command)`). */
  readonly send: (command: MenuCommand) => void
  /** Open the documentation, or null where it is not shipped (a packaged app has no docs/). */
  readonly openDocs: (() => void) | null
}

/** A menu item that sends `command`, with its label and accelerator from the shortcut table. */
function commandItem(
  command: MenuCommand,
  send: AppMenuOptions['send']
): MenuItemConstructorOptions {
  const s = shortcutFor(command)
  return {
    label: s.menuLabel,
    click: () => send(command),
    ...(s.accelerator ? { accelerator: s.accelerator } : {})
  }
}

/**
 * The application menu: File (Open…, Save, Save As…, Quit), Edit, View (the three views,
 * Ctrl+1/2/3/4; Reload and DevTools only in development, never the stock `viewMenu` role, which
 * always offers DevTools), Run (Run, Cancel), Window, Help (Keyboard Shortcuts, documentation).
 * Every action carries the accelerator of the shared shortcut table (src-shared/api/shortcuts.ts)
 * and sends its command to the renderer, which runs it as the key would. The page sees a key
 * first and prevents its default when it acted, so a key never runs a command twice.
 */
export function appMenuTemplate(o: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin'
  const item = (c: MenuCommand): MenuItemConstructorOptions => commandItem(c, o.send)
  const sep: MenuItemConstructorOptions = { type: 'separator' }
  const view: MenuItemConstructorOptions[] = [
    item('viewHost'),
    item('viewWorkload'),
    item('viewContention'),
    item('viewCompare'),
    item('viewFleet'),
    sep,
    ...(o.devTools
      ? ([
          { role: 'reload' },
          { role: 'forceReload' },
          { role: 'toggleDevTools' },
          sep
        ] as MenuItemConstructorOptions[])
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    sep,
    { role: 'togglefullscreen' }
  ]
  const help: MenuItemConstructorOptions[] = [
    item('shortcuts'),
    ...(o.openDocs ? [{ label: 'Documentation', click: o.openDocs }] : [])
  ]
  return [
    ...(mac ? ([{ role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    {
      label: 'File',
      submenu: [
        item('open'),
        sep,
        item('save'),
        item('saveAs'),
        item('exportReport'),
        sep,
        { role: mac ? 'close' : 'quit' }
      ]
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { label: 'Run', submenu: [item('run'), item('cancel')] },
    { role: 'windowMenu' },
    { role: 'help', submenu: help }
  ]
}
