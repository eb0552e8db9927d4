import { z } from 'zod'
import {
  MODULE_PARAM_SET_IDS,
  PHYS_ADDR_BITS_LIMITS,
  TDX_MODULE_PARAM_LIMITS,
  type KernelParams,
  type TdxModuleParams
} from '../model/host/tdxModuleParams'
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
  /** Start from this TDX module parameter set instead of the one the log implies. */
  moduleParamSet: z.enum(MODULE_PARAM_SET_IDS).optional(),
  params: z.strictObject(paramShape).optional(),
  /** MAXMEM in bytes: 2^46 (4-level paging) or 2^52 (5-level). */
  maxMemBytes: z.union([z.literal(2 ** 46), z.literal(2 ** 52)]).optional(),
  /** boot_cpu_data.x86_phys_bits for the Dynamic PAMT 48-bit check; null or absent: from the log. */
  physAddrBits: z
    .number()
    .int()
    .min(PHYS_ADDR_BITS_LIMITS.min)
    .max(PHYS_ADDR_BITS_LIMITS.max)
    .nullable()
    .optional()
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
    ...(m.moduleParamSet ? { moduleParamSet: m.moduleParamSet } : {}),
    ...(params ? { params } : {}),
    ...(m.maxMemBytes || typeof m.physAddrBits === 'number' ? { kernel: kernelOf(m) } : {})
  }
}

function kernelOf(m: ModelOptions): Partial<KernelParams> {
  return {
    ...(m.maxMemBytes ? { maxMemBytes: m.maxMemBytes } : {}),
    ...(typeof m.physAddrBits === 'number' ? { physAddrBits: m.physAddrBits } : {})
  }
}
