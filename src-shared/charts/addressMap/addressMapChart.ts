import type {
  CustomSeriesRenderItemAPI,
  CustomSeriesRenderItemParams,
  CustomSeriesRenderItemReturn,
  EChartsOption
} from 'echarts'
import type { HostAnalysis } from '../../model/host/analyzeHost'
import { buildGapAxis, type AxisScale, type GapAxis } from './gapAxis'
import { ADDRESS_MAP_LANES, addressMapItems, type AddressMapItem } from './lanes'
import { LANE_COLORS, labelColorOn } from './colors'
import { addressAxisLabel, addressMapTooltipHtml, distinctAddressLabels } from './tooltip'
import { FOLD_MIN_SHARE, foldMmioAboveRam, type MmioFold } from './fold'

export interface AddressMapOptions {
  scale: AxisScale
}

/** Narrowest bar drawn, in pixels: a 4 KiB range never disappears, even zoomed out. */
export const MIN_BAR_PX = 3
/** Share of a lane's height the bars fill. */
const BAR_FILL = 0.64

/**
 * The items and the axis the chart draws, for the panel (zoom) and tests. The compressed axis folds
 * the MMIO ranges above the last RAM byte into one segment (`foldMmioAboveRam`); the linear axis
 * draws every range where it is. The CSV (`addressMapCsv`) always lists every range unfolded.
 */
export function addressMapModel(
  a: HostAnalysis,
  scale: AxisScale
): { items: AddressMapItem[]; axis: GapAxis; fold: MmioFold | null } {
  const all = addressMapItems(a)
  const { items, fold } =
    scale === 'compressed' ? foldMmioAboveRam(all) : { items: all, fold: null }
  const bounds = items.flatMap((i) => [i.baseBytes, i.endBytes])
  if (!fold) return { items, axis: buildGapAxis(bounds, scale), fold }
  // The folded segment gets at least FOLD_MIN_SHARE of the rest's width, so its label fits.
  const rest = buildGapAxis(
    bounds.filter((b) => b <= fold.item.baseBytes),
    scale
  )
  const minWidth = FOLD_MIN_SHARE * (rest.max - rest.min)
  const axis = buildGapAxis(bounds, scale, (lo, hi, natural) =>
    lo === fold.item.baseBytes && hi === fold.item.endBytes ? Math.max(natural, minWidth) : natural
  )
  return { items, axis, fold }
}

interface CartesianRect {
  x: number
  y: number
  width: number
  height: number
}

function renderer(items: readonly AddressMapItem[]) {
  return (
    params: CustomSeriesRenderItemParams,
    api: CustomSeriesRenderItemAPI
  ): CustomSeriesRenderItemReturn => {
    const lane = api.value(0) as number
    const item = items[api.value(3) as number]
    if (!item) return null
    const start = api.coord([api.value(1), lane])
    const end = api.coord([api.value(2), lane])
    const band = (api.size?.([0, 1]) as number[] | undefined)?.[1] ?? 20
    const height = band * BAR_FILL
    let x = start[0]!
    let width = end[0]! - x
    if (width < MIN_BAR_PX) {
      x -= (MIN_BAR_PX - width) / 2
      width = MIN_BAR_PX
    }
    const y = start[1]! - height / 2
    const grid = params.coordSys as unknown as CartesianRect
    // Clip to the plot area by hand so a zoomed-in bar keeps its label centred on what is visible.
    const left = Math.max(x, grid.x)
    const right = Math.min(x + width, grid.x + grid.width)
    if (right <= left) return null
    const shape = { x: left, y, width: right - left, height }
    const children: NonNullable<CustomSeriesRenderItemReturn>[] = [
      {
        type: 'rect',
        shape,
        style: {
          fill: item.color,
          stroke: item.alert ? LANE_COLORS.exhausted : shape.width > 6 ? '#ffffff' : 'none',
          lineWidth: item.alert ? 2 : 0.6
        }
      }
    ]
    const fits = (text: string): boolean => shape.width >= text.length * 6.6 + 8
    const text = fits(item.label)
      ? item.label
      : item.shortLabel && fits(item.shortLabel)
        ? item.shortLabel
        : null
    if (text !== null) {
      children.push({
        type: 'text',
        silent: true,
        style: {
          text,
          x: shape.x + shape.width / 2,
          y: y + height / 2,
          fill: labelColorOn(item.color),
          font: '11px system-ui, sans-serif',
          align: 'center',
          verticalAlign: 'middle'
        }
      })
    }
    return { type: 'group', children } as CustomSeriesRenderItemReturn
  }
}

