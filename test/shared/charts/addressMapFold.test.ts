import { describe, expect, it } from 'vitest'
import * as echarts from 'echarts'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import {
  addressMapChart,
  addressMapCsv,
  addressMapItems,
  addressMapLegend,
  addressMapModel,
  distinctAddressLabels
} from '@shared/charts/addressMap'
import { addressMapTooltipLines } from '@shared/charts/addressMap/tooltip'
import { readHostFixture } from '../../support/fixtures'

function analyze(name: string): HostAnalysis {
  const r = parseBootLog(readHostFixture(name), name)
  if (!r.ok) throw new Error(`${r.error.fileName}:${r.error.line}: ${r.error.message}`)
  return analyzeHost(r.host)
}

const TiB = 2 ** 40

/**
 * The 12 TiB host's e820 above its last RAM (hand-read from the fixture): RAM ends at
 * 0xc1fffffffff (12.125 TiB); then 17 reserved 512 MiB MMIO ranges, 0xfdfe0000000 and the 16 at
 * 0xfe060000000 + k × 0x80000000 (k = 0…15), the last ending at 0xfe800000000 (15.906 TiB).
 */
const LAST_RAM_END = 0xc2000000000
const MMIO_END = 0xfe800000000

describe('address map of the 16-node, 12 TiB host', () => {
  const a = analyze('hp-superdome2-16s-12tb.txt')
  const { items, axis, fold } = addressMapModel(a, 'compressed')

  it('folds the 17 MMIO ranges above the last RAM byte into one labelled segment', () => {
    expect(fold).not.toBeNull()
    expect(fold!.ranges).toHaveLength(17)
    expect(fold!.ranges[0]!.baseBytes).toBe(0xfdfe0000000)
    expect(fold!.item.baseBytes).toBe(LAST_RAM_END)
    expect(fold!.item.endBytes).toBe(MMIO_END)
    // 0xfe800000000 − 0xc2000000000 = 0x3c800000000 = 3.78125 TiB → "3.8 TiB".
    expect(fold!.item.label).toBe('MMIO above RAM, 3.8 TiB, folded')
    // Drawn instead of the 17: the memory lane has 16 fewer bars.
    expect(items).toHaveLength(addressMapItems(a).length - 16)
    expect(addressMapLegend(a, { folded: true }).map((l) => l.label)).toContain(
      'MMIO above RAM (folded)'
    )
  })

  it('gives the folded segment 1/6 of the axis, not the 37.5 % the 17 ranges took', () => {
    // The fold is widened to FOLD_MIN_SHARE = 0.2 of the rest: 0.2 / 1.2 = 1/6 of the whole.
    const share = (axis.max - axis.toDisplay(LAST_RAM_END)) / (axis.max - axis.min)
    expect(share).toBeCloseTo(1 / 6, 9)
  })

  it('keeps the exact addresses in the tooltip and every range in the CSV', () => {
    const tip = addressMapTooltipLines(fold!.item).join('\n')
    expect(tip).toContain('[0xfdfe0000000, 0xfe000000000) reserved')
    expect(tip).toContain('… and 9 more (the CSV lists every range)') // 17 − the 8 listed
    const csv = addressMapCsv(a)
    expect(csv.trim().split(/\r?\n/)).toHaveLength(addressMapItems(a).length + 1)
    for (const r of fold!.ranges) expect(csv).toContain(`0x${r.baseBytes.toString(16)}`)
  })

  it('does not fold on the linear axis, which draws addresses to scale', () => {
    const linear = addressMapModel(a, 'linear')
    expect(linear.fold).toBeNull()
    expect(linear.items).toHaveLength(addressMapItems(a).length)
  })

  it('draws tick labels that are all distinct (it read "15.9 TiB" five times)', () => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 1360, height: 430 })
    try {
      chart.setOption(addressMapChart(a, { scale: 'compressed' }))
      const texts = [...chart.renderToSVGString().matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(
        (m) => m[1]!
      )
      const binary = texts.filter((t) => /^\d+(\.\d+)? (B|KiB|MiB|GiB|TiB)$/.test(t))
      const hex = texts.filter((t) => /^0x[0-9a-f]+$/.test(t))
      expect(hex.length).toBeGreaterThan(5)
      expect(new Set(hex).size).toBe(hex.length)
      expect(new Set(binary).size).toBe(binary.length)
      expect(binary.filter((t) => t.startsWith('15.9'))).toHaveLength(1)
    } finally {
      chart.dispose()
    }
  })
})

describe('distinct address tick labels', () => {
  it('adds decimals only where neighbours would read the same', () => {
    // 0xfe3e0000000 = 15.89014 TiB, 0xfe460000000 = 15.89209 TiB, 0xfe4e0000000 = 15.89404 TiB:
    // all "15.9 TiB" at 1 decimal, "15.89" at 2; at 3: 15.890, 15.892, 15.894 — distinct.
    // 4 GiB sits alone: 1 decimal.
    const labels = distinctAddressLabels([4 * 2 ** 30, 0xfe3e0000000, 0xfe460000000, 0xfe4e0000000])
    expect(labels.map((l) => l.split('\n')[1])).toEqual([
      '4.0 GiB',
      '15.890 TiB',
      '15.892 TiB',
      '15.894 TiB'
    ])
    expect(labels[1]!.split('\n')[0]).toBe('0xfe3e0000000')
  })

  it('shows the hex address alone when 3 decimals still cannot tell neighbours apart', () => {
    // 12 TiB and 12 TiB + 4 KiB: 12.000 TiB both; the hex addresses differ.
    expect(distinctAddressLabels([12 * TiB, 12 * TiB + 4096])).toEqual([
      '0xc0000000000',
      '0xc0000001000'
    ])
  })
})
