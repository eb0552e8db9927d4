import { err, ok, type ApiError, type ApiResult } from '../api/errors'
import { toAnalyzeOptions, type ModelOptions } from '../api/modelOptions'
import type { HostFormat, ImportSummary } from '../import/hostImport'
import { importHostText } from '../import/importHost'
import { analyzeHost, type HostAnalysis } from '../model/host/analyzeHost'
import type { HostInput } from '../model/host/memoryMap'

/** Where an error points: its file and, when it has one, its line. */
export function withoutCode(e: ApiError): { fileName?: string; line?: number } {
  return {
    ...(e.fileName !== undefined ? { fileName: e.fileName } : {}),
    ...(e.line !== undefined ? { line: e.line } : {})
  }
}

/**
 * Import a host's text and analyse it: the one path `analyze`, the app and `fleet` share, so a
 * fleet row and `analyze --json` come from the same analysis. A host JSON's own model options
 * apply where the request sets none (docs/host-format.md); `model` is returned only then.
 */
export function importAndAnalyzeText(
  text: string,
  fileName: string,
  format: HostFormat | 'auto',
  requested: ModelOptions | undefined,
  hooks: { onParse?: (fraction: number) => void; onAnalyse?: () => void } = {}
): ApiResult<{
  host: HostInput
  summary: ImportSummary
  analysis: HostAnalysis
  model: ModelOptions | undefined
}> {
  const imported = importHostText(
    text,
    fileName,
    format,
    hooks.onParse ? { onProgress: hooks.onParse } : {}
  )
  if (!imported.ok) {
    const { code, message, line } = imported.error
    return err(code, message, line !== undefined ? { fileName, line } : { fileName })
  }
  hooks.onAnalyse?.()
  const model = imported.model !== undefined ? { ...imported.model, ...requested } : requested
  const analysis = analyzeHost(imported.host, toAnalyzeOptions(model))
  return ok({
    host: imported.host,
    summary: imported.summary,
    analysis,
    model: imported.model !== undefined ? model : undefined
  })
}