/**
 * The host's whole physical address space, one lane per concept: the memory map (RAM coloured by
 * NUMA node), CMRs, TDMRs, their reserved areas (holes, PAMT; an exhausted TDMR outlined in red),
 * the PAMT chunks and the populated sparse refcount pages. The x axis is the compressed-gap axis
 * (or linear); zoom with the wheel, the slider or a brushed range. Pure: no DOM.
 */
export function addressMapChart(a: HostAnalysis, opts: AddressMapOptions): EChartsOption {
  const { items, axis, fold } = addressMapModel(a, opts.scale)
  const laneIndex = new Map<string, number>(ADDRESS_MAP_LANES.map((l, i) => [l.id, i]))
  const data = items.map((it, i) => [
    laneIndex.get(it.lane)!,
    axis.toDisplay(it.baseBytes),
    axis.toDisplay(it.endBytes),
    i
  ])
  const ticks = axis.breakpoints.map((b) => axis.toDisplay(b))
  const tickLabels = new Map<number, string>(
    distinctAddressLabels(axis.breakpoints).map((label, i) => [ticks[i]!, label])
  )
  return {
    animation: false,
    aria: {
      enabled: true,
      label: {
        description: `Physical address map of ${a.name}: ${items.length} ranges in ${ADDRESS_MAP_LANES.length} lanes, ${opts.scale} address axis${fold ? `, ${fold.ranges.length} MMIO ranges above RAM folded into one` : ''}.`
      }
    },
    title: {
      text: 'Physical address map',
      subtext:
        opts.scale === 'compressed'
          ? `Compressed axis: each span between boundaries is drawn with width ∝ log2(size); labels are true addresses${fold ? `; ${fold.ranges.length} MMIO ranges above RAM folded into one segment` : ''}`
          : 'Linear axis: width ∝ bytes; zoom in to see small ranges',
      left: 8,
      top: 0,
      textStyle: { fontSize: 14 },
      subtextStyle: { fontSize: 11.5 }
    },
    grid: { left: 160, right: 28, top: 58, bottom: 92 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => {
        const value = (p as { value?: unknown }).value
        const idx = Array.isArray(value) ? (value[3] as number) : -1
        const item = items[idx]
        return item ? addressMapTooltipHtml(item) : ''
      }
    },
    toolbox: {
      right: 20,
      top: 2,
      feature: {
        brush: {
          type: ['lineX', 'clear'],
          title: { lineX: 'Select a range to zoom into', clear: 'Clear the selection' }
        }
      }
    },
    brush: {
      xAxisIndex: 0,
      brushType: 'lineX',
      brushMode: 'single',
      transformable: false,
      throttleType: 'debounce',
      throttleDelay: 200,
      brushStyle: { color: 'rgba(31,95,191,0.15)', borderColor: 'rgba(31,95,191,0.8)' },
      outOfBrush: { colorAlpha: 1 }
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter', minValueSpan: 1e-9 },
      {
        type: 'slider',
        xAxisIndex: 0,
        filterMode: 'weakFilter',
        height: 22,
        bottom: 10,
        showDataShadow: false,
        labelFormatter: (v: number) => addressAxisLabel(axis.toAddress(v)).replace('\n', ' · ')
      }
    ],
    xAxis: {
      type: 'value',
      min: axis.min,
      max: axis.max,
      scale: true,
      splitLine: { show: false },
      axisLine: { show: true },
      axisTick: { show: true, customValues: ticks, length: 4 },
      axisLabel: {
        customValues: ticks,
        hideOverlap: true,
        fontSize: 10.5,
        lineHeight: 13,
        formatter: (v: number) => tickLabels.get(v) ?? addressAxisLabel(axis.toAddress(v))
      }
    },
    yAxis: {
      type: 'category',
      inverse: true,
      // An empty lane says so, rather than looking like a rendering gap.
      data: ADDRESS_MAP_LANES.map((l) =>
        items.some((i) => i.lane === l.id) ? l.label : `${l.label} (none)`
      ),
      axisTick: { show: false },
      axisLabel: { fontSize: 12 },
      splitArea: { show: true }
    },
    series: [
      {
        type: 'custom',
        name: 'Address map',
        renderItem: renderer(items),
        encode: { x: [1, 2], y: 0, tooltip: [1, 2] },
        clip: true,
        data
      }
    ]
  }
}
