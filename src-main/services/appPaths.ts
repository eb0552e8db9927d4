import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/**
 * Project paths seen from a bundle in out/main (electron-vite output): resources/ and the built
 * renderer. Computed from the bundle's own URL so they hold wherever the checkout lives.
 */
export function appPaths(bundleUrl: string): {
  rootDir: string
  resourcesDir: string
  rendererDir: string
} {
  const rootDir = fileURLToPath(new URL('../../', bundleUrl))
  return {
    rootDir,
    resourcesDir: join(rootDir, 'resources'),
    rendererDir: join(rootDir, 'out', 'renderer')
  }
}
