import { describe, expect, it } from 'vitest'
import { emptyKernelTdxLog, type KernelTdxLog } from '@shared/model/host/memoryMap'
import { countOf, dmesg, e820Line, GiB, parseOk } from './support'

const E820 = [e820Line(0, 0x9efff), e820Line(0x100000, 2 * GiB - 1)]

/** Parse the e820 table plus the given virt/tdx messages (lines 3, 4, …). */
function withTdx(...messages: string[]): ReturnType<typeof parseOk> {
  return parseOk([...E820, ...messages.map((m) => dmesg(`virt/tdx: ${m}`, '9.124357'))].join('\n'))
}

// Every line of dpamt-model.md §4, with the KernelTdxLog fields it sets.
const cases: Array<[string, string, Partial<KernelTdxLog>]> = [
  [
    'KeyID range',
    'BIOS enabled: private KeyID range [32, 64)',
    { keyIdRange: { first: 32, end: 64 } }
  ],
  [
    'KeyID range with the stray ":" of ML-doc',
    'BIOS enabled: private KeyID range: [16, 64)',
    { keyIdRange: { first: 16, end: 64 } }
  ],
  ['KB line', '1050644 KB allocated for PAMT', { pamtKb: 1_050_644, pamtKbLine: 3 }],
  ['Enable Dynamic PAMT', 'Enable Dynamic PAMT', { dynamicPamtEnabled: true }],
  ['mainline 2026 version', 'Module version: 1.5.24', { moduleVersion: '1.5.24' }],
  [
    '"TDX module version:" (VER changelog)',
    'TDX module version: 1.5.06',
    { moduleVersion: '1.5.06' }
  ],
  [
    'Kai v6 version with build_date',
    'module version: 1.5.06.00.0744 (build_date 20240101).',
    { moduleVersion: '1.5.06.00.0744 (20240101)' }
  ],
  [
    'basic-information series version',
    'Module version: 1.5.01.00.0592, build_date: 20231220',
    { moduleVersion: '1.5.01.00.0592 (20231220)' }
  ],
  [
    'five-part version without a date',
    'module version: 2.0.08.00.0744',
    { moduleVersion: '2.0.08.00.0744' }
  ],
  [
    '2023 attributes line',
    'TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, build_date 20240129, build_num 698',
    { moduleVersion: '1.5 build 698 (20240129)' }
  ],
  [
    'ad hoc "verson" major/minor/internal',
    'module verson: major 1, minor 5, internal 0',
    { moduleVersion: '1.5.0' }
  ],
  ['ad hoc "verson" dotted', 'module verson: 1.5.1.0', { moduleVersion: '1.5.1.0' }],
  ['module initialized', 'module initialized', { initialized: true, initLine: 3 }],
  ['TDX-Module initialized', 'TDX-Module initialized', { initialized: true, initLine: 3 }],
  ['module initialised (British)', 'module initialised', { initialized: true, initLine: 3 }],
  [
    'module initialization failed',
    'module initialization failed (-28)',
    {
      initialized: false,
      initErrno: -28,
      initLine: 3,
      initFailure: 'module initialization failed (-28)'
    }
  ],
  [
    'TDX-Module initialization failed',
    'TDX-Module initialization failed (-22)',
    {
      initialized: false,
      initErrno: -22,
      initLine: 3,
      initFailure: 'TDX-Module initialization failed (-22)'
    }
  ],
  [
    'TDMRs exhausted',
    'initialization failed: TDMRs exhausted.',
    { tdmrsExhausted: true, initialized: false, initLine: 3, initFailure: 'TDMRs exhausted' }
  ],
  [
    'consumed TDMRs reaching limit',
    'consumed TDMRs reaching limit: 61 used out of 64',
    { tdmrsReachingLimit: { used: 61, max: 64 } }
  ],
  [
    'reserved areas exhausted (canonical/tdx#135)',
    'initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.',
    {
      reservedAreasExhausted: { baseBytes: 0, endBytes: 0x80000000, line: 3 },
      initialized: false,
      initLine: 3,
      initFailure: 'TDMR [0x0, 0x80000000): reserved areas exhausted'
    }
  ],
  [
    'SEAMCALL failure',
    'SEAMCALL (0x0000000000000022) failed: 0xc000050500000000',
    { seamcallFailures: [{ leaf: '0x0000000000000022', status: '0xc000050500000000', line: 3 }] }
  ],
  [
    'SEAMCALL RCX/RDX/R08 register line',
    'RCX 0x0000000000000000 RDX 0x9100000100000008 R08 0x0000000000000000',
    {}
  ],
  [
    'SEAMCALL R09/R10/R11 register line',
    'R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000',
    {}
  ],
  ['ACPI S3', 'Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.', {}],
  ['TDX_FEATURES0', 'TDX_FEATURES0: 0x0000000000040000', {}],
  ['"%s module."', 'Intel TDX module.', {}]
]

