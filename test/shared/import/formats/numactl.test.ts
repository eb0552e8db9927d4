import { describe, expect, it } from 'vitest'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS } from '@shared/import/limits'
import { parseLsmemJson } from '@shared/import/lsmemJson'
import {
  assignNodesBySize,
  looksLikeNumactl,
  parseNumactl,
  type NumactlNode
} from '@shared/import/numactl'
import { parseProcIomem } from '@shared/import/procIomem'
import type { MemoryRange } from '@shared/model/host/memoryMap'
import { expectClearSentence, fixture, GiB, MiB, ok, type BadCase } from './helpers'
import { formatImportError } from '@shared/import/importError'

function numactlOk(text: string): Extract<ReturnType<typeof parseNumactl>, { ok: true }> {
  let r: ReturnType<typeof parseNumactl> | undefined
  expect(() => {
    r = parseNumactl(text, 'numactl.txt')
  }).not.toThrow()
  if (!r!.ok) throw new Error(`expected ok, got ${r!.error.code}: ${r!.error.message}`)
  return r!
}

const TWO = [
  'available: 2 nodes (0-1)',
  'node 0 cpus: 0 1 2 3',
  'node 0 size: 32000 MB',
  'node 0 free: 30000 MB',
  'node 1 cpus: 4 5 6 7',
  'node 1 size: 32100 MB',
  'node 1 free: 31000 MB',
  'node distances:',
  'node   0   1 ',
  '  0:  10  21 ',
  '  1:  21  10 '
]
const two = (...replace: Array<[number, string]>): string => {
  const lines = [...TWO]
  for (const [i, l] of replace) lines[i - 1] = l
  return lines.join('\n') + '\n'
}

describe('parseNumactl: good input', () => {
  it('reads a 4-node host with two memory-only (CXL) nodes', () => {
    const r = numactlOk(fixture('numactl-2s-cxl-4node.txt'))
    expect(r.nodes.map((n) => [n.nid, n.sizeBytes, n.cpus.length, n.line])).toEqual([
      [0, 63797 * MiB, 48, 8],
      [1, 64419 * MiB, 48, 11],
      [2, 65536 * MiB, 0, 14],
      [3, 65536 * MiB, 0, 17]
    ])
    expect(r.nodes[0]!.cpus.slice(0, 3)).toEqual([0, 1, 2])
    expect(r.nodes[1]!.cpus.at(-1)).toBe(95)
    expect(r.summary.formats).toEqual(['numactl'])
    expect(r.summary.recognised).toEqual([
      { what: 'node size lines', count: 4 },
      { what: 'node cpus lines', count: 4 },
      { what: 'node free lines', count: 4 },
      { what: 'available and distance lines', count: 7 }
    ])
    expect(r.summary.linesSkipped).toBe(0)
    expect(r.summary.notes.join(' ')).toContain('2 memory-only node(s)')
  })

  it('skips a pasted prompt and reads sparse node ids and CPU-only nodes', () => {
    const r = numactlOk(
      [
        '$ numactl -H',
        'available: 3 nodes (0,2-3)',
        'node 0 cpus: 0 1',
        'node 0 size: 1024 MB',
        'node 2 cpus: 2 3',
        'node 2 size: 0 MB',
        'node 3 cpus:',
        'node 3 size: 2048 MB'
      ].join('\r\n')
    )
    expect(r.nodes.map((n) => [n.nid, n.sizeBytes / MiB, n.cpus])).toEqual([
      [0, 1024, [0, 1]],
      [2, 0, [2, 3]],
      [3, 2048, []]
    ])
    expect(r.summary.skippedSamples).toEqual([{ line: 1, text: '$ numactl -H' }])
    expect(r.summary.notes.join(' ')).toContain('1 node(s) have no memory')
  })

  it('works without the available line and the distance matrix', () => {
    const r = numactlOk('node 1 size: 100 MB\nnode 0 size: 200 MB\n')
    expect(r.nodes.map((n) => [n.nid, n.cpus])).toEqual([
      [0, []],
      [1, []]
    ])
  })
})

