import { describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import {
  hash64,
  hostIdentity,
  shapeKey,
  type FleetHostRow,
  type FleetRow,
  type FleetScenarioCell
} from '@shared/fleet/fleetRow'
import { FleetSummaryAccumulator, MAX_TRACKED_SHAPES } from '@shared/fleet/fleetSummary'
import { readHostFixture } from '../../support/fixtures'
import { fleetHostRow } from '../../support/fleetRows'

/** A host row with hand-chosen figures (only what the summary reads matters). */
function row(
  file: string,
  shape: string,
  staticBytes: number,
  dpamtStaticBytes: number,
  denseBytes: number,
  extra: { failure?: string; scenario?: FleetScenarioCell } = {}
): FleetHostRow {
  return fleetHostRow(file, staticBytes, dpamtStaticBytes, denseBytes, { ...extra, shape })
}

const bad: FleetRow = {
  type: 'error',
  file: 'e.log',
  code: 'MALFORMED_LINE',
  message: 'bad line',
  line: 3
}

describe('fleet summary', () => {
  it('totals the TDX-capable hosts, groups failures by reason and counts a shape once', () => {
    const acc = new FleetSummaryAccumulator()
    for (const r of [
      row('a1', 's1', 1000, 10, 2),
      row('a2', 's1', 1000, 10, 2),
      row('b', 's2', 500, 5, 1),
      row('f1', 's3', 700, 7, 1, { failure: 'TDMRS_EXHAUSTED' }),
      row('f2', 's4', 700, 7, 1, { failure: 'TDMRS_EXHAUSTED' }),
      bad
    ])
      acc.add(r)
    const s = acc.result()
    // Capable: a1, a2, b. Static 1000 + 1000 + 500 = 2500; DPAMT static 10 + 10 + 5 = 25; dense
    // refcounts 2 + 2 + 1 = 5; idle 25 + 5 = 30; savings 2500 − 30 = 2470 = 98.8 %.
    expect(s).toMatchObject({
      files: 6,
      hostsRead: 5,
      unreadable: 1,
      tdxCapable: 3,
      staticPamtBytes: 2500,
      dynamicPamt: { staticBytes: 25, denseRefcountBytes: 5, idleBytes: 30 },
      scenario: null,
      keptBytes: 30,
      savingsBytes: 2470
    })
    expect(s.savingsFraction).toBeCloseTo(0.988, 12)
    expect(s.cannotEnableTdx).toEqual([
      { code: 'TDMRS_EXHAUSTED', message: 'too many TDMRs', count: 2, files: ['f1', 'f2'] }
    ])
    expect(s.unreadableFiles).toEqual([
      { code: 'MALFORMED_LINE', message: 'bad line', count: 1, files: ['e.log:3'] }
    ])
    // s1: 1000 − (10 + 2) = 988 per host, twice = 1976; s2: 500 − 6 = 494; failing shapes save 0.
    expect(s.shapes.distinct).toBe(4)
    expect(
      s.shapes.list.map((x) => [x.shape, x.count, x.savingsPerHostBytes, x.savingsBytes])
    ).toEqual([
      ['s1', 2, 988, 1976],
      ['s2', 1, 494, 494],
      ['s3', 1, 0, 0],
      ['s4', 1, 0, 0]
    ])
    // 2500 B = 2.44 KiB; 30 B; 2470 B = 2.41 KiB.
    expect(s.words[0]).toBe(
      'Static PAMT reserves 2.44 KiB across 3 hosts that can enable TDX (5 hosts read, 1 file not read).'
    )
    expect(s.words[1]).toMatch(/^Dynamic PAMT would keep 30 B on the same hosts before any TD runs/)
    expect(s.words[2]).toBe('2 hosts cannot enable TDX: 2 × TDMRS_EXHAUSTED (f1: too many TDMRs).')
    expect(s.words[3]).toMatch(/^4 distinct shapes; gaining most: a1 × 2 /)
    expect(s.words[4]).toBe('Not read: 1 × MALFORMED_LINE (e.log:3: bad line).')
  })

  it('compares a workload’s peaks with the static PAMT of the hosts it ran on', () => {
    const run = (peak: number, avg: number, req: number, started: number): FleetScenarioCell => ({
      name: 'w',
      peakTotalBytes: peak,
      averageTotalBytes: avg,
      savingsAtPeakBytes: 0,
      savingsAverageBytes: 0,
      tdsRequested: req,
      tdsStarted: started,
      fits: req === started
    })
    const acc = new FleetSummaryAccumulator('w')
    acc.add(row('a', 's1', 1000, 10, 2, { scenario: run(100, 50, 1, 1) }))
    acc.add(row('b', 's2', 500, 5, 1, { scenario: run(40, 20, 2, 1) }))
    acc.add(
      row('c', 's3', 800, 8, 1, {
        scenario: { name: 'w', error: { code: 'WORK_TOO_LARGE', message: 'too big' } }
      })
    )
    const s = acc.result()
    // Ran on a and b: static 1500, peaks 140, means 70; 1360 saved at peak = 90.67 %.
    expect(s.scenario).toEqual({
      name: 'w',
      hosts: 2,
      staticPamtBytes: 1500,
      peakTotalBytes: 140,
      averageTotalBytes: 70,
      savingsAtPeakBytes: 1360,
      savingsAverageBytes: 1430,
      tdsRequested: 3,
      tdsStarted: 2,
      hostsNotFitting: 1,
      errors: 1,
      firstError: 'c: too big'
    })
    expect(s.keptBytes).toBe(140)
    expect(s.savingsFraction).toBeCloseTo(1360 / 1500, 12)
    expect(s.words[1]).toMatch(
      /^Dynamic PAMT would keep 140 B for "w" at its peak on each of 2 hosts/
    )
    expect(s.words[2]).toMatch(/^On 1 host not every TD fits: 2 of 3 requested TDs started/)
    expect(s.words[3]).toBe('The workload did not run on 1 host; the first: c: too big')
  })

  it('stops listing new shapes past its bound and counts their hosts instead', () => {
    const acc = new FleetSummaryAccumulator()
    for (let i = 0; i <= MAX_TRACKED_SHAPES; i++) acc.add(row(`h${i}`, `s${i}`, 10, 1, 1))
    const s = acc.result()
    expect(s.shapes.list).toHaveLength(MAX_TRACKED_SHAPES)
    expect(s.shapes.untrackedHosts).toBe(1)
    // Totals still count every host: 10,001 × 10 B.
    expect(s.staticPamtBytes).toBe((MAX_TRACKED_SHAPES + 1) * 10)
  })
})

describe('fleet rows', () => {
  it('reads the CPU from smpboot and the machine from the DMI line', () => {
    expect(hostIdentity(readHostFixture('tdx-spr-8480c-2s-256g-cmr-only.txt'))).toEqual({
      cpu: 'Intel(R) Xeon(R) Platinum 8480CTDX',
      machine: null
    })
    // A fixture's '# Machine: DMI "…"' header is a comment, not the kernel's line.
    expect(hostIdentity(readHostFixture('dell-r750xs-icx-1s-128g.txt')).machine).toBeNull()
    expect(
      hostIdentity(
        '[    0.000000] DMI: Dell Inc. PowerEdge R750xs/0PPTY2, BIOS 1.5.4 12/17/2021\nmodel name\t: Intel(R) Xeon(R) Gold 6338\n'
      )
    ).toEqual({
      cpu: 'Intel(R) Xeon(R) Gold 6338',
      machine: 'Dell Inc. PowerEdge R750xs/0PPTY2, BIOS 1.5.4 12/17/2021'
    })
  })

  it('gives the same memory map the same shape whatever the name and other lines', () => {
    const text = readHostFixture('dell-r750xs-icx-1s-128g.txt')
    const shapeOf = (t: string, name: string): string => {
      const r = importHostText(t, name)
      if (!r.ok) throw new Error(r.error.message)
      return shapeKey(r.host, analyzeHost(r.host))
    }
    const base = shapeOf(text, 'a.txt')
    expect(shapeOf(`[   12.3] usb 1-1: new device\n${text}`, 'b.txt')).toBe(base)
    // 2 MiB less RAM at the top of the map is another shape.
    const r = importHostText(text, 'a.txt')
    if (!r.ok) throw new Error(r.error.message)
    const ranges = r.host.ranges.map((x) => ({ ...x }))
    const top = ranges.filter((x) => x.type === 'ram').at(-1)!
    top.endBytes -= 2 ** 21
    const smaller = { ...r.host, ranges }
    expect(shapeKey(smaller, analyzeHost(smaller))).not.toBe(base)
  })

  it('hashes to 16 hex digits, differently for different text', () => {
    expect(hash64('')).toMatch(/^[0-9a-f]{16}$/)
    expect(hash64('a')).not.toBe(hash64('b'))
    expect(hash64('abc')).toBe(hash64('abc'))
  })
})
