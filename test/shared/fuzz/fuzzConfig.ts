import type fc from 'fast-check'
import { vi } from 'vitest'

/**
 * Property tests run two ways. `npm test` (vitest): a fixed seed and a few hundred cases in all, so
 * the suite is fast and deterministic. `npm run fuzz`: every property runs FUZZ_SCALE (default 100)
 * times as many cases, with a random seed printed at the start; `FUZZ_SEED=<n> npm run fuzz`
 * replays a run. A failure prints fast-check's shrunk counterexample and the seed and path to replay
 * it.
 */
export const LONG_RUN =
  process.env['npm_lifecycle_event'] === 'fuzz' || process.env['FUZZ_SEED'] !== undefined
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 100)
export const FUZZ_SEED = process.env['FUZZ_SEED']
  ? Number(process.env['FUZZ_SEED'])
  : LONG_RUN
    ? Math.floor(Math.random() * 2 ** 31)
    : 20_251_129

if (LONG_RUN) console.log(`fuzz seed ${FUZZ_SEED} (replay: FUZZ_SEED=${FUZZ_SEED} npm run fuzz)`)

/** fast-check parameters for a property that runs `runs` cases under `npm test`. */
export function fuzzParams<T>(runs: number): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: LONG_RUN ? runs * SCALE : runs }
}

/** Per-test timeout: a day for the long runs (every property in the file), 30 s otherwise. */
export const FUZZ_TIMEOUT_MS = LONG_RUN ? 24 * 3600_000 : 30_000
if (LONG_RUN) vi.setConfig({ testTimeout: FUZZ_TIMEOUT_MS })
