import type { EChartsOption } from 'echarts'
import type { ReportDocument } from './buildReport'
import type {
  ReportBlock,
  ReportCell,
  ReportChart,
  ReportSection,
  ReportTable
} from './reportBlocks'

/**
 * The report as one self-contained HTML file (docs/reports.md, "The HTML file"): no script, no
 * external URL (a CSP meta tag forbids any request but inline styles and data: images), every text
 * escaped, charts as inline SVG, a table of contents and a print stylesheet (no controls, tables and
 * charts kept whole, sections on new pages, 15 mm margins with no fixed width, so A4 and Letter
 * both fit). Pure: the SVG renderer is injected (main passes ECharts' SSR renderer).
 */

/** Draws a chart block's option as an SVG document string, `width` × `height` px. */
export type ChartSvgRenderer = (option: EChartsOption, width: number, height: number) => string

export interface ReportHtmlOptions {
  /**
   * Paper size to fix with `@page { size }` (the PDF path: Chromium's --print-to-pdf has no paper
   * flag). Absent: the printer's paper, A4 or Letter, decides (the HTML download).
   */
  pageSize?: 'A4' | 'Letter'
}

/** The CSP every report carries: nothing may load; inline styles and data: images only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/** Text for HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/** A number as the tables print it: integers grouped ("1,050,636"), others to 3 decimals at most. */
export function formatCell(v: ReportCell): string {
  if (v === null) return '—'
  if (typeof v === 'string') return v
  if (!Number.isFinite(v)) return '—'
  return Number.isInteger(v)
    ? v.toLocaleString('en-US')
    : v.toLocaleString('en-US', { maximumFractionDigits: 3 })
}

