import { describe, expect, it } from 'vitest'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { resolveMachine } from '@shared/model/contention/runContention'
import { dmesg, e820Line, GiB, parseOk } from './support'

/**
 * SRAT CPU affinity lines (arch/x86/mm/srat.c: `SRAT: PXM %u -> APIC 0x%02x -> Node %u`, and
 * `-> X2APIC 0x%04x` on newer kernels' lines) give the contention model's machine: logical CPUs
 * (APIC ids) per NUMA node.
 */
const E820 = [e820Line(0, 0x9efff), e820Line(0x100000, 8 * GiB - 1)]
const parse = (...lines: string[]): ReturnType<typeof parseOk> =>
  parseOk([...E820, ...lines].join('\n'))

describe('SRAT CPU affinity lines: CPUs per node', () => {
  it('counts distinct APIC ids per node, and names the lines', () => {
    const { host } = parse(
      dmesg('ACPI: SRAT: PXM 0 -> APIC 0x00 -> Node 0'),
      dmesg('ACPI: SRAT: PXM 0 -> APIC 0x01 -> Node 0'),
      dmesg('ACPI: SRAT: PXM 0 -> APIC 0x02 -> Node 0'),
      dmesg('ACPI: SRAT: PXM 1 -> APIC 0x40 -> Node 1'),
      dmesg('ACPI: SRAT: PXM 1 -> APIC 0x41 -> Node 1'),
      // The same CPU listed again (as x2APIC): not a new CPU.
      dmesg('SRAT: PXM 1 -> X2APIC 0x0041 -> Node 1'),
      // A CPU the kernel did not take: not counted.
      dmesg('SRAT: PXM 1 -> APIC 0x9000 -> Node 1 skipped apicid that is too big')
    )
    // Lines 1-2 are the e820 lines; the SRAT lines are 3..9, the last counted one 8.
    expect(host.cpuTopology).toEqual({
      nodes: [
        { node: 0, cpus: 3 },
        { node: 1, cpus: 2 }
      ],
      lines: 6,
      firstLine: 3,
      lastLine: 8
    })
  })

  it('has no CPU topology without such lines (a log of a newer kernel prints them at debug level)', () => {
    expect(parse().host.cpuTopology).toBeUndefined()
  })

  it('makes the contention machine: nodes as sockets, the most CPUs of a node per socket', () => {
    const { host } = parse(
      dmesg('SRAT: PXM 0 -> APIC 0x00 -> Node 0'),
      dmesg('SRAT: PXM 0 -> APIC 0x02 -> Node 0'),
      dmesg('SRAT: PXM 1 -> APIC 0x10 -> Node 1')
    )
    const analysis = analyzeHost(host)
    expect(resolveMachine(analysis, {})).toEqual({
      sockets: 2,
      cpusPerSocket: 2,
      source: 'host',
      detail:
        'from the host log: 2 NUMA nodes with CPUs (2, 1 APIC ids) in SRAT CPU affinity lines 3-5, a node taken as a socket'
    })
    // Edited in the settings: the user's machine, and what the host said.
    expect(resolveMachine(analysis, { sockets: 4 })).toMatchObject({
      sockets: 4,
      cpusPerSocket: 2,
      source: 'user',
      detail: 'set in the settings (the host log says 2 × 2)'
    })
    // No lines: the default machine of the list measurement.
    expect(resolveMachine(analyzeHost(parse().host), {})).toMatchObject({
      sockets: 2,
      cpusPerSocket: 56,
      source: 'default'
    })
  })
})
