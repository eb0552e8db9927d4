import type { SeededRandom } from '../workload/random'

/**
 * Service times of the contention model: each is drawn from a lognormal with the cost as its mean
 * and a coefficient of variation `cv` (costs.serviceCv), from the run's seeded timing stream, so
 * that threads with equal costs drift apart instead of running in lockstep. `cv` 0 returns the
 * cost itself and draws nothing, which keeps a run with constant costs exactly as it was.
 *
 * A lognormal with mean m and CV c has σ² = ln(1 + c²) and μ = ln m − σ²/2. The sum of n
 * independent draws (a skipped-ahead run of n fast-path faults) is drawn as one lognormal with the
 * sum's exact mean n·m and CV c/√n (Fenton–Wilkinson moment matching): exact in mean and variance,
 * approximate in shape, and one draw instead of n.
 */
export class ServiceTimes {
  private readonly sigma2: number
  /** √σ² and σ²/2, computed once: the same values draw() computed on every call. */
  private readonly sigma: number
  private readonly halfSigma2: number
  /**
   * The second normal of the last Box–Muller pair, when `hasSpare`. A flag beside a number field,
   * not `number | null`: a field that may hold null stores each double boxed, one heap allocation
   * per pair on the DES hot path.
   */
  private spare = 0
  private hasSpare = false

  constructor(
    readonly cv: number,
    private readonly rng: SeededRandom
  ) {
    this.sigma2 = Math.log(1 + cv * cv)
    this.sigma = Math.sqrt(this.sigma2)
    this.halfSigma2 = this.sigma2 / 2
  }

  /** A standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  private normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spare
    }
    const u = 1 - this.rng.next()
    const v = this.rng.next()
    const r = Math.sqrt(-2 * Math.log(u))
    // The same product (2π)·v for both, computed once.
    const a = 2 * Math.PI * v
    this.spare = r * Math.sin(a)
    this.hasSpare = true
    return r * Math.cos(a)
  }

  /** One service time with mean `mean`. */
  draw(mean: number): number {
    if (this.cv === 0 || mean === 0) return mean
    return mean * Math.exp(this.sigma * this.normal() - this.halfSigma2)
  }

  /** The sum of `n` independent service times with mean `mean` each. */
  sum(mean: number, n: number): number {
    if (n <= 1) return n === 1 ? this.draw(mean) : 0
    if (this.cv === 0 || mean === 0) return n * mean
    const s2 = Math.log(1 + (this.cv * this.cv) / n)
    return n * mean * Math.exp(Math.sqrt(s2) * this.normal() - s2 / 2)
  }
}
