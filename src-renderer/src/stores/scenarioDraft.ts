import type { KvmMaxLeaf, Scenario, ScenarioInput, TdClass } from '@shared/model/workload/scenario'
import type { KernelPlacement } from '@shared/model/workload/regionPool'
import { scenarioSchema } from '@shared/model/workload/scenario'
import type { z } from 'zod'
import { issueSentence, type FieldLabel } from '@shared/api/issueText'
import { formatBytes } from '@shared/charts/formatBytes'

/**
 * The scenario editor's form: the scenario in the units people type (GiB, MiB, seconds, percent).
 * Number fields hold `number | ''` because an emptied `<input type="number">` gives ''. The 4K share
 * is not stored: it is what the 2M and 1G shares leave.
 */
export interface TdClassDraft {
  name: string
  count: number | ''
  memoryGiB: number | ''
  vcpus: number | ''
  share2mPct: number | ''
  share1gPct: number | ''
  imageMiB: number | ''
  acceptMode: 'eager' | 'lazy'
  acceptDurationS: number | ''
  acceptSteps: number | ''
  /** Empty: the TD runs to the end of the scenario. */
  lifetimeS: number | ''
  demotePct: number | ''
  arrivalMode: 'together' | 'staggered' | 'poisson'
  /** `together`: start time; `staggered` / `poisson`: first arrival. */
  arrivalStartS: number | ''
  /** `staggered`: interval; `poisson`: mean interval. */
  arrivalIntervalS: number | ''
  /** S-EPT levels: 4 (GPAW 48) or 5 (GPAW 52). */
  septLevels: 4 | 5
  /** Shared pool: none, the guest's swiotlb default, or `poolMiB`. */
  poolMode: 'none' | 'swiotlb' | 'custom'
  poolMiB: number | ''
  poolOffsetPages: number | ''
  scatteredMiB: number | ''
  pagesPerSplit: number | ''
  convertAtS: number | ''
  /** Empty: the scattered buffers stay shared until teardown. */
  scatteredSharedForS: number | ''
}

export interface ScenarioDraft {
  name: string
  durationS: number | ''
  seed: number | ''
  samples: number | ''
  /** Host fragmentation 0..1 (slider). */
  fragmentation: number
  reclaimFailurePct: number | ''
  /** Where TD control and S-EPT pages land relative to guest pages (modelled). */
  kernelPlacement: KernelPlacement
  refcounts: 'dense' | 'sparse'
  /** Largest S-EPT leaf KVM maps private memory with. */
  kvmMaxLeaf: KvmMaxLeaf
  classes: TdClassDraft[]
}

const GiB = 2 ** 30
const MiB = 2 ** 20
const S = 1e9

/** '' stays NaN so the schema reports the field instead of silently taking 0. */
const num = (v: number | ''): number => (v === '' ? Number.NaN : Number(v))
const round = (v: number, digits = 6): number => Number(v.toFixed(digits))

export function classToDraft(c: TdClass): TdClassDraft {
  const arrival = c.arrival
  const cv = c.conversions
  const pool = cv.poolBytes
  return {
    name: c.name,
    count: c.count,
    memoryGiB: round(c.memoryBytes / GiB),
    vcpus: c.vcpus,
    share2mPct: round(c.share2m * 100),
    share1gPct: round(c.share1g * 100),
    imageMiB: round(c.imageBytes / MiB),
    acceptMode: c.accept.mode,
    acceptDurationS: c.accept.mode === 'lazy' ? round(c.accept.durationNs / S) : 20,
    acceptSteps: c.accept.mode === 'lazy' ? c.accept.steps : 64,
    lifetimeS: c.lifetimeNs === null ? '' : round(c.lifetimeNs / S),
    demotePct: round(c.demoteShare * 100),
    arrivalMode: arrival.mode,
    arrivalStartS: round((arrival.mode === 'together' ? arrival.atNs : arrival.startNs) / S),
    arrivalIntervalS:
      arrival.mode === 'staggered'
        ? round(arrival.intervalNs / S)
        : arrival.mode === 'poisson'
          ? round(arrival.meanIntervalNs / S)
          : 10,
    septLevels: c.septLevels,
    poolMode: pool === 'swiotlb' ? 'swiotlb' : pool > 0 ? 'custom' : 'none',
    poolMiB: pool !== 'swiotlb' && pool > 0 ? round(pool / MiB) : 64,
    poolOffsetPages: cv.poolOffsetPages,
    scatteredMiB: round(cv.scatteredBytes / MiB),
    pagesPerSplit: cv.pagesPerSplit,
    convertAtS: round(cv.atNs / S),
    scatteredSharedForS: cv.scatteredSharedForNs === null ? '' : round(cv.scatteredSharedForNs / S)
  }
}

