import { MAX_PHYS_ADDR_BYTES } from '../../model/host/units'
import type { ImportError } from '../importError'
import { fail as failImport, parseAddress as parseCheckedAddress } from '../textChecks'

// The dmesg parser's argument order (file first) over the shared checks in textChecks.ts.

/** Throw an ImportFailure for this file; parseBootLog turns it into an error value. */
export function fail(fileName: string, detail: Omit<ImportError, 'fileName'>): never {
  return failImport(detail, fileName)
}

const LIMIT = BigInt(MAX_PHYS_ADDR_BYTES)

/** A "0x…" address below 2^52; an exclusive end may be exactly 2^52 (textChecks.parseAddress). */
export function parseAddress(
  hex: string,
  fileName: string,
  line: number,
  exclusiveEnd = false
): number {
  return parseCheckedAddress(hex, fileName, line, { exclusiveEnd })
}

/**
 * Parse an address of an e820 update/remove line, clamped to 2^52. These lines are edits, not
 * memory: `mem=4G` prints `e820: remove [mem 0x100000000-0xfffffffffffffffe] usable`
 * (parse_memopt removes up to ULLONG_MAX), so a huge end is normal there.
 */
export function parseClampedAddress(hex: string): number {
  const value = BigInt(hex)
  return Number(value > LIMIT ? LIMIT : value)
}

/** `[a-b]` with b inclusive, as the kernel prints `[mem %#010Lx-%#010Lx]`, to `[a, b+1)`. */
export function inclusiveRange(
  baseHex: string,
  lastHex: string,
  what: string,
  fileName: string,
  line: number
): { baseBytes: number; endBytes: number } {
  const base = parseAddress(baseHex, fileName, line)
  const last = parseAddress(lastHex, fileName, line)
  if (last < base) {
    fail(fileName, {
      code: 'REVERSED_RANGE',
      line,
      message: `${what} range ends (${lastHex}) before it starts (${baseHex})`
    })
  }
  return { baseBytes: base, endBytes: last + 1 }
}

/** The start of a line for quoting in a message, without control characters. */
export function quote(raw: string, max = 120): string {
  return raw.trim().slice(0, max)
}
