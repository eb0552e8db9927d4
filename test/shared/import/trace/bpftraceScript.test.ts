import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TRACE_CSV_HEADER, TRACE_EVENT_NAMES, TRACE_FIELDS } from '@shared/import/trace/traceFormat'
import { EventKind } from '@shared/model/runtime/pageEvents'
import { traceOk } from './support'

const script = readFileSync(
  fileURLToPath(new URL('../../../../resources/capture/dpamt.bt', import.meta.url)),
  'utf8'
)

/** Every printf format string in the script, with C escapes resolved. */
function printfFormats(source: string): string[] {
  const out: string[] = []
  for (const m of source.matchAll(/\bprintf\(\s*"((?:[^"\\]|\\.)*)"/g)) {
    out.push(m[1]!.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', '"': '"' })[c] ?? c))
  }
  return out
}

/**
 * A sample row from a format: conversions become plausible values by type. Hex conversions are
 * PFNs (0x200, 2 MiB aligned so a demote row is valid); decimals are times, CPUs and pids.
 */
function sampleRow(format: string, seq: number): string {
  let k = 0
  return format.replace(/%[-+ #0]*\d*(?:hh|h|ll|l|z|j)?([diuxXs])/g, (_, conv: string) => {
    k++
    if (conv === 'x' || conv === 'X') return '200'
    if (conv === 's') return 'x'
    return String(k === 1 ? 1000 + seq : 3 + k)
  })
}

describe('resources/capture/dpamt.bt', () => {
  const formats = printfFormats(script)

  it('prints the CSV header and comments in BEGIN', () => {
    expect(formats).toContain(TRACE_CSV_HEADER + '\n')
    expect(TRACE_CSV_HEADER).toBe(TRACE_FIELDS.join(','))
    const begin = script.slice(
      script.indexOf('BEGIN'),
      script.indexOf('}', script.indexOf('BEGIN'))
    )
    expect(begin).toContain(`printf("${TRACE_CSV_HEADER}\\n")`)
  })

  it('has one row format per event kind, each a full line', () => {
    const rows = formats.filter((f) => !f.startsWith('#') && f !== TRACE_CSV_HEADER + '\n')
    expect(rows.map((f) => f.split(',')[1]).sort()).toEqual([...TRACE_EVENT_NAMES].sort())
    for (const f of rows) {
      expect(f.endsWith('\n')).toBe(true)
      expect(f.split(',')).toHaveLength(TRACE_FIELDS.length)
    }
  })

  it('produces rows the parser reads, one event per row', () => {
    const text = formats.map((f, i) => sampleRow(f, i)).join('')
    const { rows, summary } = traceOk('Attaching 9 probes...\n' + text, 'dpamt.csv')
    const eventFormats = formats.filter((f) => /^%/.test(f))
    expect(summary.rows).toBe(eventFormats.length)
    expect(summary.format).toBe('csv')
    expect(summary.skippedHugeGets).toBe(0)
    for (const name of TRACE_EVENT_NAMES) expect(summary.byKind[name]).toBe(1)
    // pfn 0x200: region 1; 4K gets/puts touch one page, the 2M events the whole region.
    for (const r of rows) {
      expect(r[2]).toBe(1)
      const k = r[1]
      expect(r[4]).toBe(k === EventKind.Get || k === EventKind.Put ? 1 : 512)
    }
  })

  it('reads PFN arguments and cleans its maps at exit', () => {
    expect(script).toMatch(/kprobe:tdx_pamt_get\s*\{\s*@get_pfn\[tid\] = arg0;/)
    expect(script).toMatch(/kprobe:tdx_pamt_put\s*\{[^}]*arg0/)
    expect(script).toMatch(
      /kprobe:tdh_mem_page_demote\s*\/arg2 == PG_LEVEL_2M\/\s*\{\s*@demote_pfn\[tid\] = arg3;/
    )
    const maps = new Set([...script.matchAll(/@(\w+)/g)].map((m) => m[1]))
    const end = script.slice(script.lastIndexOf('END'))
    for (const m of maps) expect(end).toContain(`clear(@${m})`)
  })
})