const badCases: BadCase[] = [
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined },
  { name: 'NUL byte', text: two([3, 'node 0 size: \u0000 MB']), code: 'BINARY_FILE', line: 3 },
  {
    name: 'file over the size limit',
    text: () => 'n'.repeat(MAX_HOST_FILE_BYTES + 1),
    code: 'FILE_TOO_LARGE',
    line: undefined
  },
  {
    name: 'line over MAX_LINE_CHARS',
    text: () => two([2, 'node 0 cpus:' + ' 1'.repeat(MAX_LINE_CHARS)]),
    code: 'MALFORMED_LINE',
    line: 2
  },
  {
    name: 'no NUMA on this system',
    text: 'No NUMA available on this system\n',
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'single node 0'
  },
  {
    name: 'no size lines',
    text: 'available: 1 nodes (0)\nnode 0 cpus: 0 1\n',
    code: 'NO_MEMORY_LINES',
    line: undefined,
    says: 'node N size: M MB'
  },
  {
    name: 'size in GB',
    text: two([3, 'node 0 size: 32 GB']),
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'node N size: M MB'
  },
  {
    name: 'size that is no number',
    text: two([6, 'node 1 size: lots MB']),
    code: 'MALFORMED_LINE',
    line: 6
  },
  {
    name: 'cpu list with a non-number',
    text: two([5, 'node 1 cpus: 4 5 x 7']),
    code: 'MALFORMED_LINE',
    line: 5
  },
  {
    name: 'size line repeated',
    text: two([6, 'node 0 size: 32100 MB']),
    code: 'MALFORMED_LINE',
    line: 6,
    says: 'second size line (the first is on line 3)'
  },
  {
    name: 'available count does not match the list',
    text: two([1, 'available: 3 nodes (0-1)']),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'says 3 nodes but lists 2'
  },
  {
    name: 'malformed available line',
    text: two([1, 'available: 2 nodes (0-)']),
    code: 'MALFORMED_LINE',
    line: 1
  },
  {
    name: 'node not in the available list',
    text: two([6, 'node 2 size: 32100 MB']),
    code: 'MALFORMED_LINE',
    line: 6,
    says: 'not in the "available:" list'
  },
  {
    name: 'listed node without a size',
    text: two([1, 'available: 3 nodes (0-2)']),
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'node 2 is listed as available but has no'
  }
]

describe('parseNumactl: bad input', () => {
  it.each(badCases)('$name → $code', ({ text, code, line, says }) => {
    const r = parseNumactl(typeof text === 'function' ? text() : text, 'bad.txt')
    if (r.ok) throw new Error('expected an error')
    expect({ code: r.error.code, line: r.error.line }).toEqual({ code, line })
    expectClearSentence(r.error.message)
    if (says !== undefined) expect(r.error.message.toLowerCase()).toContain(says.toLowerCase())
    expect(formatImportError(r.error)).toMatch(/^bad\.txt(:\d+)?: /)
  })
})

function ram(base: number, end: number): MemoryRange {
  return { baseBytes: base, endBytes: end, type: 'ram', typeLabel: 'System RAM', line: 0 }
}
function node(nid: number, sizeBytes: number, line = 0): NumactlNode {
  return { nid, sizeBytes, cpus: [], line }
}

