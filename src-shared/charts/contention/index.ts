export { latencyCdfChart, cdfPoints, CDF_MIN_NS, ninesLabel, toNines } from './latencyCdfChart'
export {
  designComparisonChart,
  COMPARISON_SERIES,
  RANGE_SERIES,
  renderWhisker,
  WHISKER_CAP_PX
} from './designComparisonChart'
export { lockTimelineChart, timelineSeconds, TIMELINE_SERIES } from './lockTimelineChart'
export {
  designComparisonChartCsv,
  designComparisonCsv,
  latencyCdfCsv,
  lockTimelineCsv
} from './contentionCsv'
export { designSummaries, formatCallers, type DesignSummary } from './designSummary'
export {
  designColor,
  DESIGN_COLORS,
  formatNs,
  hasDemoteVariants,
  outcomeLabel,
  outcomeLabels
} from './labels'
export { perfLockCsv, perfLockTable, formatPerfTime } from './perfLock'
export {
  sensitivityCsv,
  tornadoBars,
  tornadoChart,
  tornadoCsv,
  TORNADO_SERIES,
  type TornadoBar,
  type TornadoMetric
} from './tornadoChart'
