import { opendir, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import type { ApiError } from '@shared/api/errors'
import type { FleetItem } from '../worker/protocol'

/** A file a fleet run reads, or an argument that named none (it becomes an error row). */
export type FleetInput = FleetItem | { file: string; error: ApiError }

const GLOB_CHARS = /[*?[{]/

/** Whether an argument is a glob pattern (it has `*`, `?`, `[` or `{`). */
export function isGlob(arg: string): boolean {
  return GLOB_CHARS.test(arg)
}

/**
 * A glob as a regular expression over `/`-separated paths (docs/fleet.md, "Inputs"): `*` and `?`
 * match within one path segment, `**` any number of segments (`a/**` + `/b` also matches `a/b`),
 * `[abc]` / `[!abc]` one character of a set, `{x,y}` either alternative. Our own few lines rather
 * than Node 20's `path.matchesGlob`, which prints an ExperimentalWarning on every run.
 */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  let braces = 0
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++
        if (glob[i + 1] === '/') {
          i++
          re += '(?:[^/]*/)*'
        } else re += '.*'
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) re += '\\['
      else {
        let set = glob.slice(i + 1, end)
        const negate = set.startsWith('!') || set.startsWith('^')
        if (negate) set = set.slice(1)
        re += `[${negate ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`
        i = end
      }
    } else if (c === '{') {
      braces++
      re += '(?:'
    } else if (c === '}' && braces > 0) {
      braces--
      re += ')'
    } else if (c === ',' && braces > 0) re += '|'
    else re += c.replace(/[.+^$()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** A path with `/` separators, for glob matching on any platform. */
const slashed = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'))

/**
 * Regular files under `dir`, depth first, each folder's entries in name order so runs are
 * repeatable. Names starting with `.` are skipped (`.git`, editor and OS files); a symbolic link to
 * a file is followed, one to a folder is not (a link loop cannot hang the walk).
 */
export async function* walkFiles(dir: string): AsyncGenerator<string> {
  const names: Array<{ name: string; dir: boolean; link: boolean }> = []
  for await (const e of await opendir(dir)) {
    if (e.name.startsWith('.')) continue
    names.push({ name: e.name, dir: e.isDirectory(), link: e.isSymbolicLink() })
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of names) {
    const path = join(dir, e.name)
    if (e.dir) yield* walkFiles(path)
    else if (e.link) {
      const info = await stat(path).catch(() => null)
      if (info?.isFile()) yield path
    } else yield path
  }
}

/** The folder a glob's matches live under: its segments before the first one with a glob character. */
function globBase(pattern: string): string {
  const parts = slashed(pattern).split('/')
  const i = parts.findIndex((p) => isGlob(p))
  const base = parts.slice(0, i).join('/')
  return base === '' ? (pattern.startsWith('/') ? '/' : '.') : base
}

/**
 * The files of a fleet run's arguments, lazily (docs/fleet.md, "Inputs"): a file as given, a
 * folder's files recursively, a glob's matches (quoted, so the shell leaves it to us; an unquoted
 * one arrives already expanded). An argument that names nothing becomes an error input, so it is a
 * row of the output and never stops the run. Only one folder's names are held at a time.
 */
export async function* expandFleetInputs(args: readonly string[]): AsyncGenerator<FleetInput> {
  for (const arg of args) {
    const info = await stat(arg).catch(() => null)
    if (info?.isDirectory()) {
      for await (const path of walkFiles(arg)) yield { file: path, path }
      continue
    }
    if (info) {
      yield { file: arg, path: arg }
      continue
    }
    if (!isGlob(arg)) {
      yield {
        file: arg,
        error: { code: 'FILE_UNREADABLE', message: 'no such file or folder', fileName: arg }
      }
      continue
    }
    const base = globBase(arg)
    const re = globToRegExp(slashed(arg).replace(/^\.\//, ''))
    let matched = 0
    const baseInfo = await stat(base).catch(() => null)
    if (baseInfo?.isDirectory()) {
      for await (const path of walkFiles(base)) {
        if (!re.test(slashed(path).replace(/^\.\//, ''))) continue
        matched++
        yield { file: path, path }
      }
    }
    if (matched === 0)
      yield {
        file: arg,
        error: { code: 'FILE_UNREADABLE', message: 'no file matches this pattern', fileName: arg }
      }
  }
}
