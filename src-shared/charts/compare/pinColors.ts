import { NODE_PALETTE } from '../nodePalette'

/**
 * The colour of the i-th compared pin (0-based, in selection order): the node palette's first
 * hues (nodePalette.ts, Kelly's colours of maximum contrast), so four pins are told apart at a
 * glance and a comparison's charts use the app's one palette.
 */
export function pinColor(index: number): string {
  return NODE_PALETTE[index % NODE_PALETTE.length]!
}
