import { describe, expect, it } from 'vitest'
import { importHostText } from '@shared/import/importHost'
import { hostInputToJson } from '@shared/import/hostJson'

/**
 * Found by the host importer fuzz test: hosts imported from a log whose saved host JSON was refused
 * when loaded again. Every value a log can give must fit what the host JSON accepts.
 */
const E820 = 'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\n'

function roundTrip(log: string): ReturnType<typeof importHostText> {
  const first = importHostText(log, 'h.log')
  if (!first.ok) throw new Error(first.error.message)
  return importHostText(hostInputToJson(first.host), 'h.host.json')
}

describe('a host saved from any log loads again', () => {
  it('a module version longer than 200 characters is kept to 200', () => {
    const version = `1.${'5.'.repeat(150)}0`
    const again = roundTrip(`${E820}virt/tdx: Module version: ${version}\n`)
    if (!again.ok) throw new Error(again.error.message)
    // 199 characters of the version and an ellipsis: the 200 the host JSON holds.
    expect(again.host.kernelLog.moduleVersion).toBe(`${version.slice(0, 199)}…`)
  })

  it('a PAMT size past 2^53 KB is not taken as the kernel’s PAMT line', () => {
    const first = importHostText(
      `${E820}virt/tdx: 99999999999999999999 KB allocated for PAMT\n`,
      'h.log'
    )
    if (!first.ok) throw new Error(first.error.message)
    expect(first.host.kernelLog.pamtKb).toBeNull()
    expect(roundTrip(`${E820}virt/tdx: 1050636 KB allocated for PAMT\n`).ok).toBe(true)
  })

  it('an SRAT whose nodes overlap: loaded with a note, as the log was', () => {
    const again = roundTrip(
      `${E820}SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]\nSRAT: Node 1 PXM 1 [mem 0x40000000-0xbfffffff]\n`
    )
    if (!again.ok) throw new Error(again.error.message)
    expect(again.summary.notes.join(' ')).toContain(
      'the kernel rejects such a layout and uses one node'
    )
  })
})
