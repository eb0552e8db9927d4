import { describe, expect, it } from 'vitest'
import { parseBootLog } from '@shared/import/bootLog'
import { applyEdits, parseUpdateLine } from '@shared/import/dmesg/e820Table'
import { analyzeHost } from '@shared/model/host/analyzeHost'
import type { HostInput } from '@shared/model/host/memoryMap'
import { readHostFixture } from '../../../support/fixtures'

/**
 * Three real logs whose late `e820: update … usable ==> reserved` lines (EFI ESRT / BGRT
 * reservations through efi_arch_mem_reserve(), made after e820__memblock_setup()) used to become
 * TDX holes. "Before" re-applies the left-out lines to the imported map, as the importer did; the
 * reserved-area counts are derived by hand from the e820 lines in each comment (default options:
 * static PAMT, first-candidate placement; every PAMT chunk lands at or above 4 GiB, outside the
 * TDMRs counted here).
 */
function load(name: string): { host: HostInput; notes: string[]; text: string[] } {
  const text = readHostFixture(name)
  const r = parseBootLog(text, name)
  if (!r.ok) throw new Error(`${r.error.fileName}:${r.error.line}: ${r.error.message}`)
  return { host: r.host, notes: r.summary.notes, text: text.split('\n') }
}

/** The host as the importer built it before: the left-out lines applied on top, in log order. */
function withLateEdits(name: string, lines: number[]): HostInput {
  const { host, text } = load(name)
  const edits = lines.map((l) => parseUpdateLine(text[l - 1]!, name, l))
  return { ...host, ranges: applyEdits(host.ranges, edits) }
}

const GiB = 2 ** 30
const areas = (host: HostInput): Array<[number, number, number]> =>
  analyzeHost(host).tdmrs.map((t) => [
    t.baseBytes / GiB,
    (t.baseBytes + t.sizeBytes) / GiB,
    t.reservedAreas.length
  ])

describe('Dell XPS 13 9370 laptop: the late update on line 40 is left out', () => {
  const name = 'laptop-dell-xps13-9370-16g.txt'
  it('says which line was left out and why', () => {
    // Lines 36-37 are trim_bios_range(); line 38 "No NUMA configuration found" comes from NUMA
    // init, after memblock setup; line 40 "update [mem 0x39d10000-0x39d83fff]" follows it.
    expect(load(name).notes).toEqual([
      '2 e820 update/remove lines were applied to the table in log order.',
      '1 e820 update/remove line (line 40) was recognised but not applied: the kernel printed it after e820__memblock_setup() had filled memblock from the e820 table, so it does not change the memory TDX uses. Line 40 follows line 38 (NUMA init), printed after memblock is filled.'
    ])
  })
  it('counts 3 reserved areas in TDMR [0, 1G) instead of 4', () => {
    // RAM above 1 MiB below 1 GiB: [0x100000, 0x2bd33000), [0x2bd35000, 0x3d384000),
    // [0x3ffff000, 0x40000000). Holes: [0, 1M), [0x2bd33000, 0x2bd35000), [0x3d384000, 0x3ffff000);
    // the last block ends at 1 GiB, so no tail: 3. Line 40 would cut [0x39d10000, 0x39d84000) out
    // of the second block: one hole more, 4. TDMR [1G, 2G) (block [0x48000000, 0x48e00000): head
    // and tail holes) and [4G, 19G) (one tail hole, 3 PAMT chunks) do not change.
    expect(areas(load(name).host)).toEqual([
      [0, 1, 3],
      [1, 2, 2],
      [4, 19, 4]
    ])
    expect(areas(withLateEdits(name, [40]))).toEqual([
      [0, 1, 4],
      [1, 2, 2],
      [4, 19, 4]
    ])
  })
})

describe('MSI A320M desktop: lines 35-37 and 40 are left out', () => {
  const name = 'desktop-amd-msi-a320m-16g.txt'
  it('says which lines were left out and why', () => {
    // Lines 29-32 ("usable ==> usable", setup_data) and 33-34 (trim_bios_range) apply. Lines 35-36
    // (MTRR trims of non-RAM) and 37 (ESRT page) follow the trim with no last_pfn line; line 40
    // (BGRT image) follows line 38 "No NUMA configuration found".
    const { notes } = load(name)
    expect(notes[0]).toBe('6 e820 update/remove lines were applied to the table in log order.')
    expect(notes[1]).toMatch(
      /^4 e820 update\/remove lines \(lines 35, 36, 37, 40\) were recognised but not applied: .* Line 40 follows line 38 \(NUMA init\), printed after memblock is filled\. Lines 35, 36, 37 follow the BIOS-range trim \(line 34\)/
    )
  })
  it('counts 3 reserved areas in TDMR [1G, 4G) instead of 5', () => {
    // TDMR [1G, 4G) covers RAM [1G, 0xdbd62000), [0xdbeac000, 0xdc02d000), [0xdd049000, 0xdf000000).
    // Holes: [0xdbd62000, 0xdbeac000), [0xdc02d000, 0xdd049000) and the tail [0xdf000000, 4G): 3.
    // Lines 35 ([0xdc7b0000, 0xdc7bffff], inside reserved) and 36 ([0xe0000000, 0xffffffff], no RAM)
    // change nothing; lines 37 ([0xd87c3000, 0xd87c3fff]) and 40 ([0xd8577000, 0xd85d3fff]) each cut
    // a hole in [1G, 0xdbd62000): 5. TDMR [0, 1G) has 4 holes ([0, 1M) and the gaps at 0x9d80000,
    // 0xa200000, 0xb000000) either way; [4G, 17G) has its tail hole and 3 PAMT chunks.
    expect(areas(load(name).host)).toEqual([
      [0, 1, 4],
      [1, 4, 3],
      [4, 17, 4]
    ])
    expect(areas(withLateEdits(name, [35, 36, 37, 40]))).toEqual([
      [0, 1, 4],
      [1, 4, 5],
      [4, 17, 4]
    ])
  })
})

describe('Lenovo P520 workstation: lines 35-36 are left out', () => {
  const name = 'workstation-lenovo-p520-xeonw-64g.txt'
  it('says which lines were left out and why', () => {
    const { notes } = load(name)
    expect(notes[0]).toBe('2 e820 update/remove lines were applied to the table in log order.')
    expect(notes[1]).toMatch(
      /^2 e820 update\/remove lines \(lines 35, 36\) were recognised but not applied: .* Lines 35, 36 follow the BIOS-range trim \(line 34\) with no "last_pfn" or "update e820 for mtrr" line after it/
    )
  })
  it('counts 3 reserved areas in TDMR [0, 2G) instead of 4', () => {
    // TDMR [0, 2G) covers RAM [0x100000, 0x62a8f000) and [0x6c9a8000, 0x6e700000). Holes: [0, 1M),
    // [0x62a8f000, 0x6c9a8000) and the tail [0x6e700000, 2G): 3. Line 35 ([0x7e000000, 0xffffffff])
    // touches no RAM; line 36 ([0x604e0000, 0x604e0fff], the ESRT page) cuts one hole: 4.
    // TDMR [4G, 66G) is all RAM, with its own and TDMR 0's PAMT chunks: 2 areas either way.
    expect(areas(load(name).host)).toEqual([
      [0, 2, 3],
      [4, 66, 2]
    ])
    expect(areas(withLateEdits(name, [35, 36]))).toEqual([
      [0, 2, 4],
      [4, 66, 2]
    ])
  })
})
