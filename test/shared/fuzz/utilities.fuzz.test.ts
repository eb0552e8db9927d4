import Papa from 'papaparse'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toCsv } from '@shared/charts/csv'
import { kernelAlign, placePamtChunks, type PlacedChunk } from '@shared/model/host/placement'
import type { NodeRange } from '@shared/model/host/numa'
import { maxOf, minOf } from '@shared/util/arrays'
import { terminalSafeJson, visibleControls } from '@shared/util/controlChars'
import { safeFileName, safeFileStem } from '@shared/util/fileNames'
import { fuzzParams } from './fuzzConfig'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const anyText = fc.string({ unit: 'binary', maxLength: 40 })

describe('fuzz: text made safe for terminals, spreadsheets and file systems', () => {
  it('visibleControls leaves no control character, and changes nothing else', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = visibleControls(s)
        expect(out).not.toMatch(CONTROL)
        if (!CONTROL.test(s)) expect(out).toBe(s)
      }),
      fuzzParams(40)
    )
  })

  it('terminalSafeJson parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = terminalSafeJson(v, 2)
        expect(text.replace(/[\n\t]/g, '')).not.toMatch(CONTROL)
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)))
      }),
      fuzzParams(40)
    )
  })

  it('toCsv round-trips every cell, a formula start behind a quote', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, fc.integer()), { maxLength: 5 }), (rows) => {
        const csv = toCsv({ fields: ['text', 'n'], data: rows })
        const back = Papa.parse<string[]>(csv).data.slice(1)
        rows.forEach(([text, n], i) => {
          expect(back[i]![0]).toBe(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text)
          expect(back[i]![1]).toBe(String(n))
        })
      }),
      fuzzParams(40)
    )
  })

  it('file names: a plain stem, never a path or a hidden file', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(safeFileStem(s, 'host')).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$/)
        const name = safeFileName(`${s}.csv`, 'download')
        expect(name).not.toMatch(/[/\\]|^\./)
        expect(name).not.toMatch(CONTROL)
      }),
      fuzzParams(40)
    )
  })
})

/** The placement scan as it was (a linear search per candidate): the reference for the fast one. */
function referencePlace(
  requests: ReadonlyArray<{ nrPages: number; nid: number }>,
  regions: readonly NodeRange[]
): Array<PlacedChunk | null> {
  const ranges = regions
    .map((r) => ({
      startPfn: Math.ceil(r.baseBytes / 4096),
      endPfn: Math.floor(r.endBytes / 4096),
      nid: r.nid
    }))
    .filter((r) => r.startPfn < r.endPfn)
  const nids = [...new Set(ranges.map((r) => r.nid))].sort((a, b) => a - b)
  const zones = [
    { name: 'Normal' as const, lowPfn: 0x100000, highPfn: Number.MAX_SAFE_INTEGER },
    { name: 'DMA32' as const, lowPfn: 0x1000, highPfn: 0x100000 },
    { name: 'DMA' as const, lowPfn: 0, highPfn: 0x1000 }
  ]
  const placed: PlacedChunk[] = []
  return requests.map(({ nrPages, nid }) => {
    for (const node of [nid, ...nids.filter((n) => n !== nid)]) {
      for (const zone of zones) {
        const inZone = ranges
          .filter((r) => r.nid === node)
          .map((r) => ({
            startPfn: Math.max(r.startPfn, zone.lowPfn),
            endPfn: Math.min(r.endPfn, zone.highPfn)
          }))
          .filter((r) => r.startPfn < r.endPfn)
        if (inZone.length === 0) continue
        const zoneEnd = maxOf(inZone.map((r) => r.endPfn))
        const start = kernelAlign(minOf(inZone.map((r) => r.startPfn)), nrPages)
        for (let pfn = start; pfn + nrPages <= zoneEnd; pfn += nrPages) {
          const end = pfn + nrPages
          const inRam = inZone.some((r) => r.startPfn <= pfn && end <= r.endPfn)
          const free = !placed.some((c) => c.startPfn < end && pfn < c.startPfn + c.nrPages)
          if (inRam && free) {
            const chunk = { startPfn: pfn, nrPages, nid: node, zone: zone.name }
            placed.push(chunk)
            return chunk
          }
        }
      }
    }
    return null
  })
}

describe('fuzz: PAMT chunk placement', () => {
  it('the binary-search scan places every chunk where the linear scan did', () => {
    const MiB = 2 ** 20
    const range = fc
      .record({
        base: fc.integer({ min: 0, max: 8191 }),
        len: fc.integer({ min: 1, max: 2048 }),
        nid: fc.integer({ min: 0, max: 2 })
      })
      .map((r) => ({ baseBytes: r.base * MiB, endBytes: (r.base + r.len) * MiB, nid: r.nid }))
    const request = fc.record({
      nrPages: fc.integer({ min: 1, max: 300_000 }),
      nid: fc.integer({ min: 0, max: 2 })
    })
    fc.assert(
      fc.property(
        fc.array(range, { minLength: 1, maxLength: 12 }),
        fc.array(request, { minLength: 1, maxLength: 4 }),
        (ranges, requests) => {
          // Memory block ranges do not overlap: keep the first of any overlapping pair.
          const kept: NodeRange[] = []
          for (const r of ranges)
            if (!kept.some((k) => k.baseBytes < r.endBytes && r.baseBytes < k.endBytes))
              kept.push(r)
          kept.sort((a, b) => a.baseBytes - b.baseBytes)
          expect(placePamtChunks(requests, kept, 'first-candidate')).toEqual(
            referencePlace(requests, kept)
          )
        }
      ),
      fuzzParams(40)
    )
  })
})
