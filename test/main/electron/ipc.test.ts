import type { WebContents } from 'electron'
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import type { JobProgress, PlannerMethodName, PlannerMethods } from '@shared/api/contract'
import { ok, type ApiResult } from '@shared/api/errors'
import {
  IPC_PROGRESS_CHANNEL,
  PLANNER_METHOD_NAMES,
  ipcChannel,
  requestSchemas
} from '@shared/api/schemas'
import { ProgressHub } from '../../../src-main/services/progressHub'

type IpcHandler = (event: unknown, body?: unknown) => Promise<ApiResult<unknown>>

const electron = vi.hoisted(() => {
  const handlers = new Map<string, IpcHandler>()
  return {
    handlers,
    ipcMain: {
      handle: vi.fn((channel: string, handler: IpcHandler): void => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
        handlers.set(channel, handler)
      })
    }
  }
})

vi.mock('electron', () => ({
  ipcMain: electron.ipcMain,
  // security.ts (imported by ipc.ts) imports these; registerIpc never touches them.
  app: { on: vi.fn(), whenReady: vi.fn(() => new Promise(() => undefined)) },
  session: {}
}))

import { createUrlAllowList } from '../../../src-main/electron/allowedUrl'
import { registerIpc } from '../../../src-main/electron/ipc'

const APP_URL = 'app://bundle/index.html'
/** The app's real allow-list for a built app (as main.ts makes it), spied on. */
const isAllowedUrl = vi.fn(createUrlAllowList(null, APP_URL))

type FakeService = { [K in PlannerMethodName]: Mock<PlannerMethods[K]> }

function fakeService(): FakeService {
  const unexpected = (): never => {
    throw new Error('the fake service was given no result for this call')
  }
  return {
    getAppInfo: vi.fn<PlannerMethods['getAppInfo']>(async () =>
      ok({
        name: 'PAMT Planner',
        version: '0.1.0',
        mode: 'desktop' as const,
        hasFileDialog: true,
        maxHostFileBytes: 1024
      })
    ),
    listExampleHosts: vi.fn<PlannerMethods['listExampleHosts']>(async () =>
      ok([{ id: 'small-host', title: 'Small host', description: 'one socket' }])
    ),
    analyzeExampleHost: vi.fn<PlannerMethods['analyzeExampleHost']>(unexpected),
    analyzeHostText: vi.fn<PlannerMethods['analyzeHostText']>(unexpected),
    openHostFile: vi.fn<PlannerMethods['openHostFile']>(async () => ok(null)),
    cancelJob: vi.fn<PlannerMethods['cancelJob']>(async () => ok({ cancelled: true })),
    reanalyzeHost: vi.fn<PlannerMethods['reanalyzeHost']>(unexpected),
    listScenarioPresets: vi.fn<PlannerMethods['listScenarioPresets']>(async () => ok([])),
    simulate: vi.fn<PlannerMethods['simulate']>(unexpected),
    replayTraceText: vi.fn<PlannerMethods['replayTraceText']>(unexpected),
    openTraceFile: vi.fn<PlannerMethods['openTraceFile']>(async () => ok(null)),
    listContentionPresets: vi.fn<PlannerMethods['listContentionPresets']>(async () => ok([])),
    runContention: vi.fn<PlannerMethods['runContention']>(unexpected),
    fitCalibration: vi.fn<PlannerMethods['fitCalibration']>(unexpected),
    exportHostJson: vi.fn<PlannerMethods['exportHostJson']>(async () =>
      ok({ fileName: 'h.host.json', text: '{}' })
    ),
    getWorkspaceSession: vi.fn<PlannerMethods['getWorkspaceSession']>(async () =>
      ok({ dataDir: '/data', autosave: null, recent: [] })
    ),
    saveWorkspace: vi.fn<PlannerMethods['saveWorkspace']>(async () => ok(null)),
    autosaveWorkspace: vi.fn<PlannerMethods['autosaveWorkspace']>(async () =>
      ok({ savedAt: '2026-01-01T00:00:00.000Z' })
    ),
    openWorkspaceText: vi.fn<PlannerMethods['openWorkspaceText']>(unexpected),
    openWorkspaceFile: vi.fn<PlannerMethods['openWorkspaceFile']>(async () => ok(null)),
    restoreAutosave: vi.fn<PlannerMethods['restoreAutosave']>(unexpected),
    dismissAutosave: vi.fn<PlannerMethods['dismissAutosave']>(async () => ok({ dismissed: false })),
    openFile: vi.fn<PlannerMethods['openFile']>(async () => ok(null)),
    analyzeFleetTexts: vi.fn<PlannerMethods['analyzeFleetTexts']>(unexpected),
    openFleetFolder: vi.fn<PlannerMethods['openFleetFolder']>(async () => ok(null)),
    openFleetHost: vi.fn<PlannerMethods['openFleetHost']>(unexpected),
    exportReport: vi.fn<PlannerMethods['exportReport']>(async () => ok(null))
  }
}

