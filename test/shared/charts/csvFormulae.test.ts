import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { addressMapCsv } from '@shared/charts/addressMap/addressMapCsv'
import { toCsv } from '@shared/charts/csv'
import { perfLockCsv } from '@shared/charts/contention/perfLock'
import { importHostText } from '@shared/import/importHost'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import type { LockStats } from '@shared/model/contention/spinlock'

/** A host JSON whose range labels are spreadsheet formulas. */
const HOST = JSON.stringify({
  format: 'pamt-planner-host',
  version: 1,
  name: 'formulas',
  memory: [
    { base: '0x0', end: '0x9f000', type: 'ram', label: '=HYPERLINK("http://x","y")' },
    { base: '0x9f000', end: '0x100000', type: 'reserved', label: '@SUM(A1:A9)' },
    { base: '0x100000', end: '0x40000000', type: 'ram', label: '+1+1' },
    { base: '0x40000000', end: '0x40100000', type: 'reserved', label: '-2+3' }
  ]
})

describe('CSV exports never hand a spreadsheet a formula', () => {
  it('prefixes a label from a host file that starts with = @ + - with a quote', () => {
    const imported = importHostText(HOST, 'formulas.json')
    if (!imported.ok) throw new Error(imported.error.message)
    const rows = Papa.parse<string[]>(addressMapCsv(analyzeHost(imported.host))).data
    const types = new Set(rows.slice(1).map((r) => r[5]))
    for (const label of ['=HYPERLINK("http://x","y")', '@SUM(A1:A9)', '+1+1', '-2+3']) {
      expect(types).toContain(`'${label}`)
      expect(types).not.toContain(label)
    }
  })

  it('leaves numbers alone, negative ones included, and catches a formula before a newline', () => {
    const text = toCsv({ fields: ['a', 'b'], data: [[-4096, '=1+1\nx']] })
    expect(text).toBe(`a,b\r\n-4096,"'=1+1\nx"\r\n`)
  })

  it('escapes the text cells of the perf lock CSV', () => {
    const lock = { contended: 1, totalWaitNs: 10, maxWaitNs: 10, type: 'spinlock' } as LockStats
    const csv = perfLockCsv([
      { design: 'v6', demote: 'lock-around', locks: [{ ...lock, caller: '=cmd|calc', name: 'x' }] }
    ])
    expect(csv.split('\n')[2]).toBe("1, 10, 10, 10, spinlock, '=cmd|calc")
  })
})
