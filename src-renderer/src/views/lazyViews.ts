import { defineAsyncComponent, h, type Component, type FunctionalComponent } from 'vue'
import ViewLoading from '../components/ViewLoading.vue'
import ViewLoadError from '../components/ViewLoadError.vue'

/**
 * The views that are not on the first screen, each in a chunk of its own that loads when its tab
 * is first shown (docs/ARCHITECTURE.md, "Lazy views"). The Host view stays in the entry chunk: it
 * is what a newcomer sees after picking a host, so it must not wait for a second download.
 * Components only one of these views uses (the scenario editor, the contention settings, the
 * fleet table …) follow their view into its chunk; the stores stay eager, because the keyboard
 * shortcuts and the workspace need them before any view is shown.
 */
export function lazyView(label: string, loader: () => Promise<{ default: Component }>): Component {
  const loading: FunctionalComponent = () => h(ViewLoading, { label })
  // Vue renders the error component with the load's error as its `error` prop.
  const failed: FunctionalComponent<{ error?: unknown }> = (props) =>
    h(ViewLoadError, { label, error: props.error })
  return defineAsyncComponent({
    loader,
    loadingComponent: loading,
    errorComponent: failed,
    // The placeholder only once a load takes longer than a blink (Vue's default, 200 ms), so a
    // cached chunk does not flash it.
    delay: 200
  })
}

export const WorkloadView = lazyView('Workload', () => import('./WorkloadView.vue'))
export const ContentionView = lazyView('Contention', () => import('./ContentionView.vue'))
export const CompareView = lazyView('Compare', () => import('./CompareView.vue'))
export const FleetView = lazyView('Fleet', () => import('./FleetView.vue'))
