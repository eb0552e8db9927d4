/**
 * The code, the UI and the docs cite the model reference by section ("dpamt-model.md §1.5",
 * "§2.6-2.8, §3", "§1.2 steps 2-4"). These tests keep every such citation pointing at a section
 * that exists in docs/dpamt-model.md, and keep the product free of references to the team's
 * private design notes, which are not shipped.
 *
 * Which document a "§" belongs to: the nearest document named before it on the same line
 * (`name.md`, "SDM", "RFC n"); with none on the line, docs/dpamt-model.md when the file names
 * dpamt-model.md anywhere (its other citations are then bare "§N", as in docs/host-model.md).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const MODEL_DOC = 'docs/dpamt-model.md'
const MODEL_NAME = 'dpamt-model.md'
/** Where citations live (the brief's grep, plus resources/ for the capture scripts). */
const CITING_ROOTS = ['src-shared', 'src-main', 'src-renderer', 'docs', 'resources', 'README.md']
const TEXT_EXT = /\.(ts|vue|mjs|js|md|html|css|json|bt|txt)$/

interface Section {
  /** Numbered list items ("1. …") directly in this section, before the next heading. */
  items: Set<number>
}

/** Section numbers from the headings ("## 1. Static PAMT …", "### 1.5 PAMT allocation …"). */
function parseSections(markdown: string): { sections: Map<string, Section>; duplicates: string[] } {
  const sections = new Map<string, Section>()
  const duplicates: string[] = []
  let current: Section | undefined
  let inFence = false
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence
    if (inFence) continue
    const heading = /^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line)
    if (heading) {
      const id = heading[1]!
      if (sections.has(id)) duplicates.push(id)
      current = { items: new Set() }
      sections.set(id, current)
      continue
    }
    if (/^#{1,6}\s/.test(line)) {
      current = undefined
      continue
    }
    const item = /^(\d+)\.\s/.exec(line)
    if (item && current) current.items.add(Number(item[1]))
  }
  return { sections, duplicates }
}

interface Citation {
  line: number
  /** The text as written, e.g. "§2.6-2.8" or "§1.2 steps 2-4". */
  text: string
  sections: string[]
  /** Numbered steps (or open questions) the citation names inside its first section. */
  steps: number[]
}

interface Attributed extends Citation {
  /** The document the citation belongs to ("dpamt-model.md", "conventions.md", "SDM", …). */
  doc: string | undefined
}

const DOC_NAME = /[\w.-]+\.md\b|\bSDM\b|\bRFC \d+\b/g
const SECTION_REF =
  /§\s?(\d+(?:\.\d+)*)(?:\s*[-–]\s*(\d+(?:\.\d+)*))?(?:\s+(?:steps?|open question)\s+(\d+)(?:\s*[-–]\s*(\d+))?)?/g

function range(from: number, to: number): number[] {
  const out: number[] = []
  for (let n = from; n <= to; n++) out.push(n)
  return out
}

/** Every "§…" in a text, with the document each one belongs to (see the header comment). */
function findCitations(text: string): Attributed[] {
  const fileCitesModel = text.includes(MODEL_NAME)
  const out: Attributed[] = []
  text.split('\n').forEach((line, i) => {
    const docs = [...line.matchAll(DOC_NAME)].map((m) => ({ at: m.index, name: m[0] }))
    for (const m of line.matchAll(SECTION_REF)) {
      const before = docs.filter((d) => d.at < m.index)
      const named = before.length > 0 ? before[before.length - 1]!.name : undefined
      const doc = named ?? (fileCitesModel ? MODEL_NAME : undefined)
      const sections = m[2] ? [m[1]!, m[2]] : [m[1]!]
      const steps = m[3] ? range(Number(m[3]), Number(m[4] ?? m[3])) : []
      out.push({ line: i + 1, text: m[0].trim(), sections, steps, doc })
    }
  })
  return out
}

/** Why a citation does not resolve, or undefined when it does. */
function unresolved(c: Citation, sections: Map<string, Section>): string | undefined {
  const missing = c.sections.filter((s) => !sections.has(s))
  if (missing.length > 0) return `no section ${missing.map((s) => `§${s}`).join(', ')}`
  const first = c.sections[0]!
  const items = sections.get(first)!.items
  // "§6 open question 5" resolves to the subsection 6.5 as well as to an item "5." in §6.
  const lost = c.steps.filter((n) => !items.has(n) && !sections.has(`${first}.${n}`))
  if (lost.length > 0) return `§${first} has no numbered step ${lost.join(', ')}`
  return undefined
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git' || name === 'out') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path, out)
    else out.push(path)
  }
}

