/// <reference types="vite/client" />
import type { DesktopBridge } from '@shared/api/contract'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Present in the desktop app: the preload's contract bridge. Absent in browser mode. */
    pamtPlanner?: DesktopBridge
  }
}
