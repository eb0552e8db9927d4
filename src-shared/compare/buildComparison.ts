import { pushAll } from '../util/arrays'
import { formatBytes } from '../charts/formatBytes'
import { formatNs } from '../charts/contention/labels'
import type { ReportBlock, ReportCell, ReportColumn, ReportSection } from '../report/reportBlocks'
import { hostPamtCompareChart, hostPamtCompareHeight } from '../charts/compare/hostPamtCompareChart'
import { pamtOverTimeOverlayChart } from '../charts/compare/pamtOverTimeOverlayChart'
import { contentionCompareChart } from '../charts/compare/contentionCompareChart'
import {
  CONTENTION_METRICS,
  HOST_METRICS,
  WORKLOAD_METRICS,
  contentionDesignMetrics,
  hostMetricValues,
  kindNoun,
  workloadMetricValues,
  type CompareItem,
  type CompareKind,
  type Metric,
  type MetricUnit
} from './compareItems'

/** Most pins compared at once (the issue: two to four). */
export const MAX_COMPARED = 4
export const MIN_COMPARED = 2

/** Chart size in a report (the Compare view draws the same option at its own width). */
const CHART_WIDTH_PX = 1000

/** The kinds in the order the comparison shows them. */
const KIND_ORDER: readonly CompareKind[] = ['host-analysis', 'workload-run', 'contention-run']

const KIND_TITLE: Record<CompareKind, string> = {
  'host-analysis': 'Host analyses',
  'workload-run': 'Workload runs',
  'contention-run': 'Contention runs'
}

/**
 * One value against the first pin's: the difference, and the difference as a percentage of the
 * first (null when either is missing or the first is 0; a '%' metric has no relative delta, its
 * difference is already in percentage points).
 */
export function delta(
  first: number | null,
  value: number | null,
  unit: MetricUnit
): { abs: number | null; pct: number | null } {
  if (first === null || value === null) return { abs: null, pct: null }
  const abs = value - first
  const pct = unit === '%' || first === 0 ? null : (abs / first) * 100
  return { abs, pct }
}

/** An item of one kind with its position in the whole selection, which gives its colour. */
type Indexed<K extends CompareKind> = Array<
  Extract<CompareItem, { kind: K }> & { colorIndex: number }
>

/** Columns: metric, unit, the first pin, then per further pin its value, Δ and Δ %. */
function columns(labels: readonly string[]): ReportColumn[] {
  const cols: ReportColumn[] = [
    { key: 'metric', label: 'metric', align: 'left' },
    { key: 'unit', label: 'unit', align: 'left' }
  ]
  labels.forEach((label, i) => {
    cols.push({ key: `p${i}`, label, align: 'right' })
    if (i > 0) {
      cols.push({ key: `d${i}`, label: `Δ vs ${labels[0]}`, align: 'right' })
      cols.push({ key: `r${i}`, label: 'Δ', unit: '%', align: 'right' })
    }
  })
  return cols
}

/** A table row: the values, then per further pin Δ and Δ % against the first. */
function row(metric: string, unit: MetricUnit, values: ReadonlyArray<number | null>): ReportCell[] {
  const cells: ReportCell[] = [metric, unit]
  const first = values[0] ?? null
  values.forEach((v, i) => {
    cells.push(v)
    if (i > 0) {
      const d = delta(first, v, unit)
      // Relative deltas to 0.01 %: enough to tell 92.19 % from 92.2 %, no false precision.
      cells.push(d.abs, d.pct === null ? null : Math.round(d.pct * 100) / 100)
    }
  })
  return cells
}

function metricRows(
  metrics: readonly Metric[],
  values: ReadonlyArray<Record<string, number | null>>
): ReportCell[][] {
  return metrics.map((m) =>
    row(
      m.label,
      m.unit,
      values.map((v) => v[m.key] ?? null)
    )
  )
}

function hostBlocks(items: Indexed<'host-analysis'>): ReportBlock[] {
  const labels = items.map((i) => i.label)
  return [
    {
      kind: 'table',
      title: 'Host analyses side by side',
      columns: columns(labels),
      rows: metricRows(
        HOST_METRICS,
        items.map((i) => hostMetricValues(i.analysis))
      ),
      note: 'Kernel-exact sizes (docs/host-model.md): TDMRs §1.3, static PAMT §1.4 (KiB as the kernel prints it), Dynamic PAMT static part §2.3, refcount arrays §2.5 of dpamt-model.md. Δ is against the first pin.'
    },
    {
      kind: 'chart',
      title: 'Static vs Dynamic PAMT by level',
      option: hostPamtCompareChart(
        items.map((i) => ({ label: i.label, analysis: i.analysis, colorIndex: i.colorIndex }))
      ),
      widthPx: CHART_WIDTH_PX,
      heightPx: hostPamtCompareHeight(items.length)
    }
  ]
}

