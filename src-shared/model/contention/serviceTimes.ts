import { MULBERRY32_STEP, mulberry32Word, type SeededRandom } from '../workload/random'
import { fastExp } from './fastExp'

/**
 * The ziggurat of Marsaglia and Tsang ("The Ziggurat Method for Generating Random Variables",
 * J. Stat. Softw. 5(8), 2000; their RNOR with 128 layers): the standard normal density cut into
 * 127 horizontal strips of equal area and a base strip with the tail beyond R. A draw picks a
 * strip from a 32-bit word's low 7 bits and a point in it from the whole word; 98.8 % of the
 * time the point lies inside the density's rectangle and is returned after one multiply, else
 * (the wedge or the tail) it is accepted or redrawn by the exact rejection tests below, so the
 * draws are exactly normal (up to the 32-bit resolution). Constants from the paper: R, and V the
 * area of each strip.
 */
const ZIG_R = 3.442619855899
const ZIG_V = 9.91256303526217e-3
const M1 = 2 ** 31
/** Accept |word| < kn[i] at once; x = word · wn[i]; fn[i] the density at the strip's edge. */
const kn = new Uint32Array(128)
const wn = new Float64Array(128)
const fn = new Float64Array(128)
{
  let dn = ZIG_R
  let tn = dn
  const q = ZIG_V / Math.exp(-0.5 * dn * dn)
  kn[0] = (dn / q) * M1
  kn[1] = 0
  wn[0] = q / M1
  wn[127] = dn / M1
  fn[0] = 1
  fn[127] = Math.exp(-0.5 * dn * dn)
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)))
    kn[i + 1] = (dn / tn) * M1
    tn = dn
    fn[i] = Math.exp(-0.5 * dn * dn)
    wn[i] = dn / M1
  }
}

/** A standard normal from `rng` (the ziggurat above). */
export function zigguratNormal(rng: SeededRandom): number {
  const hz = rng.nextInt32()
  const iz = hz & 127
  return Math.abs(hz) < kn[iz]! ? hz * wn[iz]! : zigguratRest(rng, hz)
}

/**
 * The ziggurat's rare path, for a word `hz` outside its strip's rectangle: the wedge or tail test,
 * then new words until one is accepted. Apart from zigguratNormal's two lines so that those are
 * small enough to be inlined where a service time is drawn (a double returned from a call that is
 * not inlined is a heap allocation).
 */
function zigguratRest(rng: SeededRandom, first: number): number {
  let hz = first
  let iz = hz & 127
  for (;;) {
    const x = hz * wn[iz]!
    if (iz === 0) {
      // The tail beyond R (Marsaglia 1964): x = −ln(U1)/R, accepted when −2 ln(U2) > x².
      let tx: number
      let ty: number
      do {
        tx = -Math.log(1 - rng.next()) / ZIG_R
        ty = -Math.log(1 - rng.next())
      } while (ty + ty < tx * tx)
      return hz > 0 ? ZIG_R + tx : -ZIG_R - tx
    }
    // The wedge: accept when a uniform height in the strip falls under the density.
    if (fn[iz]! + rng.next() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x
    hz = rng.nextInt32()
    iz = hz & 127
    if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!
  }
}

/** Normals drawn ahead at a time (4 kB a thread). */
const BATCH = 256

/**
 * Service times of the contention model: each is drawn from a lognormal with the cost as its mean
 * and a coefficient of variation `cv` (costs.serviceCv), from the thread's seeded service-time
 * stream, so that threads with equal costs drift apart instead of running in lockstep. `cv` 0
 * returns the cost itself and draws nothing, which keeps a run with constant costs exactly as it
 * was. The normal behind each draw comes from the ziggurat (zigguratNormal): mostly a table look-up
 * and a multiply, where Box–Muller took a log, a square root, a sine and a cosine per pair
 * (docs/contention-model.md, "Engine").
 *
 * A lognormal with mean m and CV c has σ² = ln(1 + c²) and μ = ln m − σ²/2. The sum of n
 * independent draws (a skipped-ahead run of n fast-path faults) is drawn as one lognormal with the
 * sum's exact mean n·m and CV c/√n (Fenton–Wilkinson moment matching): exact in mean and variance,
 * approximate in shape, and one draw instead of n.
 *
 * Normals are drawn BATCH at a time, each with its unit lognormal factor, in one loop that keeps
 * the generator's state in a local variable (the same words, the same normals, in the same order
 * as one per call), and the exp is fastExp (within 2 units in the last place of Math.exp): on
 * always-lock's 126 M draws the two took the draws from a fifth of the run to a tenth.
 */
export class ServiceTimes {
  private readonly sigma2: number
  /** √σ² and σ²/2, computed once. */
  private readonly sigma: number
  private readonly halfSigma2: number
  /**
   * The next BATCH normals of the stream, and the unit lognormal factor exp(σz − σ²/2) of each:
   * drawn in one tight loop (no call per draw, the generator's state in a register) and used in
   * order, so the draws are exactly those of one normal per call.
   */
  private readonly normals = new Float64Array(BATCH)
  private readonly factors = new Float64Array(BATCH).fill(1)
  private next = BATCH

  constructor(
    readonly cv: number,
    private readonly rng: SeededRandom
  ) {
    this.sigma2 = Math.log(1 + cv * cv)
    this.sigma = Math.sqrt(this.sigma2)
    this.halfSigma2 = this.sigma2 / 2
  }

  /** One service time with mean `mean` (CV 0: the factors are all 1, so exactly `mean`). */
  draw(mean: number): number {
    if (this.next === BATCH) this.refill()
    return mean * this.factors[this.next++]!
  }

  /** The sum of `n` independent service times with mean `mean` each. */
  sum(mean: number, n: number): number {
    if (n <= 1) return n === 1 ? this.draw(mean) : 0
    if (this.cv === 0) return n * mean
    const s2 = Math.log(1 + (this.cv * this.cv) / n)
    if (this.next === BATCH) this.refill()
    return n * mean * fastExp(Math.sqrt(s2) * this.normals[this.next++]! - s2 / 2)
  }

  /** The next BATCH normals and their factors: zigguratNormal's steps, the generator inline. */
  private refill(): void {
    this.next = 0
    // CV 0: every factor stays 1 and nothing is drawn, so a constant-cost run stays as it was.
    if (this.cv === 0) return
    const rng = this.rng
    const normals = this.normals
    const factors = this.factors
    const sigma = this.sigma
    const half = this.halfSigma2
    let state = rng.rawState
    for (let i = 0; i < BATCH; i++) {
      state = (state + MULBERRY32_STEP) >>> 0
      const hz = mulberry32Word(state)
      const iz = hz & 127
      let z: number
      if (Math.abs(hz) < kn[iz]!) z = hz * wn[iz]!
      else {
        // The rare path draws more words from the generator itself.
        rng.rawState = state
        z = zigguratRest(rng, hz)
        state = rng.rawState
      }
      normals[i] = z
      factors[i] = fastExp(sigma * z - half)
    }
    rng.rawState = state
  }
}
