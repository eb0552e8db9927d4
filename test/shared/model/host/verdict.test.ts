import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { emptyKernelTdxLog } from '@shared/model/host/memoryMap'
import { hostVerdict } from '@shared/model/host/verdict'

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url))

function analyzeFixture(path: string): HostAnalysis {
  const name = path.split('/').pop()!
  const r = importHostText(readFileSync(`${FIXTURES}${path}`, 'utf8'), name)
  if (!r.ok) throw new Error(`${path}: ${r.error.message}`)
  return analyzeHost(r.host)
}

describe('host verdict: the kernel’s outcome beside the model’s', () => {
  it('the gappy-CMR TDX 1.0 log: the kernel failed, the model fits, the SEAMCALL is named', () => {
    const v = analyzeFixture('hosts/tdx-spr-gappy-cmrs-tdx10-fail.txt').verdict
    expect(v).toMatchObject({
      model: 'succeeds',
      kernel: 'failed',
      tdxInLog: true,
      // Line 18: "virt/tdx: module initialization failed (-5)"; line 15 the failing SEAMCALL.
      kernelLine: 18,
      kernelFailure: 'module initialization failed (-5)'
    })
    expect(v.explanation).toBe(
      "The model's TDMRs, PAMT and reserved areas fit, so the kernel's failure lies elsewhere: SEAMCALL 0x0000000000000022 failed with 0xc000050500000000 (line 15)."
    )
  })

  it('the SPR 8480C log: the kernel initialized TDX and the model agrees', () => {
    const v = analyzeFixture('hosts/tdx-spr-8480c-2s-256g-cmr-only.txt').verdict
    expect(v).toEqual({
      model: 'succeeds',
      kernel: 'succeeded',
      tdxInLog: true,
      kernelLine: 18,
      kernelFailure: null,
      explanation: null
    })
  })

  it('a laptop log with no TDX lines says so, and what the figures assume', () => {
    const v = analyzeFixture('hosts/laptop-dell-xps13-9370-16g.txt').verdict
    expect(v).toMatchObject({ model: 'succeeds', kernel: 'not in log', tdxInLog: false })
    expect(v.explanation).toBe('The figures assume all usable RAM were TDX-convertible memory.')
  })

  it('a log where the kernel ran out of reserved areas: both fail, the kernel’s cause first', () => {
    const a = analyzeFixture('formats/dmesg/tdx-failure-lines.txt')
    expect(a.verdict).toMatchObject({
      kernel: 'failed',
      tdxInLog: true,
      kernelLine: 13,
      kernelFailure: 'TDMR [0x0, 0x80000000): reserved areas exhausted'
    })
    // The model covers this 2 GiB map with one TDMR [0, 2 GiB) and two reserved areas (the hole
    // below 1 MiB and its own PAMT chunk), far below 16: it fits. The kernel's verdict still
    // leads, and the explanation says the model's differs.
    expect(a.verdict.model).toBe('succeeds')
    expect(a.verdict.explanation).toContain("the kernel's failure lies elsewhere")
  })

  it('a host the model fails while the kernel succeeded names the model’s error', () => {
    const r = importHostText(
      readFileSync(`${FIXTURES}hosts/tdx-spr-8480c-2s-256g-cmr-only.txt`, 'utf8'),
      'spr.txt'
    )
    if (!r.ok) throw new Error(r.error.message)
    // One TDMR allowed: the 3 CMR blocks on 2 nodes need more.
    const a = analyzeHost(r.host, { params: { maxTdmrs: 1 } })
    expect(a.verdict).toMatchObject({ model: 'fails', kernel: 'succeeded', kernelLine: 18 })
    expect(a.verdict.explanation).toMatch(
      /^The model predicts TDMRS_EXHAUSTED where the kernel succeeded/
    )
  })

  it('reports TDX lines without an init result as such', () => {
    const log = { ...emptyKernelTdxLog(), pamtKb: 1_050_636, tdxLines: 1 }
    expect(hostVerdict(log, 0, [])).toMatchObject({
      model: 'succeeds',
      kernel: 'not in log',
      tdxInLog: true
    })
    // CMRs alone are TDX lines too.
    expect(hostVerdict(emptyKernelTdxLog(), 3, []).tdxInLog).toBe(true)
  })

  // Every fixture gets a verdict; only the three TDX logs have TDX lines.
  const files = [
    ...readdirSync(`${FIXTURES}hosts`).map((f) => `hosts/${f}`),
    ...readdirSync(`${FIXTURES}formats`).map((f) => `formats/${f}`),
    ...readdirSync(`${FIXTURES}formats/dmesg`).map((f) => `formats/dmesg/${f}`)
  ].filter((f) => /\.(txt|json)$/.test(f) && !/nonroot|numactl/.test(f))
  const withTdx = new Set([
    'hosts/tdx-spr-8480c-2s-256g-cmr-only.txt',
    'hosts/tdx-spr-gappy-cmrs-tdx10-fail.txt',
    'formats/host-spr-2s-256g.json',
    'formats/dmesg/two-boots-identical.txt',
    'formats/dmesg/tdx-failure-lines.txt'
  ])
  it.each(files)('%s has a verdict', (file) => {
    const v = analyzeFixture(file).verdict
    expect(v.tdxInLog).toBe(withTdx.has(file))
    expect(['succeeds', 'fails']).toContain(v.model)
    if (!v.tdxInLog) expect(v.kernel).toBe('not in log')
  })
})
