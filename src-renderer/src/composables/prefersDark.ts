import { onBeforeUnmount, ref, type Ref } from 'vue'

/** Follows the system colour scheme, so charts switch theme with the rest of the UI. */
export function usePrefersDark(): Ref<boolean> {
  const query =
    typeof window.matchMedia === 'function'
      ? window.matchMedia('(prefers-color-scheme: dark)')
      : null
  const dark = ref(query?.matches ?? false)
  const update = (e: MediaQueryListEvent): void => {
    dark.value = e.matches
  }
  query?.addEventListener('change', update)
  onBeforeUnmount(() => query?.removeEventListener('change', update))
  return dark
}
