import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

const alias = {
  '@shared': resolve(__dirname, 'src-shared'),
  '@renderer': resolve(__dirname, 'src-renderer/src')
}

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      // The bench's renderer figures drive Chromium with playwright-core (a dev dependency, which
      // electron-vite would otherwise bundle): bench.js imports it at run time, and only there.
      externalizeDeps: { include: ['playwright-core'] },
      rollupOptions: {
        input: {
          // Desktop window, the CLI and browser mode: three entries over the same services.
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          bench: resolve(__dirname, 'src-main/bench/bench.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file that requires nothing but 'electron'.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: { alias },
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves bundles unminified; the renderer is large enough (ECharts) to be worth it.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
        output: {
          // Libraries apart from the app: an app change leaves their cached chunks valid, and no
          // chunk passes Vite's 500 kB warning, which `npm start` printed on every first build.
          codeSplitting: {
            groups: [
              { name: 'zrender', test: /node_modules[\\/]zrender[\\/]/ },
              {
                name: 'echarts-components',
                test: /node_modules[\\/]echarts[\\/]lib[\\/]component[\\/]/
              },
              { name: 'echarts-charts', test: /node_modules[\\/]echarts[\\/]lib[\\/]chart[\\/]/ },
              { name: 'echarts', test: /node_modules[\\/](echarts|vue-echarts)[\\/]/ },
              { name: 'vue', test: /node_modules[\\/](@vue|vue|pinia)[\\/]/ }
            ]
          }
        }
      }
    }
  }
})
