import type { HostAnalysis } from '../model/host/analyzeHost'
import type { HostFormat, ImportSummary } from '../import/hostImport'
import type { HostInput } from '../model/host/memoryMap'
import type { SimulationResult } from '../model/runtime/simulate'
import type { ApiError } from '../api/errors'

/**
 * One host of a fleet run (docs/fleet.md, "Rows"): the figures `pamt-planner analyze --json` prints
 * for it, under the same names and units (bytes; "kb" only where the kernel prints KiB), flattened
 * to what a fleet table needs. `nodeCount` and `tdmrCount` count what analyze lists as `nodes` and
 * `tdmrs`; `problemCodes` are the codes of analyze's `problems`.
 */
export interface FleetHostRow {
  type: 'host'
  /** The file as the run found it (the path given, or found under a folder given). */
  file: string
  /** The format that supplied the memory map (the import summary's first format). */
  format: HostFormat
  /** CPU model as the log prints it (`smpboot: CPU0: …`, cpuinfo / lscpu "model name"), or null. */
  cpu: string | null
  /** The machine as the kernel's `DMI:` line names it, or null. */
  machine: string | null
  nodeCount: number
  tdmrCount: number
  host: {
    name: string
    ramBytes: number
    tdxMemoryBytes: number
    memorySource: HostAnalysis['memorySource']
    numaSource: HostAnalysis['numaSource']
  }
  staticPamt: { kb: number; bytes: number }
  dynamicPamt: { staticKb: number; staticBytes: number }
  refcounts: { denseBytes: number; sparseBytes: number }
  initSucceeds: boolean
  verdict: {
    model: HostAnalysis['verdict']['model']
    kernel: HostAnalysis['verdict']['kernel']
    kernelFailure: string | null
  }
  problemCodes: string[]
  /**
   * Why the host cannot enable TDX (the model's first error, or what the kernel printed when only
   * the kernel says so); null when it can. The summary groups failing hosts by `code`.
   */
  failure: { code: string; message: string } | null
  /** The host's shape: hosts with the same key have the same PAMT (see shapeKey). */
  shape: string
  /** The chosen workload on this host (--scenario / --preset), or null when none was chosen. */
  scenario: FleetScenarioCell | null
}

/** The workload's figures on one host, or why it was not run there. */
export type FleetScenarioCell =
  | {
      name: string
      /** Dynamic PAMT peak and time-weighted mean (static part + refcounts + pairs + caches). */
      peakTotalBytes: number
      averageTotalBytes: number
      /** Static PAMT minus the peak and minus the mean (simulate's fields of the same names). */
      savingsAtPeakBytes: number
      savingsAverageBytes: number
      tdsRequested: number
      tdsStarted: number
      fits: boolean
    }
  | { name: string; error: { code: ApiError['code']; message: string } }

/** A file the run could not read or import: its error, never a stop (docs/fleet.md, "Errors"). */
export interface FleetErrorRow {
  type: 'error'
  file: string
  code: ApiError['code']
  message: string
  /** 1-based line the error is about, or null. */
  line: number | null
}

export type FleetRow = FleetHostRow | FleetErrorRow

/** Longest CPU or machine text kept in a row. */
const MAX_IDENTITY_CHARS = 160

/**
 * `[    1.496613] smpboot: CPU0: Intel(R) Xeon(R) … (family: 0x6, …)`: native_smp_prepare_cpus()
 * in arch/x86/kernel/smpboot.c prints "CPU0: " then print_cpu_info() (arch/x86/kernel/cpu/common.c)
 * the model id and "(family: …".
 */
const SMPBOOT_CPU0 = /smpboot: CPU0: ([^\n]*?) \(family: /
/** /proc/cpuinfo `model name\t: …` or lscpu `Model name:   …`. */
const MODEL_NAME = /^(?:model name\s*:|Model name:)[ \t]*([^\n]+)$/m
/**
 * `[    0.000000] DMI: Dell Inc. PowerEdge …`: dmi_present() / dmi_smbios3_present() in
 * drivers/firmware/dmi_scan.c print `DMI: %s` with the vendor, product, board and BIOS.
 */
const DMI_LINE = /(?:^|\] )DMI: ([^\n]+)$/m

