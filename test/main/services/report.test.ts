import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { PinnedResult, WorkspaceStateInput } from '@shared/workspace/workspaceSchema'
import type { ScenarioInput } from '@shared/model/workload/scenario'
import type { HostResult } from '@shared/api/contract'
import { InlineLauncher, type TaskLauncher } from '../../../src-main/services/jobRunner'
import type { WorkerTask } from '../../../src-main/worker/protocol'
import { chromiumPdf, findChromium } from '../../../src-main/services/pdf/chromiumPdf'
import { inlineServices } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'
import { savedFleetFixture } from '../../support/fleetFixture'

const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'
const GiB = 2 ** 30

/** One small TD: cheap to simulate and to run under one design. */
const SMALL: ScenarioInput = {
  name: 'one small TD',
  durationNs: 1e9,
  tdClasses: [{ name: 'td', count: 1, memoryBytes: GiB, vcpus: 1 }]
}

/** The inline launcher, recording every task it is given. */
function recording(): { launcher: TaskLauncher; tasks: WorkerTask[] } {
  const inner = new InlineLauncher()
  const tasks: WorkerTask[] = []
  return {
    tasks,
    launcher: {
      launch(task, onProgress) {
        tasks.push(task)
        return inner.launch(task, onProgress)
      }
    }
  }
}

interface Setup {
  planner: ReturnType<typeof inlineServices>['planner']
  host: HostResult
  text: string
  state: (over?: Partial<WorkspaceStateInput>) => WorkspaceStateInput
  tasks: WorkerTask[]
}

async function withHost(fileName = FIXTURE): Promise<Setup> {
  const rec = recording()
  const { planner } = inlineServices(rec.launcher)
  const text = readHostFixture(FIXTURE)
  const host = await planner.analyzeHostText({ jobId: 'j1', fileName, text })
  if (!host.ok) throw new Error(host.error.message)
  const state = (over: Partial<WorkspaceStateInput> = {}): WorkspaceStateInput => ({
    name: 'ws',
    hosts: [{ hostId: host.value.hostId, model: {} }],
    activeHost: 0,
    workload: { presetId: '', scenario: null },
    contention: { presetId: '', scenarioSource: 'workload', scenario: null, settings: null },
    pinned: [],
    notes: '',
    ...over
  })
  return { planner, host: host.value, text, state, tasks: rec.tasks }
}

