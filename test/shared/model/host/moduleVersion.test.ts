import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { hostAnalysisToJson } from '@shared/api/hostJson'
import { modelOptionsSchema, toAnalyzeOptions } from '@shared/api/modelOptions'
import { hostInputToJson, parseHostJson } from '@shared/import/hostJson'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost, type AnalyzeHostOptions } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog, type HostInput } from '@shared/model/host/memoryMap'
import { describeModuleParamSet, parseModuleVersion } from '@shared/model/host/moduleVersion'
import {
  MODULE_PARAM_SETS,
  TDX_MODULE_1_0_PARAMS,
  TDX_MODULE_1_5_PARAMS,
  TDX_MODULE_DPAMT_PARAMS
} from '@shared/model/host/tdxModuleParams'

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url))
const KiB = 1024

function importFixture(path: string): HostInput {
  const name = path.split('/').pop()!
  const r = importHostText(readFileSync(`${FIXTURES}${path}`, 'utf8'), name)
  if (!r.ok) throw new Error(`${path}: ${r.error.message}`)
  return r.host
}

const GAPPY_10 = 'hosts/tdx-spr-gappy-cmrs-tdx10-fail.txt'
const SPR_15 = 'hosts/tdx-spr-8480c-2s-256g-cmr-only.txt'
const DPAMT_LOG = 'formats/dmesg/two-boots-identical.txt'

/** 2 GiB of RAM above 1 MiB and the given module version line (or none). */
function smallHost(moduleVersion: string | null): HostInput {
  return {
    name: 'small',
    ranges: [
      { baseBytes: 0, endBytes: 0x9f000, type: 'ram', typeLabel: 'usable', line: 1 },
      { baseBytes: 0x100000, endBytes: 2 ** 31, type: 'ram', typeLabel: 'usable', line: 2 }
    ],
    memorySource: 'e820',
    numaMemblks: [],
    numaSource: 'none',
    cmrs: [],
    kernelLog: { ...emptyKernelTdxLog(), moduleVersion }
  }
}

describe('parseModuleVersion: every text the importer stores', () => {
  it.each([
    // 2023 attributes line: "M.m build N (D)".
    [
      '1.5 build 698 (20240129)',
      { major: 1, minor: 5, update: null, internal: null, build: 698, buildDate: '20240129' }
    ],
    [
      '1.0 build 457 (20230206)',
      { major: 1, minor: 0, update: null, internal: null, build: 457, buildDate: '20230206' }
    ],
    // Mainline `Module version: %u.%u.%02u`: major.minor.update.
    ['1.5.24', { major: 1, minor: 5, update: 24, internal: null, build: null, buildDate: null }],
    // Downstream a.b.cc.dd.eeee (build_date): update 06, internal 00, build 0744.
    [
      '1.5.06.00.0744 (20240101)',
      { major: 1, minor: 5, update: 6, internal: 0, build: 744, buildDate: '20240101' }
    ],
    ['2.0.08.00.0744', { major: 2, minor: 0, update: 8, internal: 0, build: 744, buildDate: null }],
    // Ad hoc debug prints.
    ['1.5.0', { major: 1, minor: 5, update: 0, internal: null, build: null, buildDate: null }],
    ['1.5.1.0', { major: 1, minor: 5, update: 1, internal: 0, build: null, buildDate: null }]
  ])('%s', (text, expected) => {
    expect(parseModuleVersion(text)).toEqual(expected)
  })

  it('returns null for text that is not a version', () => {
    expect(parseModuleVersion('unknown')).toBeNull()
    expect(parseModuleVersion('1')).toBeNull()
  })
})

describe('the parameter sets: values read from the module sources', () => {
  it('TDX 1.0 differs from 1.5 only in TDCS: 4 pages (MAX_NUM_TDCS_PAGES) against 6', () => {
    expect(TDX_MODULE_1_0_PARAMS).toEqual({ ...TDX_MODULE_1_5_PARAMS, tdcsBaseBytes: 4 * 4096 })
  })

  it('the Dynamic PAMT module differs from 1.5 only in TDCS: 9 pages (MIN_NUM_TDCS_PAGES)', () => {
    expect(TDX_MODULE_DPAMT_PARAMS).toEqual({ ...TDX_MODULE_1_5_PARAMS, tdcsBaseBytes: 9 * 4096 })
  })

  it('marks the 1.0 bitmap bits unverified (1.0 has no Dynamic PAMT) and cites every value', () => {
    expect(MODULE_PARAM_SETS['1.0'].unverified).toEqual(['pamtBitmapBitsPerPage'])
    for (const set of Object.values(MODULE_PARAM_SETS))
      for (const k of Object.keys(set.params)) expect(set.citations).toHaveProperty(k)
  })
})

