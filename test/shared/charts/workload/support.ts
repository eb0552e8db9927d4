import { importHostText } from '@shared/import/importHost'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'
import { simulateScenario, type SimulationResult } from '@shared/model/runtime/simulate'
import { sweepScenario, type SweepParameter, type SweepResult } from '@shared/model/runtime/sweep'

/** Two e820 ranges: 2 GiB below 4 GiB and 64 GiB above it (the worked example). */
export const TWO_RANGE_LOG =
  'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\nBIOS-e820: [mem 0x0000000100000000-0x000000107fffffff] usable\n'

export function workedHost(): HostAnalysis {
  const imported = importHostText(TWO_RANGE_LOG, 'worked.log')
  if (!imported.ok) throw new Error(imported.error.message)
  return analyzeHost(imported.host)
}

export const SMALL: ScenarioInput = {
  name: 'two 4 GiB TDs',
  durationNs: 10e9,
  samples: 64,
  tdClasses: [
    {
      name: 'small',
      count: 2,
      memoryBytes: 4 * 2 ** 30,
      vcpus: 2,
      lifetimeNs: 6e9,
      arrival: { mode: 'staggered', startNs: 1e9, intervalNs: 1e9 }
    }
  ]
}

export function simulate(input: ScenarioInput = SMALL): SimulationResult {
  return simulateScenario(workedHost(), scenarioSchema.parse(input))
}

export function sweep(parameter: SweepParameter, values: number[]): SweepResult {
  return sweepScenario(workedHost(), scenarioSchema.parse(SMALL), parameter, values)
}
