import { toCsv } from './csv'
import type { HostAnalysis } from '../model/host/analyzeHost'
import { pamtByLevelRows } from './pamtByLevelChart'

/** CSV of the static-vs-dynamic chart: raw bytes, one row per level. */
export function pamtByLevelCsv(a: HostAnalysis): string {
  return toCsv({
    fields: ['level', 'static_pamt_bytes', 'dynamic_pamt_bytes'],
    data: pamtByLevelRows(a).map((r) => [r.category, r.staticBytes, r.dynamicBytes])
  })
}

/** CSV of the refcount chart: bytes and 4 KiB pages for both schemes. */
export function refcountCsv(a: HostAnalysis): string {
  const r = a.refcounts
  return toCsv({
    fields: ['scheme', 'bytes', 'pages'],
    data: [
      ['dense (v6)', r.denseBytes, r.densePages],
      ['sparse (v4, seed 002)', r.sparseBytes, r.sparsePages]
    ]
  })
}
