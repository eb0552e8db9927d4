/**
 * The empty state's "What file do I need?" commands and docs/host-format.md ("Other inputs") must
 * say the same thing: every command in the table, byte for byte.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CAPTURE_COMMANDS } from '../../../src-shared/import/captureCommands'
import { FIRMWARE_MEMMAP_COMMAND } from '../../../src-shared/import/firmwareMemmap'

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/host-format.md', import.meta.url)), 'utf8')
const otherInputs = DOC.slice(DOC.indexOf('## Other inputs'))

describe('capture commands', () => {
  it.each(CAPTURE_COMMANDS.flatMap((c) => c.commands))(
    'docs/host-format.md gives `%s` in its Other inputs table',
    (command) => {
      expect(otherInputs).toContain(`\`${command}\``)
    }
  )

  it('dumps /sys/firmware/memmap with the one-liner the importer documents', () => {
    const memmap = CAPTURE_COMMANDS.find((c) => c.id === 'firmware-memmap')!
    expect(memmap.commands).toEqual([`${FIRMWARE_MEMMAP_COMMAND} > host-memmap.txt`])
  })

  it('covers every format a newcomer can capture, the boot log first', () => {
    expect(CAPTURE_COMMANDS.map((c) => c.id)).toEqual([
      'dmesg',
      'iomem',
      'firmware-memmap',
      'lsmem',
      'numactl'
    ])
  })
})