export function scenarioToDraft(s: Scenario): ScenarioDraft {
  return {
    name: s.name,
    durationS: round(s.durationNs / S),
    seed: s.seed,
    samples: s.samples,
    fragmentation: s.host.fragmentation,
    reclaimFailurePct: round(s.host.reclaimFailureRate * 100),
    kernelPlacement: s.host.kernelPlacement,
    refcounts: s.refcounts,
    kvmMaxLeaf: s.kvmMaxLeaf,
    classes: s.tdClasses.map(classToDraft)
  }
}

/** A new TD class row: one 4K-mapped 8 GiB TD, eager accept, started at 0. */
export function newClassDraft(index: number): TdClassDraft {
  return {
    name: `class ${index + 1}`,
    count: 1,
    memoryGiB: 8,
    vcpus: 2,
    share2mPct: 0,
    share1gPct: 0,
    imageMiB: 4,
    acceptMode: 'eager',
    acceptDurationS: 20,
    acceptSteps: 64,
    lifetimeS: '',
    demotePct: 0,
    arrivalMode: 'together',
    arrivalStartS: 0,
    arrivalIntervalS: 10,
    septLevels: 4,
    poolMode: 'none',
    poolMiB: 64,
    poolOffsetPages: 256,
    scatteredMiB: 0,
    pagesPerSplit: 1,
    convertAtS: 0,
    scatteredSharedForS: ''
  }
}

/** The 4K-mapped share in percent: what the 2M and 1G shares leave. */
export function share4kPct(c: TdClassDraft): number {
  return round(100 - num(c.share2mPct) - num(c.share1gPct), 4)
}

function classToInput(c: TdClassDraft): ScenarioInput['tdClasses'][number] {
  const start = num(c.arrivalStartS) * S
  const interval = num(c.arrivalIntervalS) * S
  return {
    name: c.name,
    count: num(c.count),
    memoryBytes: Math.round(num(c.memoryGiB) * GiB),
    vcpus: num(c.vcpus),
    share1g: num(c.share1gPct) / 100,
    share2m: num(c.share2mPct) / 100,
    imageBytes: Math.round(num(c.imageMiB) * MiB),
    accept:
      c.acceptMode === 'eager'
        ? { mode: 'eager' }
        : { mode: 'lazy', durationNs: num(c.acceptDurationS) * S, steps: num(c.acceptSteps) },
    lifetimeNs: c.lifetimeS === '' ? null : num(c.lifetimeS) * S,
    demoteShare: num(c.demotePct) / 100,
    arrival:
      c.arrivalMode === 'together'
        ? { mode: 'together', atNs: start }
        : c.arrivalMode === 'staggered'
          ? { mode: 'staggered', startNs: start, intervalNs: interval }
          : { mode: 'poisson', startNs: start, meanIntervalNs: interval },
    septLevels: c.septLevels,
    conversions: {
      poolBytes:
        c.poolMode === 'swiotlb'
          ? 'swiotlb'
          : c.poolMode === 'custom'
            ? Math.round(num(c.poolMiB) * MiB)
            : 0,
      poolOffsetPages: num(c.poolOffsetPages),
      scatteredBytes: Math.round(num(c.scatteredMiB) * MiB),
      pagesPerSplit: num(c.pagesPerSplit),
      atNs: num(c.convertAtS) * S,
      scatteredSharedForNs: c.scatteredSharedForS === '' ? null : num(c.scatteredSharedForS) * S
    }
  }
}

/** The form as a scenario file (the request's `scenario`); not yet validated. */
export function draftToInput(d: ScenarioDraft): ScenarioInput {
  return {
    format: 'pamt-planner-scenario',
    name: d.name,
    seed: num(d.seed),
    durationNs: num(d.durationS) * S,
    tdClasses: d.classes.map(classToInput),
    host: {
      fragmentation: d.fragmentation,
      reclaimFailureRate: num(d.reclaimFailurePct) / 100,
      kernelPlacement: d.kernelPlacement
    },
    refcounts: d.refcounts,
    kvmMaxLeaf: d.kvmMaxLeaf,
    samples: num(d.samples)
  }
}

/** Field errors keyed by the schema path ("tdClasses.0.memoryBytes"); "" is the whole scenario. */
export type FieldErrors = Record<string, string>

/** "tdClasses[0].memoryBytes" for messages that name the field. */
export function describePath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('')
}

/**
 * Each scenario field as the editor shows it: its label and, for values typed in other units than
 * the schema takes (percent for fractions, GiB for bytes, seconds for ns), the factor and unit, so
 * a message reads "2M share must be at most 100 %", not "Too big: expected number to be <=1".
 */
