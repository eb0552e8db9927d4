import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DesktopBridge, JobProgress } from '@shared/api/contract'
import { MENU_COMMAND_CHANNEL } from '@shared/api/shortcuts'
import { IPC_PROGRESS_CHANNEL, PLANNER_METHOD_NAMES, ipcChannel } from '@shared/api/schemas'

type IpcListener = (event: unknown, ...args: unknown[]) => void

const electron = vi.hoisted(() => ({
  contextBridge: {
    exposeInMainWorld: vi.fn<(key: string, api: unknown) => void>()
  },
  ipcRenderer: {
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    on: vi.fn<(channel: string, listener: IpcListener) => void>(),
    removeListener: vi.fn<(channel: string, listener: IpcListener) => void>()
  }
}))

vi.mock('electron', () => ({
  contextBridge: electron.contextBridge,
  ipcRenderer: electron.ipcRenderer
}))

/** Import the preload afresh (it exposes the API at import) and return what it exposed. */
async function loadPreload(): Promise<DesktopBridge> {
  vi.resetModules()
  await import('../../../src-main/electron/preload')
  const call = electron.contextBridge.exposeInMainWorld.mock.calls.at(-1)
  if (!call) throw new Error('the preload exposed nothing')
  return call[1] as DesktopBridge
}

beforeEach(() => {
  vi.clearAllMocks()
})

describe('preload', () => {
  it("calls contextBridge.exposeInMainWorld('pamtPlanner', api) exactly once on import", async () => {
    const api = await loadPreload()
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledWith('pamtPlanner', api)
    expect(api).toBeTypeOf('object')
  })

  it('does not touch ipcRenderer at import', async () => {
    await loadPreload()
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled()
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled()
  })

  it("exposes exactly the contract's methods plus onProgress and onMenuCommand, all functions", async () => {
    const api = await loadPreload()
    expect(Object.keys(api).sort()).toEqual(
      [...PLANNER_METHOD_NAMES, 'onProgress', 'onMenuCommand'].sort()
    )
    for (const value of Object.values(api)) expect(value).toBeTypeOf('function')
  })

  it.each(PLANNER_METHOD_NAMES)(
    '%s calls ipcRenderer.invoke with planner:<method> and the request',
    async (method) => {
      const api = await loadPreload()
      const reply = { ok: true, value: { method } }
      electron.ipcRenderer.invoke.mockResolvedValueOnce(reply)
      const req = { jobId: 'job-1', marker: method }
      const call = api[method] as (req: unknown) => Promise<unknown>

      await expect(call(req)).resolves.toBe(reply)

      expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1)
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(`planner:${method}`, req)
      // The same channel name the main process registers.
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannel(method), req)
    }
  )

  it('passes a rejection from ipcRenderer.invoke through', async () => {
    const api = await loadPreload()
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('no handler'))
    await expect(api.getAppInfo({})).rejects.toThrow('no handler')
  })

  it("onProgress subscribes to 'planner:progress' and forwards only the progress", async () => {
    const api = await loadPreload()
    const listener = vi.fn<(p: JobProgress) => void>()
    api.onProgress(listener)

    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1)
    const [channel, handler] = electron.ipcRenderer.on.mock.calls[0] ?? []
    expect(channel).toBe('planner:progress')
    expect(channel).toBe(IPC_PROGRESS_CHANNEL)

    const p: JobProgress = { jobId: 'job-1', phase: 'analysing', fraction: 0.75 }
    // The IpcRendererEvent (which carries `sender`) must never reach the page.
    handler?.({ sender: 'ipcRenderer' }, p)
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith(p)
    expect(listener.mock.calls[0]).toHaveLength(1)
  })

  it('forwards the step and drops progress that is not well-formed (api/progress.ts)', async () => {
    const api = await loadPreload()
    const listener = vi.fn<(p: JobProgress) => void>()
    api.onProgress(listener)
    const [, handler] = electron.ipcRenderer.on.mock.calls[0] ?? []
    const p: JobProgress = {
      jobId: 'job-1',
      phase: 'analysing',
      fraction: 0.5,
      step: 'simulating v6 (2/5)'
    }
    handler?.({}, p)
    handler?.({}, { jobId: 'job-1', phase: 'replaying', fraction: 0.5 })
    handler?.({}, { jobId: 'job-1', phase: 'analysing', fraction: '50%' })
    handler?.({}, null)
    expect(listener.mock.calls).toEqual([[p]])
  })

  it('the function returned by onProgress removes the same handler from the same channel', async () => {
    const api = await loadPreload()
    const unsubscribe = api.onProgress(vi.fn())
    const [, handler] = electron.ipcRenderer.on.mock.calls[0] ?? []

    expect(electron.ipcRenderer.removeListener).not.toHaveBeenCalled()
    unsubscribe()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledTimes(1)
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('planner:progress', handler)
  })

  it('each subscription gets its own handler, so unsubscribing one leaves the other', async () => {
    const api = await loadPreload()
    const first = vi.fn()
    const second = vi.fn()
    const unsubscribeFirst = api.onProgress(first)
    api.onProgress(second)

    const [[, handlerFirst], [, handlerSecond]] = electron.ipcRenderer.on.mock.calls as [
      [string, IpcListener],
      [string, IpcListener]
    ]
    expect(handlerFirst).not.toBe(handlerSecond)

    unsubscribeFirst()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledTimes(1)
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(
      'planner:progress',
      handlerFirst
    )
    handlerSecond({}, { jobId: 'job-2', phase: 'done', fraction: 1 })
    expect(second).toHaveBeenCalledTimes(1)
    expect(first).not.toHaveBeenCalled()
  })

  it('onMenuCommand passes on only known commands, never the IPC event', async () => {
    const api = await loadPreload()
    const listener = vi.fn()
    const unsubscribe = api.onMenuCommand(listener)
    const [channel, handler] = electron.ipcRenderer.on.mock.calls[0] ?? []
    expect(channel).toBe(MENU_COMMAND_CHANNEL)
    handler?.({ sender: 'ipcRenderer' }, 'save')
    for (const bad of ['rm -rf', 42, null, { command: 'save' }, 'toString'])
      handler?.({ sender: 'ipcRenderer' }, bad)
    expect(listener.mock.calls).toEqual([['save']])
    unsubscribe()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(MENU_COMMAND_CHANNEL, handler)
  })
})
