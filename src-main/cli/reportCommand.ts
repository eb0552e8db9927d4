import { basename } from 'node:path'
import type { ApiError } from '@shared/api/errors'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'
import {
  CONTENTION_PRESET_NAMES,
  contentionPresetScenario,
  contentionPresetSettings,
  presetScenario
} from '@shared/model/workload/presets'
import { withPresetSettings } from '@shared/model/contention/runContention'
import type { Scenario } from '@shared/model/workload/scenario'
import {
  MAX_WORKSPACE_FILE_BYTES,
  type WorkspaceStateInput
} from '@shared/workspace/workspaceSchema'
import type { ExportReportRequest } from '@shared/api/reportContract'
import type { PlannerService } from '../services/plannerService'
import { readTextFile } from '../services/readTextFile'
import { atomicWrite } from '../services/atomicWrite'

export interface ReportCliOptions {
  host?: string
  preset?: string
  scenario?: string
  contention?: boolean
  workspace?: string
  /** Pin ids of the workspace to compare ("p1,p2"), as the Compare view would. */
  compare?: string
  out: string
  pdf?: string
}

interface ReportCliRun {
  input: string | undefined
  stdout: (s: string) => void
  stderr: (s: string) => void
}

interface ReportCliDeps {
  services: () => PlannerService
  fail: (e: ApiError) => number
  readScenarioFile: (
    path: string
  ) => Promise<{ ok: true; scenario: Scenario } | { ok: false; message: string }>
  codes: { ok: number; usage: number; badInput: number; noPdf: number }
}

/**
 * `pamt-planner report` (docs/reports.md, "CLI"): the same report as the app's "Export report…",
 * through the same service and worker path (`exportReport`), written with atomicWrite. `--pdf`
 * prints the HTML with a headless Chromium; without one, the HTML is still written and one line
 * says so (exit EXIT_NO_PDF).
 */
export async function reportCommand(
  options: ReportCliOptions,
  ctx: ReportCliRun,
  deps: ReportCliDeps
): Promise<number> {
  const { codes } = deps
  if ((options.host === undefined) === (options.workspace === undefined)) {
    ctx.stderr('give exactly one of --host or --workspace\n')
    return codes.usage
  }
  if (options.preset !== undefined && options.scenario !== undefined) {
    ctx.stderr('give at most one of --preset or --scenario\n')
    return codes.usage
  }
  const compare = options.compare?.split(',').map((id) => id.trim()) ?? []
  if (options.compare !== undefined && !options.workspace) {
    ctx.stderr('--compare names pins of a workspace: give --workspace too\n')
    return codes.usage
  }
  if (options.compare !== undefined && (compare.length < 2 || compare.length > 4)) {
    ctx.stderr('--compare takes 2 to 4 pin ids, comma-separated (p1,p2)\n')
    return codes.usage
  }
  if (options.workspace && (options.preset || options.scenario)) {
    ctx.stderr('--workspace reports the workspace’s own scenarios: drop --preset and --scenario\n')
    return codes.usage
  }
  const planner = deps.services()
  let req: ExportReportRequest
  if (options.workspace) {
    ctx.input = basename(options.workspace)
    const read = await readTextFile(options.workspace, MAX_WORKSPACE_FILE_BYTES, 'workspaces')
    if (!read.ok) return deps.fail(read.error)
    const opened = await planner.workspaces.openText(
      'cli',
      read.value.text,
      read.value.fileName,
      null
    )
    if (!opened.ok) return deps.fail(opened.error)
    req = {
      jobId: 'cli',
      state: opened.value.state,
      scope: 'workspace',
      format: 'html',
      ...(options.contention ? { includeContention: true } : {}),
      ...(compare.length ? { compare } : {})
    }
  } else {
    ctx.input = basename(options.host!)
    const read = await readTextFile(options.host!, MAX_HOST_FILE_BYTES)
    if (!read.ok) return deps.fail(read.error)
    const host = await planner.analyzeHostText({
      jobId: 'cli',
      fileName: read.value.fileName,
      text: read.value.text
    })
    if (!host.ok) return deps.fail(host.error)
    let scenario: Scenario | null = null
    let settings: WorkspaceStateInput['contention']['settings'] = null
    const contentionPreset =
      options.preset !== undefined &&
      (CONTENTION_PRESET_NAMES as readonly string[]).includes(options.preset)
    if (options.preset !== undefined) {
      scenario = contentionPreset
        ? contentionPresetScenario(options.preset)!
        : presetScenario(options.preset, host.value.analysis.tdxMemoryBytes)!
      // A contention preset's own settings (the synchronized storm's zero jitter), as `contention`.
      if (contentionPreset)
        settings = withPresetSettings({}, contentionPresetSettings(options.preset))
    } else if (options.scenario !== undefined) {
      ctx.input = basename(options.scenario)
      const file = await deps.readScenarioFile(options.scenario)
      if (!file.ok) {
        ctx.stderr(`${file.message}\n`)
        return codes.badInput
      }
      scenario = file.scenario
    }
    const withContention = options.contention === true || contentionPreset
    if (withContention && !scenario) {
      ctx.stderr('--contention needs a --preset or --scenario to run\n')
      return codes.usage
    }
    req = {
      jobId: 'cli',
      state: {
        name: basename(options.host!),
        hosts: [{ hostId: host.value.hostId, model: host.value.model ?? {} }],
        activeHost: 0,
        workload: { presetId: options.preset ?? '', scenario },
        contention: {
          presetId: contentionPreset ? options.preset! : '',
          scenarioSource: 'workload',
          scenario: withContention ? scenario : null,
          settings
        },
        pinned: [],
        notes: ''
      },
      scope: scenario ? 'workload' : 'host',
      format: 'html',
      ...(withContention ? { includeContention: true } : {})
    }
  }
  const built = await planner.exportReport(req)
  if (!built.ok) return deps.fail(built.error)
  const html = built.value!.html!
  ctx.input = basename(options.out)
  await atomicWrite(options.out, html)
  ctx.stdout(`wrote ${options.out} (${built.value!.bytes} bytes)\n`)
  if (options.pdf === undefined) return codes.ok
  // The PDF is printed from an A4 build of the same report (the HTML keeps the printer's paper).
  const a4 = await planner.exportReport({ ...req, jobId: 'cli-pdf', format: 'pdf' })
  if (!a4.ok) {
    if (a4.error.code === 'PDF_UNAVAILABLE') {
      ctx.stderr(
        `pamt-planner: ${a4.error.message}; the HTML report was written, the PDF was not\n`
      )
      return codes.noPdf
    }
    return deps.fail(a4.error)
  }
  ctx.input = basename(options.pdf)
  await atomicWrite(options.pdf, Buffer.from(a4.value!.pdfBase64!, 'base64'))
  ctx.stdout(`wrote ${options.pdf} (${a4.value!.bytes} bytes)\n`)
  return codes.ok
}
