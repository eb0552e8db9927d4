import { describe, expect, it } from 'vitest'
import { safeFileName, safeFileStem } from '@shared/util/fileNames'

describe('safeFileStem', () => {
  it('keeps only the last path component of an uploaded name', () => {
    // Before: "../../etc/passwd".replace(/\.[^.]+$/, '') left "../." and the export was
    // "../..host.json".
    expect(safeFileStem('../../etc/passwd', 'host')).toBe('passwd')
    expect(safeFileStem('..\\..\\Windows\\win.ini', 'host')).toBe('win')
  })

  it('drops the extension and turns other characters into dashes', () => {
    expect(safeFileStem('spr 8480c (2s).dmesg.txt', 'host')).toBe('spr-8480c-2s-dmesg')
    expect(safeFileStem('host\x1b[31m.log', 'host')).toBe('host-31m')
  })

  it('falls back when nothing is left, and caps the length at 60', () => {
    expect(safeFileStem('../..', 'host')).toBe('host')
    expect(safeFileStem('.bashrc', 'host')).toBe('host')
    expect(safeFileStem(`${'a'.repeat(100)}.txt`, 'host')).toBe('a'.repeat(60))
  })
})

describe('safeFileName', () => {
  it('removes separators, control characters and leading dots, keeps the extension', () => {
    expect(safeFileName('../../etc/passwd.host.json', 'download')).toBe('etc-passwd.host.json')
    expect(safeFileName('a\x00b:c.csv', 'download')).toBe('a-b-c.csv')
    expect(safeFileName('...', 'download')).toBe('download')
    // A right-to-left override or isolate would show "report\u202egpj.exe" as "reportexe.jpg".
    expect(safeFileName('report\u202egpj.exe', 'download')).toBe('report-gpj.exe')
    expect(safeFileName('\u2066.csv', 'download')).toBe('csv')
  })
})
