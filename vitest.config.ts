import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import { E2E_HOOK_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS } from './test/e2e/timeouts.js'

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
        test: { name: 'shared', environment: 'node', include: ['test/shared/**/*.test.ts'] }
      },
      {
        resolve: { alias },
        test: { name: 'main', environment: 'node', include: ['test/main/**/*.test.ts'] }
      },
      {
        plugins: [vue()],
        resolve: { alias },
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
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
