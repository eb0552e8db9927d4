/**
 * Streaming parser for Dynamic PAMT traces (format: {@link ./traceFormat}, docs/traces.md).
 *
 * ```ts
 * const parser = new TraceParser('trace.csv', { onProgress: (bytes) => … })
 * for await (const chunk of textChunks) parser.feed(chunk)
 * const result = parser.finish() // { ok: true, events, summary } | { ok: false, error }
 * ```
 *
 * Text arrives in arbitrary chunks (lines may be split anywhere, `\r\n` too). The first line that
 * is not blank or a `#` comment decides the form: `{` starts JSON Lines, anything else must be the
 * CSV header. Lines are converted as they complete; only the PageEventBuffer grows, nothing per
 * line is kept. The common row shapes are read by hand-rolled scanners (no JSON.parse, no split);
 * unusual but valid lines (JSON escapes, exponents, `null`; quoted CSV cells) fall back to a full
 * JSON reader or to papaparse.
 *
 * Pure TypeScript: no Node, Electron or DOM APIs.
 */
import Papa from 'papaparse'
import { EventKind, PageEventBuffer } from '../../model/runtime/pageEvents'
import { ImportFailure, type ImportError } from '../importError'
import { MAX_LINE_CHARS } from '../limits'
import { JsonSyntaxError, checkLineLength, fail, hex, parseJsonDocument } from '../textChecks'
import { TOO_BIG, decodeEv, decodeInt, decodeLevel, decodePfn } from './fieldDecode'
import {
  MAX_TRACE_EVENTS,
  MAX_TRACE_PFN,
  PAGES_PER_LEVEL,
  REQUIRED_TRACE_FIELDS,
  TRACE_CSV_HEADER,
  TRACE_EVENT_KIND_BY_CODE,
  TRACE_EVENT_LIST,
  TRACE_EVENT_NAMES,
  TRACE_FIELDS,
  type TraceImportResult,
  type TraceParseOptions,
  type TraceSummary
} from './traceFormat'

// Field ids = index in TRACE_FIELDS.
const F_T = 0
const F_EV = 1
const F_PFN = 2
const F_LEVEL = 3
const F_N = 4
const F_CPU = 5
const F_TD = 6
const FIELD_COUNT = 7
/** Bits of the required fields t_ns, ev, pfn, level. */
const REQUIRED_MASK = 0b1111

const LEVEL_4K = 0
const LEVEL_2M = 1

const INT32_MAX = 2 ** 31 - 1
const MAX_SAFE = Number.MAX_SAFE_INTEGER

const FORMAT_NONE = 0
const FORMAT_JSONL = 1
const FORMAT_CSV = 2

// eslint-disable-next-line no-control-regex -- NUL is what binary data looks like
const BINARY_RE = /[\u0000\uFFFD]/

/** How much {@link parseTraceText} feeds at a time (progress granularity). */
const TEXT_SLICE = 4 * 1024 * 1024

const FIELD_LIST = 't_ns, ev, pfn, level, n, cpu, td'

function skipWs(s: string, i: number, b: number): number {
  while (i < b) {
    const c = s.charCodeAt(i)
    if (c !== 32 && c !== 9) break
    i++
  }
  return i
}

/** A short quote of user text for messages. */
function shown(text: string): string {
  return text.length > 40 ? text.slice(0, 40) + '…' : text
}

/**
 * First lines of host files: a dmesg line ("[    0.000000] ..."), BIOS-e820 or CMR lines, a
 * /proc/iomem range ("00000000-00000fff : Reserved"), firmware memmap or numactl output.
 */
