import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

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
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      }
    ]
  }
})
