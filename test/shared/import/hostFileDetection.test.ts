import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { looksLikeHostFile } from '@shared/import/importHost'
import { traceErr } from './trace/support'

/**
 * A host file dropped where a trace is expected is recognised (issue 13: "A boot log dropped on the
 * Workload view is parsed as a trace"). Checked on every host and format fixture and every trace
 * fixture of the project, by their first 64 KiB as the app reads them.
 */
const dir = (sub: string): string =>
  fileURLToPath(new URL(`../../fixtures/${sub}/`, import.meta.url))
const head = (path: string): string => readFileSync(path, 'utf8').slice(0, 64 * 1024)
const files = (sub: string): string[] =>
  readdirSync(dir(sub), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'README.md')
    .map((e) => dir(sub) + e.name)

describe('looksLikeHostFile', () => {
  it('recognises every host and format fixture', () => {
    const hosts = [...files('hosts'), ...files('formats'), ...files('formats/dmesg')]
    expect(hosts.length).toBeGreaterThan(20)
    for (const f of hosts) expect([f, looksLikeHostFile(head(f))]).toEqual([f, true])
  })

  it('does not take a trace for a host file', () => {
    const traces = files('traces')
    expect(traces.length).toBe(3)
    for (const f of traces) expect([f, looksLikeHostFile(head(f))]).toEqual([f, false])
  })
})

describe('a boot log given as a trace', () => {
  it('is refused as a host file, with where to open it', () => {
    const e = traceErr('[    0.000000] BIOS-e820: [mem 0x0-0x9ffff] usable\n', 'boot.log')
    expect(e.line).toBe(1)
    expect(e.message).toBe(
      'this is a host boot log or memory map, not a trace: open it as a host (the Host view, or analyze / --host on the command line)'
    )
  })

  it('keeps the format message for other text', () => {
    expect(traceErr('hello,world\n', 't.csv').message).toMatch(/^the first line is neither/)
  })
})
