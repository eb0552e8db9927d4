import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The built worker entry and the folder to remove when the tests are done. */
export interface BuiltWorker {
  /** Absolute path of the bundled ESM worker (what electron-vite's `?modulePath` points at). */
  workerPath: string
  /** A fresh temporary folder holding the bundle; scratch files may go here too. */
  dir: string
  cleanup: () => Promise<void>
}

/**
 * Build the real worker entry (src-main/worker/worker.ts) with Vite's JS API, as electron-vite
 * does for the app, into a fresh temporary folder: one self-contained ESM file (everything bundled,
 * Node built-ins external) so a `worker_threads` Worker can run it. Unit tests run before any app
 * build, so they cannot use out/.
 */
export async function buildWorker(): Promise<BuiltWorker> {
  const dir = await mkdtemp(join(tmpdir(), 'pamt-worker-'))
  await bundleForNode('src-main/worker/worker.ts', dir, 'worker.mjs')
  return {
    workerPath: join(dir, 'worker.mjs'),
    dir,
    cleanup: () => rm(dir, { recursive: true, force: true })
  }
}

/**
 * Bundle one TypeScript entry (a path from the project root) into `outDir/fileName`: a
 * self-contained ESM file Node can run (everything bundled, Node built-ins external), as
 * electron-vite bundles the app's entries.
 */
export async function bundleForNode(
  entry: string,
  outDir: string,
  fileName: string
): Promise<void> {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    resolve: { alias: { '@shared': join(ROOT, 'src-shared') } },
    ssr: { noExternal: true },
    build: {
      ssr: join(ROOT, entry),
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      rollupOptions: { output: { format: 'es', entryFileNames: fileName } }
    }
  })
}
