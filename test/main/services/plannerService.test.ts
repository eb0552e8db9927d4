import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JobProgress } from '@shared/api/contract'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import { createServices } from '../../../src-main/services/createServices'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
import { inlineServices, RESOURCES_DIR } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'

describe('PlannerService', () => {
  it('lists the bundled examples, the first being the start-up host', async () => {
    const r = await inlineServices().planner.listExampleHosts()
    expect(r.ok && r.value.map((e) => e.id)).toContain('tdx-spr-8480c-2s-256g-cmr-only')
    expect(r.ok && r.value[0]!.id).toBe('dell-r750xs-icx-1s-128g')
  })

  it('analyses every bundled example without findings of error severity', async () => {
    const { planner } = inlineServices()
    const list = await planner.listExampleHosts()
    if (!list.ok) throw new Error('no examples')
    for (const e of list.value) {
      const r = await planner.analyzeExampleHost({ jobId: 'j', exampleId: e.id })
      expect(r.ok, e.id).toBe(true)
      if (r.ok) expect(r.value.analysis.problems.filter((p) => p.severity === 'error')).toEqual([])
    }
  })

  it('returns NOT_FOUND for an unknown example', async () => {
    const r = await inlineServices().planner.analyzeExampleHost({ jobId: 'j', exampleId: 'nope' })
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('analyses uploaded text and reports the kernel KB calibration', async () => {
    const text = readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
    const r = await inlineServices().planner.analyzeHostText({
      jobId: 'j',
      fileName: 'spr.txt',
      text
    })
    expect(r.ok && r.value.analysis.staticPamt.kb).toBe(1_050_636)
    expect(r.ok && r.value.source).toEqual({ kind: 'file', fileName: 'spr.txt' })
  })

  it('turns an import failure into an error value naming file and line', async () => {
    const text = 'hello\nBIOS-e820: [mem 0x2000-0x1000] usable\n'
    const r = await inlineServices().planner.analyzeHostText({
      jobId: 'j',
      fileName: 'bad.log',
      text
    })
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'REVERSED_RANGE',
        fileName: 'bad.log',
        line: 2,
        message: expect.stringContaining('before it starts')
      }
    })
  })

  it('has no file dialog in browser mode', async () => {
    const { planner } = inlineServices()
    expect((await planner.getAppInfo()).ok && (await planner.getAppInfo())).toMatchObject({
      value: { mode: 'browser', hasFileDialog: false, maxHostFileBytes: MAX_HOST_FILE_BYTES }
    })
    expect(await planner.openHostFile({ jobId: 'j' })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' }
    })
  })

  it('opens, size-checks and analyses a file chosen in the desktop dialog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pamt-'))
    const good = join(dir, 'host.log')
    writeFileSync(good, readHostFixture('workstation-lenovo-p520-xeonw-64g.txt'))
    const progress: JobProgress[] = []
    let chosen: string | null = good
    const services = createServices({
      mode: 'desktop',
      launcher: new InlineLauncher(),
      resourcesDir: RESOURCES_DIR,
      showOpenDialog: async () => chosen
    })
    services.progress.subscribe((p) => progress.push(p))
    const r = await services.planner.openHostFile({ jobId: 'd1' })
    expect(r.ok && r.value?.analysis.staticPamt.kb).toBe(262_664)
    expect(progress.map((p) => p.phase)).toContain('done')

    chosen = null
    expect(await services.planner.openHostFile({ jobId: 'd2' })).toEqual({ ok: true, value: null })

    const huge = join(dir, 'huge.log')
    writeFileSync(huge, Buffer.alloc(MAX_HOST_FILE_BYTES + 1, 0x20))
    chosen = huge
    expect(await services.planner.openHostFile({ jobId: 'd3' })).toMatchObject({
      ok: false,
      error: { code: 'FILE_TOO_LARGE', fileName: 'huge.log' }
    })
  })
})
