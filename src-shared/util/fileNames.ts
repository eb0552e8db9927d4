/**
 * File names built from names users chose (an uploaded host log, a host or scenario name) for
 * exports. An uploaded name can be anything, `../../etc/passwd` or `host\u001b.log`: only its last
 * path component is used, and only letters, digits, `_` and `-` survive, so a suggested download
 * name can never point into another folder or hide a control character.
 */

/** Longest stem kept, so a name with the chart id, date and extension stays well under 255. */
const MAX_STEM = 60

/**
 * The stem of `name` for an export file name: its base name (after the last `/` or `\`) without
 * its extension, runs of other characters as `-`, at most 60 characters; `fallback` if nothing is
 * left (`../..` or `.bashrc`).
 */
export function safeFileStem(name: string, fallback: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
  const stem = base.replace(/\.[^.]*$/, '')
  const clean = stem
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .slice(0, MAX_STEM)
    .replace(/^-+|-+$/g, '')
  return clean || fallback
}

/**
 * A whole download name made safe at the last step: path separators, control characters, bidi
 * overrides (which can make `exe.csv` show as `vsc.exe`) and characters Windows forbids become `-`, leading dots and spaces go, and it is cut to 120
 * characters; `fallback` if nothing is left.
 */
export function safeFileName(name: string, fallback: string): string {
  const clean = name
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .replace(/[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, '-')
    .replace(/^[.\s-]+/, '')
    .slice(-120)
  return clean || fallback
}
