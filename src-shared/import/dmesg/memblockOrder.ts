/**
 * Which `e820: update` / `e820: remove` lines change the memory TDX uses. TDX builds its memory list
 * from memblock.memory (build_tdx_memlist(), arch/x86/virt/vmx/tdx/tdx.c), and memblock.memory is
 * filled once from the e820 table by e820__memblock_setup() (arch/x86/kernel/e820.c). An e820 edit
 * printed after that call (EFI reservations through efi_mem_reserve() → efi_arch_mem_reserve(),
 * the kexec-table update of e820__memblock_alloc_reserved(), …) changes the e820 table only.
 *
 * The kernel prints nothing in e820__memblock_setup() itself, so the boundary is placed from the
 * order in which setup_arch() (arch/x86/kernel/setup.c) prints other lines. The order below is the
 * same in v5.15 (linux-5.15.100), v6.1.192 and a 2025 linux-next tree (commit 0ee5b1cd0254):
 *
 *   e820__reserve_setup_data(), e820__finish_early_params()  (mem=/memmap=), efi_init()
 *   e820_add_kernel_range(); trim_bios_range()               "e820: update [mem 0x00000000-0x00000fff]
 *                                                            usable ==> reserved",
 *                                                            "e820: remove [mem 0x000a0000-0x000fffff] usable"
 *   max_pfn = e820__end_of_ram_pfn()                          "last_pfn = … max_arch_pfn = …"
 *   mtrr_trim_uncached_memory()                               "e820: update … usable ==> reserved" per
 *                                                            trimmed range; if RAM was trimmed:
 *                                                            "update e820 for mtrr", the modified
 *                                                            table, and last_pfn again
 *   e820__end_of_low_ram_pfn() (max_pfn above 4 GiB)          "last_pfn = …" again
 *   find_mptable(), early_alloc_pgt_buf(), reserve_brk(),
 *   cleanup_highmap()                                         no e820 edit
 *   e820__memblock_setup()                                    ← the boundary
 *   efi_esrt_init()                                           "esrt: Reserving ESRT space …" then its
 *                                                            e820 update; efi_mokvar_table_init()
 *   init_mem_mapping(), "Secure boot …", reserve_initrd() "RAMDISK: …", initmem_init() (NUMA,
 *   SRAT), paging_init() "Zone ranges:", acpi_boot_init() (BGRT image: another e820 update), …
 */
import type { E820Edit } from './e820Table'
import { maxOf } from '../../util/arrays'

/** The lines of one boot that place e820 edits relative to e820__memblock_setup(). */
export interface MemblockOrder {
  /** `last_pfn = … max_arch_pfn = …` (e820__end_of_ram_pfn / e820__end_of_low_ram_pfn). */
  lastPfnLines: number[]
  /** `update e820 for mtrr` (mtrr_trim_uncached_memory() after trimming RAM). */
  mtrrUpdateLine: number | null
  /** The first line the kernel prints only after e820__memblock_setup(), and what it was. */
  firstAfterLine: number | null
  firstAfterWhat: string | null
}

export function emptyMemblockOrder(): MemblockOrder {
  return { lastPfnLines: [], mtrrUpdateLine: null, firstAfterLine: null, firstAfterWhat: null }
}

/** `last_pfn = %#lx max_arch_pfn = %#lx`, with `e820: ` before it on older kernels. */
export const LAST_PFN_RE = /\blast_pfn = 0x[0-9a-fA-F]+ max_arch_pfn = 0x[0-9a-fA-F]+/
/** pr_info("update e820 for mtrr\n") in mtrr_trim_uncached_memory() (cpu/mtrr/cleanup.c). */
export const MTRR_UPDATE_TEXT = 'update e820 for mtrr'

/**
 * Lines that setup_arch() and later code print only after e820__memblock_setup(), besides the
 * NUMA, SRAT and TDX lines the importer already reads: efi_esrt_init() (drivers/firmware/efi/esrt.c),
 * the kexec/firmware table note of e820__memblock_alloc_reserved(), init_memory_mapping() of
 * init_mem_mapping() (arch/x86/mm/init.c), the secure boot state and reserve_initrd() in
 * setup_arch(), and the zone lines of free_area_init() (mm/mm_init.c).
 */
