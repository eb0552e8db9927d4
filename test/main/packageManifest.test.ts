import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The manifest agrees with the README and with what the main process loads at run time (issue 11,
 * "Dependencies"): the README names the Node the engines field asks for, and packages that Vite
 * bundles into the renderer are not runtime dependencies (electron-builder copies every runtime
 * dependency into the packaged app).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  engines: { node: string }
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const readme = readFileSync(`${ROOT}README.md`, 'utf8')

describe('package.json', () => {
  it('asks for the Node version the README names', () => {
    const floor = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1]
    expect(floor).toBeDefined()
    expect(readme).toContain(`**Node.js ${floor} or newer**`)
  })

  it('keeps renderer-only packages out of the runtime dependencies', () => {
    for (const name of ['vue', 'pinia', 'echarts', 'vue-echarts']) {
      expect(pkg.dependencies[name]).toBeUndefined()
      expect(pkg.devDependencies[name]).toBeDefined()
    }
  })

  it('lists as runtime dependencies exactly what the main-process bundle imports', () => {
    // out/main is externalised by electron-vite (every runtime dependency stays an import): these
    // are the packages src-main and the src-shared code it reaches import.
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@fastify/static',
      'commander',
      'fastify',
      'papaparse',
      'zod'
    ])
  })
})
