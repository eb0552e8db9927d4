import type { HostAnalysis } from '../model/host/analyzeHost'
import { DEFAULT_KERNEL_PARAMS } from '../model/host/tdxModuleParams'
import type { Scenario } from '../model/workload/scenario'
import { scenarioSchema } from '../model/workload/scenario'
import { PAMT_CACHE_PAGES_PER_VCPU } from '../model/workload/tdPages'
import {
  contentionSettingsSchema,
  DEFAULT_MACHINE,
  type ContentionRunSettings
} from '../model/contention/runContention'
import { DEFAULT_CONTENTION_COSTS, type ContentionCosts } from '../model/contention/costs'
import type { ReportCell, ReportSection, ReportTable, RowMark } from './reportBlocks'

/**
 * "Modelled assumptions" (docs/reports.md): every parameter the model chooses where the kernel does
 * not fix a value, with the value this report used, the code's default and the default's source,
 * beside the kernel rules the model reproduces exactly, each row marked "kernel-exact" or
 * "modelled". Values and defaults are read from the code (schemas' defaults, the cost defaults
 * object), never typed here; the sources are the docs' tables (docs/host-model.md,
 * docs/workload-model.md, docs/contention-model.md).
 */

/** Where each contention cost's default comes from (docs/contention-model.md, "Parameters"). */
const COST_SOURCES: Readonly<Record<keyof ContentionCosts, string>> = {
  pamtAddNs:
    'estimate: a SEAMCALL that writes a PAMT_2M entry and the bitmap (no latency published)',
  pamtRemoveNs: 'estimate (no latency published)',
  augNs: 'estimate: "thousands of cycles" (KVM list, 2025-08-20)',
  demoteNs: 'estimate: "reasonable execution time" (huge-page series v5 30/45)',
  pageRemoveNs: 'estimate',
  atomicNs: 'an uncontended atomic on the refcount',
  lockHoldExtraNs: 'refcount bookkeeping under pamt_lock',
  handoffSameSocketNs: 'typical cache-line transfer within a socket',
  handoffCrossSocketNs: 'typical cache-line transfer across sockets',
  pageAllocNs: 'alloc_page from the per-CPU lists (cache top-up, control pages)',
  pageFreeNs: 'estimate: a free to the per-CPU lists, cheaper than an allocation',
  faultOutsideNs:
    'the rest of a 4K TD fault; chosen so 10 × 16 GB fault in over tens of seconds (the calibration fit fits it)',
  busyBackoffNs: 'retry delay after TDX_OPERAND_BUSY',
  busyFailNs: 'a SEAMCALL that fails in its lock walk',
  serviceCv: 'CV of the service times (not ns): a moderate spread; no distribution published'
}

interface Row {
  name: string
  value: ReportCell
  fallback: ReportCell
  source: string
  mark: RowMark
}

const table = (title: string, rows: Row[], note?: string): ReportTable => ({
  kind: 'table',
  title,
  columns: [
    { key: 'name', label: 'parameter or rule' },
    { key: 'value', label: 'this report', align: 'right' },
    { key: 'default', label: 'default', align: 'right' },
    { key: 'source', label: 'source', align: 'left' }
  ],
  rows: rows.map((r) => [r.name, r.value, r.fallback, r.source]),
  rowMarks: rows.map((r) => r.mark),
  ...(note ? { note } : {})
})

/** The kernel rules the host model reproduces (docs/host-model.md, "Kernel-exact steps"). */
function kernelRules(): Row[] {
  const k = (name: string, source: string): Row => ({
    name,
    value: null,
    fallback: null,
    source,
    mark: 'kernel-exact'
  })
  return [
    k('TDX memory blocks from memblock', 'build_tdx_memlist(), arch/x86/virt/vmx/tdx/tdx.c'),
    k('TDMRs: 1 GiB aligned, cover every block', 'fill_out_tdmrs(), tdx.c'),
    k('PAMT size per TDMR and level', 'tdmr_get_pamt_sz(), tdx.c'),
    k('PAMT node: the TDMR’s first block’s node', 'tdmr_get_nid(), tdx.c'),
    k('Reserved areas: holes and PAMT chunks', 'tdmr_populate_rsvd_holes/pamts(), tdx.c'),
    k('Dynamic PAMT static part: 4K bitmap + PAMT_2M + PAMT_1G', 'Dynamic PAMT series v6'),
    k('Dense refcount array: DIV_ROUND_UP(max_pfn, 512) × 4 bytes', 'Dynamic PAMT series v6 04/11'),
    k('Dynamic PAMT only when x86_phys_bits ≤ 48', 'Dynamic PAMT series v6')
  ]
}

