export {
  addressMapChart,
  addressMapModel,
  MIN_BAR_PX,
  type AddressMapOptions
} from './addressMapChart'
export { addressMapCsv } from './addressMapCsv'
export { addressMapLegend } from './legend'
export {
  buildGapAxis,
  segmentWidth,
  MIN_SEGMENT_WIDTH,
  type AxisScale,
  type GapAxis
} from './gapAxis'
export { ADDRESS_MAP_LANES, addressMapItems, type AddressMapItem, type LaneId } from './lanes'
export { foldMmioAboveRam, FOLDED_MMIO_COLOR, type MmioFold } from './fold'
export { distinctAddressLabels } from './tooltip'
