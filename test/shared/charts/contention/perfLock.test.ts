import { describe, expect, it } from 'vitest'
import { formatPerfTime, perfLockCsv, perfLockTable } from '@shared/charts/contention/perfLock'
import { contention } from './support'

const report = contention(undefined, { designs: ['v6', 'module-only'] })

describe('perf lock contention form', () => {
  it('auto-scales times as perf does', () => {
    expect(formatPerfTime(999)).toBe('999.00 ns')
    expect(formatPerfTime(4590)).toBe('4.59 us')
    expect(formatPerfTime(192_670)).toBe('192.67 us')
    expect(formatPerfTime(4e6)).toBe('4.00 ms')
  })

  it('prints the default table with perf’s header and right-aligned columns', () => {
    const text = perfLockTable(report.outcomes)
    const lines = text.split('\n')
    expect(lines).toContain(
      ' contended   total wait     max wait     avg wait         type   caller'
    )
    const row = lines.find((l) => l.includes('spinlock'))!
    expect(row).toMatch(
      /^ {0,9}\d+ +[\d.]+ [mun]?s +[\d.]+ [mun]?s +[\d.]+ [mun]?s +spinlock {3}tdx_pamt_/
    )
    expect(row.indexOf('spinlock')).toBe(
      ' contended   total wait     max wait     avg wait '.length + 4
    )
  })

  it('notes the lockless design’s hazards where perf has no lock row to show', () => {
    const text = perfLockTable([
      { design: 'module-only', demote: 'lock-around', locks: [], hazards: 2 },
      { design: 'module-only', demote: 'try-then-lock', locks: [], hazards: 1 },
      { design: 'module-only', demote: 'lock-around', locks: [] }
    ])
    const notes = text.split('\n').filter((l) => l.includes('hazard'))
    expect(notes.map((l) => l.trim())).toEqual([
      '(2 hazards: refcount and SEAMCALL not atomic without a lock)',
      '(1 hazard: refcount and SEAMCALL not atomic without a lock)'
    ])
  })

  it('writes the -x , CSV: comment header, raw ns rows', () => {
    const csv = perfLockCsv(report.outcomes)
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('# output: contended, total wait, max wait, avg wait, type, caller')
    expect(lines[1]).toBe('# design: v6, demote: lock-around')
    const lock = report.outcomes[0]!.locks[0]!
    expect(lines[2]).toBe(
      `${lock.contended}, ${Math.round(lock.totalWaitNs)}, ${Math.round(lock.maxWaitNs)}, ${Math.round(lock.totalWaitNs / lock.contended)}, spinlock, ${lock.caller}`
    )
    expect(lines[3]).toBe('# design: module-only, demote: lock-around')
  })
})