/** A workspace state as the renderer sends it: one host, nothing else. */
const workspaceState = {
  name: 'ws',
  hosts: [{ hostId: 'h1', model: {} }],
  activeHost: 0,
  workload: { presetId: '', scenario: null },
  contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
  pinned: [],
  notes: ''
}

/** One valid request per method, as the renderer would send it. */
const validBodies: Record<PlannerMethodName, unknown> = {
  getAppInfo: {},
  listExampleHosts: {},
  analyzeExampleHost: { jobId: 'job-1', exampleId: 'small-host' },
  analyzeHostText: { jobId: 'job_2', fileName: 'dmesg.txt', text: 'BIOS-e820: ...' },
  openHostFile: { jobId: 'job-3' },
  cancelJob: { jobId: 'job-4' },
  reanalyzeHost: {
    jobId: 'job-5',
    hostId: 'h1',
    model: { holeSource: 'cmr', params: { maxTdmrs: 32 } }
  },
  exportHostJson: { hostId: 'h2' },
  listScenarioPresets: { hostId: 'h3' },
  simulate: {
    jobId: 'job-6',
    hostId: 'h3',
    scenario: { name: 's', tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }] }
  },
  replayTraceText: {
    jobId: 'job-7',
    hostId: 'h3',
    fileName: 't.csv',
    text: 't_ns,ev,pfn,level,n,cpu,td',
    refcounts: 'dense'
  },
  openTraceFile: { jobId: 'job-8', hostId: 'h3', refcounts: 'sparse' },
  listContentionPresets: {},
  runContention: {
    jobId: 'job-9',
    hostId: 'h3',
    scenario: { name: 's', tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }] },
    settings: { designs: ['v6', 'hashed:16'] }
  },
  getWorkspaceSession: {},
  saveWorkspace: { state: workspaceState, saveAs: true },
  autosaveWorkspace: { state: workspaceState },
  openWorkspaceText: { jobId: 'job-10', fileName: 'a.pamtplan', text: '{}' },
  openWorkspaceFile: { jobId: 'job-11' },
  restoreAutosave: { jobId: 'job-12' },
  dismissAutosave: {},
  openFile: { jobId: 'job-13' },
  fitCalibration: { jobId: 'job-10', hostId: 'h3', fit: { seeds: 1, points: 3 } },
  exportReport: { jobId: 'job-17', state: workspaceState, scope: 'host', format: 'html' },
  analyzeFleetTexts: {
    jobId: 'job-14',
    files: [{ fileName: 'rack1/a.log', text: 'BIOS-e820: ...' }],
    presetId: 'one-16g-td'
  },
  openFleetFolder: { jobId: 'job-15' },
  openFleetHost: { jobId: 'job-16', path: '/fleet/a.log' }
}

