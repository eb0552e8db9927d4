/**
 * The capture scripts cannot run here (no bpftrace, no TDX host), so these tests check what can
 * be checked statically: every line they can print is one the trace parser accepts, with the
 * meaning the docs give it, and the structure the docs promise (config, probe types, flush
 * sites, map clean-up) is there.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  TRACE_CSV_HEADER,
  TRACE_EVENT_KIND,
  TRACE_EVENT_NAMES,
  TRACE_FIELDS,
  type TraceEventName
} from '@shared/import/trace/traceFormat'
import { EventKind } from '@shared/model/runtime/pageEvents'
import { traceOk } from './support'

function readScript(name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../../../../resources/capture/${name}`, import.meta.url)),
    'utf8'
  )
}

interface Printf {
  /** The format with C escapes resolved. */
  format: string
  /** The argument expressions, split at top-level commas. */
  args: string[]
}

/** Every printf call in a script: its format and its arguments. */
function printfCalls(source: string): Printf[] {
  const out: Printf[] = []
  for (const m of source.matchAll(/\bprintf\(\s*"((?:[^"\\]|\\.)*)"/g)) {
    const format = m[1]!.replace(
      /\\(.)/g,
      (_, c: string) => ({ n: '\n', t: '\t', '"': '"' })[c] ?? c
    )
    // Arguments: from after the format to the matching ')'.
    let i = m.index + m[0].length
    let depth = 0
    let cur = ''
    const args: string[] = []
    for (; i < source.length; i++) {
      const c = source[i]!
      if (c === '(') depth++
      if (c === ')') {
        if (depth === 0) break
        depth--
      }
      if (c === ',' && depth === 0) {
        if (cur.trim() !== '') args.push(cur.trim())
        cur = ''
      } else cur += c
    }
    if (cur.trim() !== '') args.push(cur.trim())
    out.push({ format, args })
  }
  return out
}

