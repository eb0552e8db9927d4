import { ipcMain, type WebContents } from 'electron'
import type { PlannerMethods } from '@shared/api/contract'
import { err } from '@shared/api/errors'
import { PLANNER_METHOD_NAMES, ipcChannel, IPC_PROGRESS_CHANNEL } from '@shared/api/schemas'
import { dispatchPlannerRequest } from '@shared/api/validate'
import type { ProgressHub } from '../services/progressHub'
import { isTrustedSender } from './security'

/**
 * The IPC adapter: one `ipcMain.handle` per contract method, each checking the sender frame and
 * validating the request with the shared schemas before the service sees it.
 */
export function registerIpc(
  service: PlannerMethods,
  progress: ProgressHub,
  isAllowedUrl: (url: string) => boolean,
  target: () => WebContents | null
): void {
  for (const method of PLANNER_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, body: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url, isAllowedUrl)) {
        return err('UNAUTHORIZED', 'IPC from an untrusted frame')
      }
      return dispatchPlannerRequest(service, method, body)
    })
  }
  progress.subscribe((p) => {
    const wc = target()
    if (wc && !wc.isDestroyed()) wc.send(IPC_PROGRESS_CHANNEL, p)
  })
}