/** Repository-relative paths (forward slashes) of the text files under the citing roots. */
function citingFiles(): string[] {
  const files: string[] = []
  for (const root of CITING_ROOTS) {
    const path = join(ROOT, root)
    if (!existsSync(path)) continue
    if (statSync(path).isDirectory()) walk(path, files)
    else files.push(path)
  }
  return files
    .filter((f) => TEXT_EXT.test(f))
    .map((f) => relative(ROOT, f).split(sep).join('/'))
    .sort()
}

/** Files git tracks, plus new files it would track (not ignored); a tree walk without git. */
function repositoryFiles(): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    })
    return listed.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)))
  } catch {
    const files: string[] = []
    walk(ROOT, files)
    return files.map((f) => relative(ROOT, f).split(sep).join('/'))
  }
}

function readText(file: string): string | undefined {
  const path = join(ROOT, file)
  if (statSync(path).size > 8 * 1024 * 1024) return undefined
  const text = readFileSync(path, 'utf8')
  return text.includes('\0') ? undefined : text
}

const model = parseSections(readFileSync(join(ROOT, MODEL_DOC), 'utf8'))

describe('citation parsing (small inputs, expected values by hand)', () => {
  it('takes the section numbers from numbered headings and the steps from numbered items', () => {
    const md = [
      '# Title',
      '## 1. Static',
      '### 1.2 Blocks',
      '1. first',
      '2. second',
      '```',
      '## 9. inside a code fence',
      '```',
      '## 2. Dynamic',
      '### 2.10 Ten'
    ].join('\n')
    const { sections, duplicates } = parseSections(md)
    expect([...sections.keys()]).toEqual(['1', '1.2', '2', '2.10'])
    expect([...sections.get('1.2')!.items]).toEqual([1, 2])
    expect(duplicates).toEqual([])
  })

  it('reads ranges, lists and steps after dpamt-model.md', () => {
    const found = findCitations('x (dpamt-model.md §2.6-2.8, §3) and §1.2 steps 2-4 here')
    expect(found.map((c) => [c.doc, c.sections, c.steps])).toEqual([
      ['dpamt-model.md', ['2.6', '2.8'], []],
      ['dpamt-model.md', ['3'], []],
      ['dpamt-model.md', ['1.2'], [2, 3, 4]]
    ])
  })

  it('gives a "§" to the nearest document named before it on its line', () => {
    const text = [
      'see dpamt-model.md §1.1 once', // names the model: the whole file cites it by default
      'Intel SDM Vol. 3A §4.1.4',
      'the lsmem call (conventions.md §3.2)',
      'bare §2.2 on its own line',
      'dpamt-model.md §6 open question 5'
    ].join('\n')
    expect(findCitations(text).map((c) => [c.line, c.doc, c.sections[0], c.steps])).toEqual([
      [1, 'dpamt-model.md', '1.1', []],
      [2, 'SDM', '4.1.4', []],
      [3, 'conventions.md', '3.2', []],
      [4, 'dpamt-model.md', '2.2', []],
      [5, 'dpamt-model.md', '6', [5]]
    ])
  })

  it('leaves a bare "§" alone in a file that never names dpamt-model.md', () => {
    expect(findCitations('RFC text §3.2')[0]!.doc).toBeUndefined()
  })

  it('reports a missing section and a missing step', () => {
    const { sections } = parseSections('## 1. A\n### 1.2 B\n1. one\n## 6. Q\n### 6.5 Five')
    const cite = (s: string[], steps: number[] = []): Citation => ({ line: 1, text: '', sections: s, steps })
    expect(unresolved(cite(['1.2'], [1]), sections)).toBeUndefined()
    expect(unresolved(cite(['6'], [5]), sections)).toBeUndefined()
    expect(unresolved(cite(['1.2', '1.9']), sections)).toBe('no section §1.9')
    expect(unresolved(cite(['1.2'], [2]), sections)).toBe('§1.2 has no numbered step 2')
  })
})

