import { SKIPPED_SAMPLE_COUNT, type RecognisedItems } from '../hostImport'

/** The kinds of line the dmesg importer recognises, in the order the summary lists them. */
export const LINE_KINDS = {
  biosE820: 'BIOS-e820 table lines',
  e820Gap: 'BIOS-e820 gap lines (ignored)',
  e820Update: 'e820 update lines',
  e820Remove: 'e820 remove lines',
  userE820: 'user-defined e820 table lines (mem=/memmap=)',
  e820Other: 'other e820 lines (headers, setup_data, last_pfn, MTRR update)',
  memblockAfter:
    'lines printed after memblock setup (ESRT, Secure boot, RAMDISK, zones; they place e820 edits)',
  srat: 'SRAT memory affinity lines',
  sratCpu: 'SRAT CPU affinity lines (CPUs per node: the contention machine)',
  numaMerge: 'NUMA merge lines',
  numaOther: 'other NUMA lines (ignored)',
  noNuma: 'no-NUMA / fake node lines',
  cmr: 'TDX CMR lines',
  tdx: 'TDX kernel lines',
  pamtNodeFallback: 'TDX PAMT "fallback to use node 0" warnings',
  cpuAddressBits: 'CPU physical address bit lines (x86/mktme KeyID bits, address sizes)',
  banner: 'kernel version banners'
} as const

export type LineKind = keyof typeof LINE_KINDS

const SAMPLE_CHARS = 200

/** Counts recognised lines by kind and keeps the first skipped lines as samples. */
export class SummaryCounter {
  private readonly counts = new Map<LineKind, number>()
  skipped = 0
  readonly skippedSamples: Array<{ line: number; text: string }> = []

  add(kind: LineKind): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1)
  }

  count(kind: LineKind): number {
    return this.counts.get(kind) ?? 0
  }

  skip(line: number, raw: string): void {
    this.skipped++
    if (this.skippedSamples.length < SKIPPED_SAMPLE_COUNT) {
      this.skippedSamples.push({ line, text: raw.trim().slice(0, SAMPLE_CHARS) })
    }
  }

  recognised(): RecognisedItems[] {
    return (Object.keys(LINE_KINDS) as LineKind[])
      .filter((k) => this.count(k) > 0)
      .map((k) => ({ what: LINE_KINDS[k], count: this.count(k) }))
  }
}
