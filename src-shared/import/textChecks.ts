/**
 * Checks shared by the host-file importers other than the boot log (proc-iomem, firmware-memmap,
 * lsmem JSON, numactl, host JSON): whole-file checks (size, empty, binary), line splitting with the
 * line-length limit, address parsing against 52 physical address bits, range sorting and the
 * overlap check, and a small JSON reader that remembers where each value starts so errors can name
 * a line and column. Pure TypeScript: no Node, Electron or DOM APIs.
 */
import type { MemoryRange } from '../model/host/memoryMap'
import { MAX_PHYS_ADDR_BYTES } from '../model/host/units'
import { SKIPPED_SAMPLE_COUNT, type ParseOptions } from './hostImport'
import { ImportFailure, type ImportError } from './importError'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS, formatLimitBytes } from './limits'

/** How often (in lines) line-based parsers report progress. */
export const PROGRESS_EVERY_LINES = 1 << 16

/** How many non-empty lines the `looksLikeX` sniffers read. */
export const SNIFF_LINES = 50

/** Throw an ImportFailure for `fileName`; parsers catch it at their boundary ({@link runImport}). */
export function fail(detail: Omit<ImportError, 'fileName'>, fileName: string): never {
  throw new ImportFailure({ fileName, ...detail })
}

/** Run a parser body, turning an ImportFailure into `{ ok: false, error }`. Other errors propagate. */
export function runImport<T extends object>(
  body: () => T
): ({ ok: true } & T) | { ok: false; error: ImportError } {
  try {
    return { ok: true, ...body() }
  } catch (e) {
    if (e instanceof ImportFailure) return { ok: false, error: e.detail }
    throw e
  }
}

/** Drop a leading byte-order mark (editors on Windows add one); it is not part of line 1. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** 1-based line of a character offset (lines end at `\n`; a `\r` before it belongs to the line). */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1
  let i = text.indexOf('\n')
  while (i >= 0 && i < offset) {
    line++
    i = text.indexOf('\n', i + 1)
  }
  return line
}

/**
 * A fast offset → 1-based line lookup for many queries on one text (binary search over the line
 * starts), where calling {@link lineOfOffset} per element would be quadratic.
 */
export function lineLocator(text: string): (offset: number) => number {
  const starts: number[] = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return (offset) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const line = lineOfOffset(text, offset)
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  return { line, column: offset - lineStart + 1 }
}

/**
 * Reject files that are not text for `what` (e.g. "/proc/iomem dump"): over MAX_HOST_FILE_BYTES,
 * empty or blank, or containing NUL / U+FFFD (binary data, or invalid UTF-8 decoded). The text
 * length in UTF-16 units stands in for bytes: for the ASCII these formats use they are equal.
 */
export function checkIsText(text: string, fileName: string, what: string): void {
  if (text.length > MAX_HOST_FILE_BYTES) {
    fail(
      {
        code: 'FILE_TOO_LARGE',
        message: `file is larger than the ${formatLimitBytes(MAX_HOST_FILE_BYTES)} limit for host files`
      },
      fileName
    )
  }
  if (text.trim().length === 0) fail({ code: 'EMPTY_FILE', message: 'file is empty' }, fileName)
  // eslint-disable-next-line no-control-regex -- looking for NUL is the point
  const bad = text.search(/[\u0000\uFFFD]/)
  if (bad >= 0) {
    fail(
      {
        code: 'BINARY_FILE',
        line: lineOfOffset(text, bad),
        message: `file is binary, not a text ${what} (NUL or invalid UTF-8 byte)`
      },
      fileName
    )
  }
}

/** Split into lines (`\n` or `\r\n`), dropping the empty string after a final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** Fail on a line longer than MAX_LINE_CHARS. */
export function checkLineLength(raw: string, line: number, fileName: string, what: string): void {
  if (raw.length > MAX_LINE_CHARS) {
    fail(
      {
        code: 'MALFORMED_LINE',
        line,
        message: `line is longer than ${MAX_LINE_CHARS} characters; this is not a ${what}`
      },
      fileName
    )
  }
}

