import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { parseBootLog } from '@shared/import/bootLog'
import { parseFirmwareMemmap } from '@shared/import/firmwareMemmap'
import {
  HOST_JSON_MEMORY_TYPES,
  hostInputToJson,
  looksLikeHostJson,
  parseHostJson
} from '@shared/import/hostJson'
import { MAX_HOST_FILE_BYTES, MAX_LINE_CHARS } from '@shared/import/limits'
import { parseLsmemJson } from '@shared/import/lsmemJson'
import { assignNodesBySize, parseNumactl } from '@shared/import/numactl'
import { parseProcIomem } from '@shared/import/procIomem'
import { emptyKernelTdxLog, type HostInput } from '@shared/model/host/memoryMap'
import { TDX_MODULE_1_5_PARAMS } from '@shared/model/host/tdxModuleParams'
import { carried, checkBadCase, err, fixture, GiB, ok, rangesOf, type BadCase } from './helpers'

const P52 = 2 ** 52

/** A small host covering every field the format carries. */
function sampleHost(): HostInput {
  const kernelLog = emptyKernelTdxLog()
  kernelLog.pamtKb = 8216
  kernelLog.dynamicPamtEnabled = true
  return {
    name: 'sample',
    ranges: [
      { baseBytes: 0, endBytes: 0x9f000, type: 'ram', typeLabel: 'usable', line: 1 },
      { baseBytes: 0x9f000, endBytes: 0x100000, type: 'reserved', typeLabel: 'reserved', line: 2 },
      { baseBytes: 0x100000, endBytes: 2 * GiB, type: 'ram', typeLabel: 'usable', line: 3 }
    ],
    memorySource: 'e820',
    numaMemblks: [{ baseBytes: 0, endBytes: 2 * GiB, nid: 0, hotplug: true, line: 4 }],
    numaSource: 'srat',
    cmrs: [{ baseBytes: 0x100000, endBytes: 2 * GiB, line: 5 }],
    kernelLog,
    params: { maxTdmrs: 32, pamtBitmapBitsPerPage: 1 }
  }
}

const SAMPLE_JSON = `{
  "format": "pamt-planner-host",
  "version": 1,
  "name": "sample",
  "memory": [
    {
      "base": "0x0",
      "end": "0x9f000",
      "type": "ram",
      "label": "usable"
    },
    {
      "base": "0x9f000",
      "end": "0x100000",
      "type": "reserved",
      "label": "reserved"
    },
    {
      "base": "0x100000",
      "end": "0x80000000",
      "type": "ram",
      "label": "usable"
    }
  ],
  "numa": [
    {
      "base": "0x0",
      "end": "0x80000000",
      "node": 0,
      "hotplug": true
    }
  ],
  "cmrs": [
    {
      "base": "0x100000",
      "end": "0x80000000"
    }
  ],
  "tdxModule": {
    "maxTdmrs": 32,
    "pamtBitmapBitsPerPage": 1
  },
  "kernelLog": {
    "pamtKb": 8216,
    "dynamicPamt": true
  }
}
`

describe('hostInputToJson', () => {
  it('writes the documented layout: 2-space indent, stable key order, exclusive hex ends', () => {
    expect(hostInputToJson(sampleHost())).toBe(SAMPLE_JSON)
  })

  it('writes the same text whatever order the params object has its keys in', () => {
    const h = sampleHost()
    h.params = { pamtBitmapBitsPerPage: 1, maxTdmrs: 32 }
    expect(hostInputToJson(h)).toBe(SAMPLE_JSON)
  })

  it('omits tdxModule when the host has no params, and writes empty lists', () => {
    const h = sampleHost()
    delete h.params
    h.numaMemblks = []
    h.cmrs = []
    const json = JSON.parse(hostInputToJson(h)) as Record<string, unknown>
    expect(Object.keys(json)).toEqual([
      'format',
      'version',
      'name',
      'memory',
      'numa',
      'cmrs',
      'kernelLog'
    ])
    expect(json.numa).toEqual([])
    expect(json.kernelLog).toEqual({ pamtKb: 8216, dynamicPamt: true })
  })
})

