/**
 * Characters that can drive a terminal or reorder what it shows: C0 controls, DEL, C1 controls
 * (ESC [ … m colours, OSC … BEL window titles, CSI 0x9b), the line and paragraph separators, and
 * the Unicode bidirectional overrides and isolates ("Trojan Source", CVE-2021-42574).
 */
/* eslint-disable no-control-regex -- these patterns exist to find control characters */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const CONTROLS_BUT_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
/* eslint-enable no-control-regex */

function escape(c: string): string {
  const code = c.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * `text` with every control character shown as an escape (`\x1b`, `\x07`, `\u202e`), so text from
 * a file (a host name, a label, an echoed line) prints as what it is instead of acting on the
 * terminal. `keepLines` keeps newline and tab (a multi-line report); a one-line message escapes
 * them too.
 */
export function visibleControls(text: string, keepLines = false): string {
  return text.replace(keepLines ? CONTROLS_BUT_LINES : CONTROLS, escape)
}

/**
 * JSON text that is safe on a terminal and still valid JSON: JSON.stringify escapes C0 controls
 * itself; DEL, C1 controls and the separators and bidi controls above become \u escapes too.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  // Raw newlines and tabs in JSON text are only the indentation: strings hold them escaped.
  return JSON.stringify(value, null, indent).replace(
    CONTROLS_BUT_LINES,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}
