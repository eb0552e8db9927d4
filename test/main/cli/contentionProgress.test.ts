import { describe, expect, it } from 'vitest'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
import { terminalProgress } from '../../../src-main/cli/cli'
import { ProgressHub } from '../../../src-main/services/progressHub'
import { cliWith, tempFile } from '../../support/cli'
import { hostFixturePath } from '../../support/fixtures'

/**
 * `contention` on a terminal: one progress line on stderr that redraws itself (the CLI's main
 * passes `progress` only when stderr is a TTY) and is wiped at the end; nothing with --json.
 */
const HOST = hostFixturePath('tdx-spr-8480c-2s-256g-cmr-only.txt')
const scenario = tempFile(
  'small.json',
  JSON.stringify({
    name: 'small',
    durationNs: 5e9,
    tdClasses: [{ name: 'td', count: 1, memoryBytes: 2 ** 28, vcpus: 2, lifetimeNs: 1e9 }]
  })
)

async function run(...extra: string[]): Promise<{ code: number; progress: string }> {
  let progress = ''
  const r = await cliWith(
    {
      launcher: new InlineLauncher(),
      workerPath: 'unused-inline',
      progress: (s) => (progress += s)
    },
    'contention',
    '--host',
    HOST,
    '--scenario',
    scenario,
    '--designs',
    'v6',
    ...extra
  )
  return { code: r.code, progress }
}

describe('contention progress on a terminal', () => {
  it('draws "contention: N %" lines with carriage returns and clears the line at the end', async () => {
    const { code, progress } = await run()
    expect(code).toBe(0)
    // The first event comes before the first run starts, so it has no step yet: the phase.
    expect(progress).toMatch(/^\rcontention: +\d+ % · analysing/)
    // Each line clears what a longer one before it left.
    expect(progress.split('\r')[1]!.endsWith('analysing\x1b[K')).toBe(true)
    expect(progress.endsWith('\r\x1b[K')).toBe(true)
  })

  it('stays quiet with --json', async () => {
    const { code, progress } = await run('--json')
    expect(code).toBe(0)
    expect(progress).toBe('')
  })
})

describe('the terminal progress line', () => {
  it('shows percentage and step, redraws only on change, clears the rest of the line and at the end', () => {
    const hub = new ProgressHub()
    let out = ''
    const stop = terminalProgress((s) => (out += s), hub, 'contention')
    hub.publish({ jobId: 'cli', phase: 'analysing', fraction: 0.454, step: 'simulating v6 (2/5)' })
    // The same line again (45 % rounds the same): not redrawn.
    hub.publish({ jobId: 'cli', phase: 'analysing', fraction: 0.451, step: 'simulating v6 (2/5)' })
    hub.publish({ jobId: 'other', phase: 'analysing', fraction: 0.9, step: 'not ours' })
    hub.publish({ jobId: 'cli', phase: 'queued', fraction: 0 })
    hub.publish({ jobId: 'cli', phase: 'done', fraction: 1 })
    stop()
    hub.publish({ jobId: 'cli', phase: 'analysing', fraction: 0.5, step: 'after the end' })
    expect(out).toBe(
      '\rcontention:  45 % · simulating v6 (2/5)\x1b[K' +
        '\rcontention:   0 % · queued: waiting for a free model worker\x1b[K' +
        '\r\x1b[K'
    )
  })

  it('shows a control character in a step as an escape, never raw', () => {
    const hub = new ProgressHub()
    let out = ''
    terminalProgress((s) => (out += s), hub, 'simulate')
    hub.publish({ jobId: 'cli', phase: 'analysing', fraction: 0, step: 'a\u001b[2Jb' })
    expect(out).toBe('\rsimulate:   0 % · a\\x1b[2Jb\x1b[K')
  })

  it('writes nothing without a writer (piped stderr, or --json)', () => {
    let subscribed = false
    const hub = {
      subscribe: (): (() => void) => {
        subscribed = true
        return () => undefined
      }
    }
    terminalProgress(undefined, hub, 'contention')()
    expect(subscribed).toBe(false)
  })
})
