import { toCsv } from '../csv'
import type { HostAnalysis } from '../../model/host/analyzeHost'
import { toHex } from '../../model/host/units'
import { ADDRESS_MAP_LANES, addressMapItems } from './lanes'

/** CSV of every range the address map draws: lane, kind, [base, end) in hex and bytes, source line. */
export function addressMapCsv(a: HostAnalysis): string {
  const laneLabel = new Map<string, string>(ADDRESS_MAP_LANES.map((l) => [l.id, l.label]))
  return toCsv({
    fields: ['lane', 'kind', 'base', 'end', 'size_bytes', 'type', 'line'],
    data: addressMapItems(a).map((i) => [
      laneLabel.get(i.lane) ?? i.lane,
      i.kind,
      toHex(i.baseBytes),
      toHex(i.endBytes),
      i.endBytes - i.baseBytes,
      i.typeLabel,
      i.line ?? ''
    ])
  })
}