describe('the module version in the log picks the preset', () => {
  it('the gappy TDX 1.0 log ("1.0 build 457") picks TDX 1.0: TDCS 4 pages', () => {
    const a = analyzeHost(importFixture(GAPPY_10))
    expect(a.moduleParamSet).toEqual({
      id: '1.0',
      label: 'TDX module 1.0',
      source: 'log',
      reason: 'module version 1.0 build 457 (20230206)',
      versionLine: '1.0 build 457 (20230206)',
      impliedId: '1.0',
      overridden: []
    })
    // 4 pages × 4096 B (1.0 td_control_structures.h MAX_NUM_TDCS_PAGES 4).
    expect(a.params.tdcsBaseBytes).toBe(16_384)
  })

  it('the SPR log ("1.5 build 698") picks TDX 1.5 and still gives the kernel-exact 1,050,636 KB', () => {
    const a = analyzeHost(importFixture(SPR_15))
    expect(a.moduleParamSet).toMatchObject({ id: '1.5', source: 'log', impliedId: '1.5' })
    expect(a.moduleParamSet.versionLine).toBe('1.5 build 698 (20240129)')
    expect(a.params).toEqual(TDX_MODULE_1_5_PARAMS)
    // 256 GiB of TDMRs: PAMT_4K 256 GiB / 4 KiB × 16 B = 1,048,576 KB, PAMT_2M 2,048 KB, PAMT_1G one
    // page in each of 3 TDMRs = 12 KB: 1,050,636 KB, as the kernel printed (line 17).
    expect(a.staticPamt.kb).toBe(1_050_636)
    expect(a.calibration?.matches).toBe(true)
  })

  it('a log saying "Enable Dynamic PAMT" picks the Dynamic PAMT module: TDCS 9 pages', () => {
    const a = analyzeHost(importFixture(DPAMT_LOG))
    expect(a.moduleParamSet).toEqual({
      id: 'dpamt',
      label: 'Dynamic PAMT module',
      source: 'log',
      reason: '"Enable Dynamic PAMT"',
      impliedId: 'dpamt',
      overridden: []
    })
    // 9 pages × 4096 B (DPAMT module td_control_structures.h MIN_NUM_TDCS_PAGES 9).
    expect(a.params.tdcsBaseBytes).toBe(36_864)
  })

  it('PAMT mode "dynamic" chosen on a 1.5 log picks the Dynamic PAMT module, as the user’s doing', () => {
    const a = analyzeHost(importFixture(SPR_15), { pamtMode: 'dynamic' })
    expect(a.moduleParamSet).toMatchObject({ id: 'dpamt', source: 'user', impliedId: 'dpamt' })
    expect(a.params.tdcsBaseBytes).toBe(9 * 4096)
  })

  it('no version in the log, or one without a preset: TDX 1.5, marked as the default', () => {
    const none = analyzeHost(smallHost(null)).moduleParamSet
    expect(none).toEqual({
      id: '1.5',
      label: 'TDX module 1.5',
      source: 'default',
      reason: 'no module version in the log',
      impliedId: '1.5',
      overridden: []
    })
    const v2 = analyzeHost(smallHost('2.0.08.00.0744')).moduleParamSet
    expect(v2).toMatchObject({
      id: '1.5',
      source: 'default',
      reason: 'module version 2.0.08.00.0744 has no preset',
      versionLine: '2.0.08.00.0744'
    })
  })

  it('the mainline "1.5.24" and the five-part "1.5.06.00.0744" forms pick 1.5 from the log', () => {
    expect(analyzeHost(smallHost('1.5.24')).moduleParamSet).toMatchObject({
      id: '1.5',
      source: 'log'
    })
    expect(analyzeHost(smallHost('1.5.06.00.0744 (20240101)')).moduleParamSet.id).toBe('1.5')
    expect(analyzeHost(smallHost('1.0.3')).moduleParamSet.id).toBe('1.0')
  })
})