describe('parseHostJson: good input', () => {
  it('reads the canonical sample back, with lines of each element', () => {
    const { host, summary } = ok(parseHostJson, SAMPLE_JSON, 'sample.json')
    expect(carried(host)).toEqual(carried(sampleHost()))
    expect(host.memorySource).toBe('json')
    expect(host.numaSource).toBe('json')
    expect(host.ranges.map((r) => r.line)).toEqual([6, 12, 18])
    expect(host.numaMemblks[0]!.line).toBe(26)
    expect(host.cmrs[0]!.line).toBe(34)
    expect(host.kernelLog.pamtKbLine).toBe(44)
    expect(summary.formats).toEqual(['host-json'])
    expect(summary.recognised).toEqual([
      { what: 'memory ranges', count: 3 },
      { what: 'NUMA blocks', count: 1 },
      { what: 'CMRs', count: 1 }
    ])
    expect(summary.linesTotal).toBe(47)
  })

  it('reads the SPR fixture (CMRs as RAM, 2 nodes, kernel PAMT line)', () => {
    const text = fixture('host-spr-2s-256g.json')
    const { host } = ok(parseHostJson, text)
    expect(host.name).toBe('SPR 8480C 2S 256 GiB (CMRs as RAM)')
    expect(rangesOf(host)).toEqual([
      [0x100000, 0x77800000, 'ram', 'CMR'],
      [0x100000000, 0x206e000000, 'ram', 'CMR'],
      [0x2080000000, 0x4070000000, 'ram', 'CMR']
    ])
    expect(host.numaMemblks.map((b) => [b.nid, b.baseBytes, b.endBytes])).toEqual([
      [0, 0, 0x2080000000],
      [1, 0x2080000000, 0x4080000000]
    ])
    expect(host.cmrs.map((c) => [c.baseBytes, c.endBytes])).toEqual([
      [0x100000, 0x77800000],
      [0x100000000, 0x206e000000],
      [0x2080000000, 0x4070000000]
    ])
    expect(host.params).toEqual({ maxTdmrs: 64, maxReservedPerTdmr: 16 })
    expect(host.kernelLog.pamtKb).toBe(1050636)
    expect(host.kernelLog.dynamicPamtEnabled).toBe(false)
    // The fixture is in canonical form: exporting it gives the same text.
    expect(hostInputToJson(host)).toBe(text)
  })

  it('fills defaults for a minimal file: name, label, no NUMA, no params', () => {
    const { host, summary } = ok(parseHostJson, fixture('host-minimal.json'), 'min.json')
    expect(host.name).toBe('min.json')
    expect(rangesOf(host)).toEqual([
      [0, 0x9f000, 'ram', 'ram'],
      [0x100000, 2 * GiB, 'ram', 'usable']
    ])
    expect(host.ranges.map((r) => r.line)).toEqual([1, 1])
    expect(host.numaSource).toBe('none')
    expect(host.params).toBeUndefined()
    expect(host.kernelLog).toEqual(emptyKernelTdxLog())
    expect(summary.notes.join(' ')).toContain('single node 0')
  })

  it('keeps file order, allows same-node NUMA overlaps, end = 2^52 and every type', () => {
    const memory = HOST_JSON_MEMORY_TYPES.map((type, i) => ({
      base: `0x${((7 - i) * GiB).toString(16)}`,
      end: `0x${((8 - i) * GiB).toString(16)}`,
      type
    }))
    memory.push({ base: '0xfffff00000000', end: '0x10000000000000', type: 'ram' })
    const text = JSON.stringify({
      format: 'pamt-planner-host',
      version: 1,
      memory,
      numa: [
        { base: '0x0', end: '0x80000000', node: 0 },
        { base: '0x40000000', end: '0xc0000000', node: 0 }
      ],
      tdxModule: { ...TDX_MODULE_1_5_PARAMS }
    })
    const { host } = ok(parseHostJson, text)
    expect(host.ranges.map((r) => r.type)).toEqual([...HOST_JSON_MEMORY_TYPES, 'ram'])
    expect(host.ranges.at(-1)!.endBytes).toBe(P52)
    expect(host.numaMemblks).toHaveLength(2)
    expect(host.params).toEqual(TDX_MODULE_1_5_PARAMS)
  })

  it("reads the kernel's init outcome: a failure keeps what the kernel said", () => {
    const failed = ok(
      parseHostJson,
      edit(
        '"dynamicPamt": false',
        '"dynamicPamt": false,\n    "initialized": false,\n    "initFailure": "module initialization failed (-5)"'
      )
    ).host.kernelLog
    expect(failed).toMatchObject({
      initialized: false,
      initFailure: 'module initialization failed (-5)'
    })
    expect(failed.initLine).toBeGreaterThan(0)
    const bare = ok(
      parseHostJson,
      edit('"dynamicPamt": false', '"dynamicPamt": false, "initialized": false')
    ).host.kernelLog
    expect(bare.initFailure).toBe('initialization failed')
    const none = ok(
      parseHostJson,
      edit('"dynamicPamt": false', '"dynamicPamt": false, "initialized": null')
    ).host.kernelLog
    expect(none).toMatchObject({ initialized: null, initFailure: null, initLine: null })
  })

  it('accepts pamtKb null, a BOM and CRLF', () => {
    const text =
      '\uFEFF' +
      fixture('host-minimal.json')
        .replace('}]}', '}],"kernelLog":{"pamtKb":null}}')
        .replace(/\n/g, '\r\n')
    const { host } = ok(parseHostJson, text)
    expect(host.kernelLog.pamtKb).toBeNull()
    expect(host.kernelLog.pamtKbLine).toBeNull()
  })
})