/** One invalid request per method: unknown keys, wrong types, malformed ids. */
const invalidBodies: Record<PlannerMethodName, unknown> = {
  getAppInfo: { extra: true },
  listExampleHosts: 'not an object',
  analyzeExampleHost: { jobId: 'job-1', exampleId: '../../etc/passwd' },
  analyzeHostText: { jobId: 'job-2', fileName: '', text: 'x' },
  openHostFile: { jobId: 'has spaces!' },
  cancelJob: { jobId: 42 },
  reanalyzeHost: { jobId: 'job-5', hostId: 'h1', model: { params: { maxTdmrs: 0 } } },
  exportHostJson: { hostId: '/etc/passwd' },
  listScenarioPresets: { hostId: 3 },
  simulate: { jobId: 'job-6', hostId: 'h3', scenario: { name: 's', tdClasses: [] } },
  replayTraceText: {
    jobId: 'job-7',
    hostId: 'h3',
    fileName: 't.csv',
    text: 'x',
    refcounts: 'compressed'
  },
  openTraceFile: { jobId: 'job-8', hostId: 'h3' },
  listContentionPresets: { x: 1 },
  runContention: {
    jobId: 'job-9',
    hostId: 'h3',
    scenario: { name: 's', tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }] },
    settings: { designs: ['hashed:0'] }
  },
  getWorkspaceSession: { x: 1 },
  saveWorkspace: { state: { ...workspaceState, hosts: [{ hostId: '../h1', model: {} }] } },
  autosaveWorkspace: { state: { ...workspaceState, notes: 42 } },
  openWorkspaceText: { jobId: 'job-10', fileName: '', text: '{}' },
  openWorkspaceFile: { jobId: 'job-11', path: '' },
  restoreAutosave: {},
  dismissAutosave: { all: true },
  openFile: { jobId: 'job 13' },
  fitCalibration: { jobId: 'job-10', hostId: 'h3', fit: { seeds: 0 } },
  exportReport: { jobId: 'job-17', state: workspaceState, scope: 'everything', format: 'html' },
  analyzeFleetTexts: {
    jobId: 'job-14',
    files: [{ fileName: 'a.log', text: 'x' }],
    presetId: 'one-16g-td',
    scenario: { name: 's', tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }] }
  },
  openFleetFolder: { jobId: 'job-15', presetId: '../x' },
  openFleetHost: { jobId: 'job-16', path: '' }
}

const trustedEvent = { senderFrame: { url: APP_URL } }

function handlerFor(method: PlannerMethodName): IpcHandler {
  const handler = electron.handlers.get(ipcChannel(method))
  if (!handler) throw new Error(`no handler registered for ${method}`)
  return handler
}

function expectServiceUntouched(service: FakeService): void {
  for (const method of PLANNER_METHOD_NAMES) expect(service[method]).not.toHaveBeenCalled()
}

interface FakeTarget {
  isDestroyed: Mock<() => boolean>
  send: Mock<(channel: string, ...args: unknown[]) => void>
}

function fakeTarget(destroyed = false): FakeTarget {
  return { isDestroyed: vi.fn(() => destroyed), send: vi.fn() }
}

function asWebContents(t: FakeTarget | null): WebContents | null {
  return t as unknown as WebContents | null
}

let service: FakeService
let hub: ProgressHub

beforeEach(() => {
  vi.clearAllMocks()
  electron.handlers.clear()
  service = fakeService()
  hub = new ProgressHub()
})

