import { describe, expect, it } from 'vitest'
import { JOB_STEP_MAX_CHARS, parseJobProgress } from '@shared/api/progress'

describe('progress events crossing IPC or HTTP', () => {
  it('passes a well-formed event, with or without a step', () => {
    expect(parseJobProgress({ jobId: 'a-1', phase: 'analysing', fraction: 0.5 })).toEqual({
      jobId: 'a-1',
      phase: 'analysing',
      fraction: 0.5
    })
    const p = { jobId: 'a', phase: 'analysing', fraction: 0.25, step: 'sweep value 3 of 11' }
    expect(parseJobProgress(p)).toEqual(p)
  })

  it('drops an event of the wrong shape: unknown phase, extra field, long step, bad id', () => {
    expect(parseJobProgress({ jobId: 'a', phase: 'replaying', fraction: 0.5 })).toBeNull()
    expect(parseJobProgress({ jobId: 'a', phase: 'done', fraction: 1, html: '<b>' })).toBeNull()
    const step = 'x'.repeat(JOB_STEP_MAX_CHARS + 1)
    expect(parseJobProgress({ jobId: 'a', phase: 'analysing', fraction: 0, step })).toBeNull()
    expect(parseJobProgress({ jobId: '../a', phase: 'done', fraction: 1 })).toBeNull()
    expect(parseJobProgress({ jobId: 'a', phase: 'done', fraction: Number.NaN })).toBeNull()
    expect(parseJobProgress('{"jobId":"a"}')).toBeNull()
  })

  it('holds a fraction a rounding error past 1 to 1', () => {
    expect(parseJobProgress({ jobId: 'a', phase: 'analysing', fraction: 1.0000000001 })).toEqual({
      jobId: 'a',
      phase: 'analysing',
      fraction: 1
    })
  })
})
