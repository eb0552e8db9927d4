import { describe, expect, it } from 'vitest'
import { countOf, dmesg, e820Line, GiB, parseOk } from './support'

/** A minimal log: one BIOS-e820 entry (line 1), then the lines under test from line 2. */
const log = (...lines: string[]): ReturnType<typeof parseOk> =>
  parseOk([e820Line(0x100000, 2 * GiB - 1), ...lines].join('\n'))

describe('CPU physical address bit lines', () => {
  it('reads the v6.11+ "x86_phys_bits reduced by" line as KeyID bits', () => {
    const { host, summary } = log(
      dmesg('x86/tme: enabled by BIOS'), // line 2: not read (says nothing of the bits)
      dmesg('x86/mktme: BIOS enabled: x86_phys_bits reduced by 6') // line 3
    )
    expect(host.kernelLog.keyIdBits).toEqual({ bits: 6, line: 3 })
    expect(host.kernelLog.physAddrBits).toBeNull()
    expect(countOf(summary, 'cpuAddressBits')).toBe(1)
    expect(summary.linesSkipped).toBe(1)
  })

  it('reads the v4.19-v6.10 "KeyIDs available" line: 63 KeyIDs = 2^6 - 1, so 6 bits', () => {
    const { host } = log(
      dmesg('x86/mktme: enabled by BIOS'),
      dmesg('x86/mktme: 63 KeyIDs available') // line 3
    )
    expect(host.kernelLog.keyIdBits).toEqual({ bits: 6, line: 3 })
  })

  it('reads "disabled by BIOS" and "TME not enabled" as 0 KeyID bits', () => {
    expect(log(dmesg('x86/mktme: disabled by BIOS')).host.kernelLog.keyIdBits).toEqual({
      bits: 0,
      line: 2
    })
    expect(log(dmesg('x86/tme: not enabled by BIOS')).host.kernelLog.keyIdBits).toEqual({
      bits: 0,
      line: 2
    })
  })

  it('skips a KeyID count the kernel cannot print (not 2^n - 1)', () => {
    const { host, summary } = log(dmesg('x86/mktme: 100 KeyIDs available'))
    expect(host.kernelLog.keyIdBits).toBeNull()
    expect(summary.linesSkipped).toBe(1)
  })

  it('reads /proc/cpuinfo and lscpu "address sizes", the first one winning', () => {
    const { host } = log(
      'address sizes\t: 46 bits physical, 57 bits virtual', // line 2: processor 0
      'address sizes\t: 46 bits physical, 57 bits virtual'
    )
    expect(host.kernelLog.physAddrBits).toEqual({ bits: 46, line: 2 })
    const lscpu = log('  Address sizes:         52 bits physical, 57 bits virtual')
    expect(lscpu.host.kernelLog.physAddrBits).toEqual({ bits: 52, line: 2 })
  })
})
