import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { HostImportResult, ImportSummary } from '@shared/import/hostImport'
import { formatImportError, type ImportError } from '@shared/import/importError'
import type { HostInput, MemoryRangeType } from '@shared/model/host/memoryMap'

export const GiB = 2 ** 30
export const MiB = 2 ** 20

/** Read a fixture from test/fixtures/formats. */
export function fixture(name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../../../fixtures/formats/${name}`, import.meta.url)),
    'utf8'
  )
}

type Parser = (text: string, fileName: string) => HostImportResult

/** Run a parser, asserting it never throws and returns ok. */
export function ok(
  parser: Parser,
  text: string,
  fileName = 'host.txt'
): { host: HostInput; summary: ImportSummary } {
  let r: HostImportResult | undefined
  expect(() => {
    r = parser(text, fileName)
  }).not.toThrow()
  if (!r!.ok) {
    throw new Error(
      `expected ok, got ${r!.error.code} at line ${r!.error.line}: ${r!.error.message}`
    )
  }
  return r!
}

/** Run a parser, asserting it never throws and fails. */
export function err(parser: Parser, text: string, fileName = 'bad.txt'): ImportError {
  let r: HostImportResult | undefined
  expect(() => {
    r = parser(text, fileName)
  }).not.toThrow()
  if (r!.ok) throw new Error('expected an import error, but the input parsed')
  return r!.error
}

/** A message the user can read: one line of words, no leaked JS values. */
export function expectClearSentence(message: string): void {
  expect(message.length).toBeGreaterThanOrEqual(10)
  expect(message).toMatch(/^[A-Za-z"/]/)
  expect(message).toMatch(/[a-z]{3,} [a-z]{2,}/i)
  expect(message).toBe(message.trim())
  expect(message).not.toMatch(/[\r\n]/)
  expect(message).not.toMatch(/undefined|NaN|\[object/)
}

/** A bad-input case for a table-driven test. */
export interface BadCase {
  name: string
  text: string | (() => string)
  code: ImportError['code']
  line: number | undefined
  /** Text the message must contain (case-insensitive). */
  says?: string
}

/** Assert one bad case against a parser. */
export function checkBadCase(parser: Parser, c: BadCase): void {
  const input = typeof c.text === 'function' ? c.text() : c.text
  const e = err(parser, input, 'bad.txt')
  expect({ code: e.code, line: e.line }).toEqual({ code: c.code, line: c.line })
  expect(e.fileName).toBe('bad.txt')
  expectClearSentence(e.message)
  if (c.says !== undefined) expect(e.message.toLowerCase()).toContain(c.says.toLowerCase())
  expect(formatImportError(e)).toBe(
    c.line === undefined ? `bad.txt: ${e.message}` : `bad.txt:${c.line}: ${e.message}`
  )
}

export type R = [number, number, MemoryRangeType, string]

/** Ranges reduced to [base, end, type, label]. */
export function rangesOf(host: HostInput): R[] {
  return host.ranges.map((r) => [r.baseBytes, r.endBytes, r.type, r.typeLabel])
}

/** A HostInput without source lines and sources, for round-trip comparisons. */
export function carried(host: HostInput): unknown {
  return {
    name: host.name,
    ranges: host.ranges.map(({ line: _l, ...r }) => r),
    numaMemblks: host.numaMemblks.map(({ line: _l, ...b }) => b),
    cmrs: host.cmrs.map(({ line: _l, ...c }) => c),
    pamtKb: host.kernelLog.pamtKb,
    dynamicPamtEnabled: host.kernelLog.dynamicPamtEnabled,
    initialized: host.kernelLog.initialized,
    initFailure: host.kernelLog.initFailure,
    moduleVersion: host.kernelLog.moduleVersion,
    params: host.params
  }
}

/** The R750xs e820 table as /proc/iomem shows it: the first 4 KiB split off as Reserved. */
export const R750XS_IOMEM: R[] = [
  [0x0, 0x1000, 'reserved', 'Reserved'],
  [0x1000, 0x8f000, 'ram', 'System RAM'],
  [0x8f000, 0x90000, 'reserved', 'Reserved'],
  [0x90000, 0xa0000, 'ram', 'System RAM'],
  [0xa0000, 0x100000, 'reserved', 'Reserved'],
  [0x100000, 0x4244a000, 'ram', 'System RAM'],
  [0x4244a000, 0x4a453000, 'reserved', 'Reserved'],
  [0x4a453000, 0x4a6dc000, 'ram', 'System RAM'],
  [0x4a6dc000, 0x4b6dc000, 'acpi-nvs', 'ACPI Non-volatile Storage'],
  [0x4b6dc000, 0x4c241000, 'ram', 'System RAM'],
  [0x4c241000, 0x4c347000, 'reserved', 'Reserved'],
  [0x4c347000, 0x4d802000, 'ram', 'System RAM'],
  [0x4d802000, 0x4d803000, 'reserved', 'Reserved'],
  [0x4d803000, 0x51b00000, 'ram', 'System RAM'],
  [0x51b00000, 0x51b01000, 'reserved', 'Reserved'],
  [0x51b01000, 0x5eefe000, 'ram', 'System RAM'],
  [0x5eefe000, 0x6e3ff000, 'reserved', 'Reserved'],
  [0x6e3ff000, 0x6f3ff000, 'acpi-nvs', 'ACPI Non-volatile Storage'],
  [0x6f3ff000, 0x6f7ff000, 'acpi-data', 'ACPI Tables'],
  [0x6f7ff000, 0x6f800000, 'ram', 'System RAM'],
  [0x6f800000, 0x90000000, 'reserved', 'Reserved'],
  [0xfe000000, 0xfe011000, 'reserved', 'Reserved'],
  [0x100000000, 0x2080000000, 'ram', 'System RAM']
]
