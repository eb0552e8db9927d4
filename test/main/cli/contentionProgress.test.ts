import { describe, expect, it } from 'vitest'
import { InlineLauncher } from '../../../src-main/services/jobRunner'
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
    expect(progress).toMatch(/^\rcontention: +\d+ % \(analysing\)/)
    expect(progress.endsWith('\r\x1b[K')).toBe(true)
  })

  it('stays quiet with --json', async () => {
    const { code, progress } = await run('--json')
    expect(code).toBe(0)
    expect(progress).toBe('')
  })
})
