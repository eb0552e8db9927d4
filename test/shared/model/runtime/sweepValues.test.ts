import { describe, expect, it } from 'vitest'
import { requestSchemas } from '@shared/api/schemas'
import { sweepRequestSchema, withParameter } from '@shared/model/runtime/sweep'
import { scenarioSchema } from '@shared/model/workload/scenario'

const scenario = scenarioSchema.parse({
  name: 'sweep',
  tdClasses: [{ name: 'td', count: 2, memoryBytes: 2 ** 30, vcpus: 1 }]
})

function simulateRequest(sweep: {
  parameter: string
  values: number[]
}): ReturnType<typeof requestSchemas.simulate.safeParse> {
  return requestSchemas.simulate.safeParse({ jobId: 'j', hostId: 'h1', scenario, sweep })
}

describe('sweep values are checked as the field each one sets', () => {
  it('refuses share4k 100: it would set share2m to 1 - 100 = -99 (a fraction, not a percent)', () => {
    expect(withParameter(scenario, 'share4k', 100).tdClasses[0]!.share2m).toBe(-99)
    const r = simulateRequest({ parameter: 'share4k', values: [0, 100] })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]).toMatchObject({
      path: ['sweep', 'values', 1],
      message: 'share4k value 100 is not a share of memory from 0 to 1 (0.25 is 25 %)'
    })
  })

  it('refuses fragmentation 100000 and accepts 0 to 1', () => {
    expect(simulateRequest({ parameter: 'fragmentation', values: [0, 100_000] }).success).toBe(
      false
    )
    expect(simulateRequest({ parameter: 'fragmentation', values: [0, 0.5, 1] }).success).toBe(true)
  })

  it('takes TD counts as the count field does: whole numbers 1 to 100,000', () => {
    const ok = (values: number[]): boolean =>
      sweepRequestSchema.safeParse({ parameter: 'tdCount', values }).success
    expect(ok([1, 100_000])).toBe(true)
    expect(ok([0, 1])).toBe(false)
    expect(ok([1, 2.5])).toBe(false)
    expect(ok([1, 100_001])).toBe(false)
  })

  it('keeps the 2-101 value bounds', () => {
    const values = (n: number): number[] => Array.from({ length: n }, (_, i) => i / n)
    expect(sweepRequestSchema.safeParse({ parameter: 'share4k', values: values(1) }).success).toBe(
      false
    )
    expect(
      sweepRequestSchema.safeParse({ parameter: 'share4k', values: values(101) }).success
    ).toBe(true)
    expect(
      sweepRequestSchema.safeParse({ parameter: 'share4k', values: values(102) }).success
    ).toBe(false)
  })

  it('every accepted share4k or fragmentation value gives a scenario the schema accepts', () => {
    for (const parameter of ['share4k', 'fragmentation'] as const)
      for (const v of [0, 0.25, 1])
        expect(scenarioSchema.safeParse(withParameter(scenario, parameter, v)).success).toBe(true)
  })
})
