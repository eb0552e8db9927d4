import type { MemoryRangeType } from '../model/host/memoryMap'

/**
 * Map an e820 type string to our type, in both the classic vocabulary (e820_print_type(): `usable`,
 * `reserved`, `soft reserved`, `ACPI data`, `ACPI NVS`, `unusable`, `persistent (type 12)`,
 * `type N`) and the 2025+ one (`System RAM`, `device reserved`, `persistent RAM (type N)`).
 * Returns null for text that is no e820 type.
 */
export function parseE820Type(text: string): MemoryRangeType | null {
  const t = text.trim().replace(/\s+/g, ' ').toLowerCase()
  if (t === 'usable' || t === 'system ram') return 'ram'
  if (t === 'reserved' || t === 'device reserved') return 'reserved'
  if (t === 'soft reserved') return 'soft-reserved'
  if (t === 'acpi data') return 'acpi-data'
  if (t === 'acpi nvs') return 'acpi-nvs'
  if (t === 'unusable') return 'unusable'
  if (/^persistent (ram )?\(type \d+\)$/.test(t)) return 'persistent'
  if (/^type \d+$/.test(t)) return 'other'
  return null
}
