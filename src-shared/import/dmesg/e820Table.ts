/**
 * The e820 table of one boot and the kernel's edits to it (dpamt-model.md §1.2 step 1: the memory
 * list comes from e820 after the kernel's own changes). The BIOS table (`BIOS-e820:` lines) is
 * replaced by the `user:` table when mem=/memmap= were given, and `e820: update` / `e820: remove`
 * lines apply in log order to whichever table is current at that point.
 */
import type { MemoryRange, MemoryRangeType } from '../../model/host/memoryMap'
import { parseE820Type } from '../e820Types'
import { fail, inclusiveRange, parseClampedAddress, quote } from './fail'

// The optional size column (`  639   KB`, `    1.9 GB`) is printed by kernels carrying the 2025
// "x86/boot/e820: Print out sizes of E820 memory ranges" change; it is not part of the type.
const SIZE = String.raw`(?:\d+(?:\.\d+)?\s+[KMGT]B\s+)?`
const HEX = String.raw`(0x[0-9a-fA-F]+)`
export const BIOS_E820_RE = new RegExp(String.raw`BIOS-e820: \[mem ${HEX}-${HEX}\]\s*${SIZE}(.*)$`)
export const USER_E820_RE = new RegExp(String.raw`\buser: \[mem ${HEX}-${HEX}\]\s*${SIZE}(.*)$`)
/** `e820: update [mem %#010Lx-%#010Lx] <old> ==> <new>` (__e820__range_update). */
export const E820_UPDATE_RE = new RegExp(
  String.raw`e820: update \[mem ${HEX}-${HEX}\] (\S.*?) ==> (\S.*?)\s*$`
)
/** `e820: remove [mem %#010Lx-%#010Lx] [<old>]` (e820__range_remove; the type only with check_type). */
export const E820_REMOVE_RE = new RegExp(String.raw`e820: remove \[mem ${HEX}-${HEX}\]\s*(.*?)\s*$`)

/** One table-changing line, applied in log order after the table it follows. */
export type E820Edit =
  | {
      kind: 'update'
      baseBytes: number
      endBytes: number
      fromKey: string
      toType: MemoryRangeType
      toLabel: string
      line: number
    }
  | { kind: 'remove'; baseBytes: number; endBytes: number; typeKey: string | null; line: number }
  /** The `user-defined physical RAM map:` table starts here and replaces the current table. */
  | { kind: 'user-table'; table: MemoryRange[]; line: number }

/**
 * A key that tells e820 types apart as the kernel does: `type 20` and `type 21` differ, while the
 * two vocabularies of one type (`usable` / `System RAM`) are the same type.
 */
export function e820TypeKey(label: string): string | null {
  const type = parseE820Type(label)
  if (type === null) return null
  if (type === 'other' || type === 'persistent') return `${type}:${/(\d+)\)?\s*$/.exec(label)?.[1]}`
  return type
}

/**
 * Parse a table entry line (`BIOS-e820:` or `user:`): `[mem a-b] type` with b inclusive.
 * `what` names the table in messages.
 */
export function parseTableLine(
  re: RegExp,
  what: string,
  raw: string,
  fileName: string,
  line: number
): MemoryRange {
  const m = re.exec(raw)
  const typeText = m?.[3]?.trim() ?? ''
  const type = m ? parseE820Type(typeText) : null
  if (m && type === null && typeText !== '') {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `${what} line has an unknown memory type "${typeText.slice(0, 60)}"; expected e.g. usable, reserved, ACPI data, ACPI NVS or type N`
    })
  }
  if (!m || type === null) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `${what} line is not "${what}: [mem 0xSTART-0xEND] type": ${quote(raw)}`
    })
  }
  const range = inclusiveRange(m[1]!, m[2]!, 'e820', fileName, line)
  return { ...range, type, typeLabel: typeText, line }
}

function editRange(
  baseHex: string,
  lastHex: string,
  fileName: string,
  line: number
): { baseBytes: number; endBytes: number } {
  if (BigInt(lastHex) < BigInt(baseHex)) {
    fail(fileName, {
      code: 'REVERSED_RANGE',
      line,
      message: `e820 edit range ends (${lastHex}) before it starts (${baseHex})`
    })
  }
  // Clamped: an edit may reach past 2^52 (see parseClampedAddress); the kernel prints it inclusive.
  const base = parseClampedAddress(baseHex)
  return { baseBytes: base, endBytes: Math.max(base, parseClampedAddress(lastHex) + 1) }
}

