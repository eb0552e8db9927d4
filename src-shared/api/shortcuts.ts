/**
 * The keyboard shortcuts and the commands they run: one table for the shortcuts overlay, the
 * renderer's key handler and the desktop application menu (which sends the command over
 * {@link MENU_COMMAND_CHANNEL}). See README "Keyboard".
 */

/** Every action the application menu can ask the window to run. */
export const MENU_COMMANDS = [
  'open',
  'save',
  'saveAs',
  'exportReport',
  'viewHost',
  'viewWorkload',
  'viewContention',
  'viewCompare',
  'viewFleet',
  'run',
  'cancel',
  'shortcuts'
] as const

export type MenuCommand = (typeof MENU_COMMANDS)[number]

/** The IPC channel main sends a menu command on (one string from MENU_COMMANDS). */
export const MENU_COMMAND_CHANNEL = 'planner:menu-command'

/** Whether a value that arrived over IPC is a known command (anything else is ignored). */
export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value)
}

export interface Shortcut {
  /** The command it runs, or null for keys that act where the focus is (the tab arrows). */
  readonly command: MenuCommand | null
  /** The keys as shown, with Ctrl standing for ⌘ on macOS ("Ctrl+Shift+S", "←  →", "?"). */
  readonly keys: readonly string[]
  /**
   * The Electron accelerator for the menu item, or null when the key must stay the page's own
   * (`?` would fire while typing it in a field; the arrows move in fields and tabs).
   */
  readonly accelerator: string | null
  /** What it does, as the overlay and the menu say it. */
  readonly description: string
  /** The menu item's label. */
  readonly menuLabel: string
}

/** Every shortcut, in the order the overlay lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    command: 'open',
    keys: ['Ctrl', 'O'],
    accelerator: 'CmdOrCtrl+O',
    description: 'Open a host file or a workspace',
    menuLabel: 'Open…'
  },
  {
    command: 'save',
    keys: ['Ctrl', 'S'],
    accelerator: 'CmdOrCtrl+S',
    description: 'Save the workspace',
    menuLabel: 'Save'
  },
  {
    command: 'saveAs',
    keys: ['Ctrl', 'Shift', 'S'],
    accelerator: 'CmdOrCtrl+Shift+S',
    description: 'Save the workspace under another name',
    menuLabel: 'Save As…'
  },
  {
    command: 'exportReport',
    keys: ['Ctrl', 'Shift', 'E'],
    accelerator: 'CmdOrCtrl+Shift+E',
    description: 'Export a report (HTML or PDF) of this view or the workspace',
    menuLabel: 'Export Report…'
  },
  {
    command: 'run',
    keys: ['Ctrl', 'Enter'],
    accelerator: 'CmdOrCtrl+Enter',
    description: 'Run the simulation (Workload) or the contention (Contention)',
    menuLabel: 'Run'
  },
  {
    command: 'cancel',
    keys: ['Esc'],
    accelerator: 'Escape',
    description: 'Cancel the running job, else dismiss the error shown',
    menuLabel: 'Cancel'
  },
  {
    command: 'viewHost',
    keys: ['Ctrl', '1'],
    accelerator: 'CmdOrCtrl+1',
    description: 'Show the Host view',
    menuLabel: 'Host'
  },
  {
    command: 'viewWorkload',
    keys: ['Ctrl', '2'],
    accelerator: 'CmdOrCtrl+2',
    description: 'Show the Workload view',
    menuLabel: 'Workload'
  },
  {
    command: 'viewContention',
    keys: ['Ctrl', '3'],
    accelerator: 'CmdOrCtrl+3',
    description: 'Show the Contention view',
    menuLabel: 'Contention'
  },
  {
    command: 'viewCompare',
    keys: ['Ctrl', '4'],
    accelerator: 'CmdOrCtrl+4',
    description: 'Show the Compare view (pinned results side by side)',
    menuLabel: 'Compare'
  },
  {
    command: 'viewFleet',
    keys: ['Ctrl', '5'],
    accelerator: 'CmdOrCtrl+5',
    description: 'Show the Fleet view',
    menuLabel: 'Fleet'
  },
  {
    command: null,
    keys: ['←', '→'],
    accelerator: null,
    description: 'Previous or next view, with the focus on the view tabs',
    menuLabel: ''
  },
  {
    command: 'shortcuts',
    keys: ['?'],
    accelerator: 'F1',
    description: 'Show these keyboard shortcuts (F1 too; not while typing in a field)',
    menuLabel: 'Keyboard Shortcuts'
  }
]

/** The shortcut that runs `command` (every command has exactly one). */
export function shortcutFor(command: MenuCommand): Shortcut {
  const s = SHORTCUTS.find((x) => x.command === command)
  if (!s) throw new Error(`no shortcut for ${command}`)
  return s
}

/** The command a key press asks for in the page, or null (the overlay's `?` included). */
export function commandForKey(e: {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}): MenuCommand | null {
  const mod = e.ctrlKey || e.metaKey
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key
  if (mod && !e.altKey) {
    if (key === 'o') return 'open'
    if (key === 's') return e.shiftKey ? 'saveAs' : 'save'
    if (key === 'e' && e.shiftKey) return 'exportReport'
    if (key === 'Enter') return 'run'
    if (key === '1') return 'viewHost'
    if (key === '2') return 'viewWorkload'
    if (key === '3') return 'viewContention'
    if (key === '4') return 'viewCompare'
    if (key === '5') return 'viewFleet'
    return null
  }
  if (e.altKey) return null
  if (key === 'Escape') return 'cancel'
  if (key === '?' || key === 'F1') return 'shortcuts'
  return null
}
