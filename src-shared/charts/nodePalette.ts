/**
 * NUMA node colours, one per node id, the same in the address map, its legend and the per-node
 * workload chart (docs/host-model.md, "Address map"). Twenty hues after Kelly's colours of maximum
 * contrast (K. L. Kelly, "Twenty-two colors of maximum contrast", Color Engineering 3(6), 1965)
 * without its white, black, grey and buff (buff reads as the ACPI data ranges' tan), with violet,
 * cyan and magenta added: every pair differs by at least 18 CIE76 ΔE, consecutive node ids by at
 * least 47, and none is within 20 of a non-RAM memory type's colour. A 16-socket host gets sixteen
 * different colours; beyond twenty nodes the colours repeat and the bars' "N<id>" labels and the
 * tooltips tell nodes apart.
 */
export const NODE_PALETTE = [
  '#0067a5',
  '#f38400',
  '#008856',
  '#be0032',
  '#875692',
  '#f3c300',
  '#a1caf1',
  '#882d17',
  '#8db600',
  '#e68fac',
  '#4b3ccf',
  '#f6a600',
  '#2b3d26',
  '#b3446c',
  '#dcd300',
  '#654522',
  '#f99379',
  '#00b5c9',
  '#e25822',
  '#d048c8'
] as const

/** The colour of NUMA node `nid` (its id, not its position in a list, so every chart agrees). */
export function nodeColor(nid: number): string {
  const n = NODE_PALETTE.length
  return NODE_PALETTE[((Math.trunc(nid) % n) + n) % n]!
}
