import { describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { appMenuTemplate, type AppMenuOptions } from '../../../src-main/electron/appMenu'
import type { MenuCommand } from '@shared/api/shortcuts'

function build(over: Partial<AppMenuOptions> = {}): {
  template: MenuItemConstructorOptions[]
  sent: MenuCommand[]
} {
  const sent: MenuCommand[] = []
  const template = appMenuTemplate({
    devTools: false,
    platform: 'linux',
    send: (c) => sent.push(c),
    openDocs: null,
    ...over
  })
  return { template, sent }
}

/** Every item in a template, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])])
}
const roles = (t: MenuItemConstructorOptions[]): string[] =>
  items(t).flatMap((i) => (i.role ? [i.role] : []))
const submenu = (t: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] => {
  const m = t.find((i) => i.label === label || i.role === label)?.submenu
  if (!Array.isArray(m)) throw new Error(`no ${label} menu`)
  return m
}
/** label → accelerator of a menu's command items (separators and roles left out). */
const accelerators = (m: MenuItemConstructorOptions[]): Record<string, string | undefined> =>
  Object.fromEntries(
    m.filter((i) => i.label).map((i) => [i.label!, i.accelerator as string | undefined])
  )

describe('appMenuTemplate', () => {
  it('gives every action its accelerator, as the shortcuts overlay lists them', () => {
    const { template } = build()
    expect(template.map((m) => m.label ?? m.role)).toEqual([
      'File',
      'editMenu',
      'View',
      'Run',
      'windowMenu',
      'help'
    ])
    expect(accelerators(submenu(template, 'File'))).toEqual({
      'Open…': 'CmdOrCtrl+O',
      Save: 'CmdOrCtrl+S',
      'Save As…': 'CmdOrCtrl+Shift+S',
      'Export Report…': 'CmdOrCtrl+Shift+E'
    })
    expect(accelerators(submenu(template, 'View'))).toEqual({
      Host: 'CmdOrCtrl+1',
      Workload: 'CmdOrCtrl+2',
      Contention: 'CmdOrCtrl+3',
      Compare: 'CmdOrCtrl+4',
      Fleet: 'CmdOrCtrl+5'
    })
    expect(accelerators(submenu(template, 'Run'))).toEqual({
      Run: 'CmdOrCtrl+Enter',
      Cancel: 'Escape'
    })
    // "?" would fire while typing it in a field, so the menu item takes F1.
    expect(accelerators(submenu(template, 'help'))).toEqual({ 'Keyboard Shortcuts': 'F1' })
    expect(submenu(template, 'File').at(-1)).toEqual({ role: 'quit' })
  })

  it('sends each item’s command to the window when clicked', () => {
    const { template, sent } = build()
    for (const i of items(template)) {
      if (i.click) (i.click as () => void)()
    }
    expect(sent).toEqual([
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
    ])
  })

  it('offers no Reload, DevTools or stock viewMenu without devTools (packaged)', () => {
    const r = roles(build().template)
    for (const role of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu'])
      expect(r).not.toContain(role)
    expect(r).toEqual([
      'quit',
      'editMenu',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
      'windowMenu',
      'help'
    ])
  })

  it('offers Reload, Force Reload and DevTools in development', () => {
    const view = roles(submenu(build({ devTools: true }).template, 'View'))
    expect(view).toEqual([
      'reload',
      'forceReload',
      'toggleDevTools',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen'
    ])
  })

  it('on macOS starts with the application menu and closes the window from File', () => {
    const { template } = build({ platform: 'darwin' })
    expect(template[0]).toEqual({ role: 'appMenu' })
    expect(submenu(template, 'File').at(-1)).toEqual({ role: 'close' })
  })

  it('links the documentation only where it is shipped', () => {
    const openDocs = vi.fn()
    const help = submenu(build({ openDocs }).template, 'help')
    const docs = help.find((i) => i.label === 'Documentation')
    ;(docs?.click as (() => void) | undefined)?.()
    expect(openDocs).toHaveBeenCalledTimes(1)
    expect(submenu(build().template, 'help').map((i) => i.label)).toEqual(['Keyboard Shortcuts'])
  })
})
