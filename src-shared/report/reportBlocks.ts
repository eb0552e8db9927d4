import type { EChartsOption } from 'echarts'

/**
 * The building blocks of a report (docs/reports.md): plain data that the HTML report, the
 * "Copy as text" summary and the Compare view all render. Builders of sections (host, workload,
 * contention, comparison) return these; renderers never reach back into the model.
 */

/** One column of a table: `unit` is printed in the header ("PAMT (bytes)"), never in the cells. */
export interface ReportColumn {
  key: string
  label: string
  unit?: string
  /** Numbers are right-aligned; text left. Default: number when every cell is a number or null. */
  align?: 'left' | 'right'
}

/** A cell: numbers stay numbers (formatted by the renderer), null prints as "—". */
export type ReportCell = string | number | null

export interface ReportTable {
  kind: 'table'
  title: string
  columns: ReportColumn[]
  rows: ReportCell[][]
  /** One sentence under the table (its source or what it assumes), optional. */
  note?: string
  /**
   * Per row, whether the kernel fixes the value or the planner models it (the report's
   * "Modelled assumptions" marks them apart, docs/reports.md); absent: no mark.
   */
  rowMarks?: Array<RowMark | null>
}

/** A kernel rule, reproduced exactly, or a modelled choice with a default and its source. */
export type RowMark = 'kernel-exact' | 'modelled'

export interface ReportChart {
  kind: 'chart'
  title: string
  /** An ECharts option from a src-shared/charts builder, passed through charts/exportOption.ts. */
  option: EChartsOption
  widthPx: number
  heightPx: number
}

export interface ReportText {
  kind: 'text'
  /** Paragraphs of plain text (escaped by the renderer; no markup). */
  paragraphs: string[]
}

export type ReportBlock = ReportTable | ReportChart | ReportText

export interface ReportSection {
  /** Stable id (anchor in the HTML): "host", "workload", "contention", "comparison", … */
  id: string
  title: string
  blocks: ReportBlock[]
  /**
   * Verbatim text shown folded under the blocks (a scenario's JSON, the settings): the HTML puts
   * each in a <details>/<pre>; a plain-text renderer may print or skip them.
   */
  details?: ReportDetails[]
}

/** One folded verbatim text of a section (docs/reports.md, "Inputs"). */
export interface ReportDetails {
  summary: string
  text: string
}
