import fc from 'fast-check'

/**
 * Edits that turn a real input file into the kinds of broken file users send: cut, spliced,
 * duplicated or swapped lines, numbers swapped for extreme ones, control and binary characters,
 * CRLF, a truncated tail, tokens of the other formats.
 */
const TOKENS = [
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\u0000',
  '\x1b[31m',
  '\x1b]0;t\x07',
  '\ufffd',
  '\u202e',
  '0x',
  '0xffffffffffffffff',
  '0x10000000000000',
  '18446744073709551616',
  '-1',
  '1e999',
  'NaN',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '"',
  ',',
  ':',
  '-',
  ' ',
  'usable',
  'reserved',
  'System RAM',
  '=HYPERLINK("x")',
  '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0xffffffffffffffff] usable',
  '[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x00000000ffffffff] usable',
  'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable',
  'virt/tdx: CMR: [0x100000, 0x77800000)',
  'ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0xffffffff]',
  'NUMA: Node 0 [mem 0x00000000-0x7fffffff] + [mem 0x100000000-0x47fffffff]',
  'virt/tdx: 1050636 KB allocated for PAMT',
  '{"format":"pamt-planner-host","version":1,"memory":[]}',
  '00000000-0009ffff : System RAM',
  't_ns,ev,pfn,level,n,cpu,td',
  '0,get,0x100000,4k,1,0,1',
  '{"t_ns":0,"ev":"get","pfn":"0x100000","level":"4k","n":1,"cpu":0,"td":1}'
]

type Edit =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'number'; at: number; text: string }
  | { op: 'dupLine'; line: number; times: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'truncate'; at: number }

/** A place in the text as a fraction [0, 1), uniform (fast-check biases numbers to the edges). */
const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1e6)

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: position, len: fc.nat(120) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: position,
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 12 }))
  }),
  fc.record({
    op: fc.constant('number' as const),
    at: position,
    text: fc.oneof(
      fc.constantFrom('0', '-1', '0xffffffffffffffff', '99999999999999999999', '1e308', '0x0'),
      fc.bigInt({ min: 0n, max: 2n ** 70n }).map((n) => `0x${n.toString(16)}`),
      fc.integer().map(String)
    )
  }),
  fc.record({
    op: fc.constant('dupLine' as const),
    line: position,
    times: fc.integer({ min: 1, max: 40 })
  }),
  fc.record({ op: fc.constant('swapLines' as const), a: position, b: position }),
  fc.record({ op: fc.constant('truncate' as const), at: position })
)

function apply(text: string, e: Edit): string {
  const at = (f: number): number => Math.floor(f * (text.length + 1))
  switch (e.op) {
    case 'delete': {
      const i = at(e.at)
      return text.slice(0, i) + text.slice(i + e.len)
    }
    case 'insert': {
      const i = at(e.at)
      return text.slice(0, i) + e.text + text.slice(i)
    }
    case 'number': {
      // Replace the run of hex digits (a number or an address) nearest after the position.
      const re = /(0x)?[0-9a-fA-F]+/g
      re.lastIndex = at(e.at)
      const m = re.exec(text) ?? /(0x)?[0-9a-fA-F]+/.exec(text)
      return m ? text.slice(0, m.index) + e.text + text.slice(m.index + m[0].length) : text
    }
    case 'dupLine': {
      const lines = text.split('\n')
      const i = Math.floor(e.line * lines.length)
      lines.splice(i, 0, ...Array<string>(e.times).fill(lines[i] ?? ''))
      return lines.join('\n')
    }
    case 'swapLines': {
      const lines = text.split('\n')
      const a = Math.floor(e.a * lines.length)
      const b = Math.floor(e.b * lines.length)
      ;[lines[a], lines[b]] = [lines[b]!, lines[a]!]
      return lines.join('\n')
    }
    case 'truncate':
      return text.slice(0, at(e.at))
  }
}

/** A real file with up to `maxEdits` random edits (none: the file itself, now and then). */
export function mutated(text: string, maxEdits = 6): fc.Arbitrary<string> {
  return fc.array(edit, { maxLength: maxEdits }).map((edits) => edits.reduce(apply, text))
}

/** The text cut into chunks at random places, as a stream from disk arrives. */
export function chunked(text: string): fc.Arbitrary<string[]> {
  return fc.array(fc.nat(text.length), { maxLength: 8 }).map((cuts) => {
    const at = [...new Set([0, ...cuts.sort((a, b) => a - b), text.length])]
    return at.slice(1).map((end, i) => text.slice(at[i], end))
  })
}

/** Lines of a text as error line numbers count them (1-based; a final line without newline counts). */
export function lineCount(text: string): number {
  return text.split('\n').length
}
