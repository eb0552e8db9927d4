/**
 * Allocation-free decoders for the trace fields, reading a span `[a, b)` of a string (a line, a
 * chunk of lines, or one CSV cell). They return numbers, never throw, and leave messages to the
 * caller: NaN means "not this syntax", {@link TOO_BIG} means "syntactically fine but huge".
 */
import { TRACE_EVENT_NAMES } from './traceFormat'

const EV_GET = TRACE_EVENT_NAMES.indexOf('get')
const EV_PUT = TRACE_EVENT_NAMES.indexOf('put')
const EV_DEMOTE = TRACE_EVENT_NAMES.indexOf('demote')
const EV_PAMT_ADD = TRACE_EVENT_NAMES.indexOf('pamt_add')
const EV_PAMT_REMOVE = TRACE_EVENT_NAMES.indexOf('pamt_remove')
const EV_CTRL_GET = TRACE_EVENT_NAMES.indexOf('ctrl_get')
const EV_CTRL_PUT = TRACE_EVENT_NAMES.indexOf('ctrl_put')

/** Returned for numbers too large to hold exactly (≥ 2^53) or PFNs far beyond 2^40. */
export const TOO_BIG = Infinity

const SAFE = Number.MAX_SAFE_INTEGER

/** A decimal integer with an optional leading `-`; NaN if not one; ±TOO_BIG beyond 2^53. */
export function decodeInt(s: string, a: number, b: number): number {
  let i = a
  let neg = false
  if (i < b && s.charCodeAt(i) === 45) {
    neg = true
    i++
  }
  if (i >= b) return NaN
  let v = 0
  for (; i < b; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return NaN
    v = v * 10 + d
  }
  if (v > SAFE) return neg ? -TOO_BIG : TOO_BIG
  return neg ? -v : v
}

/** A PFN: `0x`/`0X` hex, or decimal digits when `allowDecimal`. NaN if malformed. */
export function decodePfn(s: string, a: number, b: number, allowDecimal: boolean): number {
  if (b - a > 2 && s.charCodeAt(a) === 48 && (s.charCodeAt(a + 1) | 0x20) === 120) {
    let v = 0
    let big = false
    for (let i = a + 2; i < b; i++) {
      const c = s.charCodeAt(i)
      let d: number
      if (c >= 48 && c <= 57) d = c - 48
      else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87
      else return NaN
      // Stop accumulating once clearly beyond 2^40 (keeps the arithmetic exact), but keep
      // checking the syntax of the remaining digits.
      if (!big) {
        v = v * 16 + d
        if (v > 2 ** 44) big = true
      }
    }
    return big ? TOO_BIG : v
  }
  if (!allowDecimal) return NaN
  const v = decodeInt(s, a, b)
  return v < 0 ? NaN : v
}

/** Event code of an `ev` name (its index in TRACE_EVENT_NAMES), or -1. */
export function decodeEv(s: string, a: number, b: number): number {
  switch (b - a) {
    case 3:
      if (s.startsWith('get', a)) return EV_GET
      if (s.startsWith('put', a)) return EV_PUT
      return -1
    case 6:
      return s.startsWith('demote', a) ? EV_DEMOTE : -1
    case 8:
      if (s.startsWith('pamt_add', a)) return EV_PAMT_ADD
      if (s.startsWith('ctrl_get', a)) return EV_CTRL_GET
      if (s.startsWith('ctrl_put', a)) return EV_CTRL_PUT
      return -1
    case 11:
      return s.startsWith('pamt_remove', a) ? EV_PAMT_REMOVE : -1
    default:
      return -1
  }
}

/** Level code (0 = 4k, 1 = 2m, 2 = 1g; case-insensitive), or -1. */
export function decodeLevel(s: string, a: number, b: number): number {
  if (b - a !== 2) return -1
  const c0 = s.charCodeAt(a)
  const c1 = s.charCodeAt(a + 1) | 0x20
  if (c0 === 52 && c1 === 107) return 0 // 4k
  if (c0 === 50 && c1 === 109) return 1 // 2m
  if (c0 === 49 && c1 === 103) return 2 // 1g
  return -1
}