describe('assignNodesBySize (modelling assumption: ascending address, proportional shares)', () => {
  it('lands node 1 at 66 GiB on the 2-socket host, as lsmem shows it', () => {
    const lsmem = ok(parseLsmemJson, fixture('lsmem-2s-128g.json')).host
    const nodes = numactlOk(fixture('numactl-2s-128g.txt')).nodes
    const blks = assignNodesBySize(lsmem.ranges, nodes)
    expect(blks).toEqual([
      { baseBytes: 0, endBytes: 66 * GiB, nid: 0, hotplug: false, line: 9 },
      { baseBytes: 66 * GiB, endBytes: 130 * GiB, nid: 1, hotplug: false, line: 12 }
    ])
    // lsmem's own node boundary is the same address.
    expect(lsmem.numaMemblks.find((b) => b.nid === 1)!.baseBytes).toBe(66 * GiB)
  })

  it('without snapping, shares follow the sizes and the last node takes the rest', () => {
    const ranges = [ram(0, 2 * GiB), ram(4 * GiB, 10 * GiB)] // 8 GiB of RAM
    const blks = assignNodesBySize(ranges, [node(0, 3 * GiB), node(1, 1 * GiB)], { alignBytes: 1 })
    // 3/4 of 8 GiB = 6 GiB of RAM: 2 GiB low + 4 GiB from 4 GiB → boundary at 8 GiB.
    expect(blks.map((b) => [b.nid, b.baseBytes / GiB, b.endBytes / GiB])).toEqual([
      [0, 0, 8],
      [1, 8, 10]
    ])
  })

  it('ignores non-RAM ranges and nodes without memory, and orders nodes by nid', () => {
    const ranges: MemoryRange[] = [
      ram(4 * GiB, 8 * GiB),
      { ...ram(2 * GiB, 4 * GiB), type: 'reserved' },
      ram(0, 2 * GiB)
    ]
    // 6 GiB of RAM shared 1:2; node 0's 2 GiB end exactly at the reserved hole.
    const blks = assignNodesBySize(ranges, [node(2, 2 * GiB), node(1, 0), node(0, GiB)])
    expect(blks.map((b) => [b.nid, b.baseBytes / GiB, b.endBytes / GiB])).toEqual([
      [0, 0, 2],
      [2, 4, 8]
    ])
  })

  it('keeps an unsnapped boundary when snapping would leave a node empty', () => {
    const ranges = [ram(0, 768 * MiB)]
    const blks = assignNodesBySize(ranges, [node(0, 256 * MiB), node(1, 512 * MiB)])
    expect(blks.map((b) => [b.nid, b.baseBytes / MiB, b.endBytes / MiB])).toEqual([
      [0, 0, 256],
      [1, 256, 768]
    ])
  })

  it('returns [] without RAM or without memory nodes', () => {
    expect(assignNodesBySize([], [node(0, GiB)])).toEqual([])
    expect(assignNodesBySize([ram(0, GiB)], [node(0, 0)])).toEqual([])
  })

  it('lays the CXL host nodes over an iomem map in nid order', () => {
    // 2 sockets x 64 GiB DRAM, then 2 x 64 GiB CXL windows at 1 TiB.
    const text = [
      '00000000-7fffffff : System RAM',
      '100000000-107fffffff : System RAM',
      '10000000000-1ffffffffff : System RAM'
    ].join('\n')
    const host = ok(parseProcIomem, text).host
    const blks = assignNodesBySize(
      host.ranges,
      numactlOk(fixture('numactl-2s-cxl-4node.txt')).nodes
    )
    expect(blks.map((b) => b.nid)).toEqual([0, 1, 2, 3])
    expect(blks[0]!.baseBytes).toBe(0)
    expect(blks.at(-1)!.endBytes).toBe(0x20000000000)
    for (let i = 1; i < blks.length; i++) expect(blks[i]!.baseBytes).toBe(blks[i - 1]!.endBytes)
  })
})

describe('looksLikeNumactl', () => {
  it('recognises numactl -H output', () => {
    expect(looksLikeNumactl(fixture('numactl-2s-cxl-4node.txt'))).toBe(true)
    expect(looksLikeNumactl(fixture('numactl-2s-128g.txt'))).toBe(true)
  })
  it('rejects other formats', () => {
    expect(looksLikeNumactl(fixture('proc-iomem-r750xs-1s-128g.txt'))).toBe(false)
    expect(looksLikeNumactl(fixture('lsmem-2s-128g.json'))).toBe(false)
    expect(looksLikeNumactl('node distances:\n')).toBe(false)
  })
})