const CONVERSION = /%[-+ #0]*\d*(?:hh|h|ll|l|z|j)?([diuxXs])/g

/** An event row format: a CSV line whose second column is an `ev` name. */
function isRow(format: string): boolean {
  return !format.startsWith('#') && format !== TRACE_CSV_HEADER + '\n'
}

/**
 * A sample line from a row format, filled by column: t_ns = `t`, pfn = 0x200 (2 MiB aligned, so
 * a demote row is valid), n = 3, cpu = 2, td = 4242.
 */
function sampleRow(format: string, t: number): string {
  const cols = format.replace(/\n$/, '').split(',')
  const fill: Record<string, string> = {
    t_ns: String(t),
    pfn: '200',
    n: '3',
    cpu: '2',
    td: '4242'
  }
  return (
    cols.map((cell, i) => cell.replace(CONVERSION, () => fill[TRACE_FIELDS[i]!] ?? 'x')).join(',') +
    '\n'
  )
}

/** The column a format writes literally (no conversion), or null. */
function literal(format: string, field: (typeof TRACE_FIELDS)[number]): string | null {
  const cell = format.replace(/\n$/, '').split(',')[TRACE_FIELDS.indexOf(field)]!
  return /%/.test(cell) ? null : cell
}

const RANGE_KINDS: readonly TraceEventName[] = ['get', 'put', 'ctrl_get', 'ctrl_put']

for (const name of ['dpamt.bt', 'dpamt-kprobe.bt']) {
  const script = readScript(name)
  const calls = printfCalls(script)
  const rows = calls.filter((c) => isRow(c.format))

  describe(`resources/capture/${name}`, () => {
    it('declares missing_probes = "warn" in its config block, before any probe', () => {
      const config = /config\s*=\s*\{([^}]*)\}/.exec(script)
      expect(config).not.toBeNull()
      expect(config![1]).toMatch(/missing_probes\s*=\s*"warn"/)
      expect(script.search(/^config\s*=/m)).toBeLessThan(script.search(/^BEGIN$/m))
    })

    it('prints the CSV header and # comments in BEGIN', () => {
      expect(TRACE_CSV_HEADER).toBe(TRACE_FIELDS.join(','))
      const at = script.search(/^BEGIN$/m)
      const begin = script.slice(at, script.indexOf('\n}', at))
      expect(begin).toContain(`printf("${TRACE_CSV_HEADER}\\n")`)
      for (const c of printfCalls(begin)) {
        expect(c.format === TRACE_CSV_HEADER + '\n' || c.format.startsWith('# ')).toBe(true)
      }
    })

    it('passes each printf as many arguments as its format has conversions', () => {
      for (const c of calls) {
        const conversions = [...c.format.matchAll(CONVERSION)].length
        expect({ format: c.format, args: c.args.length }).toEqual({
          format: c.format,
          args: conversions
        })
      }
    })

    it('prints full seven-column lines, and every event kind has a row format', () => {
      for (const { format } of rows) {
        expect(format.endsWith('\n')).toBe(true)
        expect(format.split(',')).toHaveLength(TRACE_FIELDS.length)
        expect(TRACE_EVENT_NAMES).toContain(format.split(',')[1])
        // pfn is printed as 0x-prefixed hex, the form the parser reads as hex
        expect(format.split(',')[2]).toBe('0x%llx')
      }
      const printed = new Set(rows.map((r) => r.format.split(',')[1]))
      expect([...printed].sort()).toEqual([...TRACE_EVENT_NAMES].sort())
    })

    it('has range formats (n printed) for get, put, ctrl_get and ctrl_put only, at 4k', () => {
      for (const { format } of rows) {
        const ev = format.split(',')[1] as TraceEventName
        if (literal(format, 'n') === null) {
          expect(RANGE_KINDS).toContain(ev)
          expect(literal(format, 'level')).toBe('4k')
        } else {
          expect(literal(format, 'n')).toBe('1')
        }
      }
      for (const ev of RANGE_KINDS) {
        expect(
          rows.some((r) => r.format.split(',')[1] === ev && literal(r.format, 'n') === null)
        ).toBe(true)
      }
    })

    it('stamps a get range with its first page time and a put range with its last', () => {
      // Run tuple: ($kind, $pfn, $n, $t_first, $t_last, $cpu, $td). Gets early and puts late
      // keep every put after its get in replay.
      for (const { format, args } of rows) {
        if (literal(format, 'n') !== null) continue
        const ev = format.split(',')[1]
        const late = ev === 'put' || ev === 'ctrl_put'
        expect(args[0]).toBe(late ? '(uint64)($r.4 - @t0)' : '(uint64)($r.3 - @t0)')
        expect(args.slice(1)).toEqual(['$r.1', '$r.2', '$r.5', '$r.6'])
      }
    })

    it('flushes a run in every place, printing all four kinds each time', () => {
      // Flush sites: the get probe, the put probe, before pamt_remove, before demote, thread
      // exit and END: six, each with one printf per run kind.
      for (const ev of RANGE_KINDS) {
        const n = rows.filter(
          (r) => r.format.split(',')[1] === ev && literal(r.format, 'n') === null
        ).length
        expect({ ev, n }).toEqual({ ev, n: 6 })
      }
    })

    it('produces lines the parser reads, each meaning what the docs say', () => {
      const text = rows.map((r, i) => sampleRow(r.format, 1000 + i)).join('')
      const { rows: events, summary } = traceOk(
        ['Attached 12 probes', TRACE_CSV_HEADER, text, 'Lost 3 events'].join('\n'),
        `${name}.csv`
      )
      expect(summary.format).toBe('csv')
      expect(summary.rows).toBe(rows.length)
      expect(summary.lostEvents).toBe(3)
      expect(summary.skippedHugeGets).toBe(0)
      for (const ev of TRACE_EVENT_NAMES) {
        expect(summary.byKind[ev]).toBe(rows.filter((r) => r.format.split(',')[1] === ev).length)
      }
      // pfn 0x200 is the first page of region 1. A range row of n = 3 4K pages is one event of 3
      // pages in region 1; an n = 1 get/put row one page; a 2m row the whole region (512 pages).
      expect(events).toHaveLength(rows.length)
      events.forEach((e, i) => {
        const format = rows[i]!.format
        const ev = format.split(',')[1] as TraceEventName
        const pages = literal(format, 'level') === '2m' ? 512 : literal(format, 'n') === '1' ? 1 : 3
        expect(e).toEqual([1000 + i, TRACE_EVENT_KIND[ev], 1, 1, pages, 4242, 2, i + 3])
      })
    })

    it('prints a get that did PAMT.ADD before the pamt_add row, at the same time', () => {
      // In the get probe, the n = 1 get (or ctrl_get) row and then the pamt_add row, both with
      // ($t - @t0): replay sorts stably, so the get stays first.
      const getProbe = script.slice(script.search(/^(fexit|kretprobe):tdx_pamt_get$/m))
      const direct = printfCalls(getProbe.slice(0, getProbe.indexOf('\n}\n'))).filter(
        (c) => literal(c.format, 'n') === '1'
      )
      expect(direct.map((c) => c.format.split(',')[1])).toEqual(['get', 'ctrl_get', 'pamt_add'])
      for (const c of direct) expect(c.args[0]).toBe('(uint64)($t - @t0)')
    })

    it('keeps a run inside one 2 MiB region (no merge across a 0x200 boundary)', () => {
      const merges = [
        ...script.matchAll(
          /\(\(\$p == \$r\.1 \+ \$r\.2 && \(\$p & 511\) != 0\) \|\| \(\$p \+ 1 == \$r\.1 && \(\$r\.1 & 511\) != 0\)\)/g
        )
      ]
      expect(merges).toHaveLength(2) // the get probe and the put probe
      expect(script).toMatch(/\$t - \$r\.3 < MERGE_NS/)
    })

    it('records demote only at PG_LEVEL_2M, from the pfn argument, and only on TDX_SUCCESS', () => {
      // tdh_mem_page_demote(td, gpa, level, pfn, ...): level is arg2, pfn arg3.
      expect(script).toMatch(/#define PG_LEVEL_2M 2\b/)
      expect(script).toMatch(
        /kprobe:tdh_mem_page_demote\s*\/arg2 == PG_LEVEL_2M\/\s*\{\s*@demote_pfn\[tid\] = arg3;/
      )
      expect(script).toMatch(/kretprobe:tdh_mem_page_demote[\s\S]*?retval == TDX_SUCCESS/)
    })

    it('cleans every map in END, so bpftrace prints no map dump', () => {
      const maps = new Set([...script.matchAll(/@(\w+)/g)].map((m) => m[1]))
      const end = script.slice(script.lastIndexOf('\nEND'))
      for (const m of maps) expect(end).toContain(`clear(@${m})`)
    })
  })
}

describe('probe types', () => {
  const main = readScript('dpamt.bt')
  const fallback = readScript('dpamt-kprobe.bt')

  it('uses fentry/fexit for the exported functions in dpamt.bt and kprobes in the fallback', () => {
    for (const probe of [
      'fexit:tdx_pamt_get',
      'fentry:tdx_pamt_put',
      'fentry:tdx_alloc_control_page',
      'fexit:tdx_alloc_control_page',
      'fentry:tdx_free_control_page',
      'fexit:tdx_free_control_page'
    ]) {
      expect(main).toContain(`\n${probe}\n`)
    }
    expect(fallback).not.toMatch(/\bf(entry|exit):|\bargs\./)
    for (const probe of [
      'kprobe:tdx_pamt_get',
      'kretprobe:tdx_pamt_get',
      'kprobe:tdx_pamt_put',
      'kretprobe:tdx_alloc_control_page',
      'kprobe:tdx_free_control_page'
    ]) {
      expect(fallback).toContain(`\n${probe}\n`)
    }
  })

  it('probes the functions that may be missing with kprobes in both scripts', () => {
    // A missing kprobe is a warning on every bpftrace with missing_probes; a missing fentry whose
    // body reads args is an error before bpftrace 0.25.
    for (const script of [main, fallback]) {
      for (const fn of ['tdh_phymem_pamt_add', 'tdh_phymem_pamt_remove', 'tdh_mem_page_demote']) {
        expect(script).toContain(`\nkprobe:${fn}\n`)
        expect(script).toContain(`\nkretprobe:${fn}\n`)
        expect(script).not.toMatch(new RegExp(`f(entry|exit):${fn}\\b`))
      }
    }
  })

  it('prints the same row formats from both scripts', () => {
    const rowFormats = (s: string): string[] =>
      printfCalls(s)
        .map((c) => c.format)
        .filter(isRow)
    expect(rowFormats(fallback)).toEqual(rowFormats(main))
  })
})

describe('replay meaning of the control-page events', () => {
  it('replays ctrl_get/ctrl_put as Get/Put', () => {
    // One TDR page got and put through the control-page helpers, then a guest page.
    const { rows } = traceOk(
      [
        TRACE_CSV_HEADER,
        '10,ctrl_get,0x1000,4k,1,0,7',
        '20,ctrl_put,0x1000,4k,1,0,7',
        '30,get,0x1001,4k,2,1,7'
      ].join('\n'),
      'ctrl.csv'
    )
    // pfn 0x1000 is region 8 (0x1000 / 512)
    expect(rows).toEqual([
      [10, EventKind.Get, 8, 1, 1, 7, 0, 2],
      [20, EventKind.Put, 8, 1, 1, 7, 0, 3],
      [30, EventKind.Get, 8, 1, 2, 7, 1, 4]
    ])
  })
})