describe('registerIpc: handlers', () => {
  it('registers exactly one ipcMain.handle per contract method on planner:<method>', () => {
    registerIpc(service, hub, isAllowedUrl, () => null)
    expect(electron.ipcMain.handle).toHaveBeenCalledTimes(PLANNER_METHOD_NAMES.length)
    const channels = electron.ipcMain.handle.mock.calls.map(([channel]) => channel)
    expect(new Set(channels).size).toBe(channels.length)
    expect([...channels].sort()).toEqual(PLANNER_METHOD_NAMES.map((m) => `planner:${m}`).sort())
    for (const [, handler] of electron.ipcMain.handle.mock.calls)
      expect(handler).toBeTypeOf('function')
  })

  describe.each(PLANNER_METHOD_NAMES)('%s', (method) => {
    it('returns UNAUTHORIZED for an untrusted sender frame and never calls the service', async () => {
      registerIpc(service, hub, isAllowedUrl, () => null)
      const result = await handlerFor(method)(
        { senderFrame: { url: 'https://evil.example/' } },
        validBodies[method]
      )
      expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
      expect(isAllowedUrl).toHaveBeenCalledWith('https://evil.example/')
      expectServiceUntouched(service)
    })

    it('returns UNAUTHORIZED when the sender frame is gone (null) and never calls the service', async () => {
      registerIpc(service, hub, isAllowedUrl, () => null)
      const result = await handlerFor(method)({ senderFrame: null }, validBodies[method])
      expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
      expectServiceUntouched(service)
    })

    it('returns INVALID_REQUEST for an invalid body and never calls the service', async () => {
      registerIpc(service, hub, isAllowedUrl, () => null)
      const result = await handlerFor(method)(trustedEvent, invalidBodies[method])
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
      if (!result.ok) expect(result.error.message).toContain(method)
      expectServiceUntouched(service)
    })

    it('passes a valid body to the service method and returns its result', async () => {
      const expected = ok({ marker: method })
      const call = service[method] as Mock<(req: unknown) => Promise<ApiResult<unknown>>>
      call.mockResolvedValueOnce(expected)
      registerIpc(service, hub, isAllowedUrl, () => null)

      const result = await handlerFor(method)(trustedEvent, validBodies[method])

      expect(result).toBe(expected)
      expect(service[method]).toHaveBeenCalledTimes(1)
      // The service gets the schema's parse: the body plus any defaults (a scenario's, for one).
      expect(service[method]).toHaveBeenCalledWith(
        requestSchemas[method].parse(validBodies[method])
      )
      for (const other of PLANNER_METHOD_NAMES)
        if (other !== method) expect(service[other]).not.toHaveBeenCalled()
    })
  })

  it('checks the sender before validating the body', async () => {
    registerIpc(service, hub, isAllowedUrl, () => null)
    const result = await handlerFor('cancelJob')(
      { senderFrame: { url: 'https://evil.example/' } },
      { jobId: 42 }
    )
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('treats a missing body as an empty request', async () => {
    registerIpc(service, hub, isAllowedUrl, () => null)
    const result = await handlerFor('getAppInfo')(trustedEvent, undefined)
    expect(result.ok).toBe(true)
    expect(service.getAppInfo).toHaveBeenCalledWith({})
  })

  it('gives the service the parsed request, not the raw object', async () => {
    registerIpc(service, hub, isAllowedUrl, () => null)
    const body = { jobId: 'job-9' }
    await handlerFor('cancelJob')(trustedEvent, body)
    expect(service.cancelJob).toHaveBeenCalledWith({ jobId: 'job-9' })
    expect(service.cancelJob.mock.calls[0]?.[0]).not.toBe(body)
  })

  it('calls the service method with the service as `this`', async () => {
    const thisValues: unknown[] = []
    service.cancelJob.mockImplementation(async function (this: unknown) {
      thisValues.push(this)
      return ok({ cancelled: false })
    })
    registerIpc(service, hub, isAllowedUrl, () => null)
    await handlerFor('cancelJob')(trustedEvent, { jobId: 'job-1' })
    expect(thisValues).toEqual([service])
  })
})

describe('registerIpc: progress', () => {
  const progress: JobProgress = { jobId: 'job-1', phase: 'parsing', fraction: 0.5 }

  it("sends published progress with webContents.send('planner:progress', p)", () => {
    const target = fakeTarget()
    registerIpc(service, hub, isAllowedUrl, () => asWebContents(target))
    hub.publish(progress)
    expect(IPC_PROGRESS_CHANNEL).toBe('planner:progress')
    expect(target.send).toHaveBeenCalledTimes(1)
    expect(target.send).toHaveBeenCalledWith('planner:progress', progress)
  })

  it('does not send when the target web contents is destroyed', () => {
    const target = fakeTarget(true)
    registerIpc(service, hub, isAllowedUrl, () => asWebContents(target))
    expect(() => hub.publish(progress)).not.toThrow()
    expect(target.isDestroyed).toHaveBeenCalled()
    expect(target.send).not.toHaveBeenCalled()
  })

  it('does not send (nor throw) when there is no target', () => {
    const target = vi.fn((): WebContents | null => null)
    registerIpc(service, hub, isAllowedUrl, target)
    expect(() => hub.publish(progress)).not.toThrow()
    expect(target).toHaveBeenCalledTimes(1)
  })

  it('resolves the target on each publish, following window re-creation', () => {
    const first = fakeTarget()
    const second = fakeTarget()
    let current: FakeTarget | null = first
    registerIpc(service, hub, isAllowedUrl, () => asWebContents(current))

    hub.publish(progress)
    current = null
    hub.publish({ ...progress, fraction: 0.6 })
    current = second
    hub.publish({ ...progress, phase: 'done', fraction: 1 })

    expect(first.send).toHaveBeenCalledTimes(1)
    expect(first.send).toHaveBeenCalledWith('planner:progress', progress)
    expect(second.send).toHaveBeenCalledTimes(1)
    expect(second.send).toHaveBeenCalledWith('planner:progress', {
      jobId: 'job-1',
      phase: 'done',
      fraction: 1
    })
  })
})