/**
 * An SVG from the renderer, made fit for inline use: no XML declaration or namespace URLs (inline
 * SVG in HTML needs none, and the report holds no URL at all), no script or event handler (ECharts
 * writes neither; this holds whatever a renderer returns), and scaled to the page width.
 */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/\s+xmlns(?::\w+)?="[^"]*"/g, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/\s+on[a-z]+="[^"]*"/gi, '')
    .replace(/<svg\b/, '<svg role="img" class="chart-svg"')
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d2330; background: #fff; margin: 0 auto; padding: 24px; max-width: 760px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #d8dde6; }
.meta { color: #535c6c; margin: 0 0 16px; }
.meta span { white-space: nowrap; margin-right: 14px; }
nav.toc { border: 1px solid #d8dde6; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
nav.toc h2 { border: 0; margin: 4px 0; font-size: 15px; }
nav.toc ol { margin: 4px 0; padding-left: 22px; }
nav.toc a { color: #1d4f91; text-decoration: none; }
figure { margin: 14px 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #d8dde6; padding: 3px 6px; vertical-align: top; }
th { background: #f1f3f7; text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { text-align: left; overflow-wrap: anywhere; }
.note { color: #535c6c; font-size: 11.5px; margin: 3px 0 0; }
.badge { display: inline-block; font-size: 10px; font-weight: 600; padding: 0 5px; border-radius: 8px;
  margin-right: 6px; white-space: nowrap; }
.badge.kernel-exact { background: #dff2e3; color: #17602b; border: 1px solid #9fd3ab; }
.badge.modelled { background: #fff1d6; color: #7a4b00; border: 1px solid #f0c56a; }
tr.modelled td { background: #fffbf2; }
.chart-svg { display: block; max-width: 100%; height: auto; }
details { margin: 8px 0; }
summary { font-weight: 600; }
pre { background: #f6f7f9; border: 1px solid #d8dde6; padding: 8px; font-size: 11px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
footer { margin-top: 32px; padding-top: 8px; border-top: 1px solid #d8dde6; color: #535c6c; font-size: 11.5px; }
@media print {
  body { padding: 0; max-width: none; }
  section { break-before: page; }
  section#inputs { break-before: auto; }
  figure, table, tr { break-inside: avoid; }
  h2, figcaption { break-after: avoid; }
  details > pre { display: block; }
  a { color: inherit; }
}
`

function pageRule(size: ReportHtmlOptions['pageSize']): string {
  // No size by default: the printer's paper (A4 or Letter) decides; 15 mm margins fit both.
  return size ? `@page { size: ${size}; margin: 15mm; }` : '@page { margin: 15mm; }'
}

const isNumeric = (rows: ReportCell[][], i: number): boolean =>
  rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number')

function tableHtml(t: ReportTable): string {
  const align = t.columns.map((c, i) => c.align ?? (isNumeric(t.rows, i) ? 'right' : 'left'))
  const head = t.columns
    .map((c) => `<th>${escapeHtml(c.unit ? `${c.label} (${c.unit})` : c.label)}</th>`)
    .join('')
  const body = t.rows
    .map((row, r) => {
      const mark = t.rowMarks?.[r] ?? null
      const cells = t.columns
        .map((_, i) => {
          const v = row[i] ?? null
          const badge =
            i === 0 && mark ? `<span class="badge ${mark}">${escapeHtml(mark)}</span>` : ''
          return `<td class="${align[i] === 'right' ? 'num' : 'text'}">${badge}${escapeHtml(formatCell(v))}</td>`
        })
        .join('')
      return `<tr${mark === 'modelled' ? ' class="modelled"' : ''}>${cells}</tr>`
    })
    .join('\n')
  const note = t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : ''
  return `<figure class="table"><figcaption>${escapeHtml(t.title)}</figcaption><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${note}</figure>`
}

function chartHtml(c: ReportChart, render: ChartSvgRenderer): string {
  return `<figure class="chart"><figcaption>${escapeHtml(c.title)}</figcaption>${inlineSvg(render(c.option, c.widthPx, c.heightPx))}</figure>`
}

function blockHtml(b: ReportBlock, render: ChartSvgRenderer): string {
  switch (b.kind) {
    case 'table':
      return tableHtml(b)
    case 'chart':
      return chartHtml(b, render)
    case 'text':
      return b.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')
  }
}

function sectionHtml(s: ReportSection, render: ChartSvgRenderer): string {
  const details = (s.details ?? [])
    .map(
      (d) =>
        `<details open><summary>${escapeHtml(d.summary)}</summary><pre>${escapeHtml(d.text)}</pre></details>`
    )
    .join('\n')
  return `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.blocks
    .map((b) => blockHtml(b, render))
    .join('\n')}\n${details}\n</section>`
}

/** The report document as a self-contained HTML file (see the module comment). */
export function renderReportHtml(
  doc: ReportDocument,
  render: ChartSvgRenderer,
  opts: ReportHtmlOptions = {}
): string {
  const meta = [
    `${doc.app.name} ${doc.app.version}`,
    `generated ${doc.generatedAt}`,
    `host ${doc.hostName}`,
    ...(doc.scenarioName ? [`scenario ${doc.scenarioName}`] : [])
  ]
  const toc = doc.sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`)
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="generator" content="${escapeHtml(`${doc.app.name} ${doc.app.version}`)}">
<title>${escapeHtml(doc.title)}</title>
<style>${pageRule(opts.pageSize)}${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(doc.title)}</h1>
<p class="meta">${meta.map((m) => `<span>${escapeHtml(m)}</span>`).join('')}</p>
<p class="meta"><span class="badge kernel-exact">kernel-exact</span>the kernel fixes the value and the model reproduces it. <span class="badge modelled">modelled</span>a choice the kernel leaves open, with its default and source under "Modelled assumptions".</p>
</header>
<nav class="toc"><h2>Contents</h2><ol>
${toc}
</ol></nav>
${doc.sections.map((s) => sectionHtml(s, render)).join('\n')}
<footer>${meta.map(escapeHtml).join(' · ')}</footer>
</body>
</html>
`
}
