import { describe, expect, it } from 'vitest'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import {
  ADDRESS_MAP_LANES,
  addressMapChart,
  addressMapCsv,
  addressMapItems,
  addressMapLegend,
  addressMapModel,
  MIN_BAR_PX
} from '@shared/charts/addressMap'
import { REFCOUNT_PAGE_COVERS_BYTES } from '@shared/charts/addressMap/lanes'
import { escapeHtml, addressMapTooltipHtml } from '@shared/charts/addressMap/tooltip'
import { readHostFixture } from '../../support/fixtures'

function analyze(name: string, options: Parameters<typeof analyzeHost>[1] = {}): HostAnalysis {
  const r = parseBootLog(readHostFixture(name), name)
  if (!r.ok) throw new Error(`${r.error.fileName}:${r.error.line}: ${r.error.message}`)
  return analyzeHost(r.host, options)
}

const HOSTS = [
  'hp-superdome2-16s-12tb.txt',
  'laptop-dell-xps13-9370-16g.txt',
  'tdx-spr-8480c-2s-256g-cmr-only.txt',
  'tdx-spr-gappy-cmrs-tdx10-fail.txt',
  'amd-epyc-naples-2s-1tib-8node.txt'
]

const byLane = (a: HostAnalysis, lane: string): ReturnType<typeof addressMapItems> =>
  addressMapItems(a).filter((i) => i.lane === lane)
const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0)

describe.each(HOSTS)('address map lanes: %s', (name) => {
  const a = analyze(name)

  it('memory lane: one bar per non-RAM range, RAM pieces covering every RAM byte', () => {
    const items = byLane(a, 'memory')
    const nonRam = a.memoryMap.ranges.filter((r) => r.type !== 'ram' && r.endBytes > r.baseBytes)
    expect(items.filter((i) => !i.kind.startsWith('RAM'))).toHaveLength(nonRam.length)
    const ramItems = items.filter((i) => i.kind.startsWith('RAM'))
    expect(sum(ramItems.map((i) => i.endBytes - i.baseBytes))).toBe(a.ramBytes)
    // Every node in memblock appears with its own colour.
    const nids = new Set(a.memoryMap.nodeRanges.map((n) => n.nid))
    for (const nid of nids) expect(ramItems.some((i) => i.kind === `RAM, node ${nid}`)).toBe(true)
  })

  it('CMR, TDMR, reserved-area, PAMT and refcount lanes match the analysis', () => {
    expect(byLane(a, 'cmr')).toHaveLength(a.memoryMap.cmrs.length)
    expect(byLane(a, 'tdmr')).toHaveLength(a.tdmrs.length)
    expect(byLane(a, 'reserved')).toHaveLength(sum(a.tdmrs.map((t) => t.reservedAreas.length)))
    expect(byLane(a, 'reserved').filter((i) => i.label === 'hole')).toHaveLength(
      sum(a.tdmrs.map((t) => t.holes.length))
    )
    expect(byLane(a, 'pamt')).toHaveLength(a.tdmrs.filter((t) => t.pamtChunk).length)
    const rc = byLane(a, 'refcount')
    expect(rc).toHaveLength(a.refcounts.sparsePageRanges.length)
    expect(sum(rc.map((i) => (i.endBytes - i.baseBytes) / REFCOUNT_PAGE_COVERS_BYTES))).toBe(
      a.refcounts.sparsePages
    )
  })

  it('the chart draws every item once in a custom series with weak-filter zoom', () => {
    for (const scale of ['compressed', 'linear'] as const) {
      const o = addressMapChart(a, { scale })
      const series = (o.series as Array<{ type: string; data: unknown[] }>)[0]!
      expect(series.type).toBe('custom')
      // The compressed axis draws the MMIO above RAM as one bar (fold.ts): every other item once.
      const { items, fold } = addressMapModel(a, scale)
      expect(series.data).toHaveLength(items.length)
      expect(items.length + (fold ? fold.ranges.length - 1 : 0)).toBe(addressMapItems(a).length)
      const zooms = o.dataZoom as Array<{ type: string; filterMode: string }>
      expect(zooms.map((z) => z.type)).toEqual(['inside', 'slider'])
      expect(zooms.every((z) => z.filterMode === 'weakFilter')).toBe(true)
      const lanes = (o.yAxis as { data: string[] }).data
      expect(lanes).toHaveLength(ADDRESS_MAP_LANES.length)
      ADDRESS_MAP_LANES.forEach((l, i) => expect(lanes[i]!.startsWith(l.label)).toBe(true))
      expect(lanes[1]!.endsWith('(none)')).toBe(a.memoryMap.cmrs.length === 0)
    }
  })

  it('CSV has a row per item', () => {
    const lines = addressMapCsv(a).trim().split(/\r?\n/)
    expect(lines[0]).toBe('lane,kind,base,end,size_bytes,type,line')
    expect(lines).toHaveLength(addressMapItems(a).length + 1)
  })
})

