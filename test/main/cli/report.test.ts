import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cli, tempFile } from '../../support/cli'
import { hostFixturePath } from '../../support/fixtures'
import { findChromium } from '../../../src-main/services/pdf/chromiumPdf'
import { inlineServices } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'

const HOST = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')
const outPath = (name: string): string => join(dirname(tempFile('x', '')), name)

afterEach(() => vi.unstubAllEnvs())

describe('pamt-planner report', () => {
  it('writes the host report with the kernel log’s PAMT size', async () => {
    const out = outPath('host.html')
    const r = await cli('report', '--host', HOST, '--out', out)
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toMatch(/^wrote .*host\.html \(\d+ bytes\)\n$/)
    const html = readFileSync(out, 'utf8')
    // "1050636 KB allocated for PAMT": 1050636 × 1024 = 1,075,851,264 bytes.
    expect(html).toContain('1,050,636')
    expect(html).toContain('1,075,851,264')
    // Dynamic PAMT static part by hand: 8,388,608 + 2,097,152 + 12,288 = 10,498,048 bytes.
    expect(html).toContain('10,498,048')
    expect(html).not.toMatch(/<script|https?:\/\//i)
  })

  it('adds the workload section for --scenario, and no contention section without --contention', async () => {
    const out = outPath('workload.html')
    const scenario = tempFile(
      'small.json',
      JSON.stringify({
        name: 'cli small',
        durationNs: 1e9,
        tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 30, vcpus: 1 }]
      })
    )
    const r = await cli('report', '--host', HOST, '--scenario', scenario, '--out', out)
    expect(r.code).toBe(0)
    const html = readFileSync(out, 'utf8')
    expect(html).toContain('<h2>Workload: cli small</h2>')
    expect(html).toContain('Capacity: All 1 TD fit')
    expect(html).not.toContain('<h2>Contention')
  })

  it.skipIf(findChromium() === null)('prints the PDF with --pdf', async () => {
    const pdf = outPath('host.pdf')
    const r = await cli('report', '--host', HOST, '--out', outPath('h.html'), '--pdf', pdf)
    expect(r.code).toBe(0)
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('without a Chromium, writes the HTML, says so in one line and exits 4', async () => {
    vi.stubEnv('PAMT_PLANNER_CHROMIUM', '/nonexistent/chromium')
    const out = outPath('nopdf.html')
    const pdf = outPath('nopdf.pdf')
    const r = await cli('report', '--host', HOST, '--out', out, '--pdf', pdf)
    expect(r.code).toBe(4)
    expect(r.stderr).toBe(
      'pamt-planner: cannot print the PDF: $PAMT_PLANNER_CHROMIUM (/nonexistent/chromium) is not an executable; the HTML report was written, the PDF was not\n'
    )
    expect(existsSync(out)).toBe(true)
    expect(existsSync(pdf)).toBe(false)
  })

  it('refuses a bad host file in one line naming the file and line (exit 1)', async () => {
    const bad = tempFile(
      'bad.log',
      'BIOS-e820: [mem 0x0000000000002000-0x0000000000001fff] usable\n'
    )
    const r = await cli('report', '--host', bad, '--out', outPath('bad.html'))
    expect(r.code).toBe(1)
    expect(r.stderr.split('\n')).toHaveLength(2)
    expect(r.stderr).toMatch(/^bad\.log:1: /)
  })

  it('reports every host of a workspace with its notes', async () => {
    // A workspace as the app saves it (browser mode returns the file's text).
    const { planner } = inlineServices()
    const names = ['a-host.txt', 'b-host.txt']
    const ids: string[] = []
    for (const fileName of names) {
      const h = await planner.analyzeHostText({
        jobId: 'w',
        fileName,
        text: readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
      })
      if (!h.ok) throw new Error(h.error.message)
      ids.push(h.value.hostId)
    }
    const saved = await planner.saveWorkspace({
      state: {
        name: 'lab',
        hosts: ids.map((hostId) => ({ hostId, model: {} })),
        activeHost: 1,
        workload: { presetId: '', scenario: null },
        contention: { presetId: '', scenarioSource: 'preset', scenario: null, settings: null },
        pinned: [],
        notes: 'rack 4, both sockets'
      }
    })
    if (!saved.ok) throw new Error(saved.error.message)
    const ws = tempFile('lab.pamtplan', saved.value!.text!)
    const out = outPath('lab.html')
    const r = await cli('report', '--workspace', ws, '--out', out)
    expect(r.code).toBe(0)
    const html = readFileSync(out, 'utf8')
    expect(html).toContain('<title>PAMT report: Workspace lab</title>')
    expect(html).toContain('<h2>Host a-host.txt</h2>')
    expect(html).toContain('<h2>Host b-host.txt</h2>')
    expect(html).toContain('<p>rack 4, both sockets</p>')
  })

  it('needs exactly one of --host and --workspace (exit 2)', async () => {
    const r = await cli('report', '--out', outPath('none.html'))
    expect(r).toMatchObject({ code: 2, stderr: 'give exactly one of --host or --workspace\n' })
  })

  it('takes --compare only with --workspace, and 2 to 4 pins (exit 2)', async () => {
    const host = await cli(
      'report',
      '--host',
      'x.txt',
      '--compare',
      'p1,p2',
      '--out',
      outPath('c.html')
    )
    expect(host).toMatchObject({
      code: 2,
      stderr: '--compare names pins of a workspace: give --workspace too\n'
    })
    const one = await cli(
      'report',
      '--workspace',
      'w.pamtplan',
      '--compare',
      'p1',
      '--out',
      outPath('c.html')
    )
    expect(one).toMatchObject({
      code: 2,
      stderr: '--compare takes 2 to 4 pin ids, comma-separated (p1,p2)\n'
    })
  })
})