describe('user choices win over the preset', () => {
  it('edited parameters win over the log’s preset and are listed as overridden', () => {
    const a = analyzeHost(importFixture(GAPPY_10), {
      params: { tdcsBaseBytes: 8192, maxTdmrs: 64 }
    })
    expect(a.moduleParamSet).toMatchObject({ id: '1.0', source: 'log' })
    expect(a.params.tdcsBaseBytes).toBe(8192)
    // maxTdmrs=64 equals the 1.0 value, so only the TDCS size counts as edited.
    expect(a.moduleParamSet.overridden).toEqual(['tdcsBaseBytes'])
  })

  it('a picked set replaces the implied one; edits still win over it', () => {
    const a = analyzeHost(importFixture(SPR_15), {
      moduleParamSet: '1.0',
      params: { maxTdmrs: 32 }
    })
    expect(a.moduleParamSet).toEqual({
      id: '1.0',
      label: 'TDX module 1.0',
      source: 'user',
      reason: 'the log implies TDX module 1.5',
      versionLine: '1.5 build 698 (20240129)',
      impliedId: '1.5',
      overridden: ['maxTdmrs']
    })
    expect(a.params).toEqual({ ...TDX_MODULE_1_0_PARAMS, maxTdmrs: 32 })
  })

  it('parameters carried by a host JSON file win over the preset too', () => {
    const host = { ...smallHost('1.0 build 457 (20230206)'), params: { tdcsBaseBytes: 5 * 4096 } }
    const a = analyzeHost(host)
    expect(a.moduleParamSet).toMatchObject({ id: '1.0', overridden: ['tdcsBaseBytes'] })
    expect(a.params.tdcsBaseBytes).toBe(5 * 4096)
  })
})

describe('the set through the API, host JSON and analyze --json', () => {
  it('model options accept the three set ids, reject others, and pass the pick on', () => {
    const ok = modelOptionsSchema.safeParse({ moduleParamSet: 'dpamt' })
    expect(ok.success).toBe(true)
    const options: AnalyzeHostOptions = toAnalyzeOptions(ok.data)
    expect(options).toEqual({ moduleParamSet: 'dpamt' })
    expect(modelOptionsSchema.safeParse({ moduleParamSet: '2.0' }).success).toBe(false)
  })

  it('host JSON carries the module version, so a saved TDX 1.0 host keeps its preset', () => {
    const host = importFixture(GAPPY_10)
    const json = hostInputToJson(host)
    expect(JSON.parse(json).kernelLog.moduleVersion).toBe('1.0 build 457 (20230206)')
    const back = parseHostJson(json, 'gappy.host.json')
    if (!back.ok) throw new Error(back.error.message)
    expect(analyzeHost(back.host).moduleParamSet).toMatchObject({ id: '1.0', source: 'log' })
  })

  it('analyze --json names the set in force', () => {
    const json = hostAnalysisToJson(analyzeHost(importFixture(GAPPY_10)))
    expect(json.moduleParamSet).toMatchObject({ id: '1.0', source: 'log' })
    expect(json.params).toMatchObject({ tdcsBaseBytes: 4 * 4 * KiB })
  })
})

describe('describeModuleParamSet: the line the UI and the CLI show', () => {
  it('says where the set came from and what was edited', () => {
    expect(describeModuleParamSet(analyzeHost(importFixture(GAPPY_10)).moduleParamSet)).toBe(
      'TDX module 1.0, from the log: module version 1.0 build 457 (20230206)'
    )
    expect(describeModuleParamSet(analyzeHost(smallHost(null)).moduleParamSet)).toBe(
      'TDX module 1.5, the default: no module version in the log'
    )
    const picked = analyzeHost(importFixture(SPR_15), {
      moduleParamSet: '1.0',
      params: { maxTdmrs: 32 }
    }).moduleParamSet
    expect(describeModuleParamSet(picked)).toBe(
      'TDX module 1.0, chosen: the log implies TDX module 1.5; edited: maxTdmrs'
    )
  })
})

describe('host JSON kernelLog.moduleVersion: bad input', () => {
  it('a version that is not a string is refused, naming the key and its line', () => {
    const json = hostInputToJson(smallHost(null)).replace(
      '"dynamicPamt": false',
      '"dynamicPamt": false,\n    "moduleVersion": 15'
    )
    const r = parseHostJson(json, 'h.json')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.message).toContain('kernelLog.moduleVersion')
    expect(r.error.message).toContain('must be a string or null')
  })
})
