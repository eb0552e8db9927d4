import { mkdtempSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEFAULT_SERVER_LIMITS,
  startBrowserServer,
  type RunningBrowserServer
} from '../../../src-main/server/browserServer'
import { createServices } from '../../../src-main/services/createServices'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
import { RESOURCES_DIR } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'
import { worstCaseFleetRows, worstCaseFleetState } from '../../support/fleetFixture'
import { FleetSummaryAccumulator } from '@shared/fleet/fleetSummary'
import { saveFleet } from '@shared/fleet/fleetSaved'

const TOKEN = 'test-token-workspace-0123'
/** Small limits so an over-limit body is kilobytes (the checks are the same code). */
const STATE_BODY_BYTES = 8 * 1024
const WORKSPACE_BODY_BYTES = 64 * 1024

const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')

let server: RunningBrowserServer
let base = ''

beforeAll(async () => {
  const services = createServices({
    mode: 'browser',
    launcher: new InlineLauncher(),
    resourcesDir: RESOURCES_DIR,
    dataDir: await mkdtemp(join(tmpdir(), 'pamt-data-'))
  })
  server = await startBrowserServer({
    service: services.planner,
    progress: services.progress,
    rendererDir,
    token: TOKEN,
    port: 0,
    limits: {
      apiBodyBytes: 4 * 1024,
      hostUploadBodyBytes: 64 * 1024,
      workspaceStateBodyBytes: STATE_BODY_BYTES,
      workspaceUploadBodyBytes: WORKSPACE_BODY_BYTES
    }
  })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(() => server.close())

async function post(
  method: string,
  body: unknown,
  headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }
): Promise<{
  status: number
  json: { ok: boolean; value?: unknown; error?: { code: string; message: string } }
}> {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body)
  })
  return { status: res.status, json: (await res.json()) as never }
}

const emptyState = (hostId: string, notes = ''): Record<string, unknown> => ({
  name: 'ws',
  hosts: [{ hostId, model: { pamtMode: 'static' } }],
  activeHost: 0,
  workload: { presetId: '', scenario: null },
  contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
  pinned: [],
  notes
})

describe('browser-mode server: workspace routes', () => {
  it('default limits: 4 MiB for the state, the workspace limit doubled plus 1 MiB for an upload', () => {
    expect(DEFAULT_SERVER_LIMITS.workspaceStateBodyBytes).toBe(4 * 2 ** 20)
    // MAX_WORKSPACE_FILE_BYTES is 128 MiB: 2 × 128 + 1 = 257 MiB = 269484032 bytes.
    expect(DEFAULT_SERVER_LIMITS.workspaceUploadBodyBytes).toBe(269_484_032)
  })

  it('refuses every workspace route without the token, and a foreign Origin', async () => {
    for (const method of ['getWorkspaceSession', 'autosaveWorkspace', 'openWorkspaceText']) {
      expect((await post(method, {}, {})).status).toBe(401)
    }
    const foreign = await post('autosaveWorkspace', emptyState('h1'), {
      Authorization: `Bearer ${TOKEN}`,
      Origin: 'http://evil.example'
    })
    expect(foreign.status).toBe(403)
  })

  it('validates the state against the schema', async () => {
    const r = await post('autosaveWorkspace', { state: { ...emptyState('h1'), pinned: 'x' } })
    expect(r.json).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(r.json.error?.message).toContain('"state.pinned"')
  })

  it('saves, autosaves and reopens through HTTP; a state over its limit gets 413', async () => {
    const host = await post('analyzeHostText', {
      jobId: 'a',
      fileName: 'p520.txt',
      text: readHostFixture('workstation-lenovo-p520-xeonw-64g.txt')
    })
    const hostId = (host.json.value as { hostId: string }).hostId
    // 16 KiB of notes: over the 8 KiB state limit of this server.
    const big = await post('autosaveWorkspace', {
      state: emptyState(hostId, 'n'.repeat(16 * 1024))
    })
    expect(big.status).toBe(413)
    expect(big.json.error?.code).toBe('FILE_TOO_LARGE')

    expect((await post('autosaveWorkspace', { state: emptyState(hostId) })).json.ok).toBe(true)
    const session = await post('getWorkspaceSession', {})
    expect(session.json.value).toMatchObject({ autosave: { name: 'ws' }, recent: [] })
    // 6000 characters of notes: the state fits its 8 KiB, the file is over the 4 KiB API limit.
    const saved = await post('saveWorkspace', { state: emptyState(hostId, 'n'.repeat(6000)) })
    const text = (saved.json.value as { text: string }).text
    const opened = await post('openWorkspaceText', { jobId: 'o', fileName: 'ws.pamtplan', text })
    // p520: 262664 KB static PAMT with the default (static) mode; saved with pamtMode static.
    expect(opened.json.value).toMatchObject({
      hosts: [{ analysis: { staticPamt: { kb: 262_664 }, options: { pamtMode: 'static' } } }]
    })
    // A workspace upload may exceed the 4 KiB API limit up to its own.
    expect(JSON.stringify({ text }).length).toBeGreaterThan(4 * 1024)
    const huge = await post('openWorkspaceText', {
      jobId: 'o',
      fileName: 'big.pamtplan',
      text: 'x'.repeat(WORKSPACE_BODY_BYTES)
    })
    expect(huge.status).toBe(413)
    expect(huge.json.error?.message).toContain('workspace is larger than')
  })

  it('a worst-case fleet run saves through the default 4 MiB state limit, and opens with it', async () => {
    const services = createServices({
      mode: 'browser',
      launcher: new InlineLauncher(),
      resourcesDir: RESOURCES_DIR,
      dataDir: await mkdtemp(join(tmpdir(), 'pamt-data-'))
    })
    const real = await startBrowserServer({
      service: services.planner,
      progress: services.progress,
      rendererDir,
      token: TOKEN,
      port: 0
    })
    try {
      const at = `http://127.0.0.1:${real.port}`
      const call = async (method: string, body: unknown): Promise<Response> =>
        fetch(`${at}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(body)
        })
      const host = (await (
        await call('analyzeHostText', {
          jobId: 'a',
          fileName: 'p520.txt',
          text: readHostFixture('workstation-lenovo-p520-xeonw-64g.txt')
        })
      ).json()) as { value: { hostId: string } }
      const rows = worstCaseFleetRows()
      const acc = new FleetSummaryAccumulator(null)
      for (const r of rows) acc.add(r)
      const fleet = saveFleet({
        presetId: null,
        summary: acc.result(),
        rows,
        rowsTotal: rows.length
      })
      const state = worstCaseFleetState(fleet, [{ hostId: host.value.hostId, model: {} }])
      const body = Buffer.byteLength(JSON.stringify({ state }), 'utf8')
      // The body as sent, measured here: under the limit with room to spare.
      expect(body).toBeLessThan(DEFAULT_SERVER_LIMITS.workspaceStateBodyBytes)
      const saved = await call('saveWorkspace', { state })
      expect(saved.status).toBe(200)
      const text = ((await saved.json()) as { value: { text: string } }).value.text
      const opened = (await (
        await call('openWorkspaceText', { jobId: 'o', fileName: 'ws.pamtplan', text })
      ).json()) as {
        ok: boolean
        value: { state: { fleet: { rows: unknown[]; rowsTotal: number } } }
      }
      expect(opened.ok).toBe(true)
      expect(opened.value.state.fleet.rows).toHaveLength(fleet.rows.length)
      expect(opened.value.state.fleet.rowsTotal).toBe(rows.length)
    } finally {
      await real.close()
    }
  })
})
