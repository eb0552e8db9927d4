import type { ContentionRun, HostResult, SimulationRun } from '../api/contract'
import type { ModelOptions } from '../api/modelOptions'
import type { HostAnalysis } from '../model/host/analyzeHost'
import type { ImportSummary } from '../import/hostImport'
import type { ReportBlock, ReportCell, ReportDetails, ReportSection } from './reportBlocks'
import { buildHostSection } from './hostSection'
import { buildWorkloadSection } from './workloadSection'
import { buildContentionSection } from './contentionSection'
import { buildAssumptionsSection } from './assumptions'

/**
 * What a report covers (docs/reports.md): one view's answer (the Compare view's is the chosen
 * pins side by side, the Fleet view's its fleet run), or the whole workspace.
 */
export const REPORT_SCOPES = [
  'host',
  'workload',
  'contention',
  'comparison',
  'fleet',
  'workspace'
] as const
export type ReportScope = (typeof REPORT_SCOPES)[number]

/** One host of a report, with the input it was read from (file name, bytes and SHA-256). */
export interface ReportHost {
  analysis: HostAnalysis
  summary: ImportSummary
  source: HostResult['source']
  /** The input text's UTF-8 length and SHA-256 (main computes them from the stored text). */
  input: { bytes: number; sha256: string } | null
  model: ModelOptions
}

/** Everything a report is built from: results of the model, never the renderer's HTML. */
export interface ReportInput {
  app: { name: string; version: string }
  /** ISO 8601 time of generation (injected, so tests fix it). */
  generatedAt: string
  scope: ReportScope
  /** The workspace's name (the report's title for scope `workspace`). */
  workspaceName: string
  hosts: ReportHost[]
  /** Index into `hosts` of the host the workload and contention ran on. */
  activeIndex: number
  simulation: SimulationRun | null
  contention: ContentionRun | null
  /** Free-text notes of the workspace (scope `workspace` only). */
  notes: string
  /**
   * Pinned results side by side (src-shared/compare buildComparison, re-run from the pins'
   * inputs): the whole of a `comparison` report, a section of a `workspace` one. Null: none.
   */
  comparison?: ReportSection | null
  /**
   * The fleet run the workspace keeps (docs/reports.md, "Fleet"): its section (fleetReportSection
   * of the saved summary and rows) and what the inputs section says of it. The whole of a `fleet`
   * report, a section of a `workspace` one. Null: none.
   */
  fleet?: ReportFleet | null
}

/** A fleet run in a report: model output carried in the workspace state, not re-run. */
export interface ReportFleet {
  section: ReportSection
  /** Files of the run (hosts read plus files not read), files not read, rows kept in the state. */
  files: number
  unreadable: number
  rowsKept: number
  /** The workload preset the run modelled on each host, or null for host analysis only. */
  presetId: string | null
}

/** A report as sections: the renderers (HTML, text) turn it into a file. */
export interface ReportDocument {
  title: string
  app: { name: string; version: string }
  generatedAt: string
  hostName: string
  scenarioName: string | null
  sections: ReportSection[]
}

/**
 * Assemble the report (docs/reports.md): inputs first, then the host section(s), the workload and
 * contention sections the scope asks for, and the modelled assumptions of everything used.
 */
export function buildReport(input: ReportInput): ReportDocument {
  const active = input.hosts[input.activeIndex] ?? input.hosts[0]
  const fleet = input.fleet ?? null
  if (input.scope === 'fleet' && !fleet) throw new Error('a fleet report needs a fleet run')
  if (!active && input.scope !== 'fleet') throw new Error('a report needs at least one host')
  const date = input.generatedAt.slice(0, 10)
  // A fleet report is about the fleet alone: its hosts are rows, not analysed hosts.
  const hosts =
    input.scope === 'workspace' ? input.hosts : input.scope === 'fleet' || !active ? [] : [active]
  const scenarioName = input.simulation?.scenario.name ?? input.contention?.scenario.name ?? null
  const sections: ReportSection[] = [inputsSection(input, hosts)]
  hosts.forEach((h, i) =>
    sections.push(
      buildHostSection(
        h.analysis,
        h.summary,
        { hostName: h.analysis.name, date },
        hosts.length > 1 ? `host-${i + 1}` : 'host'
      )
    )
  )
  const ctx = { hostName: active?.analysis.name ?? '', date }
  if (input.simulation) sections.push(buildWorkloadSection(input.simulation, ctx))
  if (input.contention) sections.push(buildContentionSection(input.contention, ctx))
  if (input.comparison) sections.push(input.comparison)
  if (fleet && (input.scope === 'fleet' || input.scope === 'workspace'))
    sections.push(fleet.section)
  if (input.scope === 'workspace' && input.notes.trim())
    sections.push({
      id: 'notes',
      title: 'Notes',
      blocks: [{ kind: 'text', paragraphs: input.notes.split(/\n{2,}/) }]
    })
  sections.push(
    buildAssumptionsSection({
      hosts: hosts.map((h) => h.analysis),
      scenario: input.simulation?.scenario ?? null,
      contention: input.contention?.report.settings ?? null
    })
  )
  const appendix = appendixSection(input)
  if (appendix) sections.push(appendix)
  const activeName = active?.analysis.name ?? ''
  const fleetName = `fleet of ${(fleet?.files ?? 0).toLocaleString('en-US')} files`
  const what: Record<ReportScope, string> = {
    host: `Host ${activeName}`,
    workload: `Workload ${scenarioName ?? ''} on ${activeName}`,
    contention: `Contention ${scenarioName ?? ''} on ${activeName}`,
    comparison: 'Comparison of pinned results',
    fleet: `Fleet (${fleetName})`,
    workspace: `Workspace ${input.workspaceName}`
  }
  return {
    title: `PAMT report: ${what[input.scope]}`,
    app: input.app,
    generatedAt: input.generatedAt,
    hostName: input.scope === 'fleet' || !active ? fleetName : activeName,
    scenarioName,
    sections
  }
}