function knownType(text: string, raw: string, fileName: string, line: number): string {
  const key = e820TypeKey(text)
  if (key === null) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `e820 edit line has an unknown memory type "${text.slice(0, 60)}": ${quote(raw)}`
    })
  }
  return key
}

export function parseUpdateLine(raw: string, fileName: string, line: number): E820Edit {
  const m = E820_UPDATE_RE.exec(raw)
  if (!m) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `e820 update line is not "e820: update [mem 0xSTART-0xEND] OLD ==> NEW": ${quote(raw)}`
    })
  }
  const fromKey = knownType(m[3]!, raw, fileName, line)
  knownType(m[4]!, raw, fileName, line)
  return {
    kind: 'update',
    ...editRange(m[1]!, m[2]!, fileName, line),
    fromKey,
    toType: parseE820Type(m[4]!)!,
    toLabel: m[4]!,
    line
  }
}

export function parseRemoveLine(raw: string, fileName: string, line: number): E820Edit {
  const m = E820_REMOVE_RE.exec(raw)
  if (!m) {
    fail(fileName, {
      code: 'MALFORMED_LINE',
      line,
      message: `e820 remove line is not "e820: remove [mem 0xSTART-0xEND] [TYPE]": ${quote(raw)}`
    })
  }
  const typeKey = m[3] === '' ? null : knownType(m[3]!, raw, fileName, line)
  return { kind: 'remove', ...editRange(m[1]!, m[2]!, fileName, line), typeKey, line }
}

/**
 * Apply the edits in order. Like __e820__range_update / __e820__range_remove, only the parts of
 * matching entries inside the range change; the rest of each entry keeps its type and line. The
 * changed part takes the edit's line. Unlike the kernel's e820__update_table(), adjacent entries of
 * one type are not merged, so each range keeps the line it came from (memblock merges them later,
 * §1.2 step 1, so the model sees the same memory).
 */
export function applyEdits(table: MemoryRange[], edits: E820Edit[]): MemoryRange[] {
  let cur = table
  for (const edit of edits) {
    if (edit.kind === 'user-table') {
      cur = edit.table
      continue
    }
    // RAM ==> RESERVED_KERN prints as "usable ==> usable" (e820_print_type): no change for us.
    if (edit.kind === 'update' && e820TypeKey(edit.toLabel) === edit.fromKey) continue
    const next: MemoryRange[] = []
    for (const r of cur) {
      const matches =
        edit.kind === 'update'
          ? e820TypeKey(r.typeLabel) === edit.fromKey
          : edit.typeKey === null || e820TypeKey(r.typeLabel) === edit.typeKey
      const lo = Math.max(r.baseBytes, edit.baseBytes)
      const hi = Math.min(r.endBytes, edit.endBytes)
      if (!matches || lo >= hi) {
        next.push(r)
        continue
      }
      if (r.baseBytes < lo) next.push({ ...r, endBytes: lo })
      if (edit.kind === 'update') {
        next.push({
          baseBytes: lo,
          endBytes: hi,
          type: edit.toType,
          typeLabel: edit.toLabel,
          line: edit.line
        })
      }
      if (hi < r.endBytes) next.push({ ...r, baseBytes: hi })
    }
    cur = next
  }
  return cur
}

/** Overlaps within one table are an error naming the later line (checked after the scan). */
export function checkOverlaps(ranges: MemoryRange[], what: string, fileName: string): void {
  const sorted = [...ranges].sort((a, b) => a.baseBytes - b.baseBytes)
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!
    const cur = sorted[i]!
    if (cur.baseBytes < prev.endBytes) {
      const later = Math.max(cur.line, prev.line)
      fail(fileName, {
        code: 'OVERLAPPING_RANGES',
        line: later,
        message: `${what} range on line ${later} overlaps the one on line ${Math.min(cur.line, prev.line)}`
      })
    }
  }
}

/** Same entries (bounds and type) in the same order; lines may differ. */
export function sameTable(a: MemoryRange[], b: MemoryRange[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (r, i) =>
        r.baseBytes === b[i]!.baseBytes &&
        r.endBytes === b[i]!.endBytes &&
        e820TypeKey(r.typeLabel) === e820TypeKey(b[i]!.typeLabel)
    )
  )
}
