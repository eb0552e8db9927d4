import { readdirSync, readFileSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The build `npm start` runs on first use prints nothing a newcomer has to interpret (issue 13,
 * "Setup and first screen"): Vite warns about any chunk over 500 kB after minification, so every
 * renderer chunk stays under it (electron.vite.config.ts splits the chart libraries out). This
 * project runs after `electron-vite build`, so out/ is the real build.
 */
const RENDERER = fileURLToPath(new URL('../../out/renderer/', import.meta.url))
const ASSETS = `${RENDERER}assets/`
const VITE_WARNING_BYTES = 500 * 1000

/** The entry chunk: the module script index.html loads. */
function entryChunk(): string {
  const html = readFileSync(`${RENDERER}index.html`, 'utf8')
  const m = /<script type="module"[^>]*src="\.\/assets\/([^"]+\.js)"/.exec(html)
  if (!m) throw new Error('index.html has no module script')
  return m[1]!
}

/**
 * Every chunk the first screen loads before it runs: the entry and, transitively, what it imports
 * statically (`from"./x.js"` in the minified output; an `import("./x.js")` is a lazy chunk).
 */
function eagerChunks(): Set<string> {
  const seen = new Set<string>()
  const todo = [entryChunk()]
  while (todo.length > 0) {
    const f = todo.pop()!
    if (seen.has(f)) continue
    seen.add(f)
    const code = readFileSync(ASSETS + f, 'utf8')
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) todo.push(m[1]!)
  }
  return seen
}

/**
 * A string each lazy view's chunk holds and no other source does: a data-testid from the view's
 * own template or a component only it uses (checked by grep over src-renderer when written).
 */
const VIEW_MARKERS = {
  WorkloadView: 'run-simulation',
  ContentionView: 'contention-scenario',
  CompareView: 'pins-table',
  FleetView: 'fleet-files-input'
} as const

describe('the renderer build', () => {
  it('has no chunk over Vite’s 500 kB warning', () => {
    const chunks = readdirSync(ASSETS).filter((f) => f.endsWith('.js'))
    expect(chunks.length).toBeGreaterThan(1)
    for (const f of chunks)
      expect([f, statSync(ASSETS + f).size < VITE_WARNING_BYTES]).toEqual([f, true])
  })

  it('puts each view but Host in a chunk of its own that the first screen does not load', () => {
    const chunks = readdirSync(ASSETS).filter((f) => f.endsWith('.js'))
    const eager = eagerChunks()
    // The first screen's chunks are found by following static imports from the entry, so the
    // scan reached the vendor chunks too (ECharts' is the largest), not just the entry.
    expect([...eager].some((f) => f.startsWith('echarts-components-'))).toBe(true)
    for (const [view, marker] of Object.entries(VIEW_MARKERS)) {
      const own = chunks.filter((f) => f.startsWith(`${view}-`))
      // One chunk named after the view (Rollup names a dynamic import's chunk after its module) …
      expect([view, own.length]).toEqual([view, 1])
      expect([view, readFileSync(ASSETS + own[0]!, 'utf8').includes(marker)]).toEqual([view, true])
      // … that nothing on the first screen imports statically or contains.
      expect([view, eager.has(own[0]!)]).toEqual([view, false])
      for (const f of eager)
        expect([view, f, readFileSync(ASSETS + f, 'utf8').includes(marker)]).toEqual([
          view,
          f,
          false
        ])
    }
    // The browser-mode test hooks (src-renderer/src/testHooks) are never on the first screen
    // either: main.ts imports them only when automation asks (a release build has none at all).
    for (const f of eager)
      expect([f, readFileSync(ASSETS + f, 'utf8').includes('measurePan')]).toEqual([f, false])
    // The entry loads them on demand: it names each view's chunk in an import().
    const entry = readFileSync(ASSETS + entryChunk(), 'utf8')
    for (const view of Object.keys(VIEW_MARKERS)) expect(entry).toMatch(new RegExp(`"\\./${view}-`))
  })
})
