export { pamtOverTimeChart, pamtParts, STATIC_PAMT_SERIES } from './pamtOverTimeChart'
export { perNodeChart, nodeSeriesName } from './perNodeChart'
export { sweepChart, sweepBreakEven, sweepAxisValue, SWEEP_SERIES } from './sweepChart'
export { SWEEP_PARAMETERS, formatSweepValue, sweepValues } from './sweepParameter'
export { pamtOverTimeCsv, perNodeCsv, sweepCsv } from './workloadCsv'
export { formatSeconds, sampleSeconds } from './timeAxis'
export { WORKLOAD_COLORS, NODE_COLORS, CLASS_COLORS, UNATTRIBUTED_COLOR } from './colors'
export { bytesAxisInterval, bytesAxisScale, formatAxisBytes } from './bytesAxis'
export { capacitySentence, capacityCaveat } from './capacityText'
export { conversionNoteText } from './conversionText'
export {
  byClassChart,
  classSeriesName,
  classValueAt,
  BY_CLASS_MODES,
  type ByClassMode
} from './byClassChart'
export { byClassCsv, classSummaryCsv, tdTableCsv } from './whoPaysCsv'
