import type { ApiError } from '../api/errors'
import { formatBytes, formatPercent } from '../charts/formatBytes'
import type { FleetHostRow, FleetRow } from './fleetRow'

/** Files a failure or error group names as examples (the rows name every one). */
export const GROUP_EXAMPLE_FILES = 5
/**
 * Distinct shapes the summary tracks. A fleet has a few dozen; past this many, further new shapes
 * are counted (`untrackedHosts`) but not listed, so the summary's memory stays bounded.
 */
export const MAX_TRACKED_SHAPES = 10_000
/** Shapes the words name as gaining most. */
const WORDS_TOP_SHAPES = 3

/** One shape of the fleet: hosts with the same PAMT-deciding memory map and parameters. */
export interface FleetShape {
  shape: string
  count: number
  /** The first host of this shape the run met. */
  exampleFile: string
  nodeCount: number
  tdxMemoryBytes: number
  /** Per host of this shape. */
  staticPamtBytes: number
  /** Dynamic PAMT per host: the workload's peak, or (no workload) its static part + dense refcounts. */
  dynamicPamtBytes: number
  /** staticPamtBytes − dynamicPamtBytes, per host; 0 for a shape that cannot enable TDX. */
  savingsPerHostBytes: number
  /** savingsPerHostBytes × count. */
  savingsBytes: number
  /** Why hosts of this shape cannot enable TDX (failure code), or null. */
  failure: string | null
}

/** Hosts that cannot enable TDX for one reason (docs/fleet.md, "Summary"). */
export interface FleetFailureGroup {
  code: string
  /** The first such host's message. */
  message: string
  count: number
  files: string[]
}

/** Files that could not be read or imported, by error code. */
export interface FleetErrorGroup {
  code: ApiError['code']
  message: string
  count: number
  files: string[]
}

/** The fleet's totals and groups: the last JSON line of `pamt-planner fleet --json`. */
export interface FleetSummary {
  type: 'summary'
  /** Rows: hosts read plus files that could not be. */
  files: number
  hostsRead: number
  unreadable: number
  /** Hosts read that can enable TDX (no failure): the totals below are over these. */
  tdxCapable: number
  /** Static PAMT of the TDX-capable hosts. */
  staticPamtBytes: number
  /**
   * Dynamic PAMT on the same hosts before any TD runs: its static part, and with the dense
   * refcount array (what the kernel allocates at init) `idleBytes`.
   */
  dynamicPamt: { staticBytes: number; denseRefcountBytes: number; idleBytes: number }
  /** The workload's figures summed over the TDX-capable hosts it ran on, or null without one. */
  scenario: {
    name: string
    hosts: number
    /** Static PAMT of those hosts, to compare with the peak and the mean. */
    staticPamtBytes: number
    peakTotalBytes: number
    averageTotalBytes: number
    savingsAtPeakBytes: number
    savingsAverageBytes: number
    tdsRequested: number
    tdsStarted: number
    /** Hosts where not every requested TD fits. */
    hostsNotFitting: number
    /** Hosts the workload could not run on (e.g. WORK_TOO_LARGE), with the first reason. */
    errors: number
    firstError: string | null
  } | null
  /**
   * The headline: what Dynamic PAMT keeps (the workload's peaks, or idle without one), and the
   * static PAMT of the same hosts minus it.
   */
  keptBytes: number
  savingsBytes: number
  /** savingsBytes / the static PAMT it compares with (0 when there is none). */
  savingsFraction: number
  /** Hosts that cannot enable TDX, by reason, most common first. */
  cannotEnableTdx: FleetFailureGroup[]
  /** Files not read, by error code, most common first. */
  unreadableFiles: FleetErrorGroup[]
  shapes: {
    /** Distinct shapes tracked (all of them unless untrackedHosts > 0). */
    distinct: number
    /** Hosts of shapes past MAX_TRACKED_SHAPES (counted, not listed). */
    untrackedHosts: number
    /** Tracked shapes, largest total savings first. */
    list: FleetShape[]
  }
  /** The summary in sentences (fleetSummaryWords). */
  words: string[]
}

/**
 * Dynamic PAMT of one host as the summary counts it (docs/fleet.md, "Summary"): the workload's peak
 * where it ran, else the idle figure (static part + dense refcounts).
 */
export function fleetHostDynamicBytes(row: FleetHostRow): number {
  const s = row.scenario
  if (s && !('error' in s)) return s.peakTotalBytes
  return row.dynamicPamt.staticBytes + row.refcounts.denseBytes
}

/**
 * What Dynamic PAMT saves on one host against its static PAMT, as a shape's `savingsPerHostBytes`:
 * 0 for a host that cannot enable TDX.
 */
export function fleetHostSavingsBytes(row: FleetHostRow): number {
  return row.failure ? 0 : row.staticPamt.bytes - fleetHostDynamicBytes(row)
}

/**
 * Adds rows one at a time and keeps only totals and groups (docs/fleet.md, "Summary"), so a fleet
 * of any size is summarised in memory bounded by its shapes, not its hosts.
 */
