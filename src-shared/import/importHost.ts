import { parseBootLog } from './bootLog'
import { looksLikeFirmwareMemmap, parseFirmwareMemmap } from './firmwareMemmap'
import type { HostFormat, HostImportResult, ParseOptions } from './hostImport'
import { looksLikeHostJson, parseHostJson } from './hostJson'
import { looksLikeLsmemJson, parseLsmemJson } from './lsmemJson'
import { assignNodesBySize, looksLikeNumactl, parseNumactl } from './numactl'
import { looksLikeProcIomem, parseProcIomem } from './procIomem'
import { looksLikeWorkspace } from '../workspace/workspaceSchema'

type MapFormat = Exclude<HostFormat, 'numactl'>

const PARSERS: Record<
  MapFormat,
  (text: string, fileName: string, options: ParseOptions) => HostImportResult
> = {
  'host-json': parseHostJson,
  'lsmem-json': parseLsmemJson,
  'proc-iomem': parseProcIomem,
  'firmware-memmap': parseFirmwareMemmap,
  dmesg: parseBootLog
}

/** Auto-detection order: the most specific formats first; dmesg takes whatever is left. */
const SNIFFERS: ReadonlyArray<[MapFormat, (text: string) => boolean]> = [
  ['host-json', looksLikeHostJson],
  ['lsmem-json', looksLikeLsmemJson],
  ['proc-iomem', looksLikeProcIomem],
  ['firmware-memmap', looksLikeFirmwareMemmap]
]

/** The format the text looks like; dmesg when nothing more specific matches. */
export function detectHostFormat(text: string): MapFormat | 'numactl' {
  for (const [format, looksLike] of SNIFFERS) if (looksLike(text)) return format
  if (looksLikeNumactl(text) && !/BIOS-e820|CMR(\[\d+\])?: \[/.test(text)) return 'numactl'
  return 'dmesg'
}

/**
 * Whether the start of a file is a host file (any format above, or a boot log with e820, CMR or
 * TDX lines), so a host file dropped where a trace or scenario is expected can be loaded as a host
 * instead of failing as a malformed trace. `head` is the file's first few KiB.
 */
export function looksLikeHostFile(head: string): boolean {
  if (SNIFFERS.some(([, looksLike]) => looksLike(head))) return true
  return /BIOS-e820:|CMR(\[\d+\])?: \[|virt\/tdx: |^available: \d+ nodes/m.test(head)
}

/**
 * Import host text in any supported format: the named one, or (`auto`) the one the text looks like.
 * `numactl -H` output has no addresses, so it only adds NUMA nodes to a memory map in the same file
 * (laid over RAM by size: a modelling assumption, see numactl.ts) when that map has no NUMA layout.
 */
export function importHostText(
  text: string,
  fileName: string,
  format: HostFormat | 'auto' = 'auto',
  options: ParseOptions = {}
): HostImportResult {
  if (format === 'auto' && looksLikeWorkspace(text)) {
    // A workspace holds hosts but is not one: say what it is instead of failing as a boot log.
    return {
      ok: false,
      error: {
        code: 'NO_MEMORY_LINES',
        fileName,
        message:
          'this is a PAMT Planner workspace (.pamtplan), not a host file: open it with Open (Ctrl+O) in the app (docs/workspaces.md)'
      }
    }
  }
  const chosen = format === 'auto' ? detectHostFormat(text) : format
  if (chosen === 'numactl') {
    return {
      ok: false,
      error: {
        code: 'NO_MEMORY_LINES',
        fileName,
        message:
          'numactl -H gives node sizes but no addresses: append it to a boot log, /proc/iomem or lsmem output and import that file'
      }
    }
  }
  const result = PARSERS[chosen](text, fileName, options)
  if (
    !result.ok ||
    result.host.numaSource !== 'none' ||
    chosen === 'host-json' ||
    chosen === 'lsmem-json'
  )
    return result
  if (!looksLikeNumactl(text) && !/^node\s+\d+\s+size:/m.test(text)) return result

  const numactl = parseNumactl(text, fileName)
  if (!numactl.ok) {
    return {
      ...result,
      summary: {
        ...result.summary,
        notes: [...result.summary.notes, `numactl output ignored: ${numactl.error.message}`]
      }
    }
  }
  const memblks = assignNodesBySize(result.host.ranges, numactl.nodes)
  return {
    ok: true,
    host: { ...result.host, numaMemblks: memblks, numaSource: 'numactl' },
    summary: {
      ...result.summary,
      formats: [...result.summary.formats, 'numactl'],
      recognised: [
        ...result.summary.recognised,
        { what: 'numactl node sizes', count: numactl.nodes.length }
      ],
      notes: [
        ...result.summary.notes,
        'NUMA nodes from numactl -H are laid over RAM in ascending address order by size (modelled: numactl gives no addresses).'
      ]
    }
  }
}
