import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import { E2E_HOOK_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS } from './test/e2e/timeouts.js'

/**
 * Unit and component tests: a timeout is a hang guard, never a speed check (CI is a loaded 2-core
 * machine, where a model test that takes 1 s here can take 10). Vitest's 5 s default failed real
 * tests under load; a minute still ends a hung test.
 */
const UNIT_TIMEOUT_MS = 60_000

const alias = {
  '@shared': fileURLToPath(new URL('./src-shared', import.meta.url)),
  '@renderer': fileURLToPath(new URL('./src-renderer/src', import.meta.url))
}

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'shared',
          environment: 'node',
          include: ['test/shared/**/*.test.ts'],
          testTimeout: UNIT_TIMEOUT_MS,
          hookTimeout: UNIT_TIMEOUT_MS
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'main',
          environment: 'node',
          include: ['test/main/**/*.test.ts'],
          testTimeout: UNIT_TIMEOUT_MS,
          hookTimeout: UNIT_TIMEOUT_MS
        }
      },
      {
        plugins: [vue()],
        resolve: { alias },
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
          testTimeout: UNIT_TIMEOUT_MS,
          hookTimeout: UNIT_TIMEOUT_MS,
          setupFiles: ['test/renderer/setup.ts']
        }
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Above every Playwright wait (E2E_WAIT_MS): a hung step fails with the locator's message,
          // not vitest's timeout (the reasoning is in test/e2e/timeouts.ts).
          testTimeout: E2E_TEST_TIMEOUT_MS,
          hookTimeout: E2E_HOOK_TIMEOUT_MS,
          fileParallelism: false
        }
      }
    ]
  }
})
