import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HostResult } from '@shared/api/contract'
import type { WorkspaceStateInput } from '@shared/workspace/workspaceSchema'
import { createServices, type Services } from '../../../src-main/services/createServices'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
import {
  embedText,
  extractText,
  parseWorkspaceText,
  sha256Hex
} from '../../../src-main/services/workspaceCodec'
import {
  AUTOSAVE_FILE,
  DISMISSED_FILE,
  defaultDataDir
} from '../../../src-main/services/workspaceService'
import { RESOURCES_DIR } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'
import { savedFleetFixture } from '../../support/fleetFixture'

let root = ''
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pamt-ws-'))
})
afterAll(() => rm(root, { recursive: true, force: true }))

async function services(
  mode: 'browser' | 'desktop',
  dialogs: { open?: string | null; save?: string | null } = {}
): Promise<Services> {
  const dataDir = await mkdtemp(join(root, 'data-'))
  return createServices({
    mode,
    launcher: new InlineLauncher(),
    resourcesDir: RESOURCES_DIR,
    dataDir,
    ...(mode === 'desktop'
      ? {
          showOpenDialog: async () => dialogs.open ?? null,
          showSaveDialog: async () => dialogs.save ?? null
        }
      : {})
  })
}

function stateFor(host: HostResult, extra: Partial<WorkspaceStateInput> = {}): WorkspaceStateInput {
  return {
    name: 'SPR lab',
    hosts: [{ hostId: host.hostId, model: { holeSource: 'cmr', params: { maxTdmrs: 32 } } }],
    activeHost: 0,
    workload: { presetId: '', scenario: null },
    contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
    pinned: [],
    notes: 'rack 4',
    ...extra
  }
}

async function importSpr(
  s: Services,
  text = readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
): Promise<HostResult> {
  const r = await s.planner.analyzeHostText({ jobId: 'j', fileName: 'spr.txt', text })
  if (!r.ok) throw new Error(r.error.message)
  return r.value
}

describe('embedding host texts', () => {
  it('keeps a small text plain and a large one gzip+base64, both with length and SHA-256', () => {
    // SHA-256("abc") is the FIPS 180-2 example digest.
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    )
    const plain = embedText('abc')
    expect(plain).toEqual({ encoding: 'text', data: 'abc', bytes: 3, sha256: sha256Hex('abc') })
    // 'é' is 2 bytes in UTF-8: "é".repeat(10) is 20 bytes, over a threshold of 16.
    const packed = embedText('é'.repeat(10), 16)
    expect(packed.encoding).toBe('gzip-base64')
    expect(packed.bytes).toBe(20)
    expect(extractText(packed)).toEqual({ ok: true, text: 'é'.repeat(10) })
  })

  it('refuses a text whose SHA-256, length or gzip data does not match', () => {
    const e = embedText('hello')
    expect(extractText({ ...e, data: 'hellO' })).toMatchObject({
      ok: false,
      why: expect.stringContaining('SHA-256')
    })
    expect(extractText({ ...e, bytes: 6 })).toMatchObject({
      ok: false,
      why: expect.stringContaining('6 bytes')
    })
    const bad = { ...embedText('x'.repeat(100), 10), data: 'bm90IGd6aXA=' }
    expect(extractText(bad)).toMatchObject({ ok: false, why: expect.stringContaining('gzip') })
    // Valid gzip whose text the file says is 5 bytes but inflates to 100.
    const lie = {
      encoding: 'gzip-base64' as const,
      data: gzipSync('y'.repeat(100)).toString('base64'),
      bytes: 5,
      sha256: e.sha256
    }
    expect(extractText(lie)).toMatchObject({ ok: false })
  })
})

