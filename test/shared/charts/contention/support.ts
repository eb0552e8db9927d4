import { importHostText } from '@shared/import/importHost'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import {
  contentionSettingsSchema,
  runContention,
  type ContentionReport,
  type ContentionSettingsInput
} from '@shared/model/contention/runContention'
import { scenarioSchema, type ScenarioInput } from '@shared/model/workload/scenario'

/** Two e820 ranges: 2 GiB below 4 GiB and 64 GiB above it (the worked example). */
const TWO_RANGE_LOG =
  'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\nBIOS-e820: [mem 0x0000000100000000-0x000000107fffffff] usable\n'

let host: HostAnalysis | null = null
export function workedHost(): HostAnalysis {
  if (host) return host
  const imported = importHostText(TWO_RANGE_LOG, 'worked.log')
  if (!imported.ok) throw new Error(imported.error.message)
  return (host = analyzeHost(imported.host))
}

/** A small boot storm: three 1 GiB TDs with 4 vCPUs that start together and shut down. */
export const SMALL_STORM: ScenarioInput = {
  name: 'small boot storm',
  durationNs: 3e9,
  tdClasses: [{ name: 'td', count: 3, memoryBytes: 2 ** 30, vcpus: 4, lifetimeNs: 1e9 }]
}

/** A small demoting scenario: both DEMOTE variants run. */
export const SMALL_DEMOTE: ScenarioInput = {
  name: 'small demote',
  durationNs: 3e9,
  tdClasses: [
    {
      name: 'demoting',
      count: 1,
      memoryBytes: 2 ** 30,
      vcpus: 4,
      share2m: 1,
      demoteShare: 0.5,
      imageBytes: 4 * 2 ** 20
    },
    { name: 'booting', count: 2, memoryBytes: 2 ** 30, vcpus: 4 }
  ]
}

export function contention(
  scenario: ScenarioInput = SMALL_STORM,
  settings: ContentionSettingsInput = { designs: ['v6', 'per-2m', 'hashed:64', 'module-only'] }
): ContentionReport {
  return runContention(
    workedHost(),
    scenarioSchema.parse(scenario),
    contentionSettingsSchema.parse(settings)
  )
}
