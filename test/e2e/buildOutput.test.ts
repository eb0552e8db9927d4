import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The build `npm start` runs on first use prints nothing a newcomer has to interpret (issue 13,
 * "Setup and first screen"): Vite warns about any chunk over 500 kB after minification, so every
 * renderer chunk stays under it (electron.vite.config.ts splits the chart libraries out). This
 * project runs after `electron-vite build`, so out/ is the real build.
 */
const ASSETS = fileURLToPath(new URL('../../out/renderer/assets/', import.meta.url))
const VITE_WARNING_BYTES = 500 * 1000

describe('the renderer build', () => {
  it('has no chunk over Vite’s 500 kB warning', () => {
    const chunks = readdirSync(ASSETS).filter((f) => f.endsWith('.js'))
    expect(chunks.length).toBeGreaterThan(1)
    for (const f of chunks)
      expect([f, statSync(ASSETS + f).size < VITE_WARNING_BYTES]).toEqual([f, true])
  })
})