describe('reading a workspace file', () => {
  it('names the line where a truncated file stops being JSON', () => {
    // Line 1 "{", line 2 '"format": …,', line 3 '"name": "x' cut off: the error is on line 3.
    const r = parseWorkspaceText(
      '{\n"format": "pamt-planner-workspace",\n"name": "x',
      'cut.pamtplan'
    )
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_LINE', fileName: 'cut.pamtplan', line: 3 }
    })
    expect(!r.ok && r.error.message).toContain('truncated')
  })

  it('refuses a newer version in one line naming the file', () => {
    const r = parseWorkspaceText('{"format":"pamt-planner-workspace","version":4}', 'new.pamtplan')
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        fileName: 'new.pamtplan',
        message:
          'this workspace was written by a newer PAMT Planner (version 4); this one reads up to 3'
      }
    })
  })

  it('names the JSON path and its line of a schema error', () => {
    const text = '{\n  "format": "pamt-planner-workspace",\n  "version": 3,\n  "name": 5\n}'
    const r = parseWorkspaceText(text, 'bad.pamtplan')
    expect(r).toMatchObject({ ok: false, error: { fileName: 'bad.pamtplan', line: 4 } })
    expect(!r.ok && r.error.message).toContain('"name"')
  })
})

describe('workspace service', () => {
  it('uses $PAMT_PLANNER_DATA_DIR, else $XDG_DATA_HOME/pamt-planner, else ~/.local/share', () => {
    expect(defaultDataDir({ PAMT_PLANNER_DATA_DIR: '/d' }, '/home/u')).toBe('/d')
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/x/pamt-planner')
    expect(defaultDataDir({ XDG_DATA_HOME: 'rel' }, '/home/u')).toBe(
      '/home/u/.local/share/pamt-planner'
    )
    expect(defaultDataDir({}, '/home/u')).toBe('/home/u/.local/share/pamt-planner')
  })

  it('saves a host with its options and notes, and opens it again with the same numbers', async () => {
    const s = await services('browser')
    const host = await importSpr(s)
    const saved = await s.planner.saveWorkspace({ state: stateFor(host) })
    if (!saved.ok || !saved.value?.text) throw new Error('no text')
    expect(saved.value.fileName).toBe('SPR-lab.pamtplan')
    const fresh = await services('browser')
    const opened = await fresh.planner.openWorkspaceText({
      jobId: 'o',
      fileName: 'SPR-lab.pamtplan',
      text: saved.value.text
    })
    if (!opened.ok) throw new Error(opened.error.message)
    const ws = opened.value
    expect(ws.hosts).toHaveLength(1)
    // The kernel printed 1050636 KB for this host; the options (cmr holes, max_tdmrs 32) keep it.
    expect(ws.hosts[0]!.analysis.staticPamt.kb).toBe(1_050_636)
    expect(ws.hosts[0]!.analysis.options.holeSource).toBe('cmr')
    expect(ws.hosts[0]!.analysis.params.maxTdmrs).toBe(32)
    expect(ws.state).toMatchObject({
      name: 'SPR lab',
      activeHost: 0,
      notes: 'rack 4',
      hosts: [{ hostId: ws.hosts[0]!.hostId, model: { holeSource: 'cmr' } }]
    })
  })

  it('saves the hosts pins refer to beside the active one, and opens them with the pins', async () => {
    const s = await services('browser')
    const spr = await importSpr(s)
    const q35 = await s.planner.analyzeHostText({
      jobId: 'j',
      fileName: 'q35.txt',
      text: readHostFixture('qemu-q35-guest-20g-on-emr.txt')
    })
    if (!q35.ok) throw new Error(q35.error.message)
    const pin = {
      kind: 'host-analysis' as const,
      id: 'p1',
      label: 'SPR, kernel log',
      pinnedAt: '2026-11-29T17:00:00.000Z',
      hostId: 'w2',
      model: {},
      summary: { 'staticPamt.kb': 1_050_636 }
    }
    const saved = await s.planner.saveWorkspace({
      state: stateFor(q35.value, {
        hosts: [
          { hostId: q35.value.hostId, model: {} },
          { hostId: spr.hostId, model: {} }
        ],
        pinned: [pin]
      })
    })
    if (!saved.ok || !saved.value?.text) throw new Error('no text')
    const doc = JSON.parse(saved.value.text) as {
      hosts: Array<{ id: string; source: { fileName: string } }>
      activeHostId: string
    }
    expect(doc.hosts.map((h) => [h.id, h.source.fileName])).toEqual([
      ['w1', 'q35.txt'],
      ['w2', 'spr.txt']
    ])
    expect(doc.activeHostId).toBe('w1')
    const fresh = await services('browser')
    const opened = await fresh.planner.openWorkspaceText({
      jobId: 'o',
      fileName: 'two.pamtplan',
      text: saved.value.text
    })
    if (!opened.ok) throw new Error(opened.error.message)
    // Both hosts analysed again: q35 4104·20 + 8 = 82,088 KB; SPR the kernel's 1,050,636 KB.
    expect(opened.value.hosts.map((h) => h.analysis.staticPamt.kb)).toEqual([82_088, 1_050_636])
    expect(opened.value.state.pinned).toEqual([pin])
    expect(opened.value.state.hosts[1]!.hostId).toBe(opened.value.hosts[1]!.hostId)
  })

  it('embeds a host text over 256 KiB as gzip and restores it byte for byte', async () => {
    const s = await services('browser')
    // 300 KiB of kernel lines the importer skips, after a real log: 24 B × 12800 = 307200 B.
    const text =
      readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt') +
      'random: crng init done\n'.padStart(24, ' ').repeat(12_800)
    const host = await importSpr(s, text)
    const saved = await s.planner.saveWorkspace({ state: stateFor(host) })
    if (!saved.ok || !saved.value?.text) throw new Error('no text')
    const doc = JSON.parse(saved.value.text) as {
      hosts: Array<{ input: { encoding: string; sha256: string } }>
    }
    expect(doc.hosts[0]!.input.encoding).toBe('gzip-base64')
    expect(doc.hosts[0]!.input.sha256).toBe(sha256Hex(text))
    const opened = await s.planner.openWorkspaceText({
      jobId: 'o',
      fileName: 'w.pamtplan',
      text: saved.value.text
    })
    expect(opened.ok && opened.value.hosts[0]!.analysis.staticPamt.kb).toBe(1_050_636)
  })

  it('saves a fleet run with the workspace and opens it again as saved, also from the autosave', async () => {
    const s = await services('browser')
    const host = await importSpr(s)
    const fleet = savedFleetFixture()
    const saved = await s.planner.saveWorkspace({ state: stateFor(host, { fleet }) })
    if (!saved.ok || !saved.value?.text) throw new Error('no text')
    const doc = JSON.parse(saved.value.text) as { version: number; fleet: unknown }
    expect(doc.version).toBe(3)
    expect(doc.fleet).toEqual(fleet)
    const fresh = await services('browser')
    const opened = await fresh.planner.openWorkspaceText({
      jobId: 'o',
      fileName: 'SPR-lab.pamtplan',
      text: saved.value.text
    })
    if (!opened.ok) throw new Error(opened.error.message)
    expect(opened.value.state.fleet).toEqual(fleet)
    // The fixture: 4 files, 3 read, 2 can enable TDX, 1 not read (FLEET_ROWS).
    expect(opened.value.state.fleet?.summary).toMatchObject({
      files: 4,
      hostsRead: 3,
      tdxCapable: 2,
      unreadable: 1
    })
    await s.planner.autosaveWorkspace({ state: stateFor(host, { fleet }) })
    const restored = await s.planner.restoreAutosave({ jobId: 'r' })
    expect(restored.ok && restored.value.state.fleet).toEqual(fleet)
  })

  it('opens a version 2 file (no fleet) as version 3 with fleet null', async () => {
    const s = await services('browser')
    const host = await importSpr(s)
    const saved = await s.planner.saveWorkspace({ state: stateFor(host) })
    if (!saved.ok || !saved.value?.text) throw new Error('no text')
    const v2 = JSON.parse(saved.value.text) as Record<string, unknown>
    v2['version'] = 2
    delete v2['fleet']
    const r = await s.planner.openWorkspaceText({
      jobId: 'v2',
      fileName: 'v2.pamtplan',
      text: JSON.stringify(v2)
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.fromVersion).toBe(2)
    expect(r.value.migrations).toHaveLength(1)
    expect(r.value.state.fleet).toBeNull()
    expect(r.value.hosts[0]!.analysis.staticPamt.kb).toBe(1_050_636)
  })

  it('offers the autosave until an explicit save or a dismissal', async () => {
    const s = await services('browser')
    const host = await importSpr(s)
    expect((await s.planner.getWorkspaceSession()).ok).toBe(true)
    expect(await s.planner.getWorkspaceSession()).toMatchObject({ value: { autosave: null } })
    await s.planner.autosaveWorkspace({ state: stateFor(host) })
    expect(await s.planner.getWorkspaceSession()).toMatchObject({
      value: { autosave: { name: 'SPR lab' }, recent: [] }
    })
    // A new server process on the same data folder sees it too, and restores it.
    const dataDir = (await s.planner.getWorkspaceSession()).ok
      ? ((await s.planner.getWorkspaceSession()) as { value: { dataDir: string } }).value.dataDir
      : ''
    const next = createServices({
      mode: 'browser',
      launcher: new InlineLauncher(),
      resourcesDir: RESOURCES_DIR,
      dataDir
    })
    const restored = await next.planner.restoreAutosave({ jobId: 'r' })
    expect(restored.ok && restored.value.hosts[0]!.analysis.staticPamt.kb).toBe(1_050_636)
    expect(restored.ok && restored.value.fileName).toBe(AUTOSAVE_FILE)

    await s.planner.saveWorkspace({ state: stateFor(host) })
    expect(await s.planner.getWorkspaceSession()).toMatchObject({ value: { autosave: null } })
    await s.planner.autosaveWorkspace({ state: stateFor(host) })
    expect(await s.planner.dismissAutosave()).toEqual({ ok: true, value: { dismissed: true } })
    expect(await s.planner.getWorkspaceSession()).toMatchObject({ value: { autosave: null } })
    expect(await readdir(dataDir)).toContain(DISMISSED_FILE)
  })

  it('refuses a workspace whose host text was altered, keeping nothing', async () => {
    const s = await services('browser')
    const host = await importSpr(s)
    const saved = await s.planner.saveWorkspace({ state: stateFor(host) })
    if (!saved.ok || !saved.value?.text) throw new Error('no text')
    const doc = JSON.parse(saved.value.text) as { hosts: Array<{ input: { data: string } }> }
    // One character changed, the length (and so the recorded byte count) kept.
    const data = doc.hosts[0]!.input.data
    doc.hosts[0]!.input.data = (data[0] === 'x' ? 'y' : 'x') + data.slice(1)
    const altered = JSON.stringify(doc)
    const r = await s.planner.openWorkspaceText({
      jobId: 'o',
      fileName: 'x.pamtplan',
      text: altered
    })
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        fileName: 'x.pamtplan',
        message: expect.stringContaining('SHA-256')
      }
    })
  })

  it('desktop: saves through the dialog atomically, then to the same file, and lists it as recent', async () => {
    const target = join(root, 'desk.pamtplan')
    const s = await services('desktop', { save: target, open: target })
    const host = await importSpr(s)
    const first = await s.planner.saveWorkspace({ state: stateFor(host) })
    expect(first).toEqual({ ok: true, value: { fileName: 'desk.pamtplan', path: target } })
    const again = await s.planner.saveWorkspace({
      state: stateFor(host, { notes: 'v2' }),
      path: target
    })
    expect(again.ok && again.value?.path).toBe(target)
    expect(JSON.parse(await readFile(target, 'utf8'))).toMatchObject({ notes: 'v2', version: 3 })
    expect(await s.planner.getWorkspaceSession()).toMatchObject({
      value: { recent: [{ name: 'SPR lab', path: target }] }
    })
    // A path main never gave out is refused, not read.
    expect(await s.planner.openWorkspaceFile({ jobId: 'o', path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' }
    })
    const opened = await s.planner.openWorkspaceFile({ jobId: 'o', path: target })
    expect(opened.ok && opened.value?.state.notes).toBe('v2')
    // Ctrl+O's one dialog detects the workspace by content.
    const any = await s.planner.openFile({ jobId: 'a' })
    expect(any.ok && any.value?.kind).toBe('workspace')
  })

  it('desktop Ctrl+O still opens a host log, detected by content', async () => {
    const log = join(root, 'host.log')
    await writeFile(log, readHostFixture('workstation-lenovo-p520-xeonw-64g.txt'))
    const s = await services('desktop', { open: log })
    const r = await s.planner.openFile({ jobId: 'a' })
    expect(r.ok && r.value?.kind === 'host' && r.value.host.analysis.staticPamt.kb).toBe(262_664)
  })

  it('host JSON export carries the options; its re-import is analysed with them and says so', async () => {
    const s = await services('browser')
    const host = await importSpr(s)
    const model = { holeSource: 'cmr' as const, params: { maxTdmrs: 32 } }
    const exported = await s.planner.exportHostJson({ hostId: host.hostId, model })
    if (!exported.ok) throw new Error(exported.error.message)
    const back = await s.planner.analyzeHostText({
      jobId: 'b',
      fileName: exported.value.fileName,
      text: exported.value.text
    })
    if (!back.ok) throw new Error(back.error.message)
    expect(back.value.model).toEqual(model)
    expect(back.value.analysis.options.holeSource).toBe('cmr')
    expect(back.value.analysis.params.maxTdmrs).toBe(32)
    // An option in the request wins over the file's for that key; the file's others stay.
    const mixed = await s.planner.analyzeHostText({
      jobId: 'c',
      fileName: 'x.host.json',
      text: exported.value.text,
      model: { holeSource: 'e820' }
    })
    expect(mixed.ok && mixed.value.model).toEqual({ holeSource: 'e820', params: { maxTdmrs: 32 } })
  })

  it('starts afresh from a damaged session record, and refuses an invalid state in one line', async () => {
    const s = await services('browser')
    const session = await s.planner.getWorkspaceSession()
    if (!session.ok) throw new Error('no session')
    await writeFile(join(session.value.dataDir, 'session.json'), '{"seq": 3, "autosave": ')
    expect(await s.planner.getWorkspaceSession()).toMatchObject({
      ok: true,
      value: { autosave: null, recent: [] }
    })
    const host = await importSpr(s)
    expect((await s.planner.autosaveWorkspace({ state: stateFor(host) })).ok).toBe(true)
    expect(await s.planner.getWorkspaceSession()).toMatchObject({
      value: { autosave: { name: 'SPR lab' } }
    })
    // Direct callers (not through the transport's schema check) get an error value, not a throw.
    const bad = await s.planner.saveWorkspace({ state: { ...stateFor(host), notes: 7 as never } })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('"notes"') }
    })
  })

  it('opens a hand-written version 1 workspace: migrated, its host analysed with its options', async () => {
    const s = await services('browser')
    const text = readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const v1 = JSON.stringify(
      {
        format: 'pamt-planner-workspace',
        version: 1,
        name: 'old session',
        host: { fileName: 'spr.txt', text },
        modelOptions: { params: { pamt4kEntryBytes: 8 } },
        scenario: null,
        notes: 'written by hand'
      },
      null,
      2
    )
    const r = await s.planner.openWorkspaceText({ jobId: 'v1', fileName: 'old.pamtplan', text: v1 })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.fromVersion).toBe(1)
    // 1 → 2 and 2 → 3.
    expect(r.value.migrations).toHaveLength(2)
    expect(r.value.state.fleet).toBeNull()
    expect(r.value.state).toMatchObject({ name: 'old session', notes: 'written by hand' })
    // 256 GiB of TDMRs / 4 KiB × 8 B = 524,288 KB PAMT_4K, + 2,048 KB PAMT_2M + 12 KB PAMT_1G.
    expect(r.value.hosts[0]!.analysis.staticPamt.kb).toBe(526_348)
  })
})
