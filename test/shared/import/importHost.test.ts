import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { detectHostFormat, importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { readHostFixture } from '../../support/fixtures'

const formatFixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/formats/${name}`, import.meta.url)), 'utf8')

describe('format auto-detection', () => {
  it.each([
    ['host-spr-2s-256g.json', 'host-json'],
    ['host-minimal.json', 'host-json'],
    ['lsmem-2s-128g.json', 'lsmem-json'],
    ['lsmem-vm-human-sizes.json', 'lsmem-json'],
    ['proc-iomem-r750xs-1s-128g.txt', 'proc-iomem'],
    ['firmware-memmap-r750xs-1s-128g.txt', 'firmware-memmap'],
    ['numactl-2s-128g.txt', 'numactl']
  ])('recognises %s as %s', (file, format) => {
    expect(detectHostFormat(formatFixture(file))).toBe(format)
  })

  it('treats every real boot log as dmesg', () => {
    for (const f of [
      'hp-superdome2-16s-12tb.txt',
      'tdx-spr-8480c-2s-256g-cmr-only.txt',
      'laptop-dell-xps13-9370-16g.txt'
    ]) {
      expect(detectHostFormat(readHostFixture(f))).toBe('dmesg')
    }
  })

  it('gives the same TDX memory for one machine read three ways (e820, /proc/iomem, firmware memmap)', () => {
    const kb = ['proc-iomem-r750xs-1s-128g.txt', 'firmware-memmap-r750xs-1s-128g.txt'].map((f) => {
      const r = importHostText(formatFixture(f), f)
      if (!r.ok) throw new Error(r.error.message)
      return analyzeHost(r.host).staticPamt.kb
    })
    const e820 = importHostText(readHostFixture('dell-r750xs-icx-1s-128g.txt'), 'r750xs')
    if (!e820.ok) throw new Error(e820.error.message)
    expect(kb).toEqual([analyzeHost(e820.host).staticPamt.kb, analyzeHost(e820.host).staticPamt.kb])
  })
})

describe('numactl -H', () => {
  it('is refused alone, with a sentence saying what to do', () => {
    const r = importHostText(formatFixture('numactl-2s-128g.txt'), 'numa.txt')
    expect(r).toMatchObject({ ok: false, error: { code: 'NO_MEMORY_LINES', fileName: 'numa.txt' } })
    expect(!r.ok && r.error.message).toContain('append it to a boot log')
  })

  it('adds nodes to a boot log without NUMA lines in the same file', () => {
    const log = readHostFixture('qemu-q35-guest-20g-on-emr.txt').replace(
      /^.*(No NUMA|Faking a node).*$/gm,
      ''
    )
    const numactl = [
      'available: 2 nodes (0-1)',
      'node 0 cpus: 0 1',
      'node 0 size: 10000 MB',
      'node 1 cpus: 2 3',
      'node 1 size: 10000 MB'
    ].join('\n')
    const r = importHostText(`${log}\n${numactl}\n`, 'guest+numactl.txt')
    if (!r.ok) throw new Error(r.error.message)
    expect(r.host.numaSource).toBe('numactl')
    expect(r.host.numaMemblks.map((m) => m.nid)).toEqual([0, 1])
    expect(r.summary.formats).toEqual(['dmesg', 'numactl'])
    expect(r.summary.notes.join(' ')).toContain('modelled')
    expect(analyzeHost(r.host).nodes).toHaveLength(2)
  })

  it('honours an explicit format over detection', () => {
    const r = importHostText(
      readHostFixture('laptop-dell-xps13-9370-16g.txt'),
      'laptop.txt',
      'proc-iomem'
    )
    expect(r.ok).toBe(false)
  })
})
