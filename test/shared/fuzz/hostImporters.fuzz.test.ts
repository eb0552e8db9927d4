import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hostAnalysisToJson } from '@shared/api/hostJson'
import { addressMapCsv } from '@shared/charts/addressMap/addressMapCsv'
import { importHostText } from '@shared/import/importHost'
import { hostInputToJson } from '@shared/import/hostJson'
import { MAX_LINE_CHARS } from '@shared/import/limits'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { FUZZ_TIMEOUT_MS, fuzzParams } from './fuzzConfig'
import { lineCount, mutated } from './mutate'

const fixtures = (dir: string): Array<[string, string]> => {
  const path = fileURLToPath(new URL(`../../fixtures/${dir}/`, import.meta.url))
  return readdirSync(path, { withFileTypes: true })
    .filter((f) => f.isFile() && !f.name.endsWith('.md'))
    .map((f) => [`${dir}/${f.name}`, readFileSync(`${path}${f.name}`, 'utf8')])
}

/** Every host input the importers read: real boot logs and one file per other format. */
const HOST_FILES = [...fixtures('hosts'), ...fixtures('formats'), ...fixtures('formats/dmesg')]

/**
 * What must hold for any text: the importer returns (never throws); a failure is one line naming
 * the file and, when it names a line, a line the file has; a success analyses without throwing, to
 * finite sizes within the host, serialisable to the CLI's JSON and the CSV, and its canonical host
 * JSON imports again to the same TDX memory and static PAMT.
 */
function checkHostText(text: string, fileName: string): void {
  const r = importHostText(text, fileName)
  if (!r.ok) {
    expect(r.error.fileName).toBe(fileName)
    expect(r.error.message.length).toBeGreaterThan(0)
    expect(r.error.message).not.toContain('\n')
    if (r.error.line !== undefined) {
      expect(Number.isInteger(r.error.line)).toBe(true)
      expect(r.error.line).toBeGreaterThanOrEqual(1)
      expect(r.error.line).toBeLessThanOrEqual(lineCount(text))
    }
    return
  }
  expect(r.summary.linesTotal).toBeLessThanOrEqual(lineCount(text))
  const a = analyzeHost(r.host)
  for (const v of [a.ramBytes, a.tdxMemoryBytes, a.staticPamt.bytes, a.refcounts.denseBytes])
    expect(Number.isFinite(v) && v >= 0).toBe(true)
  expect(a.tdxMemoryBytes).toBeLessThanOrEqual(a.ramBytes)
  expect(a.maxPfn).toBeLessThanOrEqual(2 ** 40)
  expect(() => JSON.stringify(hostAnalysisToJson(a))).not.toThrow()
  expect(typeof addressMapCsv(a)).toBe('string')
  const again = importHostText(hostInputToJson(r.host), 'again.host.json')
  if (!again.ok) throw new Error(`exported host JSON does not import: ${again.error.message}`)
  const b = analyzeHost(again.host)
  expect(b.tdxMemoryBytes).toBe(a.tdxMemoryBytes)
  expect(b.staticPamt.bytes).toBe(a.staticPamt.bytes)
}

describe('fuzz: host importers on mutated real files', () => {
  it.each(HOST_FILES)(
    '%s',
    (name, text) => {
      fc.assert(
        fc.property(mutated(text), (t) => checkHostText(t, name)),
        fuzzParams(6)
      )
    },
    FUZZ_TIMEOUT_MS
  )

  it('a line longer than the line limit is refused with its line, not parsed', () => {
    const text = `BIOS-e820: [mem 0x0-0x9ffff] usable\n${'x'.repeat(MAX_LINE_CHARS + 1)}\n`
    const r = importHostText(text, 'long.log')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.line).toBe(2)
  })
})
