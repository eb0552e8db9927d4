import { expect } from 'vitest'
import { parseBootLog } from '@shared/import/bootLog'
import { LINE_KINDS, type LineKind } from '@shared/import/dmesg/summaryCounter'
import type { HostImportResult, ImportSummary } from '@shared/import/hostImport'
import type { ImportError } from '@shared/import/importError'
import type { HostInput, MemoryRangeType } from '@shared/model/host/memoryMap'

/** `0x` + 16 zero-padded hex digits, as the kernel prints with %#018Lx. */
export function hex16(n: number | bigint): string {
  return '0x' + BigInt(n).toString(16).padStart(16, '0')
}

/** A dmesg `BIOS-e820: [mem a-b] type` line (b inclusive), with a dmesg timestamp. */
export function e820Line(base: number | bigint, last: number | bigint, type = 'usable'): string {
  return `[    0.000000] BIOS-e820: [mem ${hex16(base)}-${hex16(last)}] ${type}`
}

/** A TDX `CMR: [a, b)` line as the canonical/tdx kernels print it. */
export function cmrLine(base: number | bigint, end: number | bigint, index?: number): string {
  const tag = index === undefined ? 'CMR' : `CMR[${index}]`
  return `[    8.366488] virt/tdx: ${tag}: [0x${BigInt(base).toString(16)}, 0x${BigInt(end).toString(16)})`
}

export const GiB = 2 ** 30

/** Parse, asserting that nothing is thrown whatever the input. */
export function parse(text: string, fileName = 'host.log'): HostImportResult {
  let r: HostImportResult | undefined
  expect(() => {
    r = parseBootLog(text, fileName)
  }).not.toThrow()
  return r!
}

export function parseOk(
  text: string,
  fileName = 'host.log'
): { host: HostInput; summary: ImportSummary } {
  const r = parse(text, fileName)
  if (!r.ok)
    throw new Error(`expected ok, got ${r.error.code} at line ${r.error.line}: ${r.error.message}`)
  return r
}

export function parseErr(text: string, fileName = 'host.log'): ImportError {
  const r = parse(text, fileName)
  if (r.ok) throw new Error('expected an import error, but the log parsed')
  return r.error
}

/** A message the user can read: a single line of words, no leaked JS values. */
export function expectClearSentence(message: string): void {
  expect(message.length).toBeGreaterThanOrEqual(10)
  expect(message).toMatch(/^[A-Za-z]/)
  expect(message).toMatch(/[a-z]{3,} [a-z]{2,}/i)
  expect(message).toBe(message.trim())
  expect(message).not.toMatch(/[\r\n]/)
  expect(message).not.toMatch(/undefined|NaN|\[object|\bnull\b/)
}

/** Ranges reduced to [base, end, type, label] for compact assertions. */
export function rangesOf(host: HostInput): [number, number, MemoryRangeType, string][] {
  return host.ranges.map((r) => [r.baseBytes, r.endBytes, r.type, r.typeLabel])
}

/** How many lines of one kind the summary lists as recognised (0 when it lists none). */
export function countOf(summary: ImportSummary, kind: LineKind): number {
  return summary.recognised.find((r) => r.what === LINE_KINDS[kind])?.count ?? 0
}

/** A dmesg line with a timestamp. */
export function dmesg(message: string, time = '0.000000'): string {
  return `[${time.padStart(12)}] ${message}`
}

/** `e820: update [mem a-b] from ==> to` as __e820__range_update prints it (%#010Lx, b inclusive). */
export function e820UpdateLine(
  base: number | bigint,
  last: number | bigint,
  from = 'usable',
  to = 'reserved'
): string {
  return dmesg(`e820: update [mem ${hex10(base)}-${hex10(last)}] ${from} ==> ${to}`)
}

/** `e820: remove [mem a-b] [type]` as e820__range_remove prints it. */
export function e820RemoveLine(
  base: number | bigint,
  last: number | bigint,
  type?: string
): string {
  return dmesg(`e820: remove [mem ${hex10(base)}-${hex10(last)}] ${type ?? ''}`)
}

/** `%#010Lx`: at least 8 hex digits after 0x. */
export function hex10(n: number | bigint): string {
  return '0x' + BigInt(n).toString(16).padStart(8, '0')
}

/** `ACPI: SRAT: Node N PXM P [mem a-b]` (b inclusive) with optional flags. */
export function sratLine(
  nid: number,
  base: number | bigint,
  last: number | bigint,
  flags = '',
  pxm = nid
): string {
  return dmesg(`ACPI: SRAT: Node ${nid} PXM ${pxm} [mem ${hex10(base)}-${hex10(last)}]${flags}`)
}
