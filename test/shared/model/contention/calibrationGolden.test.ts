import { beforeAll, describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost, type HostAnalysis } from '@shared/model/host/analyzeHost'
import type { ContentionOutcome } from '@shared/model/contention/simulateContention'
import {
  contentionSettingsSchema,
  runContention,
  withPresetSettings,
  type ContentionReport
} from '@shared/model/contention/runContention'
import { contentionPresetScenario, contentionPresetSettings } from '@shared/model/workload/presets'
import { readHostFixture } from '../../../support/fixtures'

/**
 * Calibration (docs/contention-model.md, dpamt-model.md §3.3): preset `calibration-10x16g` (10 TDs
 * × 16 GB, 4 vCPUs each, no huge pages, start then shut down) on the TDX SPR 8480C host, default
 * costs and settings, design v6; and the same TDs as `synchronized-boot-storm`, with start jitter
 * and service-time variation off. One run of each (about a second) shared by the checks below.
 */
const FIXTURE = 'tdx-spr-8480c-2s-256g-cmr-only.txt'

function runPreset(host: HostAnalysis, id: string): ContentionReport {
  return runContention(
    host,
    contentionPresetScenario(id)!,
    contentionSettingsSchema.parse(
      withPresetSettings({ designs: ['v6'] }, contentionPresetSettings(id))
    )
  )
}

describe('calibration: 10 TDs x 16 GB, 4 vCPUs, 2 sockets, no huge pages (dpamt-model.md §3.3)', () => {
  let report: ContentionReport
  let v6: ContentionOutcome
  let storm: ContentionOutcome
  beforeAll(() => {
    const imported = importHostText(readHostFixture(FIXTURE), FIXTURE)
    if (!imported.ok) throw new Error(imported.error.message)
    const host = analyzeHost(imported.host)
    report = runPreset(host, 'calibration-10x16g')
    v6 = report.outcomes[0]!
    storm = runPreset(host, 'synchronized-boot-storm').outcomes[0]!
  })

  it('golden value: 3554 contentions, 8119371 ns total wait (the model’s own output)', () => {
    // GOLDEN VALUE. This is what the model computes today, not a measurement and not a derivation:
    // the mailing list measured 1136 contentions and 4 ms (2025-08-13; 701 + 53 and 2 ms on
    // 2025-08-11). A change to the model (costs, jitter, service-time spread, kernel page window,
    // thread timing) that moves these numbers must show here and be reflected in
    // docs/contention-model.md, which quotes them; test/e2e/contention.test.ts expects the same
    // 3554 from the CLI. Service times are lognormal (CV 0.3), so waits are not whole ns: the
    // total is pinned to the nanosecond. Before per-thread service-time streams and the ziggurat
    // normal (issue 14; docs/contention-model.md, "Engine") this was 3563 contentions (2071 get,
    // 1492 put), 8,219,728 ns, max 9590 ns, 164,815 acquisitions and 1 lost race: another sample
    // of the same model, within the seeds' spread.
    const lock = v6.locks[0]!
    expect({
      acquisitions: lock.acquisitions,
      contended: lock.contended,
      totalWaitNs: Math.round(lock.totalWaitNs),
      maxWaitNs: Math.round(lock.maxWaitNs),
      contendedByCaller: lock.contendedByCaller,
      lostRaces: v6.lostRaces
    }).toEqual({
      acquisitions: 164_816,
      contended: 3554,
      totalWaitNs: 8_119_371,
      maxWaitNs: 10_194,
      contendedByCaller: { tdx_pamt_get: 2039, tdx_pamt_put: 1515 },
      lostRaces: 2
    })
  })

  it('golden value of the synchronized boot storm: 1981 contentions, 10166760 ns (lockstep)', () => {
    // GOLDEN VALUE, the model's own output: all 40 vCPUs start in the same nanosecond and every
    // cost is a constant. Before the fault path took its pair pages from the per-vCPU PAMT cache
    // (the pages are allocated at the next fault's top-up, and a lost race frees its pair), this
    // was the preset's 1163 contentions and 9,824,120 ns (max 168,950 ns, 86 lost races): with
    // that accounting reverted and jitter and CV at 0, the current model reproduced those four
    // numbers exactly, so nothing else moved them.
    const lock = storm.locks[0]!
    expect({
      acquisitions: lock.acquisitions,
      contended: lock.contended,
      totalWaitNs: lock.totalWaitNs,
      maxWaitNs: lock.maxWaitNs,
      contendedByCaller: lock.contendedByCaller,
      lostRaces: storm.lostRaces
    }).toEqual({
      acquisitions: 164_863,
      contended: 1981,
      totalWaitNs: 10_166_760,
      maxWaitNs: 169_150,
      contendedByCaller: { tdx_pamt_get: 1971, tdx_pamt_put: 10 },
      lostRaces: 49
    })
  })

  it('lands in the measured order of magnitude: hundreds to thousands of contentions, ms of wait', () => {
    // Measured: 701 on start-up + 53 on shutdown, 2 ms (2025-08-11); 1136 contentions, 4 ms (2025-08-13).
    const lock = v6.locks[0]!
    expect(lock.contended).toBeGreaterThan(100)
    expect(lock.contended).toBeLessThan(5000)
    expect(lock.totalWaitNs).toBeGreaterThan(0.5e6)
    expect(lock.totalWaitNs).toBeLessThan(50e6)
  })

  it('desynchronised vCPUs rarely lose the 0->1 race; the lockstep storm loses it 49 times', () => {
    // The list saw the race lost "only once over a couple runs" (2025-08-15).
    expect(v6.lostRaces).toBeLessThan(10)
    expect(storm.lostRaces).toBeGreaterThan(v6.lostRaces)
  })

  it('takes the lock only on 0->1 and 1->0: one ADD and one REMOVE per region', () => {
    // 10 TDs × 16 GiB = 10 × 8192 guest regions, each added once and removed once; the 4 vCPUs
    // of each TD fault 16 GiB / 4 KiB = 4 Mi pages in all.
    const lock = v6.locks[0]!
    expect(v6.pamtAdds).toBe(v6.pamtRemoves)
    expect(v6.pamtAdds).toBeGreaterThanOrEqual(10 * 8192)
    expect(lock.acquisitions).toBeGreaterThanOrEqual(2 * 10 * 8192)
    // Every acquisition is an ADD, a REMOVE or a lost 0->1 race.
    expect(lock.acquisitions).toBe(v6.pamtAdds + v6.pamtRemoves + v6.lostRaces)
    expect(v6.busy).toBe(0)
    expect(v6.hazards).toBe(0)
    expect(v6.faults).toBe(10 * 4 * 2 ** 20)
  })

  it('reports contention per caller, like the list split start-up from shutdown', () => {
    expect(Object.keys(v6.locks[0]!.contendedByCaller).sort()).toEqual([
      'tdx_pamt_get',
      'tdx_pamt_put'
    ])
  })

  it('runs on the default machine, and says so: the log has no SRAT CPU affinity lines', () => {
    expect(report.machine).toMatchObject({ sockets: 2, cpusPerSocket: 56, source: 'default' })
  })
})