const HOST_FILE_FIRST_LINE =
  /^\[\s*\d+\.\d+\]|BIOS-e820:|CMR(\[\d+\])?: \[|^\s*[0-9a-f]{4,16}-[0-9a-f]{4,16} : |^available: \d+ nodes/i

/**
 * The streaming trace parser. `feed()` never throws for bad input: the first problem is kept and
 * returned by `finish()` (and visible early through {@link TraceParser.error}); later chunks are
 * then ignored.
 */
export class TraceParser {
  private readonly maxEvents: number
  private readonly onProgress: ((bytesFed: number) => void) | undefined
  private readonly events: PageEventBuffer

  private failure: ImportError | null = null
  private finished = false
  private bytes = 0
  private carry = ''
  private lineNo = 0
  private nonBlank = false
  private format = FORMAT_NONE

  /** CSV layout: column index → field id. */
  private cols = new Int8Array(0)

  // Summary counters.
  private rows = 0
  private readonly byKind = new Float64Array(TRACE_EVENT_NAMES.length)
  private skippedHuge = 0
  private readonly tdSet = new Set<number>()
  private readonly cpuSet = new Set<number>()
  private lastTd = -1
  private lastCpu = -1
  private minNs = Infinity
  private maxNs = -Infinity
  private lostEvents = 0

  // The row being converted.
  private tNs = 0
  private ev = 0
  private pfn = 0
  private level = 0
  private n = 1
  private cpu = -1
  private td = -1
  /** Where the pfn text is, for messages. */
  private pfnSrc = ''
  private pfnA = 0
  private pfnB = 0

  /** Cell spans found by the CSV scanner: [start, end) per column. */
  private readonly spans = new Int32Array(FIELD_COUNT * 2)

  constructor(
    readonly fileName: string,
    options: TraceParseOptions = {}
  ) {
    this.maxEvents = options.maxEvents ?? MAX_TRACE_EVENTS
    this.onProgress = options.onProgress
    this.events = new PageEventBuffer(options.initialCapacity ?? 4096)
  }

  /** The first problem found so far, if any (callers may stop reading early). */
  get error(): ImportError | null {
    return this.failure
  }

  /** Characters fed so far. */
  get bytesFed(): number {
    return this.bytes
  }

  /** Parse the next piece of text. Lines may be split anywhere across chunks. */
  feed(chunk: string): void {
    if (this.finished) throw new Error('TraceParser.feed() called after finish()')
    if (this.failure === null) {
      try {
        this.feedChunk(this.bytes === 0 && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk)
      } catch (e) {
        if (!(e instanceof ImportFailure)) throw e
        this.failure = e.detail
      }
    }
    this.bytes += chunk.length
    this.onProgress?.(this.bytes)
  }

  /** Parse the last, unterminated line and return the events or the first error. */
  finish(): TraceImportResult {
    if (this.finished) throw new Error('TraceParser.finish() called twice')
    this.finished = true
    if (this.failure === null) {
      try {
        if (this.carry !== '') {
          const last = this.carry
          this.carry = ''
          this.processLine(last, 0, last.length)
        }
        if (!this.nonBlank) fail({ code: 'EMPTY_FILE', message: 'file is empty' }, this.fileName)
        if (this.rows === 0) {
          fail(
            {
              code: 'NO_MEMORY_LINES',
              message: `the trace has no events: no ${TRACE_EVENT_LIST} rows were found`
            },
            this.fileName
          )
        }
      } catch (e) {
        if (!(e instanceof ImportFailure)) throw e
        this.failure = e.detail
      }
    }
    if (this.failure !== null) return { ok: false, error: this.failure }
    return { ok: true, events: this.events, summary: this.summary() }
  }

  private summary(): TraceSummary {
    const byKind: Record<string, number> = {}
    TRACE_EVENT_NAMES.forEach((name, i) => (byKind[name] = this.byKind[i]!))
    return {
      fileName: this.fileName,
      format: this.format === FORMAT_JSONL ? 'jsonl' : 'csv',
      lines: this.lineNo,
      rows: this.rows,
      events: this.events.length,
      byKind,
      skippedHugeGets: this.skippedHuge,
      tds: this.tdSet.size,
      cpus: this.cpuSet.size,
      firstNs: this.minNs,
      lastNs: this.maxNs,
      lostEvents: this.lostEvents
    }
  }

  // -------------------------------------------------------------------------------------------
  // Lines
  // -------------------------------------------------------------------------------------------

  private feedChunk(chunk: string): void {
    if (chunk.length === 0) return
    const bad = chunk.search(BINARY_RE)
    let pos = 0
    if (this.carry !== '') {
      const nl = chunk.indexOf('\n')
      if (nl < 0) {
        if (bad >= 0) this.failBinary(this.lineNo + 1)
        this.carry += chunk
        this.checkCarry()
        return
      }
      if (bad >= 0 && bad < nl) this.failBinary(this.lineNo + 1)
      const line = this.carry + chunk.slice(0, nl)
      this.carry = ''
      this.processLine(line, 0, line.length)
      pos = nl + 1
    }
    for (;;) {
      const nl = chunk.indexOf('\n', pos)
      if (nl < 0) break
      if (bad >= 0 && bad < nl) this.failBinary(this.lineNo + 1)
      this.processLine(chunk, pos, nl)
      pos = nl + 1
    }
    if (pos < chunk.length) {
      if (bad >= 0) this.failBinary(this.lineNo + 1)
      this.carry = chunk.slice(pos)
      this.checkCarry()
    }
  }

  /** An unterminated line already longer than the limit fails now, not after gigabytes. */
  private checkCarry(): void {
    const c = this.carry
    const len = c.length - (c.charCodeAt(c.length - 1) === 13 ? 1 : 0)
    if (len > MAX_LINE_CHARS) checkLineLength(c, this.lineNo + 1, this.fileName, 'trace line')
  }

  private failBinary(line: number): never {
    return fail(
      {
        code: 'BINARY_FILE',
        line,
        message: 'file is binary, not a text trace (NUL or invalid UTF-8 byte)'
      },
      this.fileName
    )
  }

  private processLine(s: string, a: number, b: number): void {
    this.lineNo++
    if (b > a && s.charCodeAt(b - 1) === 13) b--
    if (b - a > MAX_LINE_CHARS) {
      checkLineLength(s.slice(a, b), this.lineNo, this.fileName, 'trace line')
    }
    const i = skipWs(s, a, b)
    if (i === b) return
    this.nonBlank = true
    const c = s.charCodeAt(i)
    if (c === 35) return // # comment
    if (this.format === FORMAT_JSONL) {
      if (c === 123) {
        if (!this.scanJson(s, i, b)) this.slowJson(s.slice(i, b))
        this.emit()
        return
      }
      if (this.skipNoise(s, i, b)) return
      this.bad(
        'line is not a JSON object; in a JSON Lines trace every line is one event object or a # comment'
      )
    }
    if (this.format === FORMAT_CSV) {
      // Data rows normally start with t_ns; letters mean a repeated header or bpftrace's own output.
      if (c > 57 && this.skipCsvNonRow(s, i, b)) return
      if (!this.scanCsv(s, i, b)) this.slowCsv(s.slice(i, b))
      this.emit()
      return
    }
    if (this.skipNoise(s, i, b)) return
    if (c === 123) {
      this.format = FORMAT_JSONL
      if (!this.scanJson(s, i, b)) this.slowJson(s.slice(i, b))
      this.emit()
      return
    }
    this.readHeader(s.slice(i, b).trimEnd())
  }

  /**
   * bpftrace's own lines: `Attaching N probes...` (before 0.24, on stdout), `Attached N probes`
   * (0.24 on, on stderr, so only there when stderr was redirected into the file), `Lost N events`
   * and map dumps (`@…`).
   */
  private skipNoise(s: string, i: number, b: number): boolean {
    const c = s.charCodeAt(i)
    if (c === 64) return true
    if (c === 65) return s.startsWith('Attaching ', i) || s.startsWith('Attached ', i)
    if (c === 76 && s.startsWith('Lost ', i)) {
      const m = /^Lost (\d+) events?\b/.exec(s.slice(i, b))
      if (m) {
        this.lostEvents += Number(m[1])
        return true
      }
    }
    return false
  }

  /**
   * A line that cannot be a data row: bpftrace noise, or a header again (captures concatenated
   * with `cat`), which is read afresh, so the later part may even order its columns differently.
   */
  private skipCsvNonRow(s: string, i: number, b: number): boolean {
    if (this.skipNoise(s, i, b)) return true
    let e = i
    while (e < b && s.charCodeAt(e) !== 44) e++
    const first = s.slice(i, e).trim().replace(/^"|"$/g, '').toLowerCase()
    if (!(TRACE_FIELDS as readonly string[]).includes(first)) return false
    this.readHeader(s.slice(i, b).trimEnd())
    return true
  }

  private readHeader(text: string): void {
    const parsed = Papa.parse<string[]>(text, { delimiter: ',' })
    const cells = (parsed.data[0] ?? []).map((c) => c.trim().toLowerCase())
    const known = new Set<string>(TRACE_FIELDS)
    if (parsed.errors.length > 0 || !cells.some((c) => known.has(c))) {
      // A boot log or memory map given as a trace: say what it is and where it goes.
      if (HOST_FILE_FIRST_LINE.test(text))
        this.bad(
          'this is a host boot log or memory map, not a trace: open it as a host (the Host view, or analyze / --host on the command line)'
        )
      this.bad(
        `the first line is neither a JSON object (JSON Lines) nor the CSV header "${TRACE_CSV_HEADER}"`
      )
    }
    const cols = new Int8Array(cells.length)
    const seen = new Set<string>()
    cells.forEach((cell, i) => {
      if (!known.has(cell)) {
        this.bad(
          `CSV header has the unknown column "${shown(cell)}"; the header is "${TRACE_CSV_HEADER}"`
        )
      }
      if (seen.has(cell)) this.bad(`CSV header names the column "${cell}" twice`)
      seen.add(cell)
      cols[i] = TRACE_FIELDS.indexOf(cell as (typeof TRACE_FIELDS)[number])
    })
    for (const f of REQUIRED_TRACE_FIELDS) {
      if (!seen.has(f)) {
        this.bad(`CSV header lacks the column "${f}"; the header is "${TRACE_CSV_HEADER}"`)
      }
    }
    this.cols = cols
    this.format = FORMAT_CSV
  }

  // -------------------------------------------------------------------------------------------
  // JSON Lines
  // -------------------------------------------------------------------------------------------

  /**
   * Read `{"key":value,…}` with the seven known keys, string values without escapes and integer
   * values, decoding as it goes. Returns false for anything else, including any problem with a
   * value: the full JSON reader ({@link slowJson}) then accepts the line or reports the problem
   * with the authoritative message, so this path never decides an error.
   */
  private scanJson(s: string, a: number, b: number): boolean {
    let seen = 0
    let i = a + 1 // past '{'
    this.n = 1
    this.cpu = -1
    this.td = -1
    try {
      for (;;) {
        i = skipWs(s, i, b)
        if (s.charCodeAt(i) !== 34) return false
        let f = -1
        switch (s.charCodeAt(i + 1)) {
          case 116: // t
            if (s.startsWith('t_ns"', i + 1)) {
              f = F_T
              i += 6
            } else if (s.startsWith('td"', i + 1)) {
              f = F_TD
              i += 4
            }
            break
          case 101: // e
            if (s.startsWith('ev"', i + 1)) {
              f = F_EV
              i += 4
            }
            break
          case 112: // p
            if (s.startsWith('pfn"', i + 1)) {
              f = F_PFN
              i += 5
            }
            break
          case 108: // l
            if (s.startsWith('level"', i + 1)) {
              f = F_LEVEL
              i += 7
            }
            break
          case 110: // n
            if (s.charCodeAt(i + 2) === 34) {
              f = F_N
              i += 3
            }
            break
          case 99: // c
            if (s.startsWith('cpu"', i + 1)) {
              f = F_CPU
              i += 5
            }
            break
        }
        if (f < 0) return false // unknown or escaped key
        i = skipWs(s, i, b)
        if (s.charCodeAt(i) !== 58) return false
        i = skipWs(s, i + 1, b)
        const c = s.charCodeAt(i)
        if (c === 34) {
          const va = i + 1
          const vb = s.indexOf('"', va)
          if (vb < 0 || vb >= b || s.charCodeAt(vb - 1) === 92) return false
          this.setField(f, s, va, vb, true, true)
          i = vb + 1
        } else if (c === 45 || (c >= 48 && c <= 57)) {
          const d0 = c === 45 ? i + 1 : i
          let j = d0
          let v = 0
          for (; j < b; j++) {
            const d = s.charCodeAt(j) - 48
            if (d < 0 || d > 9) break
            v = v * 10 + d
          }
          if (j === d0 || (s.charCodeAt(d0) === 48 && j - d0 > 1) || v > MAX_SAFE) return false
          if (j < b) {
            const k = s.charCodeAt(j)
            if (k === 46 || k === 101 || k === 69) return false // fraction or exponent
          }
          if (f === F_PFN) this.setField(f, s, i, j, false, true)
          else this.setNumber(f, c === 45 ? -v : v)
          i = j
        } else {
          return false // true, false, null, objects, arrays
        }
        seen |= 1 << f
        i = skipWs(s, i, b)
        const k = s.charCodeAt(i)
        if (k === 44) {
          i++
          continue
        }
        if (k === 125) {
          i++
          break
        }
        return false
      }
    } catch (e) {
      if (e instanceof ImportFailure) return false
      throw e
    }
    return skipWs(s, i, b) === b && (seen & REQUIRED_MASK) === REQUIRED_MASK
  }

  /** A JSON number for t_ns, n, cpu or td, already known to be a safe integer. */
  private setNumber(f: number, v: number): void {
    if (f === F_T) {
      if (v < 0) this.bad(`t_ns ${v} is negative`)
      this.tNs = v
    } else if (f === F_N) {
      if (v < 1) this.bad(`n is ${v}; it must be at least 1`)
      this.n = v
    } else if (f === F_CPU || f === F_TD) {
      if (v < -1 || v > INT32_MAX) this.bad(`${TRACE_FIELDS[f]} ${v} is out of range`)
      if (f === F_CPU) this.cpu = v
      else this.td = v
    } else {
      this.bad(`${TRACE_FIELDS[f]} must be a string`)
    }
  }

  /** Any other line: the full JSON reader (escapes, exponents, null, exact syntax errors). */
  private slowJson(text: string): void {
    let value: unknown
    try {
      value = parseJsonDocument(text).value
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e
      this.bad(`line is not valid JSON: ${e.message} at column ${e.offset + 1}`)
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.bad('line is not a JSON object; each line of a JSON Lines trace is one event object')
    }
    const obj = value as Record<string, unknown>
    this.n = 1
    this.cpu = -1
    this.td = -1
    let seen = 0
    const keys = Object.keys(obj)
    const fields: number[] = []
    for (const key of keys) {
      const f = TRACE_FIELDS.indexOf(key as (typeof TRACE_FIELDS)[number])
      if (f < 0) this.badKey(key)
      fields.push(f)
    }
    for (let k = 0; k < keys.length; k++) {
      const f = fields[k]!
      const v = obj[keys[k]!]
      const name = TRACE_FIELDS[f]!
      if (v === null && f >= F_N) continue // optional field given as null: unknown / default
      if (typeof v === 'string') {
        this.setField(f, v, 0, v.length, true, true)
      } else if (typeof v === 'number') {
        if (!Number.isInteger(v)) this.bad(`${name} ${v} is not a whole number`)
        const t = Math.abs(v) < 1e21 ? v.toFixed(0) : String(v)
        this.setField(f, t, 0, t.length, false, true)
      } else {
        this.bad(
          `${name} must be a ${f === F_EV || f === F_LEVEL ? 'string' : f === F_PFN ? '"0x…" string or an integer' : 'number'}`
        )
      }
      seen |= 1 << f
    }
    this.checkRequired(seen)
  }

  private checkRequired(seen: number): void {
    if ((seen & REQUIRED_MASK) !== REQUIRED_MASK) {
      for (let f = 0; f < 4; f++) {
        if (!(seen & (1 << f))) this.bad(`the event has no "${TRACE_FIELDS[f]}" field`)
      }
    }
  }

  private badKey(key: string): never {
    return this.bad(`unknown field "${shown(key)}" (the fields are ${FIELD_LIST})`)
  }

  // -------------------------------------------------------------------------------------------
  // CSV
  // -------------------------------------------------------------------------------------------

  /** Split a row without quotes; false if it has a `"` (papaparse handles those). */
  private scanCsv(s: string, a: number, b: number): boolean {
    const cols = this.cols
    const nCols = cols.length
    const spans = this.spans
    let col = 0
    let fa = a
    for (let i = a; ; i++) {
      const c = i < b ? s.charCodeAt(i) : 44
      if (c === 34) return false
      if (c === 44) {
        if (col < nCols) {
          let x = fa
          let y = i
          while (x < y && (s.charCodeAt(x) === 32 || s.charCodeAt(x) === 9)) x++
          while (y > x && (s.charCodeAt(y - 1) === 32 || s.charCodeAt(y - 1) === 9)) y--
          spans[col * 2] = x
          spans[col * 2 + 1] = y
        }
        col++
        fa = i + 1
        if (i >= b) break
      }
    }
    if (col !== nCols) this.badFieldCount(col)
    this.n = 1
    this.cpu = -1
    this.td = -1
    for (let k = 0; k < nCols; k++) this.setField(cols[k]!, s, spans[k * 2]!, spans[k * 2 + 1]!)
    return true
  }

  private slowCsv(text: string): void {
    const parsed = Papa.parse<string[]>(text, { delimiter: ',' })
    if (parsed.errors.length > 0 || parsed.data.length !== 1) {
      this.bad(`row is not valid CSV: ${parsed.errors[0]?.message ?? 'it spans several rows'}`)
    }
    const cells = parsed.data[0]!
    if (cells.length !== this.cols.length) this.badFieldCount(cells.length)
    this.n = 1
    this.cpu = -1
    this.td = -1
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[k]!.trim()
      this.setField(this.cols[k]!, cell, 0, cell.length)
    }
  }

  private badFieldCount(count: number): never {
    return this.bad(
      `row has ${count} field${count === 1 ? '' : 's'}, but the CSV header has ${this.cols.length}`
    )
  }

  // -------------------------------------------------------------------------------------------
  // Fields and events
  // -------------------------------------------------------------------------------------------

  /**
   * Decode field `f` from `s[a, b)`. For JSON, `quoted` says whether it was a string; CSV cells
   * are untyped, and an empty optional cell keeps its default.
   */
  private setField(f: number, s: string, a: number, b: number, quoted = false, json = false): void {
    if (a === b && !json) {
      if (f >= F_N) return
      this.bad(`${TRACE_FIELDS[f]} is empty`)
    }
    switch (f) {
      case F_T: {
        if (json && quoted) this.bad('t_ns must be a JSON number, not a string')
        const v = decodeInt(s, a, b)
        if (v !== v) this.bad(`t_ns "${shown(s.slice(a, b))}" is not a whole number of nanoseconds`)
        if (v < 0) this.bad(`t_ns ${shown(s.slice(a, b))} is negative`)
        if (v === TOO_BIG) {
          this.bad(
            `t_ns ${shown(s.slice(a, b))} is beyond 2^53 ns; make the times relative to the start of the trace`
          )
        }
        this.tNs = v
        return
      }
      case F_EV: {
        if (json && !quoted) this.bad('ev must be a string such as "get"')
        const v = decodeEv(s, a, b)
        if (v < 0) {
          this.bad(`unknown event "${shown(s.slice(a, b))}"; ev must be one of ${TRACE_EVENT_LIST}`)
        }
        this.ev = v
        return
      }
      case F_PFN: {
        const v = json
          ? quoted
            ? decodePfn(s, a, b, false)
            : decodeInt(s, a, b)
          : decodePfn(s, a, b, true)
        if (v !== v || v < 0) {
          this.bad(
            `pfn "${shown(s.slice(a, b))}" is not a page frame number (expected "0x…" hex or a whole number)`
          )
        }
        this.pfn = v
        this.pfnSrc = s
        this.pfnA = a
        this.pfnB = b
        return
      }
      case F_LEVEL: {
        if (json && !quoted) this.bad('level must be a string: "4k", "2m" or "1g"')
        const v = decodeLevel(s, a, b)
        if (v < 0) this.bad(`unknown level "${shown(s.slice(a, b))}"; level must be 4k, 2m or 1g`)
        this.level = v
        return
      }
      case F_N: {
        if (json && quoted) this.bad('n must be a JSON number, not a string')
        const v = decodeInt(s, a, b)
        if (v !== v) this.bad(`n "${shown(s.slice(a, b))}" is not a whole number`)
        if (v < 1) this.bad(`n is ${shown(s.slice(a, b))}; it must be at least 1`)
        this.n = v
        return
      }
      default: {
        const name = TRACE_FIELDS[f]!
        if (json && quoted) this.bad(`${name} must be a JSON number, not a string`)
        const v = decodeInt(s, a, b)
        if (v !== v) this.bad(`${name} "${shown(s.slice(a, b))}" is not a whole number`)
        if (v < -1 || v > INT32_MAX) {
          this.bad(
            `${name} ${shown(s.slice(a, b))} is out of range (-1 for unknown, else 0 to ${INT32_MAX})`
          )
        }
        if (f === F_CPU) this.cpu = v
        else this.td = v
      }
    }
  }

  /** Check the decoded row as a whole and append it to the buffer. */
  private emit(): void {
    const { tNs, ev, pfn, level, n, td, cpu } = this
    const line = this.lineNo
    if (pfn >= MAX_TRACE_PFN) {
      fail(
        {
          code: 'ADDRESS_TOO_LARGE',
          line,
          message: `pfn ${shown(this.pfnSrc.slice(this.pfnA, this.pfnB))} is beyond 52 physical address bits (a pfn is below 2^40; is this a byte address?)`
        },
        this.fileName
      )
    }
    // `ev` is the name's code; `kind` is what it replays as (ctrl_get/ctrl_put are a Get/Put).
    const kind = TRACE_EVENT_KIND_BY_CODE[ev]!
    const huge =
      kind === EventKind.Demote || kind === EventKind.PamtAdd || kind === EventKind.PamtRemove
    if (huge) {
      if (level !== LEVEL_2M) {
        this.bad(`${TRACE_EVENT_NAMES[ev]} rows must have level 2m (they act on 2 MiB regions)`)
      }
      if (kind === EventKind.Demote && pfn % 512 !== 0) {
        this.bad(`demote pfn ${hex(pfn)} is not 2 MiB aligned (a multiple of 0x200)`)
      }
    }
    // The range [start, end) in 4K pages must stay within 52 bits.
    const start = huge ? pfn - (pfn % 512) : pfn
    const end = start + n * PAGES_PER_LEVEL[level]!
    if (end > MAX_TRACE_PFN) {
      fail(
        {
          code: 'ADDRESS_TOO_LARGE',
          line,
          message: `the range of n = ${n === TOO_BIG ? 'a huge number' : n} ${['4K', '2M', '1G'][level]} units from pfn ${hex(pfn)} ends beyond 52 physical address bits`
        },
        this.fileName
      )
    }

    this.rows++
    this.byKind[ev]!++
    if (tNs < this.minNs) this.minNs = tNs
    if (tNs > this.maxNs) this.maxNs = tNs
    if (td !== this.lastTd) {
      this.lastTd = td
      if (td !== -1) this.tdSet.add(td)
    }
    if (cpu !== this.lastCpu) {
      this.lastCpu = cpu
      if (cpu !== -1) this.cpuSet.add(cpu)
    }

    const events = this.events
    if (kind === EventKind.Get || kind === EventKind.Put) {
      if (level !== LEVEL_4K) {
        // KVM gets/puts a PAMT page pair only for 4K mappings (arch/x86/kvm/vmx/tdx.c,
        // tdx_sept_map_leaf_spte(), Dynamic PAMT v6 09/11): nothing to replay.
        this.skippedHuge++
        return
      }
      events.pushPfnRange(tNs, kind, pfn, n, td, cpu, line)
    } else {
      events.push(tNs, kind, start / 512, n, 512, td, cpu, line)
    }
    if (events.length > this.maxEvents) {
      fail(
        {
          code: 'FILE_TOO_LARGE',
          line,
          message: `the trace has more than ${this.maxEvents.toLocaleString('en-US')} events, the limit for one import; capture a shorter window or split the trace`
        },
        this.fileName
      )
    }
  }

  private bad(message: string): never {
    return fail({ code: 'MALFORMED_LINE', line: this.lineNo, message }, this.fileName)
  }
}

/** Parse a whole trace held in memory (fed in slices, so `onProgress` still fires). */
export function parseTraceText(
  text: string,
  fileName: string,
  options: TraceParseOptions = {}
): TraceImportResult {
  const parser = new TraceParser(fileName, options)
  for (let i = 0; i < text.length && parser.error === null; i += TEXT_SLICE) {
    parser.feed(text.slice(i, i + TEXT_SLICE))
  }
  return parser.finish()
}
