/** mulberry32's state moves by this constant on every draw. */
export const MULBERRY32_STEP = 0x6d2b79f5

/** mulberry32's output for a state just moved by MULBERRY32_STEP, as a signed 32-bit integer. */
export function mulberry32Word(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return t ^ (t >>> 14)
}

/**
 * mulberry32: a small, fast, seeded 32-bit generator. Every random choice in a run comes from one
 * of these, seeded from the scenario's seed, so a run is reproducible.
 */
export class SeededRandom {
  private state = 0

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return (mulberry32Word((this.state = (this.state + MULBERRY32_STEP) >>> 0)) >>> 0) / 4294967296
  }

  /** The next 32 bits as a signed integer (the word next() divides by 2^32, as int32). */
  nextInt32(): number {
    return mulberry32Word((this.state = (this.state + MULBERRY32_STEP) >>> 0))
  }

  /**
   * The generator's state, for a loop that steps it in a local variable (state + MULBERRY32_STEP,
   * then mulberry32Word) and stores it back: the draws are the same, and the state stays in a
   * register (the contention run's batches of service times, serviceTimes.ts).
   */
  get rawState(): number {
    return this.state
  }

  set rawState(state: number) {
    this.state = state >>> 0
  }

  /** Exponential with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean
  }

  /**
   * The generator `draws` draws ahead of this one, which does not move: mulberry32's state moves
   * by the same constant on every draw, so k draws ahead is k times it (mod 2^32). Streams taken
   * at offsets d apart are disjoint blocks of one sequence while each draws fewer than d values
   * (the contention run's per-thread service times, docs/contention-model.md "Engine").
   */
  ahead(draws: number): SeededRandom {
    return new SeededRandom(this.state + Math.imul(MULBERRY32_STEP, draws))
  }

  /** A derived generator for an independent stream (e.g. per TD). */
  fork(salt: number): SeededRandom {
    return new SeededRandom(Math.imul(this.state ^ (salt + 0x9e3779b9), 0x85ebca6b))
  }
}
