import { TRACE_CSV_HEADER } from '@shared/import/trace/traceFormat'
import { twoNodeHost } from '@shared/model/host/twoNodeHost'
import type { HostInput } from '@shared/model/host/memoryMap'

/** A 2 TiB host, two nodes, as a large 2-socket server: RAM [1M, 2G) and [4G, 2T + 2G). */
export function host2TiB(): HostInput {
  return twoNodeHost('bench 2 TiB', 2 ** 41, 2 ** 40)
}

/**
 * Generated inputs for `npm run bench` (and, at a small size, the tests that check the same
 * parse is correct): their content is regular, so every field of line i is known from i.
 */

/** Line i of a synthetic trace: alternating get/put on pfn 0x100000 + 7i, cpu i mod 64, td i mod 8. */
export function syntheticTraceLine(form: 'jsonl' | 'csv', i: number): string {
  const pfn = '0x' + (0x100000 + i * 7).toString(16)
  const ev = i % 2 ? 'put' : 'get'
  return form === 'csv'
    ? `${1000 + i},${ev},${pfn},4k,1,${i % 64},${i % 8}`
    : `{"t_ns":${1000 + i},"ev":"${ev}","pfn":"${pfn}","level":"4k","n":1,"cpu":${i % 64},"td":${i % 8}}`
}

/** A whole synthetic trace of `lines` events (CSV with its header line). */
export function syntheticTrace(form: 'jsonl' | 'csv', lines: number): string {
  const parts: string[] = form === 'csv' ? [TRACE_CSV_HEADER] : []
  for (let i = 0; i < lines; i++) parts.push(syntheticTraceLine(form, i))
  return parts.join('\n') + '\n'
}

/**
 * A boot log of about `bytes` characters: a two-entry e820 table and a CMR, then `copies` times seven
 * typical lines, of which four are skipped and three recognised (e820 other, SRAT CPU, NUMA).
 */
export function syntheticBootLog(bytes: number): { text: string; copies: number } {
  const head = [
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable',
    '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable',
    '[    8.366488] virt/tdx: CMR: [0x100000, 0x77800000)'
  ]
  const noise = [
    '[   12.345678] usb 1-1: new high-speed USB device number 2 using xhci_hcd',
    '[   12.345678] e820: reserve RAM buffer [mem 0x0009f000-0x0009ffff]',
    '[   12.345678] pci 0000:00:1f.3: [mem 0x6001100000-0x60011fffff 64bit] BAR 4',
    '[   12.345678] ACPI: SRAT: PXM 1 -> APIC 0x40 -> Node 1',
    '[   12.345678] kvm_intel: TDX is not supported by this CPU model, disabling',
    '[   12.345678] NUMA: Initialized distance table, cnt=2',
    '[   12.345678] EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode'
  ].join('\n')
  const copies = Math.floor((bytes - 4096) / (noise.length + 1))
  return { text: [...head, ...Array<string>(copies).fill(noise)].join('\n'), copies }
}
