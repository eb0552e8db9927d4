import { describe, expect, it } from 'vitest'
import { terminalSafeJson, visibleControls } from '@shared/util/controlChars'

describe('visibleControls', () => {
  it('shows an OSC title and an SGR colour as text', () => {
    expect(visibleControls('\x1b]0;pwned\x07\x1b[31mRED')).toBe('\\x1b]0;pwned\\x07\\x1b[31mRED')
  })

  it('escapes DEL, C1 (CSI 0x9b) and the bidi override; keeps printable Unicode', () => {
    expect(visibleControls('a\x7fb\u009bc\u202ed é ✓')).toBe('a\\x7fb\\x9bc\\u202ed é ✓')
  })

  it('escapes newlines in a one-line message, keeps them (and tabs) in a report', () => {
    expect(visibleControls('a\nb\tc\rd')).toBe('a\\x0ab\\x09c\\x0dd')
    expect(visibleControls('a\nb\tc\rd', true)).toBe('a\nb\tc\\x0dd')
  })
})

describe('terminalSafeJson', () => {
  it('stays JSON that parses back to the same value', () => {
    const value = { name: 'x\u009by\u2028z\x1b', n: -1 }
    const text = terminalSafeJson(value, 2)
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028]/)
    expect(JSON.parse(text)).toEqual(value)
  })
})