describe('TDX kernel lines (dpamt-model.md §4)', () => {
  it.each(cases)('reads %s', (_name, message, fields) => {
    const { host, summary } = withTdx(message)
    // Every recognised line counts as a TDX line: the log says something about TDX.
    expect(host.kernelLog).toEqual({ ...emptyKernelTdxLog(), tdxLines: 1, ...fields })
    expect(countOf(summary, 'tdx')).toBe(1)
    expect(summary.linesSkipped).toBe(0)
  })

  it('reads them without the virt/tdx prefix only where the line says TDX itself', () => {
    const { host, summary } = parseOk(
      [...E820, dmesg('TDX-Module initialized'), dmesg('module initialized')].join('\n')
    )
    expect(host.kernelLog.initialized).toBe(true)
    expect(countOf(summary, 'tdx')).toBe(1)
    expect(summary.linesSkipped).toBe(1)
  })

  it('counts the PAMT "fallback to use node 0" warning and notes it', () => {
    const warn =
      'TDMR [0x100000000, 0x140000000): unable to find local NUMA node for PAMT allocation, fallback to use node 0.'
    const { host, summary } = withTdx(warn, warn.replace('0x1', '0x2'))
    expect(countOf(summary, 'pamtNodeFallback')).toBe(2)
    expect(countOf(summary, 'tdx')).toBe(0)
    expect(host.kernelLog).toEqual({ ...emptyKernelTdxLog(), tdxLines: 2 })
    expect(summary.notes).toEqual([
      'The kernel found no local NUMA node for 2 TDMR PAMT allocations and used node 0 (line 3).'
    ])
  })

  it.each([
    [
      'frame pointer (RBP) clobber bug present, upgrade TDX module',
      'The TDX module has the frame pointer (RBP) clobber bug (line 3): the kernel does not use it.',
      {}
    ],
    [
      'module not loaded',
      'The TDX module was not loaded (line 3).',
      { initialized: false, initLine: 3, initFailure: 'module not loaded' }
    ],
    [
      'initialization failed: too few private KeyIDs available.',
      'The kernel did not enable TDX (line 3).',
      { initialized: false, initLine: 3, initFailure: 'too few private KeyIDs available' }
    ],
    [
      'initialization failed: Hibernation support is enabled',
      'The kernel did not enable TDX (line 3).',
      { initialized: false, initLine: 3, initFailure: 'Hibernation support is enabled' }
    ]
  ])('recognises "%s" and notes it', (message, note, outcome) => {
    const { host, summary } = withTdx(message)
    expect(countOf(summary, 'tdx')).toBe(1)
    expect(host.kernelLog).toEqual({ ...emptyKernelTdxLog(), tdxLines: 1, ...outcome })
    expect(summary.notes).toEqual([note])
  })

  it('keeps every SEAMCALL failure and the last of the single-valued fields', () => {
    const { host } = withTdx(
      'SEAMCALL (0x0000000000000008) failed: 0xc0000c0000000000',
      'SEAMCALL (0x0000000000000022) failed: 0xc000050500000000',
      '100 KB allocated for PAMT',
      '200 KB allocated for PAMT'
    )
    expect(host.kernelLog.seamcallFailures.map((f) => f.line)).toEqual([3, 4])
    expect(host.kernelLog).toMatchObject({ pamtKb: 200, pamtKbLine: 6 })
  })

  it('keeps the first failure as the cause when the errno line follows it', () => {
    const { host } = withTdx(
      'initialization failed: TDMRs exhausted.',
      'module initialization failed (-28)'
    )
    expect(host.kernelLog).toMatchObject({
      initialized: false,
      initErrno: -28,
      initLine: 3,
      initFailure: 'TDMRs exhausted',
      tdxLines: 2
    })
  })

  it('keeps a failure when a success line follows it', () => {
    const { host } = withTdx('module initialization failed (-5)', 'module initialized')
    expect(host.kernelLog).toMatchObject({ initialized: false, initLine: 3 })
  })

  it.each([
    ['a reversed KeyID range', 'BIOS enabled: private KeyID range [64, 32)'],
    ['a reversed TDMR', 'initialization failed: TDMR [0x80000000, 0x0): reserved areas exhausted.'],
    ['an unknown TDX line', 'something new the module said'],
    ['kvm_intel "Failed to initialize TDX module."', 'Failed to initialize TDX module.']
  ])('skips %s without failing the import (TDX lines only calibrate)', (_name, message) => {
    const { host, summary } = withTdx(message)
    expect(host.kernelLog).toEqual(emptyKernelTdxLog())
    expect(summary.linesSkipped).toBe(1)
    expect(summary.skippedSamples[0]!.line).toBe(3)
  })
})
