/** Colours of the workload charts: one per PAMT part, the same in every chart and in the legend. */
export const WORKLOAD_COLORS = {
  staticPart: '#8c9bb5',
  refcounts: '#9b6fc6',
  pairs: '#e0803a',
  caches: '#e7c23c',
  staticPamt: '#b3261e',
  average: '#1f5fbf',
  savings: '#1d7a3a'
} as const

/** Node colours: the address map's, by node id (nodePalette.ts). */
export { NODE_PALETTE as NODE_COLORS, nodeColor } from '../nodePalette'

/** TD class colours for the by-class chart (cycled); memory charged to no class is grey. */
export const CLASS_COLORS = [
  '#2f7ebc',
  '#d9822b',
  '#3f9a5a',
  '#b5485d',
  '#7a5cb0',
  '#2aa7a0',
  '#c6a12d',
  '#6b8e23'
] as const
export const UNATTRIBUTED_COLOR = '#9a9a9a'
