import { describe, expect, it } from 'vitest'
import { hostCopyText, pamtLevelTable } from '@shared/report/text/hostText'
import { renderTextTable, TEXT_WIDTH, textWidth } from '@shared/report/text/textTable'
import { fixtureHost } from '../../../support/testHosts'

/**
 * The SPR fixture: CMRs [1 MiB, 0x77800000), [4 GiB, 0x206e000000), [0x2080000000, 0x4070000000)
 * and the kernel's "1050636 KB allocated for PAMT" (line 17), "module initialized" (line 18).
 */
const spr = fixtureHost('tdx-spr-8480c-2s-256g-cmr-only.txt')

describe('Copy as text: host', () => {
  const text = hostCopyText(spr, '1.2.3')
  const lines = text.split('\n')

  it('keeps every line within 78 columns and ends with a newline', () => {
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(TEXT_WIDTH)
    expect(text.endsWith('\n')).toBe(true)
  })

  it('leads with the version, the host, its TDX memory and both verdicts', () => {
    // TDX memory = the three CMRs: 2,003,828,736 + 134,989,479,936 + 137,170,518,016 bytes
    // = 274,163,826,688 bytes = 255.33 GiB. TDMRs 1 GiB aligned: [0, 2), [4, 130), [130, 258) GiB.
    expect(lines.slice(0, 5)).toEqual([
      'PAMT Planner 1.2.3; timing numbers are modelled, not measured',
      'Host: tdx-spr-8480c-2s-256g-cmr-only.txt (memory from TDX CMR lines)',
      'TDX memory: 255.33 GiB (274,163,826,688 bytes), 3 blocks, 1 node, 3 TDMRs',
      'TDX init: kernel succeeded (line 18); model succeeds',
      'Kernel printed 1050636 KB allocated for PAMT; model 1050636 KB: match'
    ])
  })

  it('prints PAMT per level, static beside Dynamic PAMT, aligned under the headers', () => {
    // TDMRs cover 2 + 126 + 128 = 256 GiB. Static: PAMT_4K 256 GiB / 4 KiB × 16 B = 1 GiB;
    // PAMT_2M 256 GiB / 2 MiB × 16 B = 2 MiB; PAMT_1G 16 B per GiB, one 4 KiB page per TDMR: 3 ×
    // 4096. Total 1,075,851,264 B = 1050636 KB, the kernel's line. Dynamic PAMT: a 1-bit bitmap,
    // 256 GiB / 4 KiB / 8 = 8 MiB, the same 2M and 1G: 10,498,048 B = 10252 KB.
    expect(renderTextTable(pamtLevelTable(spr))).toEqual([
      'PAMT per level, no TD running',
      'level      static PAMT (bytes)  Dynamic PAMT (bytes)',
      '---------  -------------------  --------------------',
      'PAMT_4K          1,073,741,824                     —',
      '4K bitmap                    —             8,388,608',
      'PAMT_2M              2,097,152             2,097,152',
      'PAMT_1G                 12,288                12,288',
      'total            1,075,851,264            10,498,048',
      'In KB as the kernel prints it: static PAMT 1050636 KB, Dynamic PAMT 10252 KB.',
      '  A running TD adds a PAMT page pair (8 KiB) per 2 MiB region holding',
      '  4K-mapped pages.'
    ])
    expect(text).toContain(renderTextTable(pamtLevelTable(spr)).join('\n'))
  })

  it('prints the refcount array dense and sparse', () => {
    // Dense: max_pfn = 0x4070000000 / 4 KiB; 131,968 regions × 4 B = 527,872 B, page aligned:
    // 129 pages = 528,384 B. Sparse: a page per 2 GiB window holding TDX memory: window 0, 2–64
    // and 65–128: 1 + 63 + 64 = 128 pages = 524,288 B. The page tables are the model's own
    // (modelled) output.
    const i = lines.indexOf('Refcount array (4 B per 2 MiB region)')
    expect(lines.slice(i + 1, i + 5)).toEqual([
      'layout                 size (bytes)  pages  page tables (bytes)',
      '---------------------  ------------  -----  -------------------',
      'dense (v6)                  528,384    129                8,192',
      'sparse (v4, seed 002)       524,288    128                8,192'
    ])
    // No TD: 10,498,048 + 528,384 = 11,026,432 B; 1,075,851,264 − that = 1015.50 MiB less.
    expect(text).toContain(
      'Dynamic PAMT with no TD running (static part + dense refcounts): 11,026,432\n  bytes (10.52 MiB), 1015.50 MiB less than static PAMT.'
    )
  })

  it('says when the kernel failed where the model does not, with the line', () => {
    const gappy = hostCopyText(fixtureHost('tdx-spr-gappy-cmrs-tdx10-fail.txt'), '1.2.3')
    expect(gappy.split('\n')[3]).toBe('TDX init: kernel FAILED (line 18); model succeeds')
    for (const l of gappy.split('\n')) expect(textWidth(l)).toBeLessThanOrEqual(TEXT_WIDTH)
  })
})
