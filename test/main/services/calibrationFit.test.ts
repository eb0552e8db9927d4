import { describe, expect, it } from 'vitest'
import { err } from '@shared/api/errors'
import { contentionPresetScenario } from '@shared/model/workload/presets'
import { InlineLauncher, type TaskLauncher } from '../../../src-main/services/jobRunner'
import type { WorkerTask } from '../../../src-main/worker/protocol'
import { inlineServices } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'

/**
 * Runs host tasks inline; records a calibration fit's task and answers it CANCELLED at once, so
 * these checks never run the fit itself (hundreds of ~1 M-event runs).
 */
function fitRecordingLauncher(): TaskLauncher & { fits: WorkerTask[] } {
  const inline = new InlineLauncher()
  const fits: WorkerTask[] = []
  return {
    fits,
    launch(task, onProgress) {
      if (task.kind !== 'calibrationFit') return inline.launch(task, onProgress)
      fits.push(task)
      return { result: Promise.resolve(err('CANCELLED', 'cancelled')), cancel: () => undefined }
    }
  }
}

async function withSprHost(): Promise<{
  planner: ReturnType<typeof inlineServices>['planner']
  hostId: string
  fits: WorkerTask[]
}> {
  const launcher = fitRecordingLauncher()
  const { planner } = inlineServices(launcher)
  const r = await planner.analyzeHostText({
    jobId: 'j',
    fileName: 'spr.txt',
    text: readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
  })
  if (!r.ok) throw new Error(r.error.message)
  return { planner, hostId: r.value.hostId, fits: launcher.fits }
}

describe('PlannerService.fitCalibration (docs/contention-model.md, "Checks → Calibration")', () => {
  it('starts the default fit as one job on the calibration preset: v6 alone, the fit’s seeds', async () => {
    const { planner, hostId, fits } = await withSprHost()
    await planner.fitCalibration({
      jobId: 'fit',
      hostId,
      settings: { designs: ['per-2m', 'hashed:64'], seeds: 5, costs: { augNs: 6000 } }
    })
    expect(fits).toHaveLength(1)
    const task = fits[0]!
    if (task.kind !== 'calibrationFit') throw new Error(task.kind)
    expect(task.scenario).toEqual(contentionPresetScenario('calibration-10x16g'))
    // The form's designs and seeds do not apply; its costs are what the fit holds.
    expect(task.settings).toMatchObject({ designs: ['v6'], seeds: 3 })
    expect(task.settings.costs.augNs).toBe(6000)
    expect(task.options).toEqual({ seeds: 3, points: 9, evaluationsPerPoint: 6 })
  })

  it('refuses a fit over its bound of runs before any job starts, naming what to lower', async () => {
    const { planner, hostId, fits } = await withSprHost()
    // (17 points + 1) × 12 evaluations × 10 seeds = 2160 runs, over the limit of 360.
    const r = await planner.fitCalibration({
      jobId: 'fit',
      hostId,
      fit: { seeds: 10, points: 17, evaluationsPerPoint: 12 }
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'WORK_TOO_LARGE' } })
    if (!r.ok) {
      expect(r.error.message).toContain('2160 runs of v6')
      expect(r.error.message).toContain('more than the limit of 360')
      expect(r.error.message).toContain('lower the seeds, points or evaluations per point')
    }
    expect(fits).toHaveLength(0)
  })

  it('answers INVALID_REQUEST for fit options out of range', async () => {
    const { planner, hostId, fits } = await withSprHost()
    const r = await planner.fitCalibration({ jobId: 'fit', hostId, fit: { seeds: 0 } })
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    if (!r.ok) expect(r.error.message).toMatch(/^fit seeds: /)
    expect(fits).toHaveLength(0)
  })
})