const AFTER_LINES: ReadonlyArray<[RegExp, string]> = [
  [/esrt: Reserving ESRT space from /, 'ESRT reservation'],
  [
    /update e820_table_(?:kexec|firmware) for e820__memblock_alloc_reserved/,
    'e820__memblock_alloc_reserved'
  ],
  [/init_memory_mapping: \[mem /, 'init_memory_mapping'],
  [/\bSecure boot (?:disabled|enabled|could not be determined)/, 'Secure boot'],
  [/\bRAMDISK: \[mem /, 'RAMDISK'],
  [/\bZone ranges:/, 'Zone ranges'],
  [/\bEarly memory node ranges/, 'Early memory node ranges']
]

/** Cheap test before the regexes: every AFTER_LINES pattern has one of these words. */
function mayBeAfterLine(raw: string): boolean {
  return (
    raw.includes('esrt') ||
    raw.includes('e820_table_') ||
    raw.includes('init_memory_mapping') ||
    raw.includes('Secure boot') ||
    raw.includes('RAMDISK') ||
    raw.includes('Zone ranges') ||
    raw.includes('Early memory node')
  )
}

/** What an after-memblock line is (for the summary note), or null when it is none of them. */
export function readAfterMemblockLine(raw: string): string | null {
  if (!mayBeAfterLine(raw)) return null
  for (const [re, what] of AFTER_LINES) if (re.test(raw)) return what
  return null
}

/** trim_bios_range(): `e820: remove [mem 0x000a0000-0x000fffff] usable` (BIOS_BEGIN-BIOS_END, RAM). */
function isBiosRangeTrim(e: E820Edit): boolean {
  return (
    e.kind === 'remove' && e.baseBytes === 0xa0000 && e.endBytes === 0x100000 && e.typeKey === 'ram'
  )
}

type TableEdit = Exclude<E820Edit, { kind: 'user-table' }>

/** How the boundary was placed; `none` when no line of the log places it (every edit applies). */
export type MemblockBoundaryRule = 'last-pfn' | 'mtrr' | 'bios-trim' | 'after-line' | 'none'

export interface EditSplit {
  /** Edits before e820__memblock_setup(), and the user-table starts, in log order. */
  applied: E820Edit[]
  /** Update/remove edits after it: recognised, not applied. */
  ignored: TableEdit[]
  rule: MemblockBoundaryRule
  /** The line the rule is anchored on (last_pfn, mtrr, BIOS-range trim, or first after-line). */
  anchorLine: number | null
  /**
   * Of `ignored`, the edits placed only by the `bios-trim` rule: after the BIOS-range trim, with
   * no last_pfn, mtrr or after-line between (they are MTRR trims that removed no RAM, or later).
   */
  unplacedLines: number[]
}

/**
 * Split the edits of one boot at e820__memblock_setup(), by the first rule that the log allows:
 *
 * 1. `last-pfn`: edits before the boot's last `last_pfn` line apply. Every e820 edit setup_arch()
 *    makes before e820__memblock_setup() precedes that line (it follows the MTRR trim), and none
 *    comes between it and e820__memblock_setup().
 * 2. `mtrr`: no last_pfn line, but `update e820 for mtrr`: edits up to it apply.
 * 3. `bios-trim`: neither, but trim_bios_range()'s `e820: remove [mem 0x000a0000-0x000fffff] usable`
 *    (printed on every boot): edits up to it apply. Between it and e820__memblock_setup() only
 *    mtrr_trim_uncached_memory() edits e820, and a trim that removes RAM always prints `update e820
 *    for mtrr`; without that line such trims changed no RAM, so leaving them out gives the same
 *    memory, and the later EFI reservations are rightly left out.
 * 4. `after-line`: only a line printed after e820__memblock_setup() (NUMA, SRAT, TDX, ESRT, …):
 *    edits before it apply.
 * 5. `none`: nothing places the edits: all apply (as a log that holds only the early edits reads).
 */
export function splitEditsAtMemblock(edits: readonly E820Edit[], order: MemblockOrder): EditSplit {
  const trim = edits.find(isBiosRangeTrim)
  const after = order.firstAfterLine
  let rule: MemblockBoundaryRule
  let anchorLine: number | null
  /** Edits on lines up to `lastApplied` apply. */
  let lastApplied: number
  if (order.lastPfnLines.length > 0) {
    rule = 'last-pfn'
    anchorLine = maxOf(order.lastPfnLines)
    lastApplied = anchorLine
  } else if (order.mtrrUpdateLine !== null) {
    rule = 'mtrr'
    anchorLine = order.mtrrUpdateLine
    lastApplied = anchorLine
  } else if (trim !== undefined) {
    rule = 'bios-trim'
    anchorLine = trim.line
    lastApplied = anchorLine
  } else if (after !== null) {
    rule = 'after-line'
    anchorLine = after
    lastApplied = after - 1
  } else {
    rule = 'none'
    anchorLine = null
    lastApplied = Infinity
  }
  const applied: E820Edit[] = []
  const ignored: TableEdit[] = []
  const unplacedLines: number[] = []
  for (const e of edits) {
    if (e.kind === 'user-table' || e.line <= lastApplied) {
      applied.push(e)
      continue
    }
    ignored.push(e)
    if (rule === 'bios-trim' && (after === null || e.line < after)) unplacedLines.push(e.line)
  }
  return { applied, ignored, rule, anchorLine, unplacedLines }
}

/** "line 7" or "lines 7, 9". */
function linesText(lines: readonly number[]): string {
  return `line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`
}

/** The summary note for the edits left out, or null when none was. */
export function ignoredEditsNote(split: EditSplit, order: MemblockOrder): string | null {
  const n = split.ignored.length
  if (n === 0) return null
  const one = n === 1
  const head = `${n} e820 update/remove line${one ? '' : 's'} (${linesText(split.ignored.map((e) => e.line))}) ${one ? 'was' : 'were'} recognised but not applied: the kernel printed ${one ? 'it' : 'them'} after e820__memblock_setup() had filled memblock from the e820 table, so ${one ? 'it does' : 'they do'} not change the memory TDX uses.`
  const a = split.anchorLine
  const follow = one ? 'It follows' : 'They follow'
  switch (split.rule) {
    case 'last-pfn':
      return `${head} ${follow} line ${a} ("last_pfn"), the last line setup_arch() prints before it fills memblock.`
    case 'mtrr':
      return `${head} ${follow} line ${a} ("update e820 for mtrr"), the MTRR trim that setup_arch() makes just before it fills memblock.`
    case 'after-line':
      return `${head} ${follow} line ${a} (${order.firstAfterWhat}), which the kernel prints after it fills memblock.`
    case 'bios-trim': {
      const placed = split.ignored
        .map((e) => e.line)
        .filter((l) => !split.unplacedLines.includes(l))
      const u = split.unplacedLines
      const placedPart =
        placed.length > 0 && order.firstAfterLine !== null
          ? ` ${linesText(placed).replace(/^l/, 'L')} follow${placed.length === 1 ? 's' : ''} line ${order.firstAfterLine} (${order.firstAfterWhat}), printed after memblock is filled.`
          : ''
      const unplacedPart =
        u.length > 0
          ? ` ${linesText(u).replace(/^l/, 'L')} follow${u.length === 1 ? 's' : ''} the BIOS-range trim (line ${a}) with no "last_pfn" or "update e820 for mtrr" line after it: an MTRR trim before memblock setup that removed RAM prints "update e820 for mtrr", so ${u.length === 1 ? 'this is an EFI reservation made later or an MTRR trim' : 'these are EFI reservations made later or MTRR trims'} that removed no RAM, and leaving ${u.length === 1 ? 'it' : 'them'} out gives the memory the kernel used.`
          : ''
      return `${head}${placedPart}${unplacedPart}`
    }
    case 'none':
      return head
  }
}
