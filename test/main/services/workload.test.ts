import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inlineServices } from '../../support/services'
import { readHostFixture } from '../../support/fixtures'

async function loadedHost(): Promise<{
  planner: ReturnType<typeof inlineServices>['planner']
  hostId: string
}> {
  const { planner } = inlineServices()
  const r = await planner.analyzeHostText({
    jobId: 'h',
    fileName: 'spr.txt',
    text: readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt')
  })
  if (!r.ok) throw new Error(r.error.message)
  return { planner, hostId: r.value.hostId }
}

const TRACE = [
  't_ns,ev,pfn,level,n,cpu,td',
  '1000,get,0x100000,4k,512,0,1',
  '1100,pamt_add,0x100000,2m,1,0,1',
  '2000,put,0x100000,4k,512,0,1',
  '2100,pamt_remove,0x100000,2m,1,0,1',
  '3000,put,0x200000,4k,1,1,1'
].join('\n')

describe('workload services', () => {
  it('lists the presets sized to the host', async () => {
    const { planner, hostId } = await loadedHost()
    const r = await planner.listScenarioPresets({ hostId })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.map((p) => p.id)).toEqual([
      'one-16g-td',
      'ten-16g-no-hugepages',
      'guest-704g-1g-pages',
      'host-90pct-4k',
      'mixed-fleet-churn'
    ])
    // 90 % of 255.3 GiB of TDX memory in 32 GiB TDs.
    expect(r.value.find((p) => p.id === 'host-90pct-4k')!.scenario.tdClasses[0]!.count).toBe(7)
  })

  it('simulates a scenario with a sweep, with the schema defaults filled in', async () => {
    const { planner, hostId } = await loadedHost()
    const r = await planner.simulate({
      jobId: 's',
      hostId,
      scenario: {
        name: 'one',
        tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 32, vcpus: 2 }]
      },
      sweep: { parameter: 'share4k', values: [0, 0.5, 1] }
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.scenario.seed).toBe(1)
    expect(r.value.result.replay.peakPairs).toBeGreaterThan(2048)
    expect(r.value.sweep?.points.map((p) => p.value)).toEqual([0, 0.5, 1])
    expect(r.value.sweep!.points[0]!.peakTotalBytes).toBeLessThan(
      r.value.sweep!.points[2]!.peakTotalBytes
    )
  })

  it('replays a trace from text and from disk, listing findings with their lines', async () => {
    const { planner, hostId } = await loadedHost()
    const fromText = await planner.replayTraceText({
      jobId: 't',
      hostId,
      fileName: 'run.csv',
      text: TRACE,
      refcounts: 'sparse'
    })
    if (!fromText.ok) throw new Error(fromText.error.message)
    expect(fromText.value.result.replay.addCount).toBe(1)
    expect(fromText.value.result.replay.findings.map((f) => [f.code, f.line])).toEqual([
      ['PUT_WITHOUT_GET', 6]
    ])
    expect(fromText.value.result.refcountScheme).toBe('sparse')

    const path = join(mkdtempSync(join(tmpdir(), 'trace-')), 'run.csv')
    writeFileSync(path, TRACE)
    const fromDisk = await planner.replayTracePath(
      't2',
      planner.storedHostFor(hostId)!,
      path,
      'sparse'
    )
    expect(fromDisk.ok && fromDisk.value.result.replay).toEqual(fromText.value.result.replay)
  })

  it('names the file and line of a bad trace row', async () => {
    const { planner, hostId } = await loadedHost()
    const r = await planner.replayTraceText({
      jobId: 't',
      hostId,
      fileName: 'bad.csv',
      text: `${TRACE}\n4000,frob,0x1,4k,1,0,1\n`,
      refcounts: 'dense'
    })
    expect(r).toMatchObject({ ok: false, error: { fileName: 'bad.csv', line: 7 } })
  })

  it('refuses work on a host it does not hold', async () => {
    const { planner } = await loadedHost()
    expect(await planner.listScenarioPresets({ hostId: 'h999' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' }
    })
  })
})
