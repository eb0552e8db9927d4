export { pinColor } from './pinColors'
export {
  hostPamtCompareChart,
  hostPamtCompareHeight,
  type ComparedHost
} from './hostPamtCompareChart'
export { pamtOverTimeOverlayChart, type ComparedRun } from './pamtOverTimeOverlayChart'
export { contentionCompareChart, type ComparedContention } from './contentionCompareChart'
