import type {
  PlannerApi,
  PlannerMethods,
  TextUploadMethod,
  TextUploadRequest
} from '@shared/api/contract'

/**
 * Send a file to a text method: as the raw body where the transport can (browser mode, no text on
 * the page's thread), else read and passed as `text` (desktop IPC).
 */
export function sendFileText<M extends TextUploadMethod>(
  api: PlannerApi,
  method: M,
  req: TextUploadRequest<M>,
  file: Blob
): ReturnType<PlannerMethods[M]> {
  if (api.uploadText) return api.uploadText(method, req, file)
  return readThenSend(api, method, req, file) as ReturnType<PlannerMethods[M]>
}

async function readThenSend<M extends TextUploadMethod>(
  api: PlannerApi,
  method: M,
  req: TextUploadRequest<M>,
  file: Blob
): Promise<unknown> {
  const text = await file.text()
  const call = api[method] as (
    r: TextUploadRequest<M> & { text: string }
  ) => ReturnType<PlannerMethods[M]>
  return call.call(api, { ...req, text })
}
