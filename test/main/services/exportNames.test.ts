import { describe, expect, it } from 'vitest'
import { inlineServices } from '../../support/services'

const LOG = 'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\n'

describe('exportHostJson: the suggested file name comes from the upload, cleaned', () => {
  it.each([
    // Before: "../../etc/passwd" lost only "./etc/passwd" to the extension regex: "../..host.json".
    ['../../etc/passwd', 'passwd.host.json'],
    ['C:\\logs\\spr host.dmesg.txt', 'spr-host-dmesg.host.json'],
    ['\x1b[31m.log', '31m.host.json'],
    ['..', 'host.host.json']
  ])('%j → %s', async (fileName, expected) => {
    const { planner } = inlineServices()
    const r = await planner.analyzeHostText({ jobId: 'j', fileName, text: LOG })
    if (!r.ok) throw new Error(r.error.message)
    const exported = await planner.exportHostJson({ hostId: r.value.hostId })
    expect(exported.ok && exported.value.fileName).toBe(expected)
  })
})
