import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contentionSettingsSchema, runContention } from '@shared/model/contention/runContention'
import { simulateScenario } from '@shared/model/runtime/simulate'
import { sweepRequestSchema, withParameter } from '@shared/model/runtime/sweep'
import {
  WorkBudget,
  estimateContentionWork,
  estimateSimulationWork
} from '@shared/model/workEstimate'
import {
  CONTENTION_PRESET_NAMES,
  PRESET_NAMES,
  contentionPresetScenario,
  presetScenario
} from '@shared/model/workload/presets'
import { scenarioSchema, type Scenario, type ScenarioInput } from '@shared/model/workload/scenario'
import { GiB, MiB, syntheticHost } from '../../support/testHosts'
import { FUZZ_TIMEOUT_MS, fuzzParams } from './fuzzConfig'
import { mutated } from './mutate'

/** 4 GiB on two nodes: small enough that a fuzzed scenario runs in milliseconds. */
const host = syntheticHost('fuzz 4 GiB', [
  { base: 4 * GiB, end: 6 * GiB, nid: 0 },
  { base: 6 * GiB, end: 8 * GiB, nid: 1 }
])
/** Runs cheaper than this are run for real, to hold the estimate against what they do. */
const RUN_BELOW_VISITS = 300_000

const PRESETS: Array<[string, Scenario]> = [
  ...PRESET_NAMES.map((n): [string, Scenario] => [n, presetScenario(n, host.tdxMemoryBytes)!]),
  ...CONTENTION_PRESET_NAMES.map((n): [string, Scenario] => [n, contentionPresetScenario(n)!])
]

/** A simulation run with a budget far above the limit: what it actually visited. */
function visitsOf(s: Scenario): number {
  const budget = new WorkBudget(Number.MAX_SAFE_INTEGER)
  const r = simulateScenario(host, s, budget, { placementRange: false })
  expect(Number.isFinite(r.replay.peakTotalBytes)).toBe(true)
  expect(r.replay.peakTotalBytes).toBeGreaterThanOrEqual(r.staticPartBytes)
  return budget.spent
}

/**
 * For any scenario text: validation returns (never throws); a valid scenario's estimate is a number
 * (never NaN); a small one, run, visits no more regions than the estimate said.
 */
function checkScenarioText(text: string): void {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return // the CLI and the GUI report "not JSON" with the parser's message
  }
  const parsed = scenarioSchema.safeParse(json)
  if (!parsed.success) {
    expect(parsed.error.issues.length).toBeGreaterThan(0)
    return
  }
  checkScenario(parsed.data)
}

function checkScenario(s: Scenario): void {
  const e = estimateSimulationWork(s, host)
  expect(Number.isNaN(e.units)).toBe(false)
  expect(e.units).toBeGreaterThanOrEqual(0)
  expect(e.refusal === null).toBe(e.units <= e.limit && e.tdsPerRun <= 100_000)
  if (e.refusal === null && e.units < RUN_BELOW_VISITS)
    expect(visitsOf(s)).toBeLessThanOrEqual(e.units)
}

/** Small random scenarios across every field that changes the work. */
const smallScenario: fc.Arbitrary<ScenarioInput> = fc.record({
  name: fc.constant('fuzz'),
  seed: fc.nat(1000),
  durationNs: fc.integer({ min: 1, max: 20 }).map((s) => s * 1e9),
  host: fc.record({
    fragmentation: fc.constantFrom(0, 0.3, 0.5, 0.8, 1),
    reclaimFailureRate: fc.constantFrom(0, 0.1)
  }),
  tdClasses: fc.array(
    fc.record({
      name: fc.constant('c'),
      count: fc.integer({ min: 1, max: 6 }),
      memoryBytes: fc.integer({ min: 2, max: 128 }).map((n) => n * 2 * MiB),
      imageBytes: fc.constantFrom(0, 2 * MiB, 4 * MiB),
      vcpus: fc.integer({ min: 1, max: 8 }),
      share2m: fc.constantFrom(0, 0.5, 1),
      demoteShare: fc.constantFrom(0, 0.5),
      accept: fc.oneof(
        fc.constant({ mode: 'eager' as const }),
        fc.record({
          mode: fc.constant('lazy' as const),
          durationNs: fc.constant(1e9),
          steps: fc.integer({ min: 1, max: 16 })
        })
      ),
      lifetimeNs: fc.constantFrom(null, 1e9, 5e9),
      arrival: fc.oneof(
        fc.constant({ mode: 'together' as const, atNs: 0 }),
        fc.record({
          mode: fc.constant('staggered' as const),
          startNs: fc.constant(0),
          intervalNs: fc.constantFrom(1e8, 1e9)
        }),
        fc.record({
          mode: fc.constant('poisson' as const),
          startNs: fc.constant(0),
          meanIntervalNs: fc.constantFrom(1e8, 1e9)
        })
      )
    }),
    { minLength: 1, maxLength: 3 }
  )
})

