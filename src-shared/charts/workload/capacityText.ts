import type { ScenarioCapacity } from '../../model/workload/capacity'
import { formatBytes } from '../formatBytes'

/** GiB with at most two decimals and no trailing zeros ("112 GiB", "255.33 GiB"). */
function gib(bytes: number): string {
  return `${+(bytes / 2 ** 30).toFixed(2)} GiB`
}

/**
 * The capacity check in one sentence, the same in the GUI, the CLI and reports
 * (docs/workload-model.md, "Capacity"): "7 of 10 TDs fit (112 of 160 GiB; 255.33 GiB TDX memory)".
 */
export function capacitySentence(c: ScenarioCapacity): string {
  const tds = (n: number): string => `${n} TD${n === 1 ? '' : 's'}`
  if (c.tdsRequested === 0)
    return `No TDs arrive within the scenario (${gib(c.tdxMemoryBytes)} TDX memory)`
  if (c.fits)
    return `All ${tds(c.tdsRequested)} fit (${gib(c.requestedBytes)} of ${gib(c.tdxMemoryBytes)} TDX memory)`
  return `${c.tdsStarted} of ${tds(c.tdsRequested)} fit (${gib(c.startedBytes)} of ${gib(c.requestedBytes)}; ${gib(c.tdxMemoryBytes)} TDX memory)`
}

/** What a result's figures cover when not every TD started; null when all did. */
export function capacityCaveat(c: ScenarioCapacity | null): string | null {
  if (!c || c.fits) return null
  const notStarted = c.tdsRequested - c.tdsStarted
  return (
    `${notStarted} of ${c.tdsRequested} TDs do not fit and were not started: ` +
    `${formatBytes(c.requestedBytes - c.startedBytes)} of TD memory left out. ` +
    `Every figure is for the ${c.tdsStarted} TDs that started.`
  )
}
