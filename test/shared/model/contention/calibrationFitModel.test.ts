import { beforeAll, describe, expect, it } from 'vitest'
import type { HostAnalysis } from '@shared/model/host/analyzeHost'
import {
  CALIBRATION_PRESET_ID,
  calibrationFitOptionsSchema,
  LIST_MEASUREMENT
} from '@shared/model/contention/calibrationFit'
import {
  CalibrationNotComparable,
  runCalibrationFit,
  type CalibrationFitReport
} from '@shared/model/contention/calibrationReport'
import { contentionSettingsSchema, runContention } from '@shared/model/contention/runContention'
import { contentionPresetScenario } from '@shared/model/workload/presets'
import { fixtureHost } from '../../../support/testHosts'

const host = fixtureHost

/**
 * The fit on the real model, kept cheap: the calibration preset (about 1 M events a run), one seed
 * and a grid of two scales (×0.25 and ×4), so at most (2 + 1) × 7 = 21 runs; it makes about ten.
 * (With per-thread service-time streams, issue 14, six evaluations a point stopped 3 % short of
 * the ±2 % it asks for, at 1172; the seventh lands on 1120, both the model's own output.)
 * The numbers it lands on are the model's own output; what is checked here is that they hold.
 * The limits are generous for a loaded 2-core machine (about 5 s of CPU).
 */
describe(
  'calibration fit on the real model (preset calibration-10x16g, one seed, two scales)',
  {
    timeout: 60_000
  },
  () => {
    const scenario = contentionPresetScenario(CALIBRATION_PRESET_ID)!
    const settings = contentionSettingsSchema.parse({ designs: ['v6'], seeds: 1 })
    let spr: HostAnalysis
    let report: CalibrationFitReport
    beforeAll(() => {
      spr = host('tdx-spr-8480c-2s-256g-cmr-only.txt')
      report = runCalibrationFit(
        spr,
        scenario,
        settings,
        calibrationFitOptionsSchema.parse({ seeds: 1, points: 2, evaluationsPerPoint: 7 })
      )
    }, 60_000)

    it('re-running v6 with the fitted costs gives the count within the tolerance the fit claims', () => {
      const fit = report.fit
      // The fit claims its fitted point's median count is within ±2 % of 1136 (converged).
      expect(fit.converged).toBe(true)
      const costs = {
        ...settings.costs,
        pamtAddNs: fit.pamtAddNs.value,
        pamtRemoveNs: fit.pamtRemoveNs.value,
        faultOutsideNs: fit.faultOutsideNs.value
      }
      const rerun = runContention(spr, scenario, { ...settings, costs })
      const contended = rerun.outcomes[0]!.locks[0]!.contended
      expect(Math.abs(contended - LIST_MEASUREMENT.contended)).toBeLessThanOrEqual(
        fit.search.countTolerance * LIST_MEASUREMENT.contended
      )
      expect(contended).toBe(report.residuals.contended.model.median)
    })

    it('keeps the ratio of the SEAMCALL costs and holds every other knob', () => {
      const fit = report.fit
      expect(fit.pamtRemoveNs.value / fit.pamtAddNs.value).toBeCloseTo(3000 / 4000, 12)
      expect(fit.pamtAddNs.value).toBeCloseTo(4000 * fit.scale.value, 9)
      expect(report.settings.costs.augNs).toBe(settings.costs.augNs)
      expect(report.dependsOn.some((s) => s.startsWith('pageRemoveNs 3,000 ns'))).toBe(true)
      expect(report.dependsOn.some((s) => s.startsWith('kernel page window 8 regions'))).toBe(true)
    })

    it('stays within its bound of runs and counts them', () => {
      expect(report.runs).toBe(report.fit.evaluations)
      expect(report.runs).toBeLessThanOrEqual(report.maxRuns)
      expect(report.maxRuns).toBe(21)
      expect(report.events).toBeGreaterThan(report.runs * 1e6)
    })

    it('sorts every check into matched or not, five in all', () => {
      expect(report.matched.length + report.unmatched.length).toBe(5)
    })

    it('refuses a host the calibration TDs do not fit: a fit on fewer TDs is another test', () => {
      const laptop = host('laptop-dell-xps13-9370-16g.txt')
      expect(() =>
        runCalibrationFit(laptop, scenario, settings, calibrationFitOptionsSchema.parse({}))
      ).toThrow(CalibrationNotComparable)
    })
  }
)
