import { describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { parseLsmemJson } from '@shared/import/lsmemJson'
import { parseNumactl } from '@shared/import/numactl'

const E820 = 'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\n'

describe('NUMA node ids above any kernel numbering are refused with their line', () => {
  it('an SRAT line of node 99999 (found by the importer fuzz test: its host JSON would not load)', () => {
    const r = importHostText(`${E820}SRAT: Node 99999 PXM 0 [mem 0x00000000-0x7fffffff]\n`, 'h.log')
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.error).toMatchObject({
        code: 'MALFORMED_LINE',
        line: 2,
        message:
          'node 99999 is above 4095: no kernel numbers NUMA nodes that high (x86 allows at most 1024)'
      })
  })

  it('node 4095 is still taken', () => {
    expect(
      importHostText(`${E820}SRAT: Node 4095 PXM 0 [mem 0x00000000-0x7fffffff]\n`, 'h.log').ok
    ).toBe(true)
  })

  it('an lsmem block on node 5000', () => {
    const text = JSON.stringify({
      memory: [{ range: '0x0000000000000000-0x000000007fffffff', size: 2147483648, node: 5000 }]
    })
    const r = parseLsmemJson(text, 'l.json')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/^memory\[0\]\.node 5000 is above 4095/)
  })

  it('a numactl node list that would expand to millions of ids is refused, not expanded', () => {
    const list = Array.from({ length: 100 }, () => '0-65536').join(',')
    const r = parseNumactl(`available: 2 nodes (${list})\nnode 0 size: 1024 MB\n`, 'n.txt')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'MALFORMED_LINE', line: 1 })
  })
})
