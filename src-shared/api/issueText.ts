import type { z } from 'zod'

/**
 * How a field is shown to the user: its label (a CLI flag, a form label) and, for numbers the user
 * types in another unit than the model takes (percent for a fraction), the factor and unit.
 */
export interface FieldLabel {
  label: string
  /** Shown value = model value × scale (100 for a fraction typed in percent); default 1. */
  scale?: number
  /** Unit after a shown number, e.g. '%' or 'ns'; default none. */
  unit?: string
  /** Formats a model value outright (e.g. bytes as "2 MiB"), instead of scale and unit. */
  format?: (modelValue: number) => string
}

function shown(value: number, field: FieldLabel): string {
  if (field.format) return field.format(value)
  const v = Number((value * (field.scale ?? 1)).toPrecision(12)).toLocaleString('en-US')
  return field.unit ? `${v} ${field.unit}` : v
}

/**
 * A zod issue as a sentence in the field's own words ("--phys-bits must be at most 52", "2M share
 * must be at most 100 %") instead of the schema's ("Too big: expected number to be <=52"). A
 * message the schema wrote for people (a custom message) is kept after the label.
 */
export function issueSentence(issue: z.core.$ZodIssue, field: FieldLabel): string {
  switch (issue.code) {
    case 'too_big':
      return typeof issue.maximum === 'number'
        ? `${field.label} must be ${issue.inclusive === false ? 'below' : 'at most'} ${shown(issue.maximum, field)}`
        : `${field.label} is too large`
    case 'too_small':
      return typeof issue.minimum === 'number'
        ? `${field.label} must be ${issue.inclusive === false ? 'above' : 'at least'} ${shown(issue.minimum, field)}`
        : `${field.label} is too small`
    case 'invalid_type':
      if (issue.expected === 'int') return `${field.label} must be a whole number`
      if (issue.expected === 'number') return `${field.label} must be a number`
      return `${field.label} must be a ${issue.expected}`
    case 'unrecognized_keys':
      return `${field.label}: unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.join(', ')}`
    default:
      return `${field.label}: ${issue.message}`
  }
}

/** The value at an issue's path in the input that was parsed, for "(got …)". */
export function valueAtPath(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

/** Scenario JSON fields that are fractions (docs/workload-model.md): 0.5 means 50 %. */
const FRACTION_FIELD = /(^|\.)(share1g|share2m|demoteShare|fragmentation|reclaimFailureRate)$/

/**
 * A scenario file's issue as one line naming the JSON field and its unit, e.g.
 * "tdClasses.0.share2m must be at most 1 (a fraction: 1 = 100 %); got 50". Scenario files keep the
 * model's units (fractions, bytes, ns), unlike the editor and the CLI flags, which take percent.
 */
export function scenarioFileIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.')
  const label = path || 'scenario'
  const fraction = FRACTION_FIELD.test(path)
  const field: FieldLabel = fraction
    ? { label, format: (v) => `${v} (a fraction: ${v} = ${Number((v * 100).toPrecision(12))} %)` }
    : {
        label,
        ...(/Ns$/.test(path) ? { unit: 'ns' } : /Bytes$/.test(path) ? { unit: 'bytes' } : {})
      }
  const got = valueAtPath(input, issue.path)
  return `${issueSentence(issue, field)}${typeof got === 'number' ? `; got ${got}` : ''}`
}
