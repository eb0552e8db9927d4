import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { issueSentence, valueAtPath } from '@shared/api/issueText'

/** The first issue zod reports for `value` against `schema`. */
function firstIssue(schema: z.ZodType, value: unknown): z.core.$ZodIssue {
  const r = schema.safeParse(value)
  if (r.success) throw new Error('expected a failure')
  return r.error.issues[0]!
}

describe('issueSentence: a schema issue in the field’s own words', () => {
  it('says "at most" with the limit in the unit the user types (a fraction shown as %)', () => {
    const issue = firstIssue(z.number().max(1), 1.5)
    // 1 as a fraction is 100 %.
    expect(issueSentence(issue, { label: '2M share', scale: 100, unit: '%' })).toBe(
      '2M share must be at most 100 %'
    )
  })

  it('says "at least", "below" and "above" for inclusive and exclusive bounds', () => {
    expect(issueSentence(firstIssue(z.number().min(1), 0), { label: '--seeds' })).toBe(
      '--seeds must be at least 1'
    )
    expect(issueSentence(firstIssue(z.number().lt(5), 5), { label: 'x' })).toBe('x must be below 5')
    expect(issueSentence(firstIssue(z.number().gt(0), 0), { label: 'x', unit: 'ns' })).toBe(
      'x must be above 0 ns'
    )
  })

  it('asks for a whole number or a number instead of naming schema types', () => {
    expect(issueSentence(firstIssue(z.number().int(), 2.5), { label: 'TDs' })).toBe(
      'TDs must be a whole number'
    )
    expect(issueSentence(firstIssue(z.number(), 'x'), { label: 'vCPUs' })).toBe(
      'vCPUs must be a number'
    )
  })

  it('keeps a message written for people after the label', () => {
    const issue = firstIssue(z.string().regex(/^a$/, { message: 'use a' }), 'b')
    expect(issueSentence(issue, { label: '--designs' })).toBe('--designs: use a')
  })

  it('formats large limits with thousands separators', () => {
    expect(issueSentence(firstIssue(z.number().max(100000), 1e6), { label: 'TDs' })).toBe(
      'TDs must be at most 100,000'
    )
  })
})

describe('valueAtPath', () => {
  it('finds a nested value, and undefined past a leaf', () => {
    const input = { costs: { pamtAddNs: -1 }, designs: ['v6', 'hashed:0'] }
    expect(valueAtPath(input, ['costs', 'pamtAddNs'])).toBe(-1)
    expect(valueAtPath(input, ['designs', 1])).toBe('hashed:0')
    expect(valueAtPath(input, ['costs', 'pamtAddNs', 'x'])).toBeUndefined()
  })
})