describe('round trip: parseHostJson(hostInputToJson(x)) reproduces x', () => {
  const roundTrip = (x: HostInput): void => {
    const json = hostInputToJson(x)
    const back = ok(parseHostJson, json, 'rt.json').host
    expect(carried(back)).toEqual(carried(x))
    // And the export is a fixed point.
    expect(hostInputToJson(back)).toBe(json)
  }

  it('a hand-built host with every field', () => roundTrip(sampleHost()))

  it('hosts from /proc/iomem, /sys/firmware/memmap and lsmem', () => {
    roundTrip(ok(parseProcIomem, fixture('proc-iomem-r750xs-1s-128g.txt')).host)
    roundTrip(ok(parseFirmwareMemmap, fixture('firmware-memmap-r750xs-1s-128g.txt')).host)
    roundTrip(ok(parseLsmemJson, fixture('lsmem-2s-128g.json')).host)
    roundTrip(ok(parseLsmemJson, fixture('lsmem-vm-human-sizes.json')).host)
  })

  it('an lsmem map with NUMA laid out from numactl sizes', () => {
    const host = ok(parseLsmemJson, fixture('lsmem-vm-human-sizes.json')).host
    const r = parseNumactl('node 0 size: 4000 MB\nnode 1 size: 4000 MB\n', 'n.txt')
    if (!r.ok) throw new Error(r.error.message)
    host.numaMemblks = assignNodesBySize(host.ranges, r.nodes)
    host.numaSource = 'numactl'
    expect(host.numaMemblks).toHaveLength(2)
    roundTrip(host)
  })

  const hostsDir = fileURLToPath(new URL('../../../fixtures/hosts/', import.meta.url))
  const logs = readdirSync(hostsDir).filter((f) => f.endsWith('.txt'))
  it('there are boot-log fixtures to round-trip', () => {
    expect(logs.length).toBeGreaterThanOrEqual(10)
  })
  it.each(logs)('boot log %s', (name) => {
    const r = parseBootLog(fixture(`../hosts/${name}`), name)
    if (!r.ok) throw new Error(`parseBootLog failed on ${name}: ${r.error.message}`)
    roundTrip(r.host)
  })
})

const GOOD = fixture('host-spr-2s-256g.json')
/** GOOD with one exact substring replaced (asserting it was there). */
function edit(from: string, to: string, text = GOOD): string {
  if (!text.includes(from)) throw new Error(`test bug: ${from} not in the text`)
  return text.replace(from, to)
}

