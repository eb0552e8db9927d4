import { describe, expect, it } from 'vitest'
import { modelOptionsSchema, toAnalyzeOptions } from '@shared/api/modelOptions'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost, type AnalyzeHostOptions } from '@shared/model/host/analyzeHost'
import type { Problem } from '@shared/model/host/problem'
import { readHostFixture } from '../../../support/fixtures'

/**
 * The Dynamic PAMT 48-bit check compares boot_cpu_data.x86_phys_bits (v6 10/11,
 * tdx_supports_dynamic_pamt()), taken from the parameter, the log, or bounds (physAddrBits.ts).
 */
const GiB = 2 ** 30
const e820 = (base: number, last: number): string =>
  `[    0.000000] BIOS-e820: [mem 0x${base.toString(16).padStart(16, '0')}-0x${last.toString(16).padStart(16, '0')}] usable`
/** 2 GiB of RAM at 1 MiB (line 1), then the given lines from line 2. */
const small = (...lines: string[]): string => [e820(0x100000, 2 * GiB - 1), ...lines].join('\n')

function analyze(text: string, options: AnalyzeHostOptions = {}): ReturnType<typeof analyzeHost> {
  const r = parseBootLog(text, 'host.log')
  if (!r.ok) throw new Error(r.error.message)
  return analyzeHost(r.host, options)
}
const bitsProblems = (a: ReturnType<typeof analyzeHost>): Problem[] =>
  a.problems.filter((p) => p.code.startsWith('DPAMT_PHYS_ADDR'))

describe('x86_phys_bits from the physAddrBits parameter', () => {
  it('warns at 52 and names the parameter', () => {
    const a = analyze(small(), { kernel: { physAddrBits: 52 } })
    expect(a.physAddrBits).toMatchObject({ bits: 52, kind: 'exact', source: 'parameter' })
    expect(bitsProblems(a)).toEqual([
      {
        code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
        severity: 'warning',
        message:
          'x86_phys_bits is 52 (the physAddrBits parameter), over 48: v6 kernels do not enable Dynamic PAMT on this host (tdx_supports_dynamic_pamt(), §2.2). Static PAMT sizes apply.'
      }
    ])
  })

  it('passes at 48, the limit itself (x86_phys_bits <= 48)', () => {
    expect(bitsProblems(analyze(small(), { kernel: { physAddrBits: 48 } }))).toEqual([])
  })

  it('wins over the log', () => {
    const a = analyze(small('address sizes\t: 52 bits physical, 57 bits virtual'), {
      kernel: { physAddrBits: 46 }
    })
    expect(a.physAddrBits.source).toBe('parameter')
    expect(bitsProblems(a)).toEqual([])
  })

  it('comes through the request schema and toAnalyzeOptions; 53 is refused', () => {
    const ok = modelOptionsSchema.safeParse({ physAddrBits: 50 })
    expect(ok.success && toAnalyzeOptions(ok.data)).toEqual({ kernel: { physAddrBits: 50 } })
    const cleared = modelOptionsSchema.safeParse({ physAddrBits: null })
    expect(cleared.success && toAnalyzeOptions(cleared.data)).toEqual({})
    expect(modelOptionsSchema.safeParse({ physAddrBits: 53 }).success).toBe(false)
  })
})

describe('x86_phys_bits from the log', () => {
  it('takes /proc/cpuinfo "address sizes" as the value, with its line', () => {
    const a = analyze(small('address sizes\t: 52 bits physical, 57 bits virtual')) // line 2
    expect(a.physAddrBits).toMatchObject({ bits: 52, kind: 'exact', line: 2 })
    expect(bitsProblems(a)).toEqual([
      expect.objectContaining({
        code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
        line: 2,
        message: expect.stringMatching(
          /^x86_phys_bits is 52 \("address sizes: 52 bits physical", line 2\), over 48/
        )
      })
    ])
  })

  it('bounds it by 52 less the KeyID bits: 6 bits give at most 46, which passes', () => {
    const a = analyze(small('x86/mktme: BIOS enabled: x86_phys_bits reduced by 6'))
    expect(a.physAddrBits).toMatchObject({ bits: 46, kind: 'at-most', source: 'log-keyid-bits' })
    expect(bitsProblems(a)).toEqual([])
  })

  it('says the check is undecided when the bound is above 48 (2 KeyID bits: at most 50)', () => {
    const a = analyze(small('x86/mktme: BIOS enabled: x86_phys_bits reduced by 2')) // line 2
    expect(bitsProblems(a)).toEqual([
      {
        code: 'DPAMT_PHYS_ADDR_BITS_UNCERTAIN',
        severity: 'info',
        line: 2,
        message:
          'x86_phys_bits is at most 50 (MAXPHYADDR ≤ 52 less 2 MKTME/TDX KeyID bits (x86/mktme, line 2)); v6 kernels enable Dynamic PAMT only at 48 or fewer. Set physAddrBits (--phys-bits) to the host\'s "address sizes" from /proc/cpuinfo to decide.'
      }
    ])
  })

  it('bounds it from the TDX KeyID range of the real SPR 8480C: [64, 128) needs 7 bits, so ≤ 45', () => {
    const r = parseBootLog(readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt'), 'spr.txt')
    if (!r.ok) throw new Error(r.error.message)
    const a = analyzeHost(r.host, { pamtMode: 'dynamic' })
    // KeyIDs are the top K address bits, so 128 KeyIDs need K ≥ log2(128) = 7; 52 - 7 = 45.
    expect(a.physAddrBits).toMatchObject({ bits: 45, kind: 'at-most', source: 'log-tdx-keyids' })
    expect(bitsProblems(a)).toEqual([])
  })
})

describe('x86_phys_bits with nothing in the input', () => {
  it('warns when the memory alone needs more than 48 bits', () => {
    // RAM up to 2^48 + 1 GiB: its last byte 2^48 + 2^30 - 1 = 0x1_0000_3fff_ffff needs 49 bits.
    const a = analyze(small(e820(2 ** 48, 2 ** 48 + GiB - 1)), { kernel: { maxMemBytes: 2 ** 52 } })
    expect(a.physAddrBits).toMatchObject({ bits: 49, kind: 'at-least', source: 'memory' })
    expect(bitsProblems(a)).toEqual([
      {
        code: 'DPAMT_PHYS_ADDR_OVER_48_BITS',
        severity: 'warning',
        message:
          'TDX memory reaches 0x100003fffffff, so x86_phys_bits is at least 49, over 48: v6 kernels do not enable Dynamic PAMT on this host (tdx_supports_dynamic_pamt(), §2.2). Static PAMT sizes apply.'
      }
    ])
  })

  it('says the check is not made when the analysis is for Dynamic PAMT', () => {
    const a = analyze(small(), { pamtMode: 'dynamic' })
    // RAM ends at 2 GiB: last byte 0x7fffffff needs 31 bits.
    expect(a.physAddrBits).toMatchObject({ bits: 31, kind: 'at-least', source: 'memory' })
    expect(bitsProblems(a).map((p) => [p.code, p.severity])).toEqual([
      ['DPAMT_PHYS_ADDR_BITS_UNKNOWN', 'info']
    ])
  })

  it('says nothing for a static PAMT analysis', () => {
    expect(bitsProblems(analyze(small()))).toEqual([])
  })
})
