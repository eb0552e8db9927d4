import { MAX_PHYS_ADDR_BYTES } from '../../model/host/units'
import { ImportFailure, type ImportError } from '../importError'

/** Throw an ImportFailure for this file; parseBootLog turns it into an error value. */
export function fail(fileName: string, detail: Omit<ImportError, 'fileName'>): never {
  throw new ImportFailure({ fileName, ...detail })
}

const LIMIT = BigInt(MAX_PHYS_ADDR_BYTES)

/**
 * Parse a "0x…" address, rejecting anything at or beyond 2^52 (x86-64 MAXPHYADDR). An exclusive end
 * (a CMR's `b` in `[a, b)`) may be exactly 2^52: its last byte is still within 52 bits.
 */
export function parseAddress(
  hex: string,
  fileName: string,
  line: number,
  exclusiveEnd = false
): number {
  const value = BigInt(hex)
  if (exclusiveEnd ? value > LIMIT : value >= LIMIT) {
    fail(fileName, {
      code: 'ADDRESS_TOO_LARGE',
      line,
      message: `address ${hex} is beyond 52 physical address bits (the x86-64 maximum)`
    })
  }
  return Number(value)
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