describe('PlannerService.exportReport', () => {
  it('builds a host report with the input’s bytes and SHA-256 and real inline SVG charts', async () => {
    const { planner, text, state } = await withHost()
    const out = await planner.exportReport({
      jobId: 'r1',
      state: state(),
      scope: 'host',
      format: 'html'
    })
    expect(out.ok).toBe(true)
    const report = out.ok ? out.value! : null
    const html = report!.html!
    // SHA-256 and size of the fixture's text, computed here independently of the service.
    const sha = createHash('sha256').update(text, 'utf8').digest('hex')
    expect(html).toContain(sha)
    expect(html).toContain(Buffer.byteLength(text, 'utf8').toLocaleString('en-US'))
    expect(html).toContain('1,050,636')
    expect(html).toContain('<svg role="img" class="chart-svg"')
    expect(html).not.toMatch(/<script|https?:\/\//i)
    expect(report!.fileName).toBe('tdx-spr-8480c-2s-256g-cmr-only.host-report.html')
    expect(report!.path).toBeNull()
  })

  it('reuses the simulation a simulate request just ran instead of running it again', async () => {
    const { planner, host, state, tasks } = await withHost()
    const run = await planner.simulate({ jobId: 's1', hostId: host.hostId, scenario: SMALL })
    expect(run.ok).toBe(true)
    const out = await planner.exportReport({
      jobId: 'r2',
      state: state({ workload: { presetId: '', scenario: SMALL } }),
      scope: 'workload',
      format: 'html'
    })
    expect(out.ok).toBe(true)
    const task = tasks.at(-1)!
    expect(task.kind).toBe('report')
    if (task.kind === 'report') expect(task.simulation?.cached).not.toBeNull()
    const html = out.ok ? out.value!.html! : ''
    // Capacity first: one 1 GiB TD fits the 256 GiB host.
    expect(html).toMatch(/<h2>Workload: one small TD<\/h2>\n<p>Capacity: All 1 TD fit/)
  })

  it('runs what is not cached in the same job, and caches it for the next report', async () => {
    const { planner, state, tasks } = await withHost()
    const req = {
      jobId: 'r3',
      state: state({
        workload: { presetId: '', scenario: SMALL },
        contention: {
          presetId: '',
          scenarioSource: 'workload' as const,
          scenario: SMALL,
          settings: { designs: ['v6' as const], demoteVariants: ['lock-around' as const] }
        }
      }),
      scope: 'workload' as const,
      format: 'html' as const,
      includeContention: true
    }
    expect((await planner.exportReport(req)).ok).toBe(true)
    const first = tasks.at(-1)!
    if (first.kind !== 'report') throw new Error('not a report task')
    expect([first.simulation?.cached, first.contention?.cached]).toEqual([null, null])
    const again = await planner.exportReport({ ...req, jobId: 'r4' })
    expect(again.ok && again.value!.html).toContain('perf lock contention')
    const second = tasks.at(-1)!
    if (second.kind !== 'report') throw new Error('not a report task')
    expect(second.simulation?.cached).not.toBeNull()
    expect(second.contention?.cached).not.toBeNull()
  })

  it('escapes a hostile file name in the tables and in ECharts’ own SVG', async () => {
    const { planner, state } = await withHost('<script>alert(1)</script><img src=x>.log')
    const out = await planner.exportReport({
      jobId: 'r5',
      state: state(),
      scope: 'host',
      format: 'html'
    })
    const html = out.ok ? out.value!.html! : ''
    expect(html).not.toMatch(/<script|<img/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('refuses a run over the work limits before any worker starts, as simulate does', async () => {
    const { planner, state, tasks } = await withHost()
    const before = tasks.length
    // 2 × 60,000 TDs = 120,000, over the 100,000 TDs a run (WORK_LIMITS.tdsPerRun).
    const big: ScenarioInput = {
      name: 'too many',
      tdClasses: [
        { name: 'a', count: 60_000, memoryBytes: GiB, vcpus: 1 },
        { name: 'b', count: 60_000, memoryBytes: GiB, vcpus: 1 }
      ]
    }
    const out = await planner.exportReport({
      jobId: 'r6',
      state: state({ workload: { presetId: '', scenario: big } }),
      scope: 'workload',
      format: 'html'
    })
    expect(out.ok ? null : out.error.code).toBe('WORK_TOO_LARGE')
    expect(tasks.length).toBe(before)
  })

  it('says which view has nothing to report', async () => {
    const { planner, state } = await withHost()
    const out = await planner.exportReport({
      jobId: 'r7',
      state: state(),
      scope: 'contention',
      format: 'html'
    })
    expect(out.ok ? null : out.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'the Contention view has no valid scenario to report'
    })
  })

  it.skipIf(findChromium() === null)('prints an A4 PDF through Chromium', async () => {
    const { planner, state } = await withHost()
    const out = await planner.exportReport({
      jobId: 'r8',
      state: state(),
      scope: 'host',
      format: 'pdf'
    })
    expect(out.ok).toBe(true)
    const pdf = Buffer.from(out.ok ? out.value!.pdfBase64! : '', 'base64')
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    // A4 is 595 × 842 points (210 × 297 mm at 72 points an inch).
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 59[45]\.\d+ 841\.\d+\]/)
  })
})

describe('chromiumPdf without a Chromium', () => {
  it('answers PDF_UNAVAILABLE naming what it searched', async () => {
    const out = await chromiumPdf('<p>x</p>', { env: { PATH: '/nonexistent-dir' } })
    expect(out.ok ? null : out.error).toEqual({
      code: 'PDF_UNAVAILABLE',
      message:
        'cannot print the PDF: no Chromium found: searched $PAMT_PLANNER_CHROMIUM and chromium, chromium-browser, google-chrome, google-chrome-stable on PATH'
    })
  })

  it('names the variable when $PAMT_PLANNER_CHROMIUM is not an executable', async () => {
    const out = await chromiumPdf('<p>x</p>', {
      env: { PAMT_PLANNER_CHROMIUM: '/nonexistent/chrome', PATH: '/usr/bin' }
    })
    expect(out.ok ? null : out.error.message).toBe(
      'cannot print the PDF: $PAMT_PLANNER_CHROMIUM (/nonexistent/chrome) is not an executable'
    )
  })
})

describe('PlannerService.exportReport: a comparison of pinned results', () => {
  /** Two hosts and a pin of each: the SPR 8480C (w1) and the Dell R750xs (w2). */
  async function twoPinnedHosts(): Promise<{
    planner: Setup['planner']
    state: WorkspaceStateInput
  }> {
    const { planner } = inlineServices(new InlineLauncher())
    const ids: string[] = []
    for (const name of [FIXTURE, 'dell-r750xs-icx-1s-128g.txt']) {
      const h = await planner.analyzeHostText({
        jobId: `h-${name}`,
        fileName: name,
        text: readHostFixture(name)
      })
      if (!h.ok) throw new Error(h.error.message)
      ids.push(h.value.hostId)
    }
    const pin = (id: string, hostId: string, label: string): PinnedResult => ({
      kind: 'host-analysis' as const,
      id,
      label,
      pinnedAt: '2026-11-29T12:00:00.000Z',
      hostId,
      model: {},
      summary: {}
    })
    return {
      planner,
      state: {
        name: 'two hosts',
        hosts: ids.map((hostId) => ({ hostId, model: {} })),
        activeHost: 0,
        workload: { presetId: '', scenario: null },
        contention: { presetId: '', scenarioSource: 'workload', scenario: null, settings: null },
        pinned: [pin('p1', 'w1', 'SPR 8480C'), pin('p2', 'w2', 'R750xs')],
        notes: ''
      }
    }
  }

  it('re-runs the chosen pins and puts them side by side with the delta', async () => {
    const { planner, state } = await twoPinnedHosts()
    const out = await planner.exportReport({
      jobId: 'c1',
      state,
      scope: 'comparison',
      format: 'html',
      compare: ['p1', 'p2']
    })
    if (!out.ok) throw new Error(out.error.message)
    const html = out.value!.html!
    expect(html).toContain('PAMT report: Comparison of pinned results')
    expect(html).toContain('SPR 8480C')
    expect(html).toContain('R750xs')
    // Static PAMT as each kernel printed it: 1,050,636 KB (SPR 8480C) and 525,320 KB (R750xs,
    // 4104 KB per 16 GiB × 128 + 8); the delta is 525,320 − 1,050,636 = −525,316 KiB, and
    // 525,316 / 1,050,636 = 49.99981 % rounds to −50 in the table's two decimals.
    expect(html).toMatch(
      /<td class="text">Static PAMT<\/td><td class="text">KiB<\/td><td class="num">1,050,636<\/td><td class="num">525,320<\/td><td class="num">-525,316<\/td><td class="num">-50<\/td>/
    )
  })

  it('refuses a comparison report without two pins, and a pin the workspace does not hold', async () => {
    const { planner, state } = await twoPinnedHosts()
    const none = await planner.exportReport({
      jobId: 'c2',
      state,
      scope: 'comparison',
      format: 'html'
    })
    expect(none).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const missing = await planner.exportReport({
      jobId: 'c3',
      state,
      scope: 'comparison',
      format: 'html',
      compare: ['p1', 'p9']
    })
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'no pinned result p9 in this workspace' }
    })
  })
})