function inputsSection(input: ReportInput, hosts: readonly ReportHost[]): ReportSection {
  const blocks: ReportBlock[] = []
  const fleet = input.fleet
  if (fleet && (input.scope === 'fleet' || input.scope === 'workspace'))
    blocks.push({
      kind: 'table',
      title: 'Fleet inputs',
      columns: [
        { key: 'files', label: 'files' },
        { key: 'read', label: 'hosts read' },
        { key: 'unreadable', label: 'not read' },
        { key: 'rows', label: 'rows kept' },
        { key: 'workload', label: 'workload preset', align: 'left' }
      ],
      rows: [
        [
          fleet.files,
          fleet.files - fleet.unreadable,
          fleet.unreadable,
          fleet.rowsKept,
          fleet.presetId ?? 'none (host analysis only)'
        ]
      ],
      note: 'The fleet run as the workspace keeps it: the summary counts every file; the rows kept are the failing ones first, then by savings. The figures are the run’s own (the same worker code as pamt-planner fleet), not re-run for this report.'
    })
  if (hosts.length === 0) return { id: 'inputs', title: 'Inputs', blocks }
  blocks.push(
    {
      kind: 'table',
      title: 'Host inputs',
      columns: [
        { key: 'host', label: 'host' },
        { key: 'file', label: 'file', align: 'left' },
        { key: 'format', label: 'format', align: 'left' },
        { key: 'bytes', label: 'size', unit: 'bytes' },
        { key: 'sha', label: 'SHA-256', align: 'left' }
      ],
      rows: hosts.map((h) => [
        h.analysis.name,
        h.source.kind === 'example' ? `${h.source.fileName} (example)` : h.source.fileName,
        h.summary.formats.join(' + '),
        h.input?.bytes ?? null,
        h.input?.sha256 ?? null
      ]),
      note: 'Size and SHA-256 are of the input text as read (UTF-8), so a reader can check they have the same file.'
    },
    {
      kind: 'table',
      title: 'Model options and TDX module parameters',
      columns: [
        { key: 'host', label: 'host' },
        { key: 'set', label: 'module parameter set', align: 'left' },
        { key: 'options', label: 'model options (as set; {} = defaults)', align: 'left' }
      ],
      rows: hosts.map((h) => [
        h.analysis.name,
        `${h.analysis.moduleParamSet.id} · ${h.analysis.moduleParamSet.label} · source ${h.analysis.moduleParamSet.source}`,
        JSON.stringify(h.model)
      ])
    }
  )
  const runs: ReportCell[][] = []
  if (input.simulation) {
    const s = input.simulation.scenario
    runs.push(['workload', s.name, s.seed, s.tdClasses.length, s.refcounts, '—'])
  }
  if (input.contention) {
    const s = input.contention.scenario
    const set = input.contention.report.settings
    runs.push([
      'contention',
      s.name,
      input.contention.report.seeds.join(', '),
      s.tdClasses.length,
      s.refcounts,
      `${set.designs.join(', ')}; DEMOTE ${set.demoteVariants.join(', ')}`
    ])
  }
  if (runs.length)
    blocks.push({
      kind: 'table',
      title: 'Runs',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'scenario', label: 'scenario' },
        { key: 'seed', label: 'seed(s)', align: 'right' },
        { key: 'classes', label: 'TD classes' },
        { key: 'refcounts', label: 'refcounts' },
        { key: 'designs', label: 'designs', align: 'left' }
      ],
      rows: runs,
      note: 'The scenarios and settings in full, as JSON, are in the appendix.'
    })
  return { id: 'inputs', title: 'Inputs', blocks }
}

/** The scenarios and settings as run, verbatim JSON, at the end (they are long). */
function appendixSection(input: ReportInput): ReportSection | null {
  const details: ReportDetails[] = []
  if (input.simulation)
    details.push({
      summary: `Workload scenario "${input.simulation.scenario.name}" (JSON)`,
      text: JSON.stringify(input.simulation.scenario, null, 2)
    })
  if (input.contention) {
    if (input.contention.scenario.name !== input.simulation?.scenario.name)
      details.push({
        summary: `Contention scenario "${input.contention.scenario.name}" (JSON)`,
        text: JSON.stringify(input.contention.scenario, null, 2)
      })
    details.push({
      summary: 'Contention settings (JSON)',
      text: JSON.stringify(input.contention.report.settings, null, 2)
    })
  }
  if (!details.length) return null
  return { id: 'appendix', title: 'Appendix: scenarios and settings as run', blocks: [], details }
}
