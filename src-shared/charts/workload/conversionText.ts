import type { ConversionNote } from '../../model/workload/generateEvents'
import { formatBytes } from '../formatBytes'

const LEAF: Record<ConversionNote['kvmMaxLeaf'], string> = {
  '4k': '4K, as mainline KVM',
  '2m': '2M, the huge-page series',
  '1g': '1G, a future option not in KVM today'
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/**
 * One class's private-to-shared conversions in one sentence, the same in the GUI and the CLI: the
 * inputs the result depends on (leaf size, pool size and its source, offset, scattered buffers)
 * and what one TD pays for them (docs/workload-model.md, "Private/shared conversion").
 */
export function conversionNoteText(n: ConversionNote): string {
  const inputs: string[] = []
  if (n.poolBytes > 0) {
    const source = n.poolFromSwiotlbDefault
      ? 'the guest swiotlb default, clamp(6 % of memory, 64 MiB, 1 GiB)'
      : 'given'
    inputs.push(
      `a ${formatBytes(n.poolBytes)} shared pool (${source}) from page ${n.poolOffsetPages} of its first 2 MiB`
    )
  }
  if (n.scatteredBytes > 0) {
    const back =
      n.scatteredSharedForNs === null
        ? 'shared until teardown'
        : `back to private after ${+(n.scatteredSharedForNs / 1e9).toFixed(3)} s`
    inputs.push(
      `${formatBytes(n.scatteredBytes)} of scattered buffers, ${plural(n.pagesPerSplit, 'page')} per 2 MiB, ${back}`
    )
  }
  const at = n.atNs > 0 ? ` ${+(n.atNs / 1e9).toFixed(3)} s after start` : ' at boot'
  const cost = [
    `${plural(n.splitMappings, '2M mapping')} split (a pair each)`,
    `${plural(n.wholeMappings, '2M mapping')} converted whole (no pair)`
  ]
  if (n.oneGSplits > 0) cost.push(`${plural(n.oneGSplits, '1G mapping')} split to 2M`)
  if (n.fourKPages > 0) cost.push(`${plural(n.fourKPages, '4K page')} removed`)
  const clipped =
    n.clippedPages > 0
      ? ` ${plural(n.clippedPages, 'page')} did not fit the TD and were left out.`
      : ''
  return (
    `${n.className} (${plural(n.tds, 'TD')}, KVM leaves up to ${LEAF[n.kvmMaxLeaf]}). ` +
    `Converted to shared${at}: ${inputs.join('; ') || 'nothing'}. Per TD: ${cost.join(', ')}. ` +
    `Placement in GPA is modelled.${clipped}`
  )
}
