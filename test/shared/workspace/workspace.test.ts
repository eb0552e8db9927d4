import { describe, expect, it } from 'vitest'
import { migrateWorkspace, newerVersionMessage } from '@shared/workspace/migrate'
import {
  WORKSPACE_VERSION,
  looksLikeWorkspace,
  workspaceSchema,
  type EmbeddedText
} from '@shared/workspace/workspaceSchema'

/** A stand-in embedder: the migration's contract is to call it once per host text. */
const fakeEmbed = (text: string): EmbeddedText => ({
  encoding: 'text',
  data: text,
  bytes: text.length,
  sha256: 'a'.repeat(64)
})

/** A hand-written version 1 file: one host, global options, a scenario, notes. */
const V1 = {
  format: 'pamt-planner-workspace',
  version: 1,
  name: 'lab host',
  host: { fileName: 'dmesg.txt', text: 'BIOS-e820: [mem 0x0-0x9ffff] usable\n' },
  modelOptions: { holeSource: 'cmr', params: { maxTdmrs: 32 } },
  scenario: null,
  notes: 'checked on 6.18'
}

/** A hand-written version 2 file (version 3 adds `fleet`). */
const V2 = {
  format: 'pamt-planner-workspace',
  version: 2,
  name: 'two hosts',
  savedBy: { app: 'PAMT Planner', version: '0.1.0' },
  hosts: [
    {
      id: 'w1',
      source: { kind: 'example', fileName: 'a.txt', exampleId: 'dell-r750xs-icx-1s-128g' },
      input: { encoding: 'text', data: 'x', bytes: 1, sha256: 'b'.repeat(64) },
      model: {}
    }
  ],
  activeHostId: 'w1',
  workload: { presetId: 'ten-16g-no-hugepages', scenario: null },
  contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
  pinned: [
    {
      kind: 'host-analysis',
      id: 'p1',
      label: 'baseline',
      pinnedAt: '2026-11-29T12:00:00.000Z',
      hostId: 'w1',
      model: { pamtMode: 'dynamic' },
      summary: { staticPamtKb: 525320, verdict: 'ok' }
    }
  ],
  notes: ''
}

/** The same workspace at the current version: no fleet run kept. */
const V3 = { ...V2, version: 3, fleet: null }

describe('workspace file schema', () => {
  it('accepts a hand-written current-version workspace with a pinned host analysis', () => {
    const r = workspaceSchema.safeParse(V3)
    expect(r.success).toBe(true)
  })

  it('rejects an unknown key (a typo) and a malformed SHA-256', () => {
    expect(workspaceSchema.safeParse({ ...V3, note: '' }).success).toBe(false)
    const badHash = structuredClone(V3)
    badHash.hosts[0]!.input.sha256 = 'XYZ'
    const r = workspaceSchema.safeParse(badHash)
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.path).toEqual(['hosts', 0, 'input', 'sha256'])
  })

  it('detects a workspace by its format in the first lines, with or without a BOM', () => {
    expect(looksLikeWorkspace(JSON.stringify(V2, null, 2))).toBe(true)
    expect(looksLikeWorkspace('\uFEFF{"format": "pamt-planner-workspace"}')).toBe(true)
    expect(looksLikeWorkspace('{"format": "pamt-planner-host"}')).toBe(false)
    expect(looksLikeWorkspace('BIOS-e820: "format": "pamt-planner-workspace"')).toBe(false)
  })
})

describe('workspace migrations', () => {
  it('migrates a version 1 file to the current version, embedding its one host', () => {
    const r = migrateWorkspace(V1, { embed: fakeEmbed })
    if (!r.ok) throw new Error(r.message)
    expect(r.fromVersion).toBe(1)
    // 1 → 2 (hosts as a list), 2 → 3 (fleet).
    expect(r.steps).toHaveLength(2)
    expect(r.steps[1]).toMatch(/^version 2 → 3: a fleet run/)
    const ws = workspaceSchema.parse(r.doc)
    expect(ws.hosts).toHaveLength(1)
    expect(ws.hosts[0]).toMatchObject({
      id: 'w1',
      source: { kind: 'file', fileName: 'dmesg.txt' },
      input: { encoding: 'text', data: V1.host.text },
      // The global options of version 1 become the host's own.
      model: { holeSource: 'cmr', params: { maxTdmrs: 32 } }
    })
    expect(ws.activeHostId).toBe('w1')
    expect(ws.notes).toBe('checked on 6.18')
    expect(ws.pinned).toEqual([])
    expect(ws.fleet).toBeNull()
  })

  it('migrates a version 2 file to version 3 with no fleet run, everything else kept', () => {
    const r = migrateWorkspace(V2, { embed: fakeEmbed })
    if (!r.ok) throw new Error(r.message)
    expect(r.fromVersion).toBe(2)
    expect(r.steps).toEqual([
      'version 2 → 3: a fleet run can be kept (fleet: null until the Fleet view has one)'
    ])
    expect(r.doc).toEqual(V3)
    expect(workspaceSchema.parse(r.doc)).toEqual(V3)
  })

  it('names the path of a damaged version 2 file', () => {
    const r = migrateWorkspace({ ...V2, activeHostId: 'host1' }, { embed: fakeEmbed })
    expect(r).toMatchObject({ ok: false, path: ['activeHostId'] })
    expect(!r.ok && r.message).toContain('version 2 workspace at "activeHostId"')
    // A fleet key in a version 2 file is not version 2's: strict, as every version.
    expect(migrateWorkspace({ ...V2, fleet: null }, { embed: fakeEmbed })).toMatchObject({
      ok: false,
      path: []
    })
  })

  it('passes the current version through unchanged', () => {
    expect(WORKSPACE_VERSION).toBe(3)
    const r = migrateWorkspace(V3, { embed: fakeEmbed })
    expect(r).toEqual({ ok: true, doc: V3, fromVersion: 3, steps: [] })
  })

  it('refuses a newer version with the versions named', () => {
    const r = migrateWorkspace({ ...V3, version: 4 }, { embed: fakeEmbed })
    expect(r).toEqual({
      ok: false,
      message:
        'this workspace was written by a newer PAMT Planner (version 4); this one reads up to 3'
    })
    expect(newerVersionMessage(7)).toContain('(version 7); this one reads up to 3')
  })

  it('refuses other formats and versions that are not whole numbers from 1', () => {
    expect(
      migrateWorkspace({ format: 'pamt-planner-host', version: 1 }, { embed: fakeEmbed })
    ).toMatchObject({ ok: false, path: ['format'] })
    for (const version of [0, 1.5, '2', undefined])
      expect(migrateWorkspace({ ...V2, version }, { embed: fakeEmbed })).toMatchObject({
        ok: false,
        path: ['version']
      })
    expect(migrateWorkspace([], { embed: fakeEmbed })).toMatchObject({ ok: false })
  })

  it('names the path of a damaged version 1 file', () => {
    const r = migrateWorkspace({ ...V1, host: { fileName: 'x' } }, { embed: fakeEmbed })
    expect(r).toMatchObject({ ok: false, path: ['host', 'text'] })
    expect(!r.ok && r.message).toContain('version 1 workspace at "host.text"')
  })
})