/** Fail on any line longer than MAX_LINE_CHARS (for JSON, before parsing). */
export function checkAllLineLengths(text: string, fileName: string, what: string): void {
  let start = 0
  let line = 1
  while (start <= text.length) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 ? text.length : nl
    const len = end - start - (end > start && text.charCodeAt(end - 1) === 13 ? 1 : 0)
    if (len > MAX_LINE_CHARS) {
      fail(
        {
          code: 'MALFORMED_LINE',
          line,
          message: `line is longer than ${MAX_LINE_CHARS} characters; this is not a ${what}`
        },
        fileName
      )
    }
    if (nl < 0) break
    start = nl + 1
    line++
  }
}

/**
 * Parse a hex address (`0x…`, or bare hex digits as /proc/iomem prints them) and reject anything
 * at or beyond 2^52 (x86-64 MAXPHYADDR). An exclusive end may be exactly 2^52: its last byte is
 * still within 52 bits. `shown` is the text quoted in the message (defaults to `hex`).
 */
export function parseAddress(
  hex: string,
  fileName: string,
  line: number | undefined,
  opts: { exclusiveEnd?: boolean; shown?: string } = {}
): number {
  const value = BigInt(hex.startsWith('0x') || hex.startsWith('0X') ? hex : `0x${hex}`)
  const limit = BigInt(MAX_PHYS_ADDR_BYTES)
  if (opts.exclusiveEnd ? value > limit : value >= limit) {
    fail(
      {
        code: 'ADDRESS_TOO_LARGE',
        ...(line !== undefined ? { line } : {}),
        message: `address ${opts.shown ?? hex} is beyond 52 physical address bits (the x86-64 maximum)`
      },
      fileName
    )
  }
  return Number(value)
}

/** A range with a base, an exclusive end and a source line (MemoryRange, NumaMemblk, CmrRange). */
export interface LinedRange {
  baseBytes: number
  endBytes: number
  line: number
}

/**
 * Sort ranges by base (stable) and fail if two overlap. The error names the later line of the
 * pair (the one a reader would fix). `where` gives a range's location in the message, by default
 * "on line N"; JSON importers pass e.g. "at memory[3] (line 12)".
 */
export function sortAndCheckOverlaps<T extends LinedRange>(
  ranges: readonly T[],
  what: string,
  fileName: string,
  where: (r: T) => string = (r) => `on line ${r.line}`
): T[] {
  const sorted = [...ranges].sort((a, b) => a.baseBytes - b.baseBytes || a.line - b.line)
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const cur = sorted[i]!
    if (cur.baseBytes < prev.endBytes) {
      const [later, earlier] = cur.line >= prev.line ? [cur, prev] : [prev, cur]
      fail(
        {
          code: 'OVERLAPPING_RANGES',
          ...(later.line > 0 ? { line: later.line } : {}),
          message: `${what} range ${where(later)} overlaps the one ${where(earlier)}`
        },
        fileName
      )
    }
  }
  return sorted
}

/** Hex with `0x`, lower case, no padding: the form messages and the host JSON use. */
export function hex(n: number): string {
  return '0x' + n.toString(16)
}

/** Total bytes of the RAM ranges. */
export function ramBytes(ranges: readonly MemoryRange[]): number {
  return ranges.reduce((sum, r) => (r.type === 'ram' ? sum + (r.endBytes - r.baseBytes) : sum), 0)
}

/** Collects skipped lines for ImportSummary (count plus the first SKIPPED_SAMPLE_COUNT). */
export class SkippedLines {
  count = 0
  readonly samples: Array<{ line: number; text: string }> = []
  add(line: number, text: string): void {
    this.count++
    if (this.samples.length < SKIPPED_SAMPLE_COUNT) {
      this.samples.push({ line, text: text.length > 200 ? text.slice(0, 200) + '…' : text })
    }
  }
}

/** Call onProgress every PROGRESS_EVERY_LINES lines (never for line 0). */
export function reportProgress(i: number, total: number, options: ParseOptions): void {
  if (i > 0 && i % PROGRESS_EVERY_LINES === 0) options.onProgress?.(i / total)
}