describe('address map details', () => {
  it('outlines the TDMR and areas of a host out of reserved areas', () => {
    const a = analyze('tdx-spr-8480c-2s-256g-cmr-only.txt', { params: { maxReservedPerTdmr: 1 } })
    const exhausted = a.tdmrs.filter((t) => t.reservedAreasExhausted)
    expect(exhausted.length).toBeGreaterThan(0)
    expect(byLane(a, 'tdmr').filter((i) => i.alert)).toHaveLength(exhausted.length)
    expect(byLane(a, 'reserved').filter((i) => i.alert)).toHaveLength(
      sum(exhausted.map((t) => t.reservedAreas.length))
    )
  })

  it('draws a 4 KiB range at least MIN_BAR_PX wide, clipped to the plot', () => {
    const a = analyze('laptop-dell-xps13-9370-16g.txt')
    const o = addressMapChart(a, { scale: 'linear' })
    type Render = (
      params: unknown,
      api: unknown
    ) => { children: Array<{ type: string; shape: { width: number } }> }
    const series = (o.series as Array<{ renderItem: Render; data: number[][] }>)[0]!
    const items = addressMapItems(a)
    const tiny = items.findIndex((i) => i.endBytes - i.baseBytes <= 4096 * 4)
    expect(tiny).toBeGreaterThanOrEqual(0)
    const row = series.data[tiny]!
    const scale = 1e-9 // a whole 16 GiB map on ~16 px: the small range is far below a pixel
    const api = {
      value: (i: number) => row[i],
      coord: ([x, lane]: [number, number]) => [100 + x * scale, 20 + lane * 30],
      size: () => [0, 30]
    }
    const out = series.renderItem({ coordSys: { x: 0, y: 0, width: 10_000, height: 200 } }, api)
    const rect = out.children[0]
    expect(rect.type).toBe('rect')
    expect(rect.shape.width).toBeGreaterThanOrEqual(MIN_BAR_PX)
  })

  it('escapes markup from imported type labels in tooltips', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;')
    const html = addressMapTooltipHtml({
      lane: 'memory',
      baseBytes: 0,
      endBytes: 4096,
      kind: 'Memory map: other',
      label: 'other',
      typeLabel: '<b>x</b>',
      line: 3,
      details: [],
      color: '#000000'
    })
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(html).toContain('[0x0, 0x1000)')
    expect(html).toContain('4.00 KiB')
    expect(html).toContain('source line 3')
  })

  it('legend lists each NUMA node of the 12 TiB host', () => {
    const a = analyze('hp-superdome2-16s-12tb.txt')
    const nodes = addressMapLegend(a).filter((l) => l.label.startsWith('RAM node'))
    expect(nodes).toHaveLength(new Set(a.memoryMap.nodeRanges.map((n) => n.nid)).size)
  })
})