function hostRows(a: HostAnalysis): Row[] {
  const m = (name: string, value: ReportCell, fallback: ReportCell, source: string): Row => ({
    name,
    value,
    fallback,
    source,
    mark: 'modelled'
  })
  return [
    m(
      'TDX module parameter set',
      `${a.moduleParamSet.id} (${a.moduleParamSet.source})`,
      'from the log’s module version, else 1.5',
      'the kernel reads them from the module; the log prints only the version (docs/host-model.md)'
    ),
    m(
      'hole source',
      a.options.holeSource,
      'e820',
      'mainline tdx.c uses memory blocks; cmr: the KAI-CMR patch (not merged)'
    ),
    m(
      'PAMT placement',
      a.options.pamtPlacement,
      'first-candidate',
      'which candidate alloc_contig_pages() takes depends on run-time page state (dpamt-model.md §1.5)'
    ),
    m(
      'PAMT mode',
      a.options.pamtMode,
      'dynamic when the log says "Enable Dynamic PAMT"',
      'decides the chunk sizes (dpamt-model.md §2.2)'
    ),
    m(
      'MAXMEM',
      a.kernel.maxMemBytes,
      DEFAULT_KERNEL_PARAMS.maxMemBytes,
      'MAX_PHYSMEM_BITS (4-level paging)'
    ),
    m(
      'x86_phys_bits',
      a.physAddrBits.bits,
      'from the log, else a bound',
      'dmesg prints only the KeyID bits taken off (docs/host-model.md)'
    ),
    m(
      'refcount page tables',
      'PTE + PMD tables',
      '2 MiB-aligned vmalloc start',
      'inferred (dpamt-model.md §2.5)'
    )
  ]
}

function workloadRows(s: Scenario): Row[] {
  const hostDefault = scenarioSchema.shape.host.parse(undefined)
  const m = (name: string, value: ReportCell, fallback: ReportCell, source: string): Row => ({
    name,
    value,
    fallback,
    source,
    mark: 'modelled'
  })
  return [
    m(
      'host.fragmentation',
      s.host.fragmentation,
      hostDefault.fragmentation,
      'where pages land: 0 is a fresh host (docs/workload-model.md)'
    ),
    m(
      'host.kernelPlacement',
      s.host.kernelPlacement,
      hostDefault.kernelPlacement,
      'kernel pages beside guest pages; every result shows all three'
    ),
    m(
      'host.reclaimFailureRate',
      s.host.reclaimFailureRate,
      hostDefault.reclaimFailureRate,
      'probability of each failing teardown SEAMCALL'
    ),
    m(
      'refcounts',
      s.refcounts,
      scenarioSchema.shape.refcounts.parse(undefined),
      'dense (v6); sparse (v4, seed 002)'
    ),
    m(
      'kvmMaxLeaf',
      s.kvmMaxLeaf,
      scenarioSchema.shape.kvmMaxLeaf.parse(undefined),
      '2m: the huge-page series; 4k: mainline KVM today'
    ),
    m(
      'pamt cache pages per vCPU',
      PAMT_CACHE_PAGES_PER_VCPU,
      PAMT_CACHE_PAGES_PER_VCPU,
      'refilled before each fault (v6 08/11)'
    ),
    m('NUMA placement of TDs', 'TD i on node i mod N', 'round-robin', 'numactl-bound VMs spread')
  ]
}

function contentionRows(settings: ContentionRunSettings): Row[] {
  const defaults = contentionSettingsSchema.parse({})
  const rows: Row[] = (Object.keys(COST_SOURCES) as Array<keyof ContentionCosts>).map((k) => ({
    name: `costs.${k}`,
    value: settings.costs[k],
    fallback: DEFAULT_CONTENTION_COSTS[k],
    source: COST_SOURCES[k],
    mark: 'modelled'
  }))
  rows.push(
    {
      name: 'tdStartJitterNs',
      value: settings.tdStartJitterNs,
      fallback: defaults.tdStartJitterNs,
      source: 'TDs launched together start one after another; no spread published',
      mark: 'modelled'
    },
    {
      name: 'vcpuStartJitterNs',
      value: settings.vcpuStartJitterNs,
      fallback: defaults.vcpuStartJitterNs,
      source: 'the guest brings its CPUs up one after another',
      mark: 'modelled'
    },
    {
      name: 'kernelWindowRegions',
      value: settings.kernelWindowRegions,
      fallback: defaults.kernelWindowRegions,
      source: 'kernel page window in 2 MiB regions (docs/contention-model.md)',
      mark: 'modelled'
    },
    {
      name: 'machine (sockets × CPUs)',
      value:
        settings.sockets !== undefined && settings.cpusPerSocket !== undefined
          ? `${settings.sockets} × ${settings.cpusPerSocket}`
          : 'from the host',
      fallback: `${DEFAULT_MACHINE.sockets} × ${DEFAULT_MACHINE.cpusPerSocket}`,
      source: 'the log’s SRAT CPU lines, else the default',
      mark: 'modelled'
    },
    {
      name: 'seeds',
      value: settings.seeds,
      fallback: defaults.seeds,
      source: 'repetition: median [min–max] over seeds',
      mark: 'modelled'
    }
  )
  return rows
}

/** The assumptions section for the hosts, scenario and contention settings a report used. */
export function buildAssumptionsSection(input: {
  hosts: readonly HostAnalysis[]
  scenario: Scenario | null
  contention: ContentionRunSettings | null
}): ReportSection {
  const blocks: ReportTable[] = [
    table(
      'Kernel rules reproduced exactly',
      kernelRules(),
      'Kernel-exact: the model follows the kernel code named; no parameter.'
    )
  ]
  for (const a of input.hosts) blocks.push(table(`Host model: ${a.name}`, hostRows(a)))
  if (input.scenario) blocks.push(table('Workload model', workloadRows(input.scenario)))
  if (input.contention)
    blocks.push(
      table(
        'Contention model',
        contentionRows(input.contention),
        'Costs in nanoseconds. No SEAMCALL latencies are published: every cost is an estimate to fit (docs/contention-model.md, "Parameters").'
      )
    )
  return { id: 'assumptions', title: 'Modelled assumptions', blocks }
}