/** The first `n` non-empty lines that are not `#` comments, trimmed at the end. */
export function sniffLines(text: string, n = SNIFF_LINES): string[] {
  const out: string[] = []
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0
  // Never look beyond 64 KiB: sniffing must stay cheap on a 64 MiB file.
  const limit = Math.min(text.length, 64 * 1024)
  while (start < limit && out.length < n) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 || nl > limit ? limit : nl
    const line = text.slice(start, end).trimEnd()
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) out.push(line)
    start = end + 1
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// JSON with positions
// ---------------------------------------------------------------------------------------------

/** A JSON syntax error at a character offset. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number
  ) {
    super(message)
  }
}

/** Where each value of a parsed JSON document starts (character offsets into the text). */
export interface JsonDocument {
  value: unknown
  /**
   * Offset where the value at `path` starts, or, for a path that does not exist (a missing key),
   * the offset of its deepest existing ancestor. For an object member, the offset of its key.
   */
  offsetOf(path: ReadonlyArray<PropertyKey>): number
}

const MAX_JSON_DEPTH = 512

/**
 * Parse JSON (RFC 8259) recording where every value starts, so a schema error on
 * `memory[3].base` can name the line. Engines word JSON.parse errors differently and Node 20
 * gives no position, so syntax errors come from this reader too, with an exact offset.
 * Duplicate keys: the last one wins, as in JSON.parse.
 */
export function parseJsonDocument(text: string): JsonDocument {
  const positions = new WeakMap<object, Record<string, number>>()
  let pos = 0
  let depth = 0

  const describeAt = (at: number): string =>
    at >= text.length ? 'end of file' : `character ${JSON.stringify(text[at])}`
  const err = (expected: string, at = pos): never => {
    throw new JsonSyntaxError(`unexpected ${describeAt(at)}, expected ${expected}`, at)
  }
  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos)
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++
      else return
    }
  }

  const parseString = (): string => {
    // pos is at the opening quote
    const start = pos
    pos++
    let out = ''
    let chunk = pos
    for (;;) {
      if (pos >= text.length) throw new JsonSyntaxError('unterminated string', start)
      const c = text.charCodeAt(pos)
      if (c === 34) {
        out += text.slice(chunk, pos)
        pos++
        return out
      }
      if (c < 0x20) err('a closing quote (control characters must be escaped in strings)')
      if (c === 92) {
        out += text.slice(chunk, pos)
        const e = text[pos + 1]
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t'
        }
        if (e !== undefined && e in simple) {
          out += simple[e]
          pos += 2
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16))
          pos += 6
        } else {
          err('a valid escape sequence', pos + 1)
        }
        chunk = pos
        continue
      }
      pos++
    }
  }

  const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
  const parseValue = (): unknown => {
    skipWs()
    const c = text[pos]
    if (c === '{') return parseObject()
    if (c === '[') return parseArray()
    if (c === '"') return parseString()
    if (c === 't' && text.startsWith('true', pos)) {
      pos += 4
      return true
    }
    if (c === 'f' && text.startsWith('false', pos)) {
      pos += 5
      return false
    }
    if (c === 'n' && text.startsWith('null', pos)) {
      pos += 4
      return null
    }
    NUMBER_RE.lastIndex = pos
    const m = NUMBER_RE.exec(text)
    if (m) {
      pos += m[0].length
      return Number(m[0])
    }
    return err('a value')
  }

  const enter = (): void => {
    if (++depth > MAX_JSON_DEPTH) {
      throw new JsonSyntaxError(`more than ${MAX_JSON_DEPTH} levels of nesting`, pos)
    }
  }

  const parseObject = (): Record<string, unknown> => {
    enter()
    pos++ // {
    const obj: Record<string, unknown> = {}
    const where: Record<string, number> = Object.create(null) as Record<string, number>
    skipWs()
    if (text[pos] === '}') {
      pos++
      depth--
      positions.set(obj, where)
      return obj
    }
    for (;;) {
      skipWs()
      if (text[pos] !== '"') err('a quoted property name')
      const keyAt = pos
      const key = parseString()
      skipWs()
      if (text[pos] !== ':') err('":" after the property name')
      pos++
      const value = parseValue()
      // defineProperty keeps "__proto__" an ordinary own property, as JSON.parse does.
      Object.defineProperty(obj, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true
      })
      where[key] = keyAt
      skipWs()
      if (text[pos] === ',') {
        pos++
        continue
      }
      if (text[pos] === '}') {
        pos++
        break
      }
      err('"," or "}"')
    }
    depth--
    positions.set(obj, where)
    return obj
  }

  const parseArray = (): unknown[] => {
    enter()
    pos++ // [
    const arr: unknown[] = []
    const where: Record<string, number> = Object.create(null) as Record<string, number>
    skipWs()
    if (text[pos] === ']') {
      pos++
      depth--
      positions.set(arr, where)
      return arr
    }
    for (;;) {
      skipWs()
      where[arr.length] = pos
      arr.push(parseValue())
      skipWs()
      if (text[pos] === ',') {
        pos++
        continue
      }
      if (text[pos] === ']') {
        pos++
        break
      }
      err('"," or "]"')
    }
    depth--
    positions.set(arr, where)
    return arr
  }

  skipWs()
  const rootAt = pos
  const value = parseValue()
  skipWs()
  if (pos < text.length) err('end of file after the JSON value')

  return {
    value,
    offsetOf(path) {
      let cur: unknown = value
      let at = rootAt
      for (const seg of path) {
        if (cur === null || typeof cur !== 'object') break
        const where = positions.get(cur)
        const key = String(seg)
        if (!where || !(key in where)) break
        at = where[key]!
        cur = (cur as Record<string, unknown>)[key]
      }
      return at
    }
  }
}

