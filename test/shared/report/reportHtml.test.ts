import { describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { buildReport, type ReportInput } from '@shared/report/buildReport'
import { escapeHtml, formatCell, renderReportHtml, REPORT_CSP } from '@shared/report/reportHtml'
import type { ReportTable } from '@shared/report/reportBlocks'
import { readHostFixture } from '../../support/fixtures'

const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'

/** A stand-in for ECharts' SSR: an SVG with the namespace URL ECharts writes, and the title. */
const fakeSvg = (): string =>
  '<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><rect width="10" height="10"/></svg>'

function input(fileName = FIXTURE): ReportInput {
  const r = importHostText(readHostFixture(FIXTURE), fileName)
  if (!r.ok) throw new Error(r.error.message)
  return {
    app: { name: 'PAMT Planner', version: '9.9.9' },
    generatedAt: '2026-01-02T03:04:05.000Z',
    scope: 'host',
    workspaceName: 'ws',
    hosts: [
      {
        analysis: analyzeHost(r.host),
        summary: r.summary,
        source: { kind: 'file', fileName },
        input: { bytes: 1442, sha256: 'ab'.repeat(32) },
        model: {}
      }
    ],
    activeIndex: 0,
    simulation: null,
    contention: null,
    notes: ''
  }
}

const table = (doc: ReturnType<typeof buildReport>, title: string): ReportTable => {
  for (const s of doc.sections)
    for (const b of s.blocks) if (b.kind === 'table' && b.title === title) return b
  throw new Error(`no table ${title}`)
}

describe('report builders: host section from the 2-socket SPR fixture', () => {
  it('prints static PAMT equal to the kernel log: 1050636 KB = 1,075,851,264 bytes', () => {
    // The log says "1050636 KB allocated for PAMT"; 1050636 × 1024 = 1,075,851,264 bytes.
    // By hand from the three TDMRs (2 + 126 + 128 = 256 GiB): PAMT_4K 256 GiB / 4 KiB × 16 B =
    // 1,073,741,824; PAMT_2M 131072 × 16 = 2,097,152; PAMT_1G one 4 KiB page per TDMR = 12,288.
    const doc = buildReport(input())
    const t = table(doc, 'Static vs Dynamic PAMT')
    expect(t.rows[0]).toEqual(['Static PAMT', 1_075_851_264, 1_050_636])
    expect(t.rows[2]?.[1]).toBe(1_050_636 * 1024)
    expect(t.note).toContain('they match')
    const levels = table(doc, 'PAMT per level')
    expect(levels.rows.map((r) => r[1])).toEqual([1_073_741_824, 2_097_152, 12_288, 1_075_851_264])
  })

  it('prints the Dynamic PAMT static part by hand: 8,388,608 + 2,097,152 + 12,288 = 10,498,048 bytes', () => {
    // 4K bitmap: 1 bit per 4 KiB page of 256 GiB = 67,108,864 bits = 8,388,608 bytes; PAMT_2M and
    // PAMT_1G as for static PAMT. 10,498,048 / 1024 = 10,252 KiB.
    const doc = buildReport(input())
    expect(table(doc, 'Static vs Dynamic PAMT').rows[1]).toEqual([
      'Dynamic PAMT, static part',
      10_498_048,
      10_252
    ])
    expect(table(doc, 'PAMT per level').rows.map((r) => r[2])).toEqual([
      8_388_608, 2_097_152, 12_288, 10_498_048
    ])
  })

  it('leads with the kernel log’s verdict, the model’s beside it', () => {
    const doc = buildReport(input())
    const v = table(doc, 'Verdicts')
    // The fixture prints "module initialized" on line 18.
    expect(v.rows).toEqual([
      ['kernel log', 'succeeded (line 18)'],
      ['model', 'succeeds']
    ])
  })

  it('lists the input’s file name, bytes and SHA-256 first, and the assumptions last', () => {
    const doc = buildReport(input())
    expect(doc.sections[0]!.id).toBe('inputs')
    expect(table(doc, 'Host inputs').rows[0]).toEqual([
      FIXTURE,
      FIXTURE,
      'dmesg',
      1442,
      'ab'.repeat(32)
    ])
    expect(doc.sections.at(-1)!.id).toBe('assumptions')
  })
})

describe('renderReportHtml', () => {
  it('is self-contained: a CSP forbidding every request, no script, no http(s) URL', () => {
    const html = renderReportHtml(buildReport(input()), fakeSvg)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`)
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/\son[a-z]+=/i)
    // The fake renderer's SVG is inlined, its namespaces dropped.
    expect(html).toContain('<svg role="img" class="chart-svg" width="10" height="10">')
  })

  it('escapes a hostile file name wherever it is printed', () => {
    const hostile = '<img src=x onerror=alert(1)>"\'&.log'
    const html = renderReportHtml(buildReport(input(hostile)), fakeSvg)
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;.log')
  })

  it('prints the key numbers grouped and the generated time and version in the footer', () => {
    const html = renderReportHtml(buildReport(input()), fakeSvg)
    expect(html).toContain('1,075,851,264')
    expect(html).toContain('1,050,636')
    expect(html).toContain('10,498,048')
    expect(html).toMatch(
      /<footer>PAMT Planner 9\.9\.9 · generated 2026-01-02T03:04:05\.000Z · host /
    )
  })

  it('has a print stylesheet with 15 mm margins and no fixed paper unless asked (A4 or Letter)', () => {
    const doc = buildReport(input())
    expect(renderReportHtml(doc, fakeSvg)).toContain('@page { margin: 15mm; }')
    expect(renderReportHtml(doc, fakeSvg, { pageSize: 'A4' })).toContain(
      '@page { size: A4; margin: 15mm; }'
    )
    const html = renderReportHtml(doc, fakeSvg)
    expect(html).toMatch(/@media print \{[^]*break-inside: avoid/)
    expect(html).not.toMatch(/<(button|input|select)/)
  })

  it('links every section from the table of contents', () => {
    const doc = buildReport(input())
    const html = renderReportHtml(doc, fakeSvg)
    for (const s of doc.sections) {
      expect(html).toContain(`<a href="#${s.id}">`)
      expect(html).toContain(`<section id="${s.id}">`)
    }
  })

  it('formats cells: integers grouped, fractions to 3 decimals, null as a dash', () => {
    expect(formatCell(1234567)).toBe('1,234,567')
    expect(formatCell(0.30000000000000004)).toBe('0.3')
    expect(formatCell(null)).toBe('—')
    expect(escapeHtml('<a href="x">&')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;')
  })
})
