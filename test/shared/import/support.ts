import { expect } from 'vitest'
import { parseBootLog, type HostImportResult } from '@shared/import/bootLog'
import type { ImportError } from '@shared/import/importError'
import type { HostInput, MemoryRangeType } from '@shared/model/host/memoryMap'
import type { ImportSummary } from '@shared/import/bootLog'

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