function clip(s: string | undefined): string | null {
  const t = s?.trim()
  if (!t) return null
  return t.length > MAX_IDENTITY_CHARS ? `${t.slice(0, MAX_IDENTITY_CHARS)}…` : t
}

/** CPU model and machine name from a host log's text, where the kernel or a tool printed them. */
export function hostIdentity(text: string): { cpu: string | null; machine: string | null } {
  const cpu = SMPBOOT_CPU0.exec(text)?.[1] ?? MODEL_NAME.exec(text)?.[1]
  return { cpu: clip(cpu), machine: clip(DMI_LINE.exec(text)?.[1]?.replace(/\r$/, '')) }
}

/**
 * A 64-bit hash as 16 hex digits: two 32-bit multiply-xorshift lanes (cyrb53's mixing) over the
 * string's UTF-16 units. Not cryptographic: it names shapes, and a collision would only merge two
 * shapes in the summary, never change a row's figures.
 */
export function hash64(s: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0')
}

/**
 * The host's shape: a hash of what decides its PAMT (docs/fleet.md, "Shapes"): the memory map's
 * ranges and types, the NUMA blocks, the CMRs and where the map came from, and the module and kernel
 * parameters and model options the analysis used. Line numbers, the host's name and the log's other
 * lines are left out, so two hosts with the same memory map and parameters share a shape.
 */
export function shapeKey(host: HostInput, analysis: HostAnalysis): string {
  const parts: string[] = [host.memorySource, host.numaSource]
  for (const r of host.ranges)
    parts.push(`r${r.baseBytes.toString(16)}-${r.endBytes.toString(16)}${r.type}`)
  for (const m of host.numaMemblks)
    parts.push(
      `n${m.baseBytes.toString(16)}-${m.endBytes.toString(16)}:${m.nid}${m.hotplug ? 'h' : ''}`
    )
  for (const c of host.cmrs) parts.push(`c${c.baseBytes.toString(16)}-${c.endBytes.toString(16)}`)
  parts.push(JSON.stringify([analysis.params, analysis.kernel, analysis.options]))
  return hash64(parts.join(','))
}

/** Why a host cannot enable TDX, or null: the model's first error, else the kernel's own failure. */
function failureOf(a: HostAnalysis): FleetHostRow['failure'] {
  const error = a.problems.find((p) => p.severity === 'error')
  if (error) return { code: error.code, message: error.message }
  if (a.verdict.kernel === 'failed')
    return {
      code: 'KERNEL_INIT_FAILED',
      message: `the kernel printed: ${a.verdict.kernelFailure ?? 'TDX init failed'}`
    }
  return null
}

/** The workload cell of a row from a simulation of the chosen scenario on this host. */
export function scenarioCell(name: string, r: SimulationResult): FleetScenarioCell {
  return {
    name,
    peakTotalBytes: r.replay.peakTotalBytes,
    averageTotalBytes: r.replay.averageTotalBytes,
    savingsAtPeakBytes: r.savingsAtPeakBytes,
    savingsAverageBytes: r.savingsAverageBytes,
    tdsRequested: r.capacity?.tdsRequested ?? 0,
    tdsStarted: r.capacity?.tdsStarted ?? 0,
    fits: r.capacity?.fits ?? true
  }
}

/**
 * One fleet row from an imported and analysed host (docs/fleet.md, "Rows"): every figure is the
 * analysis's own, copied under analyze --json's names; `scenario` is the cell built by the caller
 * (scenarioCell, or an error cell), or null without a workload.
 */
