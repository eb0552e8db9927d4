import { describe, expect, it } from 'vitest'
import { ServiceTimes, zigguratNormal } from '@shared/model/contention/serviceTimes'
import { SeededRandom } from '@shared/model/workload/random'
import { fastExp } from '@shared/model/contention/fastExp'

describe('service times: lognormal with the cost as mean and costs.serviceCv as CV', () => {
  it('CV 0 gives the constant cost and draws nothing from the stream (runs stay as they were)', () => {
    const rng = new SeededRandom(5)
    const s = new ServiceTimes(0, rng)
    expect(s.draw(4000)).toBe(4000)
    expect(s.sum(4000, 7)).toBe(28000)
    expect(rng.next()).toBe(new SeededRandom(5).next())
  })

  it('draws with the given mean and CV (20 000 draws: within 2 % and 5 %)', () => {
    // A lognormal with mean 1000 and CV 0.3; the sample mean's standard error is 0.3/√20000
    // ≈ 0.2 %, the sample CV's about 0.2 % too: the bounds are loose.
    const s = new ServiceTimes(0.3, new SeededRandom(9))
    const xs = Array.from({ length: 20_000 }, () => s.draw(1000))
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
    expect(Math.abs(mean - 1000) / 1000).toBeLessThan(0.02)
    expect(Math.abs(sd / mean - 0.3) / 0.3).toBeLessThan(0.05)
    expect(Math.min(...xs)).toBeGreaterThan(0)
  })

  it('a sum of n draws keeps the mean n·m and shrinks the CV to c/√n (Fenton–Wilkinson)', () => {
    // n = 100: mean 100 000, CV 0.3 / 10 = 0.03.
    const s = new ServiceTimes(0.3, new SeededRandom(3))
    const xs = Array.from({ length: 20_000 }, () => s.sum(1000, 100))
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
    expect(Math.abs(mean - 100_000) / 100_000).toBeLessThan(0.01)
    expect(Math.abs(sd / mean - 0.03) / 0.03).toBeLessThan(0.05)
  })

  it('is deterministic for the stream’s seed', () => {
    const a = new ServiceTimes(0.3, new SeededRandom(11))
    const b = new ServiceTimes(0.3, new SeededRandom(11))
    expect(Array.from({ length: 5 }, () => a.draw(500))).toEqual(
      Array.from({ length: 5 }, () => b.draw(500))
    )
  })

  it('the ziggurat draws a standard normal: mean, variance and the normal CDF at ±0.5 … ±3.5', () => {
    // 400 000 draws. Standard errors: mean 1/√n ≈ 0.0016, variance √(2/n) ≈ 0.0022, a CDF value p
    // √(p(1−p)/n) ≤ 0.0008; bounds at about 4 of them. Φ from tables: Φ(0.5) = 0.691462,
    // Φ(1) = 0.841345, Φ(2) = 0.977250, Φ(3) = 0.998650, Φ(3.5) = 0.999767 (past the ziggurat's
    // base strip edge R ≈ 3.4426, so its tail sampler is in play: about 93 draws beyond ±3.5).
    const rng = new SeededRandom(21)
    const n = 400_000
    const points = [-3.5, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 3.5]
    const phi = [0.000233, 0.00135, 0.02275, 0.158655, 0.308538, 0.5]
    phi.push(0.691462, 0.841345, 0.97725, 0.99865, 0.999767)
    const below = new Array<number>(points.length).fill(0)
    let sum = 0
    let sum2 = 0
    for (let i = 0; i < n; i++) {
      const x = zigguratNormal(rng)
      sum += x
      sum2 += x * x
      for (let k = 0; k < points.length; k++) if (x < points[k]!) below[k]!++
    }
    const mean = sum / n
    expect(Math.abs(mean)).toBeLessThan(0.007)
    expect(Math.abs(sum2 / n - mean * mean - 1)).toBeLessThan(0.009)
    points.forEach((_, k) => {
      const p = phi[k]!
      expect(Math.abs(below[k]! / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 1e-5)
    })
  })

  it('draws in batches exactly what one normal per call draws, sums included, across many batches', () => {
    // The reference draws one normal from the stream per service time (zigguratNormal, whose
    // rare paths take extra words), the factor exp(σz − σ²/2), and for a sum of n the moment-
    // matched σ_n. 3000 calls cross a dozen batches; every seventh is a sum.
    const cv = 0.3
    const sigma2 = Math.log(1 + cv * cv)
    const rng = new SeededRandom(1234)
    const batched = new ServiceTimes(cv, new SeededRandom(1234))
    for (let i = 0; i < 3000; i++) {
      const z = zigguratNormal(rng)
      if (i % 7 === 3) {
        const n = 2 + (i % 5)
        const s2 = Math.log(1 + (cv * cv) / n)
        expect(batched.sum(800, n)).toBe(n * 800 * fastExp(Math.sqrt(s2) * z - s2 / 2))
      } else {
        expect(batched.draw(4000)).toBe(4000 * fastExp(Math.sqrt(sigma2) * z - sigma2 / 2))
      }
    }
  })
})