describe('PlannerService.exportReport: the fleet run', () => {
  it('a fleet report holds the summary words and the failing host, with no host open', async () => {
    const { planner, state, tasks } = await withHost()
    const out = await planner.exportReport({
      jobId: 'f1',
      state: state({ hosts: [], activeHost: null, fleet: savedFleetFixture() }),
      scope: 'fleet',
      format: 'html'
    })
    if (!out.ok) throw new Error(out.error.message)
    const html = out.value!.html!
    expect(out.value!.fileName).toBe('ws.fleet-report.html')
    // FLEET_ROWS: 4 files; good-a, good-b and no-tdmrs read; good-a and good-b can enable TDX;
    // broken.log not read. The words are regenerated from the saved summary.
    expect(html).toContain('Static PAMT reserves')
    expect(html).toContain('across 2 hosts that can enable TDX (3 hosts read, 1 file not read)')
    expect(html).toContain('1 host cannot enable TDX: 1 × TDMRS_EXHAUSTED (racks/r2/no-tdmrs.log')
    // The failing host's row and the unreadable file in the problems table, and the inputs.
    expect(html).toContain('racks/r2/no-tdmrs.log')
    expect(html).toContain('racks/r3/broken.log:3')
    expect(html).toContain('Fleet inputs')
    expect(html).toContain('PAMT report: Fleet (fleet of 4 files)')
    // Nothing was analysed or simulated: the job only built the section from the state.
    const task = tasks.at(-1)
    expect(task).toMatchObject({ kind: 'report', scope: 'fleet', hosts: [], simulation: null })
  })

  it('a workspace report with a fleet run has a Fleet section after the host', async () => {
    const { planner, state } = await withHost()
    const out = await planner.exportReport({
      jobId: 'f2',
      state: state({ fleet: savedFleetFixture() }),
      scope: 'workspace',
      format: 'html'
    })
    if (!out.ok) throw new Error(out.error.message)
    const html = out.value!.html!
    expect(html).toContain('1,050,636')
    expect(html).toContain('racks/r2/no-tdmrs.log')
    expect(html.indexOf('1,050,636')).toBeLessThan(html.indexOf('Shapes gaining most'))
  })

  it('refuses a fleet report without a fleet run in one line', async () => {
    const { planner, state } = await withHost()
    const out = await planner.exportReport({
      jobId: 'f3',
      state: state(),
      scope: 'fleet',
      format: 'html'
    })
    expect(out).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'a fleet report needs a fleet run: analyse a fleet first'
      }
    })
  })
})