describe('docs/dpamt-model.md', () => {
  it('numbers each section once', () => {
    expect(model.duplicates).toEqual([])
  })

  it('has every section the code cited when it was written', () => {
    // The distinct "§N" of `grep -rn "dpamt-model.md" src-shared src-main src-renderer docs
    // README.md resources` on 2026-11-29, read by hand (ranges contribute both ends).
    // prettier-ignore
    const cited = [
      '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7',
      '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9',
      '3', '3.1', '3.2', '3.3', '4', '6', '6.5'
    ]
    expect(cited.filter((s) => !model.sections.has(s))).toEqual([])
  })

  it('links kernel and TDX module sources at fixed commits and nothing local', () => {
    const text = readFileSync(join(ROOT, MODEL_DOC), 'utf8')
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThan(40)
    expect(links.filter((l) => !/^https:\/\/(github\.com|lore\.kernel\.org)\//.test(l))).toEqual([])
    const pinned =
      /^https:\/\/github\.com\/(torvalds\/linux|intel\/tdx-module|kernelorg-mirror\/[\w.-]+)\/(blob|tree|commit)\/([^/]+)/
    const floating = links.filter((l) => {
      const m = pinned.exec(l)
      return m !== null && !/^[0-9a-f]{40}$/.test(m[3]!)
    })
    expect(floating).toEqual([])
  })
})

describe('citations in the product', () => {
  const files = citingFiles()
  const all = files.flatMap((file) => {
    const text = readText(file)
    return text === undefined ? [] : findCitations(text).map((c) => ({ ...c, file }))
  })

  it('finds the citations (the scan is not silently empty)', () => {
    // 95 lines named dpamt-model.md when this test was written; far fewer means a broken scan.
    expect(all.filter((c) => c.doc === MODEL_NAME).length).toBeGreaterThan(50)
  })

  it('resolves every dpamt-model.md citation to a section of docs/dpamt-model.md', () => {
    const failures = all
      .filter((c) => c.doc === MODEL_NAME)
      .flatMap((c) => {
        const why = unresolved(c, model.sections)
        return why ? [`${c.file}:${c.line}: "${c.text}": ${why}`] : []
      })
    expect(failures).toEqual([])
  })

  it('cites sections only of documents that are in the repository', () => {
    const failures = all
      .filter((c) => c.doc?.endsWith('.md'))
      .filter((c) => !existsSync(join(ROOT, 'docs', c.doc!)) && !existsSync(join(ROOT, c.doc!)))
      .map((c) => `${c.file}:${c.line}: "${c.text}" cites ${c.doc}, which is not in the repository`)
    expect(failures).toEqual([])
  })
})

describe('source tags', () => {
  /** Short names for sources ("v5S 30/45", "KAI-CMR", "seed 002"), spaces dropped, lower case. */
  const TAG = /\b(?:seed ?0\d\d|KAI-CMR|HP-v2|v5S|DP-tree|MOD-DP|MOD-1\.5|ML-tdx\.c|ML-meta|ML-doc|RFCv1)\b/gi
  const tags = (text: string): Set<string> =>
    new Set([...text.matchAll(TAG)].map((m) => m[0].replace(/ /g, '').toLowerCase()))

  it('finds tags in text regardless of case and spacing', () => {
    expect([...tags('Seed 000 and SEED004, seed 002; KAI-CMR (v5S 30/45)')]).toEqual([
      'seed000',
      'seed004',
      'seed002',
      'kai-cmr',
      'v5s'
    ])
  })

  it('explains every tag the code uses in docs/dpamt-model.md', () => {
    const known = tags(readFileSync(join(ROOT, MODEL_DOC), 'utf8'))
    const failures: string[] = []
    for (const file of citingFiles()) {
      const text = readText(file)
      if (text === undefined || file === MODEL_DOC) continue
      text.split('\n').forEach((line, i) => {
        for (const t of tags(line)) if (!known.has(t)) failures.push(`${file}:${i + 1}: tag "${t}"`)
      })
    }
    expect(failures).toEqual([])
  })
})

describe('the team design notes stay out of the product', () => {
  it('no file in the repository refers to them', () => {
    // Built from parts so that this file does not match itself.
    const needles = [['..', 'shared'].join('/'), ['shared', 'design'].join('/')]
    const failures: string[] = []
    for (const file of repositoryFiles()) {
      const text = readText(file)
      if (text === undefined) continue
      text.split('\n').forEach((line, i) => {
        for (const n of needles) if (line.includes(n)) failures.push(`${file}:${i + 1}: mentions "${n}"`)
      })
    }
    expect(failures).toEqual([])
  })
})