const badCases: BadCase[] = [
  { name: 'empty file', text: '', code: 'EMPTY_FILE', line: undefined },
  { name: 'NUL byte', text: edit('"CMR"', '"C\u0000R"'), code: 'BINARY_FILE', line: 10 },
  {
    name: 'file over the size limit',
    text: () => GOOD + ' '.repeat(MAX_HOST_FILE_BYTES),
    code: 'FILE_TOO_LARGE',
    line: undefined
  },
  {
    name: 'line over MAX_LINE_CHARS',
    text: () => edit('"name": "', `"name": "${'n'.repeat(MAX_LINE_CHARS)}`),
    code: 'MALFORMED_LINE',
    line: 4
  },
  {
    name: 'syntax error: missing comma, with line and column',
    text: edit('"end": "0x77800000",', '"end": "0x77800000"'),
    code: 'MALFORMED_LINE',
    line: 9,
    says: 'host JSON is not valid JSON: unexpected character "\\"", expected "," or "}" at line 9, column 7'
  },
  {
    name: 'syntax error: single quotes',
    text: "{'format': 'pamt-planner-host'}",
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'column 2'
  },
  {
    name: 'not an object',
    text: '[]',
    code: 'MALFORMED_LINE',
    line: 1,
    says: '(top level)'
  },
  {
    name: 'wrong format name',
    text: edit('"pamt-planner-host"', '"pamt-host"'),
    code: 'MALFORMED_LINE',
    line: 2,
    says: 'format on line 2: must be "pamt-planner-host"'
  },
  {
    name: 'format missing',
    text: '{\n  "version": 1, "memory": []\n}',
    code: 'MALFORMED_LINE',
    line: 1,
    says: 'format on line 1: is missing'
  },
  {
    name: 'newer version',
    text: edit('"version": 1', '"version": 2'),
    code: 'MALFORMED_LINE',
    line: 3,
    says: 'must be 1'
  },
  {
    name: 'unknown top-level key (typo)',
    text: edit('"cmrs": [', '"cmr": ['),
    code: 'MALFORMED_LINE',
    line: 39,
    says: 'unknown key "cmr"'
  },
  {
    name: 'unknown key in a memory element',
    text: edit(
      '"label": "CMR"\n    },\n    {\n      "base": "0x100000000"',
      '"lable": "CMR"\n    },\n    {\n      "base": "0x100000000"'
    ),
    code: 'MALFORMED_LINE',
    line: 10,
    says: 'memory[0].lable'
  },
  {
    name: 'address as a number',
    text: edit('"base": "0x100000000"', '"base": 4294967296'),
    code: 'MALFORMED_LINE',
    line: 13,
    says: 'memory[1].base on line 13: must be a "0x…" hex string'
  },
  {
    name: 'address without 0x',
    text: edit('"end": "0x206e000000"', '"end": "206e000000"'),
    code: 'MALFORMED_LINE',
    line: 14
  },
  {
    name: 'end missing',
    text: edit('"end": "0x206e000000",\n', ''),
    code: 'MALFORMED_LINE',
    line: 12,
    says: 'memory[1].end on line 12: is missing'
  },
  {
    name: 'unknown memory type',
    text: edit(
      '"type": "ram",\n      "label": "CMR"\n    },\n    {\n      "base": "0x2080000000"',
      '"type": "usable",\n      "label": "CMR"\n    },\n    {\n      "base": "0x2080000000"'
    ),
    code: 'MALFORMED_LINE',
    line: 15,
    says: 'must be one of ram, reserved'
  },
  {
    name: 'node id not an integer',
    text: edit('"node": 1', '"node": 1.5'),
    code: 'MALFORMED_LINE',
    line: 35,
    says: 'numa[1].node'
  },
  {
    name: 'maxTdmrs zero',
    text: edit('"maxTdmrs": 64', '"maxTdmrs": 0'),
    code: 'MALFORMED_LINE',
    line: 54,
    says: 'tdxModule.maxTdmrs on line 54: must be an integer from 1 to 1024'
  },
  {
    name: 'unknown tdxModule key',
    text: edit('"maxTdmrs": 64', '"maxTdmr": 64'),
    code: 'MALFORMED_LINE',
    line: 54,
    says: 'unknown key "maxTdmr"'
  },
  {
    name: 'negative pamtKb',
    text: edit('"pamtKb": 1050636', '"pamtKb": -1'),
    code: 'MALFORMED_LINE',
    line: 58,
    says: 'kernelLog.pamtKb'
  },
  {
    name: 'empty memory list',
    text: '{"format":"pamt-planner-host","version":1,\n"memory":[]}',
    code: 'NO_MEMORY_LINES',
    line: 2,
    says: 'memory'
  },
  {
    name: 'end equal to base',
    text: edit('"end": "0x206e000000"', '"end": "0x100000000"'),
    code: 'REVERSED_RANGE',
    line: 14,
    says: 'memory[1] ends (0x100000000) at or before it starts'
  },
  {
    name: 'reversed CMR',
    text: edit('"end": "0x4070000000"\n', '"end": "0x2000000000"\n'),
    code: 'REVERSED_RANGE',
    line: 50,
    says: 'cmrs[2]'
  },
  {
    name: 'base at 2^52',
    text: edit(
      '"base": "0x2080000000",\n      "end": "0x4070000000",\n      "type"',
      '"base": "0x10000000000000",\n      "end": "0x10000000100000",\n      "type"'
    ),
    code: 'ADDRESS_TOO_LARGE',
    line: 19,
    says: 'memory[2].base 0x10000000000000'
  },
  {
    name: 'end past 2^52',
    text: edit('"end": "0x4070000000",\n      "type"', '"end": "0x10000000001000",\n      "type"'),
    code: 'ADDRESS_TOO_LARGE',
    line: 20
  },
  {
    name: 'overlapping memory ranges',
    text: edit(
      '"base": "0x2080000000",\n      "end": "0x4070000000",\n      "type"',
      '"base": "0x2000000000",\n      "end": "0x4070000000",\n      "type"'
    ),
    code: 'OVERLAPPING_RANGES',
    line: 18,
    says: 'memory range at memory[2] (line 18) overlaps the one at memory[1] (line 12)'
  },
  {
    name: 'overlapping CMRs',
    text: edit(
      '"base": "0x100000000",\n      "end": "0x206e000000"\n',
      '"base": "0x70000000",\n      "end": "0x206e000000"\n'
    ),
    code: 'OVERLAPPING_RANGES',
    line: 44,
    says: 'CMR range at cmrs[1]'
  }
]

