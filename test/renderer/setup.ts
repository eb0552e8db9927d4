import { vi } from 'vitest'

// happy-dom does no layout, so every element measures 0×0 and ECharts refuses to size its canvas.
// Give elements a fixed size so charts render as they would in a window.
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 })
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 340 })

// The views other than Host load their chunks lazily in the app (src-renderer/src/views/lazyViews.ts).
// Component tests mount App and switch tabs, then read the view at once: give them the views
// eagerly, so a tab switch renders its view in the same tick as in the tests written before the
// split. The lazy wrappers themselves (placeholder, error line) are tested in lazyViews.test.ts.
vi.mock('@renderer/views/lazyViews', async () => ({
  WorkloadView: (await import('@renderer/views/WorkloadView.vue')).default,
  ContentionView: (await import('@renderer/views/ContentionView.vue')).default,
  CompareView: (await import('@renderer/views/CompareView.vue')).default,
  FleetView: (await import('@renderer/views/FleetView.vue')).default
}))
