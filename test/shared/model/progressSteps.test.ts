import { describe, expect, it } from 'vitest'
import {
  calibrationStep,
  contentionPartNames,
  contentionPartsStep,
  contentionStep,
  fleetStep,
  pinStep,
  placementStep,
  sensitivityStep,
  sweepStep,
  WORKLOAD_STEP
} from '@shared/model/progressSteps'
import type { ContentionPart } from '@shared/model/contention/runContention'

const part = (
  design: ContentionPart['design'],
  demote: ContentionPart['demote'],
  seedIndex: number,
  seed: number
): ContentionPart => ({ design, demote, seedIndex, seed })

describe('progress step words', () => {
  it('says generation and replay as one phase, since the generator streams into the replay', () => {
    expect(WORKLOAD_STEP).toBe('generating and replaying events')
  })

  it('counts placement repeats with the main run as the first, sweeps by value', () => {
    expect(placementStep('interleaved', 2, 3)).toBe('placement range: interleaved (2/3)')
    expect(sweepStep(3, 11)).toBe('sweep value 3 of 11')
  })

  it('names a part by its design alone when the request has one variant and one seed', () => {
    const parts = [part('v6', 'lock-around', 0, 7), part('per-2m', 'lock-around', 0, 7)]
    expect(contentionPartNames(parts)).toEqual(['v6', 'per-2m'])
    expect(contentionStep('v6', 2, 5)).toBe('simulating v6 (2/5)')
  })

  it('adds the DEMOTE variant and the seed where the request runs several', () => {
    // 1 design × 2 variants × 2 seeds (7 and 8), in contentionParts order.
    const parts = [
      part('v6', 'lock-around', 0, 7),
      part('v6', 'try-then-lock', 0, 7),
      part('v6', 'lock-around', 1, 8),
      part('v6', 'try-then-lock', 1, 8)
    ]
    expect(contentionPartNames(parts)).toEqual([
      'v6 · lock-around · seed 7',
      'v6 · try-then-lock · seed 7',
      'v6 · lock-around · seed 8',
      'v6 · try-then-lock · seed 8'
    ])
  })

  it('lists the parts running in parallel and the runs done', () => {
    expect(contentionPartsStep(['always-lock', 'per-2m'], 3, 5)).toBe(
      'simulating always-lock, per-2m (3 of 5 runs done)'
    )
    // Between two parts (none launched yet): not "simulating" nothing.
    expect(contentionPartsStep([], 0, 5)).toBe('waiting for a free model worker (0 of 5 runs done)')
  })

  it('writes counts with a thousands comma and the sensitivity end as ¼× or 4×', () => {
    expect(fleetStep(120, 1000)).toBe('120 of 1,000 hosts')
    expect(pinStep(2, 3)).toBe('re-running pin 2 of 3')
    expect(calibrationStep(13, 180)).toBe('fit evaluation 13 of at most 180')
    expect(sensitivityStep(3, 18, 'pamtAddNs', 'low', 'simulating v6 (1/2)')).toBe(
      'sensitivity 3 of 18, pamtAddNs ¼×: simulating v6 (1/2)'
    )
  })
})