const CLASS_FIELDS: Record<string, FieldLabel> = {
  name: { label: 'Class name' },
  count: { label: 'Count' },
  memoryBytes: { label: 'Memory', format: formatBytes },
  vcpus: { label: 'vCPUs' },
  share2m: { label: '2M share', scale: 100, unit: '%' },
  share1g: { label: '1G share', scale: 100, unit: '%' },
  imageBytes: { label: 'Image', format: formatBytes },
  lifetimeNs: { label: 'Lifetime', scale: 1 / S, unit: 's' },
  demoteShare: { label: 'Demote share', scale: 100, unit: '%' },
  'accept.durationNs': { label: 'Accept over', scale: 1 / S, unit: 's' },
  'accept.steps': { label: 'Accept steps' },
  'arrival.atNs': { label: 'Start at', scale: 1 / S, unit: 's' },
  'arrival.startNs': { label: 'First at', scale: 1 / S, unit: 's' },
  'arrival.intervalNs': { label: 'Interval', scale: 1 / S, unit: 's' },
  'arrival.meanIntervalNs': { label: 'Mean interval', scale: 1 / S, unit: 's' },
  septLevels: { label: 'S-EPT levels' },
  'conversions.poolBytes': { label: 'Pool size', format: formatBytes },
  'conversions.poolOffsetPages': { label: 'Pool offset', unit: 'pages' },
  'conversions.scatteredBytes': { label: 'Scattered', format: formatBytes },
  'conversions.pagesPerSplit': { label: 'Pages per split' },
  'conversions.atNs': { label: 'Convert at', scale: 1 / S, unit: 's' },
  'conversions.scatteredSharedForNs': { label: 'Shared for', scale: 1 / S, unit: 's' }
}
const SCENARIO_FIELDS: Record<string, FieldLabel> = {
  name: { label: 'Name' },
  durationNs: { label: 'Duration', scale: 1 / S, unit: 's' },
  seed: { label: 'Seed' },
  samples: { label: 'Samples' },
  'host.fragmentation': { label: 'Host fragmentation', scale: 100, unit: '%' },
  'host.reclaimFailureRate': { label: 'Reclaim failures', scale: 100, unit: '%' }
}

/** The 2M and 1G shares' sum, checked across fields (scenario.ts refines the same rule). */
const SHARE_SUM_MESSAGE = '2M share + 1G share must be at most 100 %'

/** The editor's label for a schema path, or null for a path the editor does not show. */
export function fieldLabel(path: ReadonlyArray<PropertyKey>): FieldLabel | null {
  if (path[0] === 'tdClasses' && typeof path[1] === 'number')
    return CLASS_FIELDS[path.slice(2).map(String).join('.')] ?? null
  return SCENARIO_FIELDS[path.map(String).join('.')] ?? null
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // An emptied number field arrives as NaN.
  if (issue.code === 'invalid_type' && /NaN|number/i.test(issue.message)) return 'enter a number'
  // The class-level refinement of the share sum.
  if (issue.code === 'custom' && /share1g \+ share2m/.test(issue.message)) return SHARE_SUM_MESSAGE
  const field = fieldLabel(issue.path)
  return field ? issueSentence(issue, field) : issue.message
}

/** Validate with the shared schema; the first error per field, keyed by its path. */
export function validateScenario(
  input: unknown
): { ok: true; scenario: Scenario } | { ok: false; errors: FieldErrors } {
  const parsed = scenarioSchema.safeParse(input)
  if (parsed.success) return { ok: true, scenario: parsed.data }
  const errors: FieldErrors = {}
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join('.')
    errors[key] ??= describeIssue(issue)
  }
  // Zod skips a class's cross-field refinements while one of its fields fails; check the share
  // sum here too so every error shows at once (the schema still decides what is valid).
  const classes = (input as { tdClasses?: unknown } | null)?.tdClasses
  if (Array.isArray(classes)) {
    classes.forEach((c: { share1g?: unknown; share2m?: unknown }, i) => {
      const sum = Number(c?.share1g ?? 0) + Number(c?.share2m ?? 0)
      if (sum > 1) errors[`tdClasses.${i}`] ??= SHARE_SUM_MESSAGE
    })
  }
  return { ok: false, errors }
}

/** One line naming every invalid field, for a file that fails validation. */
export function describeSchemaErrors(input: unknown): string | null {
  const parsed = scenarioSchema.safeParse(input)
  if (parsed.success) return null
  return parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? describePath(i.path) : 'scenario'}: ${i.message}`)
    .join('; ')
}