describe('fuzz: scenarios', () => {
  it.each(PRESETS)(
    'mutated preset %s',
    (_name, s) => {
      fc.assert(
        fc.property(mutated(JSON.stringify(s, null, 1), 4), checkScenarioText),
        fuzzParams(3)
      )
    },
    FUZZ_TIMEOUT_MS
  )

  it(
    'the simulation estimate bounds what a run visits',
    () => {
      fc.assert(
        fc.property(smallScenario, (input) => {
          const parsed = scenarioSchema.safeParse(input)
          fc.pre(parsed.success)
          if (parsed.success) checkScenario(parsed.data)
        }),
        fuzzParams(30)
      )
    },
    FUZZ_TIMEOUT_MS
  )

  it(
    'the contention estimate bounds the events of every design',
    () => {
      const designs = ['v6', 'always-lock', 'per-2m', 'hashed:8', 'module-only'] as const
      fc.assert(
        fc.property(smallScenario, fc.constantFrom(...designs), (input, design) => {
          const parsed = scenarioSchema.safeParse({
            ...input,
            tdClasses: input.tdClasses.map((c) => ({
              ...c,
              memoryBytes: Math.min(c.memoryBytes, 32 * MiB)
            }))
          })
          fc.pre(parsed.success)
          if (!parsed.success) return
          const settings = contentionSettingsSchema.parse({ designs: [design] })
          const e = estimateContentionWork(parsed.data, host, settings)
          fc.pre(e.refusal === null && e.units < 2_000_000)
          expect(runContention(host, parsed.data, settings).events).toBeLessThanOrEqual(e.units)
        }),
        fuzzParams(15)
      )
    },
    FUZZ_TIMEOUT_MS
  )
})

describe('fuzz: sweep values', () => {
  const base = scenarioSchema.parse({
    name: 'sweep',
    tdClasses: [{ name: 'td', count: 1, memoryBytes: GiB, vcpus: 1 }]
  })
  const value = fc.oneof(
    fc.double({ noNaN: true, min: -10, max: 10 }),
    fc.integer({ min: -5, max: 200_000 }),
    fc.constantFrom(0, 1, 100, 100_000, 100_001, 1e9, 0.5, -0)
  )

  it('a value is accepted exactly when its field would be, and makes a valid scenario', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('share4k', 'tdCount', 'fragmentation' as const),
        value,
        (p, v) => {
          const accepted = sweepRequestSchema.safeParse({ parameter: p, values: [v, v] }).success
          // Checked as the field it sets: a share or fraction 0-1, or a count, which withParameter
          // would round, a whole 1-100,000 (-5e-324 is no share, though 1 - v rounds to 1).
          const inRange =
            p === 'tdCount' ? Number.isInteger(v) && v >= 1 && v <= 100_000 : v >= 0 && v <= 1
          expect(accepted).toBe(inRange)
          // And what an accepted value makes is a scenario the schema accepts.
          if (accepted)
            expect(scenarioSchema.safeParse(withParameter(base, p, v)).success).toBe(true)
        }
      ),
      fuzzParams(40)
    )
  })
})