export function buildFleetRow(input: {
  file: string
  summary: ImportSummary
  host: HostInput
  analysis: HostAnalysis
  identity: { cpu: string | null; machine: string | null }
  scenario: FleetScenarioCell | null
  /** The shape when the caller already computed it (shapeKey of the same host and analysis). */
  shape?: string
}): FleetHostRow {
  const a = input.analysis
  return {
    type: 'host',
    file: input.file,
    format: input.summary.formats[0] ?? 'dmesg',
    cpu: input.identity.cpu,
    machine: input.identity.machine,
    nodeCount: a.nodes.length,
    tdmrCount: a.tdmrs.length,
    host: {
      name: a.name,
      ramBytes: a.ramBytes,
      tdxMemoryBytes: a.tdxMemoryBytes,
      memorySource: a.memorySource,
      numaSource: a.numaSource
    },
    staticPamt: { kb: a.staticPamt.kb, bytes: a.staticPamt.bytes },
    dynamicPamt: { staticKb: a.dynamicPamt.staticKb, staticBytes: a.dynamicPamt.staticBytes },
    refcounts: { denseBytes: a.refcounts.denseBytes, sparseBytes: a.refcounts.sparseBytes },
    initSucceeds: a.initSucceeds,
    verdict: {
      model: a.verdict.model,
      kernel: a.verdict.kernel,
      kernelFailure: a.verdict.kernelFailure
    },
    problemCodes: a.problems.map((p) => p.code),
    failure: failureOf(a),
    shape: input.shape ?? shapeKey(input.host, a),
    scenario: input.scenario
  }
}

/** The row of a file that could not be read or imported. */
export function fleetErrorRow(file: string, error: ApiError): FleetErrorRow {
  return {
    type: 'error',
    file,
    code: error.code,
    message: error.message,
    line: error.line ?? null
  }
}

/**
 * CSV columns of a fleet run, one header for host and error rows (docs/fleet.md, "CSV"): the JSON
 * row's paths joined with dots, so `staticPamt.bytes` is the same figure in both forms.
 */
export const FLEET_CSV_FIELDS = [
  'type',
  'file',
  'format',
  'cpu',
  'machine',
  'nodeCount',
  'tdmrCount',
  'host.ramBytes',
  'host.tdxMemoryBytes',
  'staticPamt.bytes',
  'staticPamt.kb',
  'dynamicPamt.staticBytes',
  'dynamicPamt.staticKb',
  'refcounts.denseBytes',
  'refcounts.sparseBytes',
  'initSucceeds',
  'verdict.model',
  'verdict.kernel',
  'problemCodes',
  'failure.code',
  'shape',
  'scenario.name',
  'scenario.peakTotalBytes',
  'scenario.averageTotalBytes',
  'scenario.savingsAtPeakBytes',
  'scenario.tdsRequested',
  'scenario.tdsStarted',
  'scenario.error',
  'error.code',
  'error.message',
  'error.line'
] as const

/** One CSV record's cells, in FLEET_CSV_FIELDS order (empty where a row has no such field). */
export function fleetCsvCells(row: FleetRow): unknown[] {
  if (row.type === 'error') {
    const cells: unknown[] = FLEET_CSV_FIELDS.map(() => '')
    cells[0] = 'error'
    cells[1] = row.file
    cells[FLEET_CSV_FIELDS.length - 3] = row.code
    cells[FLEET_CSV_FIELDS.length - 2] = row.message
    cells[FLEET_CSV_FIELDS.length - 1] = row.line ?? ''
    return cells
  }
  const s = row.scenario
  const run = s && !('error' in s) ? s : null
  return [
    'host',
    row.file,
    row.format,
    row.cpu ?? '',
    row.machine ?? '',
    row.nodeCount,
    row.tdmrCount,
    row.host.ramBytes,
    row.host.tdxMemoryBytes,
    row.staticPamt.bytes,
    row.staticPamt.kb,
    row.dynamicPamt.staticBytes,
    row.dynamicPamt.staticKb,
    row.refcounts.denseBytes,
    row.refcounts.sparseBytes,
    row.initSucceeds,
    row.verdict.model,
    row.verdict.kernel,
    row.problemCodes.join(' '),
    row.failure?.code ?? '',
    row.shape,
    s?.name ?? '',
    run?.peakTotalBytes ?? '',
    run?.averageTotalBytes ?? '',
    run?.savingsAtPeakBytes ?? '',
    run?.tdsRequested ?? '',
    run?.tdsStarted ?? '',
    s && 'error' in s ? `${s.error.code}: ${s.error.message}` : '',
    '',
    '',
    ''
  ]
}
