/**
 * How to get each host format the importers read off a host: one shell line per format, shown in
 * the empty state's "What file do I need?" list and in docs/host-format.md ("Other inputs"; a test
 * keeps both the same).
 */
import { FIRMWARE_MEMMAP_COMMAND } from './firmwareMemmap'

export interface CaptureCommand {
  /** Stable id for tests and keys. */
  readonly id: 'dmesg' | 'iomem' | 'firmware-memmap' | 'lsmem' | 'numactl'
  /** The input as people name it. */
  readonly label: string
  /** The shell lines to run on the host, the first preferred (alternatives after it). */
  readonly commands: readonly string[]
  /** What the file gives the planner, or what to watch for, in one sentence. */
  readonly note: string
}

/** Every host format, best first: a boot log carries the most (e820, SRAT, CMRs, the TDX lines). */
export const CAPTURE_COMMANDS: readonly CaptureCommand[] = [
  {
    id: 'dmesg',
    label: 'Boot log (best)',
    commands: ['sudo dmesg > host-dmesg.txt', 'journalctl -k -b > host-dmesg.txt'],
    note: 'The e820 map, NUMA (SRAT), CMRs and the TDX module lines. On a host up for long the dmesg ring buffer may have lost the boot: use journalctl.'
  },
  {
    id: 'iomem',
    label: '/proc/iomem',
    commands: ['sudo cat /proc/iomem > host-iomem.txt'],
    note: 'The memory map after the kernel’s edits. Root is needed: without it every address reads as zero.'
  },
  {
    id: 'firmware-memmap',
    label: '/sys/firmware/memmap',
    commands: [`${FIRMWARE_MEMMAP_COMMAND} > host-memmap.txt`],
    note: 'The firmware’s map before the kernel’s edits.'
  },
  {
    id: 'lsmem',
    label: 'lsmem',
    commands: ['lsmem -J -b -o RANGE,SIZE,STATE,NODE,ZONES > host-lsmem.json'],
    note: 'Memory blocks with their NUMA node; holes smaller than a block are invisible.'
  },
  {
    id: 'numactl',
    label: 'numactl',
    commands: ['numactl -H >> host-iomem.txt'],
    note: 'Node sizes without addresses: append it to one of the maps above to add a NUMA layout.'
  }
]