function workloadBlocks(items: Indexed<'workload-run'>): ReportBlock[] {
  const labels = items.map((i) => i.label)
  const partial = items.filter((i) => i.run.result.capacity && !i.run.result.capacity.fits)
  return [
    {
      kind: 'table',
      title: 'Workload runs side by side',
      columns: columns(labels),
      rows: metricRows(
        WORKLOAD_METRICS,
        items.map((i) => workloadMetricValues(i.run))
      ),
      note:
        (partial.length
          ? `Not every TD fits in ${partial.map((i) => i.label).join(', ')}: its figures are for the TDs that started. `
          : '') +
        'Dynamic PAMT = static part + refcounts + page pairs + pamt caches (dpamt-model.md §2.9); where TD pages land is modelled (docs/workload-model.md). Savings in % are of static PAMT; their Δ is in percentage points.'
    },
    {
      kind: 'chart',
      title: 'Dynamic PAMT over time',
      option: pamtOverTimeOverlayChart(
        items.map((i) => ({ label: i.label, result: i.run.result, colorIndex: i.colorIndex }))
      ),
      widthPx: CHART_WIDTH_PX,
      heightPx: 420
    }
  ]
}

function contentionBlocks(items: Indexed<'contention-run'>): ReportBlock[] {
  const labels = items.map((i) => i.label)
  const perRun = items.map((i) => contentionDesignMetrics(i.run))
  const designs: string[] = []
  for (const r of perRun) for (const d of r) if (!designs.includes(d.label)) designs.push(d.label)
  const rows: ReportCell[][] = []
  for (const design of designs) {
    const found = perRun.map((r) => r.find((d) => d.label === design) ?? null)
    for (const m of CONTENTION_METRICS) {
      rows.push(
        row(
          `${design} · ${m.label}`,
          m.unit,
          found.map((d) => d?.values[m.key] ?? null)
        )
      )
      if (!found.some((d) => d?.spread)) continue
      // The seed spread, where a run had several seeds: min–max, as text (no delta of a range).
      const spread: ReportCell[] = [`${design} · ${m.label}, min–max over seeds`, m.unit]
      found.forEach((d, i) => {
        const s = d?.spread?.[m.key]
        spread.push(s ? `${fmt(s.min, m.unit)} – ${fmt(s.max, m.unit)} (${d.seeds} seeds)` : null)
        if (i > 0) spread.push(null, null)
      })
      rows.push(spread)
    }
  }
  return [
    {
      kind: 'table',
      title: 'Contention runs side by side, per design',
      columns: columns(labels),
      rows,
      note: "Kernel lock rows summed per design as in the Contention view's design table; latencies are modelled (docs/contention-model.md). Values are the first seed's; spreads are over every seed of a run."
    },
    {
      kind: 'chart',
      title: 'Design comparison',
      option: contentionCompareChart(
        items.map((i, k) => ({ label: i.label, designs: perRun[k]!, colorIndex: i.colorIndex }))
      ),
      widthPx: CHART_WIDTH_PX,
      heightPx: 380
    }
  ]
}

/** A number of a spread as text, in the row's unit (the table's text cells are not reformatted). */
function fmt(v: number, unit: MetricUnit): string {
  if (unit === 'ns') return formatNs(v)
  if (unit === 'bytes') return formatBytes(v)
  if (unit === '%') return `${Number(v.toPrecision(4))} %`
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4)))
}

/**
 * The comparison of two to four pinned results (docs/workspaces.md, "Compare") as report blocks
 * (report/reportBlocks.ts), the same ones the Compare view and the HTML report render: per kind,
 * a table with one column per pin and, for every further pin, its difference from the first
 * (absolute and %), and the overlaid chart of that kind. A selection that mixes kinds is compared
 * within each kind, and says so first; a kind with a single pin has nothing to compare against.
 */
export function buildComparison(items: readonly CompareItem[]): ReportSection {
  const blocks: ReportBlock[] = []
  const byKind = KIND_ORDER.map((kind) => ({
    kind,
    items: items.flatMap((i, colorIndex) => (i.kind === kind ? [{ ...i, colorIndex }] : []))
  })).filter((g) => g.items.length > 0)
  if (items.length < MIN_COMPARED)
    blocks.push({
      kind: 'text',
      paragraphs: [`Choose ${MIN_COMPARED} to ${MAX_COMPARED} pinned results to compare.`]
    })
  else if (byKind.length > 1)
    blocks.push({
      kind: 'text',
      paragraphs: [
        `The selection mixes kinds (${byKind.map((g) => `${g.items.length} ${kindNoun(g.kind, g.items.length)}`).join(', ')}): results are compared within each kind only.`
      ]
    })
  for (const g of byKind) {
    if (items.length < MIN_COMPARED) break
    if (g.items.length < 2) {
      blocks.push({
        kind: 'text',
        paragraphs: [
          `${KIND_TITLE[g.kind]}: only one in the selection (${g.items[0]!.label}), nothing to compare it with.`
        ]
      })
      continue
    }
    if (g.kind === 'host-analysis') pushAll(blocks, hostBlocks(g.items as Indexed<'host-analysis'>))
    else if (g.kind === 'workload-run')
      pushAll(blocks, workloadBlocks(g.items as Indexed<'workload-run'>))
    else pushAll(blocks, contentionBlocks(g.items as Indexed<'contention-run'>))
  }
  return { id: 'comparison', title: 'Comparison of pinned results', blocks }
}