describe('parseHostJson: overlapping NUMA blocks of different nodes', () => {
  it('loads them with a note, as a boot log with such an SRAT loads: the model uses one node', () => {
    // Found by the host importer fuzz test: a log whose SRAT overlapped imported, but its saved
    // host JSON was refused, so the export could not be loaded again.
    const text = edit(
      '"base": "0x2080000000",\n      "end": "0x4080000000"',
      '"base": "0x2000000000",\n      "end": "0x4080000000"'
    )
    const r = parseHostJson(text, 'overlap.json')
    if (!r.ok) throw new Error(r.error.message)
    expect(r.summary.notes).toContain(
      'NUMA block at numa[1] (line 32) (node 1) overlaps the one at numa[0] (line 26) (node 0): the kernel rejects such a layout and uses one node.'
    )
    const a = analyzeHost(r.host)
    expect(a.problems.map((p) => p.code)).toContain('NUMA_OVERLAP')
    expect(a.nodes).toHaveLength(1)
  })
})

describe('parseHostJson: bad input', () => {
  it.each(badCases)('$name → $code', (c) => checkBadCase(parseHostJson, c))

  it('never throws on any prefix of the fixture', () => {
    for (let cut = 0; cut < GOOD.length; cut += 5) {
      expect(() => parseHostJson(GOOD.slice(0, cut), 'cut.json')).not.toThrow()
    }
  })

  it('a prototype-polluting key is just an unknown key', () => {
    const e = err(
      parseHostJson,
      '{"format": "pamt-planner-host", "version": 1, "memory": [], "__proto__": {"x": 1}}'
    )
    expect(e.message).toContain('unknown key "__proto__"')
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })
})

describe('looksLikeHostJson', () => {
  it('recognises host JSON', () => {
    expect(looksLikeHostJson(GOOD)).toBe(true)
    expect(looksLikeHostJson(fixture('host-minimal.json'))).toBe(true)
    expect(looksLikeHostJson(SAMPLE_JSON)).toBe(true)
  })
  it('rejects other formats', () => {
    expect(looksLikeHostJson(fixture('lsmem-2s-128g.json'))).toBe(false)
    expect(looksLikeHostJson(fixture('numactl-2s-128g.txt'))).toBe(false)
    expect(looksLikeHostJson('{"format": "other"}')).toBe(false)
  })
})