export class FleetSummaryAccumulator {
  private files = 0
  private hostsRead = 0
  private unreadable = 0
  private capable = 0
  private staticPamt = 0
  private dpamtStatic = 0
  private denseRefcounts = 0
  private scenarioName: string | null
  private sc = {
    hosts: 0,
    staticPamtBytes: 0,
    peakTotalBytes: 0,
    averageTotalBytes: 0,
    tdsRequested: 0,
    tdsStarted: 0,
    hostsNotFitting: 0,
    errors: 0,
    firstError: null as string | null
  }
  private readonly failures = new Map<string, FleetFailureGroup>()
  private readonly errors = new Map<string, FleetErrorGroup>()
  private readonly shapes = new Map<string, FleetShape>()
  private untrackedHosts = 0

  /** `scenarioName`: the workload chosen for the run, or null for none. */
  constructor(scenarioName: string | null = null) {
    this.scenarioName = scenarioName
  }

  add(row: FleetRow): void {
    this.files++
    if (row.type === 'error') {
      this.unreadable++
      const g = this.errors.get(row.code)
      const where = row.line !== null ? `${row.file}:${row.line}` : row.file
      if (g) {
        g.count++
        if (g.files.length < GROUP_EXAMPLE_FILES) g.files.push(where)
      } else
        this.errors.set(row.code, {
          code: row.code,
          message: row.message,
          count: 1,
          files: [where]
        })
      return
    }
    this.hostsRead++
    const dpamt = this.perHostDynamic(row)
    this.addShape(row, dpamt)
    if (row.failure) {
      const g = this.failures.get(row.failure.code)
      if (g) {
        g.count++
        if (g.files.length < GROUP_EXAMPLE_FILES) g.files.push(row.file)
      } else
        this.failures.set(row.failure.code, {
          code: row.failure.code,
          message: row.failure.message,
          count: 1,
          files: [row.file]
        })
      return
    }
    this.capable++
    this.staticPamt += row.staticPamt.bytes
    this.dpamtStatic += row.dynamicPamt.staticBytes
    this.denseRefcounts += row.refcounts.denseBytes
    const s = row.scenario
    if (!s) return
    this.scenarioName ??= s.name
    if ('error' in s) {
      this.sc.errors++
      this.sc.firstError ??= `${row.file}: ${s.error.message}`
      return
    }
    this.sc.hosts++
    this.sc.staticPamtBytes += row.staticPamt.bytes
    this.sc.peakTotalBytes += s.peakTotalBytes
    this.sc.averageTotalBytes += s.averageTotalBytes
    this.sc.tdsRequested += s.tdsRequested
    this.sc.tdsStarted += s.tdsStarted
    if (!s.fits) this.sc.hostsNotFitting++
  }

  private perHostDynamic(row: FleetHostRow): number {
    return fleetHostDynamicBytes(row)
  }

  private addShape(row: FleetHostRow, dpamt: number): void {
    const known = this.shapes.get(row.shape)
    if (known) {
      known.count++
      known.savingsBytes += known.savingsPerHostBytes
      return
    }
    if (this.shapes.size >= MAX_TRACKED_SHAPES) {
      this.untrackedHosts++
      return
    }
    const savings = row.failure ? 0 : row.staticPamt.bytes - dpamt
    this.shapes.set(row.shape, {
      shape: row.shape,
      count: 1,
      exampleFile: row.file,
      nodeCount: row.nodeCount,
      tdxMemoryBytes: row.host.tdxMemoryBytes,
      staticPamtBytes: row.staticPamt.bytes,
      dynamicPamtBytes: dpamt,
      savingsPerHostBytes: savings,
      savingsBytes: savings,
      failure: row.failure?.code ?? null
    })
  }

  /**
   * The summary of the rows added so far (it may be called more than once). `words` adapts the
   * sentences to where they are read (the Fleet view names its workload select, not the CLI flags).
   */
  result(words: FleetWordOptions = {}): FleetSummary {
    const idle = this.dpamtStatic + this.denseRefcounts
    const sc = this.scenarioName !== null ? this.sc : null
    const useScenario = sc !== null && sc.hosts > 0
    const compared = useScenario ? sc.staticPamtBytes : this.staticPamt
    const kept = useScenario ? sc.peakTotalBytes : idle
    const byCount = <T extends { count: number }>(a: T, b: T): number => b.count - a.count
    const summary: FleetSummary = {
      type: 'summary',
      files: this.files,
      hostsRead: this.hostsRead,
      unreadable: this.unreadable,
      tdxCapable: this.capable,
      staticPamtBytes: this.staticPamt,
      dynamicPamt: {
        staticBytes: this.dpamtStatic,
        denseRefcountBytes: this.denseRefcounts,
        idleBytes: idle
      },
      scenario:
        sc && this.scenarioName !== null
          ? {
              name: this.scenarioName,
              hosts: sc.hosts,
              staticPamtBytes: sc.staticPamtBytes,
              peakTotalBytes: sc.peakTotalBytes,
              averageTotalBytes: sc.averageTotalBytes,
              savingsAtPeakBytes: sc.staticPamtBytes - sc.peakTotalBytes,
              savingsAverageBytes: sc.staticPamtBytes - sc.averageTotalBytes,
              tdsRequested: sc.tdsRequested,
              tdsStarted: sc.tdsStarted,
              hostsNotFitting: sc.hostsNotFitting,
              errors: sc.errors,
              firstError: sc.firstError
            }
          : null,
      keptBytes: kept,
      savingsBytes: compared - kept,
      savingsFraction: compared > 0 ? (compared - kept) / compared : 0,
      cannotEnableTdx: [...this.failures.values()].sort(byCount),
      unreadableFiles: [...this.errors.values()].sort(byCount),
      shapes: {
        distinct: this.shapes.size,
        untrackedHosts: this.untrackedHosts,
        list: [...this.shapes.values()].sort(
          (a, b) => b.savingsBytes - a.savingsBytes || b.count - a.count
        )
      },
      words: []
    }
    summary.words = fleetSummaryWords(summary, words)
    return summary
  }
}

