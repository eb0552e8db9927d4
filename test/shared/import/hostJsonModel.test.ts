import { describe, expect, it } from 'vitest'
import { hostInputToJson, parseHostJson } from '@shared/import/hostJson'
import { importHostText } from '@shared/import/importHost'
import { readHostFixture } from '../../support/fixtures'

/** Options with a module parameter tweak, as the Model options panel sends them. */
const MODEL = {
  holeSource: 'cmr',
  pamtMode: 'dynamic',
  moduleParamSet: '1.5',
  params: { maxTdmrs: 32, pamt4kEntryBytes: 16 },
  physAddrBits: 46
} as const

describe('host JSON keeps model options and parameter tweaks', () => {
  it('writes `model` and reads it back unchanged, with the host the same', () => {
    const log = importHostText(readHostFixture('dell-r750xs-icx-1s-128g.txt'), 'dell.txt')
    if (!log.ok) throw new Error(log.error.message)
    const text = hostInputToJson(log.host, MODEL)
    expect(JSON.parse(text)).toMatchObject({ model: MODEL })
    const back = parseHostJson(text, 'dell.host.json')
    if (!back.ok) throw new Error(back.error.message)
    expect(back.model).toEqual(MODEL)
    expect(back.host.ranges.length).toBe(log.host.ranges.length)
    expect(back.summary.notes.join(' ')).toContain('Model options from the file')
  })

  it('writes no `model` when there are no options, so old readers see what they always saw', () => {
    const log = importHostText(readHostFixture('dell-r750xs-icx-1s-128g.txt'), 'dell.txt')
    if (!log.ok) throw new Error(log.error.message)
    expect(JSON.parse(hostInputToJson(log.host))).not.toHaveProperty('model')
    expect(JSON.parse(hostInputToJson(log.host, {}))).not.toHaveProperty('model')
  })

  it('still loads a host file written before `model` existed, and refuses a bad option', () => {
    const old =
      '{"format":"pamt-planner-host","version":1,"memory":[{"base":"0x0","end":"0x80000000","type":"ram"}]}'
    const r = parseHostJson(old, 'old.json')
    expect(r.ok && r.model).toBeUndefined()
    expect(r.ok).toBe(true)
    const bad = parseHostJson(old.replace(/\}$/, ',"model":{"params":{"maxTdmrs":0}}}'), 'bad.json')
    expect(bad).toMatchObject({ ok: false, error: { fileName: 'bad.json', line: 1 } })
  })

  it('names a workspace given where a host file is expected, instead of failing as a boot log', () => {
    const r = importHostText(
      '{\n  "format": "pamt-planner-workspace",\n  "version": 2\n}\n',
      'lab.pamtplan'
    )
    expect(r).toMatchObject({
      ok: false,
      error: {
        fileName: 'lab.pamtplan',
        message: expect.stringContaining('PAMT Planner workspace')
      }
    })
  })
})

describe('host JSON module parameters by the names the app shows', () => {
  const doc = (tdxModule: Record<string, number>): string =>
    JSON.stringify({
      format: 'pamt-planner-host',
      version: 1,
      memory: [{ base: '0x100000', end: '0x80000000', type: 'ram' }],
      tdxModule
    })

  it('takes max_tdmrs as maxTdmrs', () => {
    const r = parseHostJson(doc({ max_tdmrs: 8, tdcs_base_size: 36864 }), 'h.json')
    if (!r.ok) throw new Error(r.error.message)
    expect(r.host.params).toEqual({ maxTdmrs: 8, tdcsBaseBytes: 36864 })
  })

  it('checks a kernel name against the same bounds as its key', () => {
    const r = parseHostJson(doc({ max_tdmrs: 0 }), 'h.json')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toContain('max_tdmrs')
  })
})