/** `memory[3].base`-style display of a JSON path. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? String(seg) : `.${String(seg)}`
  }
  return out === '' ? '(top level)' : out
}

/**
 * Parse a JSON document or fail with MALFORMED_LINE naming the line and column of the syntax
 * error. `what` names the format in the message ("lsmem JSON").
 */
export function parseJsonOrFail(text: string, fileName: string, what: string): JsonDocument {
  try {
    return parseJsonDocument(text)
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e
    const { line, column } = lineAndColumn(text, e.offset)
    return fail(
      {
        code: 'MALFORMED_LINE',
        line,
        message: `${what} is not valid JSON: ${e.message} at line ${line}, column ${column}`
      },
      fileName
    )
  }
}

/** Does the parsed JSON value have a member at `path`? */
function hasPath(value: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur = value
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return false
    cur = (cur as Record<PropertyKey, unknown>)[seg]
  }
  return true
}

/** A schema problem found by zod, located in the JSON text. */
interface SchemaIssue {
  path: ReadonlyArray<PropertyKey>
  message: string
  code: string
  keys?: readonly string[]
}

/**
 * Fail with MALFORMED_LINE for the earliest (by position in the text) of zod's issues, naming its
 * JSON path and line. `what` names the format ("lsmem JSON"). A key the document lacks reads
 * "is missing" rather than zod's "expected string, received undefined".
 */
export function failOnSchemaIssues(
  issues: readonly SchemaIssue[],
  doc: JsonDocument,
  text: string,
  fileName: string,
  what: string
): never {
  let best: { offset: number; path: PropertyKey[]; message: string } | null = null
  for (const issue of issues) {
    const path = [...issue.path]
    let message = issue.message
    if (path.length > 0 && !hasPath(doc.value, path)) {
      message = 'is missing'
    } else if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
      path.push(issue.keys[0]!)
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    }
    const offset = doc.offsetOf(path)
    if (best === null || offset < best.offset) best = { offset, path, message }
  }
  const { offset, path, message } = best ?? { offset: 0, path: [], message: 'invalid document' }
  const line = lineOfOffset(text, offset)
  return fail(
    {
      code: 'MALFORMED_LINE',
      line,
      message: `${what}: ${formatJsonPath(path)} on line ${line}: ${message}`
    },
    fileName
  )
}
