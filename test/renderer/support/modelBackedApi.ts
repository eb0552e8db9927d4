import type { HostResult, JobProgress, PlannerApi } from '@shared/api/contract'
import { err, ok } from '@shared/api/errors'
import { parseBootLog } from '@shared/import/bootLog'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import { MAX_HOST_FILE_BYTES } from '@shared/import/limits'

/**
 * A PlannerApi for component tests that computes with the real shared model in-process (no main
 * process in happy-dom). Jobs can be held open to test progress and cancellation.
 */
export function modelBackedApi(examples: Record<string, string>): PlannerApi & {
  calls: string[]
  hold: boolean
  release: () => void
  emit: (p: JobProgress) => void
} {
  const listeners = new Set<(p: JobProgress) => void>()
  let releaseHeld: () => void = () => undefined
  const analyse = async (
    fileName: string,
    text: string,
    source: HostResult['source']
  ): Promise<ReturnType<typeof ok<HostResult>> | ReturnType<typeof err>> => {
    if (api.hold) await new Promise<void>((r) => (releaseHeld = r))
    const imported = parseBootLog(text, fileName)
    if (!imported.ok) {
      const { code, message, line } = imported.error
      return err(code, message, line !== undefined ? { fileName, line } : { fileName })
    }
    return ok({ source, summary: imported.summary, analysis: analyzeHost(imported.host) })
  }
  const api = {
    calls: [] as string[],
    hold: false,
    release: () => releaseHeld(),
    emit: (p: JobProgress) => listeners.forEach((l) => l(p)),
    async getAppInfo() {
      api.calls.push('getAppInfo')
      return ok({
        name: 'PAMT Planner',
        version: 't',
        mode: 'browser' as const,
        hasFileDialog: false,
        maxHostFileBytes: MAX_HOST_FILE_BYTES
      })
    },
    async listExampleHosts() {
      api.calls.push('listExampleHosts')
      return ok(Object.keys(examples).map((id) => ({ id, title: id, description: '' })))
    },
    async analyzeExampleHost(req: { jobId: string; exampleId: string }) {
      api.calls.push(`analyzeExampleHost:${req.exampleId}`)
      const text = examples[req.exampleId]
      if (text === undefined) return err('NOT_FOUND', 'no such example')
      return analyse(`${req.exampleId}.txt`, text, {
        kind: 'example',
        fileName: `${req.exampleId}.txt`,
        exampleId: req.exampleId
      })
    },
    async analyzeHostText(req: { jobId: string; fileName: string; text: string }) {
      api.calls.push(`analyzeHostText:${req.fileName}`)
      return analyse(req.fileName, req.text, { kind: 'file', fileName: req.fileName })
    },
    async openHostFile() {
      return err('UNAVAILABLE', 'no dialog')
    },
    async cancelJob(req: { jobId: string }) {
      api.calls.push(`cancelJob:${req.jobId}`)
      api.release()
      return ok({ cancelled: true })
    },
    onProgress(l: (p: JobProgress) => void) {
      listeners.add(l)
      return () => listeners.delete(l)
    }
  }
  return api as unknown as ReturnType<typeof modelBackedApi>
}

export const TWO_RANGE_LOG =
  'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\nBIOS-e820: [mem 0x0000000100000000-0x000000107fffffff] usable\n'
