import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { resolvePlannerApi } from './api/plannerApi'
import { useHostStore } from './stores/host'
import { useWorkspaceStore } from './stores/workspace'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
const store = useHostStore()
store.connect(resolvePlannerApi())
app.mount('#app')
// Changes count from after start-up (app facts, examples); then the previous session may be offered.
void store.init().then(() => useWorkspaceStore().start())
// Browser-mode test hooks (testHooks/rendererHooks.ts): a chunk of their own, loaded only when
// automation set the flag before the page ran, never in the desktop window, and compiled out of a
// release build (`electron-vite build --mode release` replaces MODE, so the import is dead code).
if (
  import.meta.env.MODE !== 'release' &&
  window.__PAMT_PLANNER_TEST_HOOKS__ === true &&
  !window.pamtPlanner
)
  void import('./testHooks/rendererHooks').then((m) => m.installTestHooks())
