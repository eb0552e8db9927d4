import { z } from 'zod'
import { TDX_MODULE_PARAM_LIMITS, type TdxModuleParams } from '../model/host/tdxModuleParams'
import type { AnalyzeHostOptions } from '../model/host/analyzeHost'

const paramShape = Object.fromEntries(
  (Object.keys(TDX_MODULE_PARAM_LIMITS) as Array<keyof TdxModuleParams>).map((k) => [
    k,
    z
      .number()
      .int()
      .min(TDX_MODULE_PARAM_LIMITS[k].min)
      .max(TDX_MODULE_PARAM_LIMITS[k].max)
      .optional()
  ])
) as Record<keyof TdxModuleParams, z.ZodOptional<z.ZodNumber>>

/**
 * The model choices a request may carry (dpamt-model.md §1.1 parameters, §1.5 placement, §1.6 hole
 * source). Every field is optional; absent fields take the model's defaults.
 */
export const modelOptionsSchema = z.strictObject({
  holeSource: z.enum(['e820', 'cmr']).optional(),
  pamtPlacement: z.enum(['first-candidate', 'last-candidate']).optional(),
  pamtMode: z.enum(['static', 'dynamic']).optional(),
  params: z.strictObject(paramShape).optional(),
  /** MAXMEM in bytes: 2^46 (4-level paging) or 2^52 (5-level). */
  maxMemBytes: z.union([z.literal(2 ** 46), z.literal(2 ** 52)]).optional()
})

export type ModelOptions = z.infer<typeof modelOptionsSchema>

/** Request options → analyzeHost options. */
export function toAnalyzeOptions(m: ModelOptions | undefined): AnalyzeHostOptions {
  if (!m) return {}
  const params = m.params
    ? (Object.fromEntries(
        Object.entries(m.params).filter(([, v]) => v !== undefined)
      ) as Partial<TdxModuleParams>)
    : undefined
  return {
    ...(m.holeSource ? { holeSource: m.holeSource } : {}),
    ...(m.pamtPlacement ? { pamtPlacement: m.pamtPlacement } : {}),
    ...(m.pamtMode ? { pamtMode: m.pamtMode } : {}),
    ...(params ? { params } : {}),
    ...(m.maxMemBytes ? { kernel: { maxMemBytes: m.maxMemBytes } } : {})
  }
}
