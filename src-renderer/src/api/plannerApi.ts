import type { PlannerApi } from '@shared/api/contract'
import { createHttpClient } from './httpClient'

const TOKEN_KEY = 'pamt-planner-token'

/**
 * The renderer's only door to the model: the preload bridge in the desktop app, otherwise the HTTP
 * client with the token from the launch URL. The token is moved to sessionStorage and removed from
 * the address bar so it does not linger in history or screenshots.
 */
export function resolvePlannerApi(win: Window = window): PlannerApi {
  if (win.pamtPlanner) return win.pamtPlanner
  const url = new URL(win.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    win.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  return createHttpClient(fromUrl ?? win.sessionStorage.getItem(TOKEN_KEY) ?? '')
}