/** Where the words are read: how to choose a workload there (default: the CLI's options). */
export interface FleetWordOptions {
  chooseWorkload?: string
}

const hostsWord = (n: number): string => `${n.toLocaleString('en-US')} host${n === 1 ? '' : 's'}`
const gib = (bytes: number): string => formatBytes(bytes)

/**
 * The summary in sentences (docs/fleet.md, "Summary"): what static PAMT reserves, what Dynamic PAMT
 * would keep for the workload, which hosts cannot enable TDX and why, which shapes gain most, and
 * which files were not read. Every figure is the summary's own.
 */
export function fleetSummaryWords(s: FleetSummary, opts: FleetWordOptions = {}): string[] {
  const words: string[] = []
  words.push(
    `Static PAMT reserves ${gib(s.staticPamtBytes)} across ${hostsWord(s.tdxCapable)} that can enable TDX` +
      ` (${hostsWord(s.hostsRead)} read${s.unreadable ? `, ${s.unreadable.toLocaleString('en-US')} file${s.unreadable === 1 ? '' : 's'} not read` : ''}).`
  )
  const sc = s.scenario
  if (sc && sc.hosts > 0) {
    words.push(
      `Dynamic PAMT would keep ${gib(sc.peakTotalBytes)} for "${sc.name}" at its peak on each of ${hostsWord(sc.hosts)} (${gib(sc.averageTotalBytes)} on average over the run): ` +
        `${gib(sc.savingsAtPeakBytes)} less than their static PAMT (${formatPercent(s.savingsFraction)}).`
    )
    if (sc.hostsNotFitting > 0)
      words.push(
        `On ${hostsWord(sc.hostsNotFitting)} not every TD fits: ${sc.tdsStarted.toLocaleString('en-US')} of ${sc.tdsRequested.toLocaleString('en-US')} requested TDs started fleet-wide, and the figures are for those.`
      )
  } else {
    words.push(
      `Dynamic PAMT would keep ${gib(s.dynamicPamt.idleBytes)} on the same hosts before any TD runs (its static part ${gib(s.dynamicPamt.staticBytes)} and the dense refcounts ${gib(s.dynamicPamt.denseRefcountBytes)}): ` +
        `${gib(s.savingsBytes)} less (${formatPercent(s.savingsFraction)}); TDs add pairs as they run (${opts.chooseWorkload ?? 'choose a workload with --preset or --scenario'}).`
    )
  }
  if (sc && sc.errors > 0)
    words.push(
      `The workload did not run on ${hostsWord(sc.errors)}; the first: ${sc.firstError ?? ''}`
    )
  if (s.cannotEnableTdx.length === 0) {
    if (s.hostsRead > 0) words.push('Every host read can enable TDX, as the model sees it.')
  } else {
    const n = s.cannotEnableTdx.reduce((t, g) => t + g.count, 0)
    const groups = s.cannotEnableTdx.map(
      (g) => `${g.count} × ${g.code} (${g.files[0] ?? ''}: ${g.message})`
    )
    words.push(`${hostsWord(n)} cannot enable TDX: ${groups.join('; ')}.`)
  }
  const gaining = s.shapes.list.filter((x) => x.savingsBytes > 0).slice(0, WORDS_TOP_SHAPES)
  if (gaining.length > 0)
    words.push(
      `${s.shapes.untrackedHosts > 0 ? 'More than ' : ''}${s.shapes.distinct.toLocaleString('en-US')} distinct shape${s.shapes.distinct === 1 ? '' : 's'}; gaining most: ` +
        gaining
          .map(
            (x) =>
              `${x.exampleFile} × ${x.count} (${gib(x.tdxMemoryBytes)} TDX memory, ${x.nodeCount} node${x.nodeCount === 1 ? '' : 's'}) saves ${gib(x.savingsPerHostBytes)} each, ${gib(x.savingsBytes)} in all`
          )
          .join('; ') +
        '.'
    )
  if (s.unreadableFiles.length > 0)
    words.push(
      `Not read: ${s.unreadableFiles.map((g) => `${g.count} × ${g.code} (${g.files[0] ?? ''}: ${g.message})`).join('; ')}.`
    )
  return words
}
