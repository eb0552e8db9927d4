import { describe, expect, it } from 'vitest'
import { contentionSettingsSchema } from '@shared/model/contention/runContention'
import { simulateContention } from '@shared/model/contention/simulateContention'
import { contentionPresetScenario } from '@shared/model/workload/presets'
import { WorkBudget, WorkLimitError } from '@shared/model/workLimits'
import { fixtureHost } from '../../../support/testHosts'

/**
 * The pre-flight estimate bounds a contention request before it starts; a run it underestimated is
 * stopped while running (issue 11: "the model must use the same limits"). The stop is checked every
 * 2^20 = 1,048,576 events, so a budget of 1,000 events stops the first run that reaches the first
 * check: the calibration preset's v6 run has ~1.07 million events (the model's own count), so it
 * passes the check once.
 */
const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'

describe('a contention run past its work budget', () => {
  it('stops with a WorkLimitError naming the limit and the unit', () => {
    const host = fixtureHost(FIXTURE)
    const scenario = contentionPresetScenario('calibration-10x16g')!
    const settings = { ...contentionSettingsSchema.parse({}), sockets: 2, cpusPerSocket: 56 }
    const budget = new WorkBudget(1000, 'simulation events', 'pick fewer designs')
    let thrown: unknown
    try {
      simulateContention(host, scenario, 'v6', 'lock-around', settings, undefined, budget)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(WorkLimitError)
    expect((thrown as Error).message).toMatch(
      /^the run passed 1,000 simulation events, the limit for one request, and was stopped .*: pick fewer designs\.$/
    )
    // It stopped at the first check, once 2^20 events were spent (a thread continuing inline may
    // add a few before the check), not at the end of the run or at a later check.
    expect(budget.spent).toBeGreaterThanOrEqual(2 ** 20)
    expect(budget.spent).toBeLessThan(2 * 2 ** 20)
  })
})
