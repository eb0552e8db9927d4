import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { err } from '@shared/api/errors'
import { cli } from '../../support/cli'

// The model's entry, replaced so a run can fail the two ways a bug shows: an exception thrown on
// the calling thread (the CLI's inline runner), or an INTERNAL result (what a crashed worker sends).
const failure = vi.hoisted(() => ({ mode: 'throw' as 'throw' | 'internal' }))
vi.mock('../../../src-main/worker/runTask', () => ({
  runTask: async () => {
    if (failure.mode === 'throw')
      throw new Error('Maximum call stack size exceeded\n    at scanZone')
    return err('INTERNAL', 'model worker failed: Maximum call stack size exceeded')
  }
}))

function hostLog(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cli-internal-')), 'host.log')
  writeFileSync(path, 'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\n')
  return path
}

describe('pamt-planner: an internal error is exit 70 and names the input', () => {
  it('an exception in the model: code INTERNAL, the input file, the first line only', async () => {
    failure.mode = 'throw'
    const r = await cli('analyze', hostLog(), '--json')
    expect(r.code).toBe(70)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('pamt-planner: INTERNAL (host.log): Maximum call stack size exceeded\n')
  })

  it('an INTERNAL result from the worker: the same line and exit code, not "bad input"', async () => {
    failure.mode = 'internal'
    const r = await cli('analyze', hostLog())
    expect(r.code).toBe(70)
    expect(r.stderr).toBe(
      'pamt-planner: INTERNAL (host.log): model worker failed: Maximum call stack size exceeded\n'
    )
  })

  it('points at the host file while simulate loads it', async () => {
    failure.mode = 'internal'
    const r = await cli('simulate', '--host', hostLog(), '--preset', 'one-16g-td')
    expect(r.code).toBe(70)
    expect(r.stderr).toMatch(/^pamt-planner: INTERNAL \(host\.log\): /)
  })
})
