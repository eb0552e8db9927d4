import {
  emptyKernelTdxLog,
  type CmrRange,
  type KernelTdxLog,
  type MemoryRange,
  type NumaMemblk
} from '../../model/host/memoryMap'
import type { E820Edit } from './e820Table'
import { emptyMemblockOrder, type MemblockOrder } from './memblockOrder'
import type { NumaMerge } from './numaLines'
import type { TdxLineKind } from './tdxLines'

/**
 * The lines of one boot. A journal can hold several boots; each starts with the kernel banner or
 * with a new BIOS-e820 table after the previous one ended, and only the last boot is used.
 */
export interface Boot {
  /** 1-based line where this boot's lines start. */
  firstLine: number
  bios: MemoryRange[]
  /** A line of another kind followed the BIOS table, so another BIOS-e820 line is a new boot. */
  biosClosed: boolean
  /** Update/remove lines and user-table starts, in log order. */
  edits: E820Edit[]
  /** Lines that place the edits before or after e820__memblock_setup() (memblockOrder.ts). */
  memblockOrder: MemblockOrder
  /** The user-defined table being read (after its header), if any. */
  userTable: MemoryRange[] | null
  userTables: MemoryRange[][]
  headerlessUserLines: number
  srat: NumaMemblk[]
  /** SRAT CPU affinity: APIC ids per node, and the lines (the contention model's machine). */
  sratCpus: { perNode: Map<number, Set<number>>; lines: number[] }
  sratNonVolatileLines: number[]
  merges: NumaMerge[]
  /** `No NUMA configuration found` / `Faking a node` / `NUMA turned off`. */
  noNuma: boolean
  cmrs: CmrRange[]
  kernelLog: KernelTdxLog
  tdxKinds: Map<TdxLineKind, number[]>
  /** Any memory, NUMA or TDX line seen: a kernel banner after this starts a new boot. */
  hasContent: boolean
}

export function newBoot(firstLine: number): Boot {
  return {
    firstLine,
    bios: [],
    biosClosed: false,
    edits: [],
    memblockOrder: emptyMemblockOrder(),
    userTable: null,
    userTables: [],
    headerlessUserLines: 0,
    srat: [],
    sratCpus: { perNode: new Map(), lines: [] },
    sratNonVolatileLines: [],
    merges: [],
    noNuma: false,
    cmrs: [],
    kernelLog: emptyKernelTdxLog(),
    tdxKinds: new Map(),
    hasContent: false
  }
}

export function hasMemoryMap(boot: Boot): boolean {
  return boot.bios.length > 0 || boot.userTables.length > 0 || boot.cmrs.length > 0
}
