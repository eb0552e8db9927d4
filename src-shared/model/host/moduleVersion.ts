/**
 * Which TDX module parameter set a host is modelled with: the module version the boot log printed
 * (KernelTdxLog.moduleVersion, read by import/dmesg/tdxLines.ts) and whether Dynamic PAMT is in use
 * pick one of the presets in tdxModuleParams.ts; the user may pick another; edited parameters win
 * over either (analyzeHost).
 */
import type { KernelTdxLog } from './memoryMap'
import { MODULE_PARAM_SETS, type ModuleParamSetId, type TdxModuleParams } from './tdxModuleParams'

/** A module version as the kernel printed it, in numbers. */
export interface ModuleVersion {
  major: number
  minor: number
  /** The third field of `a.b.cc` (TDX_VERSION_FMT "update"), when printed. */
  update: number | null
  /** The fourth field of `a.b.cc.dd.eeee` (internal), when printed. */
  internal: number | null
  /** `build_num` (2023 attributes line) or the fifth field of `a.b.cc.dd.eeee`, when printed. */
  build: number | null
  /** `build_date` as printed (YYYYMMDD), when printed. */
  buildDate: string | null
}

/**
 * The texts tdxLines.ts stores, one per kernel print variant (dpamt-model.md §4):
 * "1.5 build 698 (20240129)" (2023 attributes line), "1.5.06.00.0744 (20240101)" and
 * "2.0.08.00.0744" (downstream five-part versions), "1.5.24" (mainline `Module version: %u.%u.%02u`),
 * "1.5.0" / "1.5.1.0" (ad hoc debug prints).
 */
const VERSION_RE =
  /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?: build (\d+))?(?: \((\d+)\))?$/

/** Parse a stored module version; null when it is not one of the shapes above. */
export function parseModuleVersion(text: string): ModuleVersion | null {
  const m = VERSION_RE.exec(text.trim())
  if (!m) return null
  const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s))
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    update: num(m[3]),
    internal: num(m[4]),
    build: num(m[6]) ?? num(m[5]),
    buildDate: m[7] ?? null
  }
}

/**
 * Where the set in force came from: the boot log (module version or "Enable Dynamic PAMT"), the
 * planner's default (TDX 1.5: no version printed, or one without a preset), or the user (a set
 * picked explicitly, or the PAMT mode switched to dynamic).
 */
export type ModuleParamSetSource = 'log' | 'default' | 'user'

export interface ModuleParamSetChoice {
  id: ModuleParamSetId
  label: string
  source: ModuleParamSetSource
  /**
   * Why this set, as a phrase: "module version 1.0 build 457 (20230206)" or "\"Enable Dynamic
   * PAMT\"" (log), "no module version in the log" (default), "the log implies TDX module 1.5" or
   * "PAMT mode \"dynamic\"" (user). {@link describeModuleParamSet} makes the sentence shown.
   */
  reason: string
  /** The module version as the log printed it (KernelTdxLog.moduleVersion), when it did. */
  versionLine?: string
  /** The set the log and the PAMT mode imply: what "reset" returns to. */
  impliedId: ModuleParamSetId
  /** Parameters that differ from the set's values (edited by the user or carried by host JSON). */
  overridden: Array<keyof TdxModuleParams>
}

/** The preset a parsed version selects, or null when there is none (e.g. 2.0). */
function setForVersion(v: ModuleVersion): ModuleParamSetId | null {
  if (v.major === 1 && v.minor === 0) return '1.0'
  if (v.major === 1 && v.minor === 5) return '1.5'
  return null
}

/**
 * The set the log implies: Dynamic PAMT in use (the log says "Enable Dynamic PAMT", or the PAMT
 * mode is dynamic) → the Dynamic PAMT module, since only it has DPAMT; else the printed version
 * (1.0.x → 1.0, 1.5.x → 1.5); else TDX 1.5 as the default.
 */
export function impliedModuleParamSet(
  log: KernelTdxLog,
  dynamicPamt: boolean
): Omit<ModuleParamSetChoice, 'impliedId' | 'overridden'> {
  const version = log.moduleVersion
  const versionLine = version !== null ? { versionLine: version } : {}
  const pick = (
    id: ModuleParamSetId,
    source: ModuleParamSetSource,
    reason: string
  ): Omit<ModuleParamSetChoice, 'impliedId' | 'overridden'> => ({
    id,
    label: MODULE_PARAM_SETS[id].label,
    source,
    reason,
    ...versionLine
  })
  if (log.dynamicPamtEnabled) return pick('dpamt', 'log', '"Enable Dynamic PAMT"')
  if (dynamicPamt) return pick('dpamt', 'user', 'PAMT mode "dynamic"')
  if (version === null) return pick('1.5', 'default', 'no module version in the log')
  const parsed = parseModuleVersion(version)
  const id = parsed ? setForVersion(parsed) : null
  if (id === null) {
    return pick('1.5', 'default', `module version ${version} has no preset`)
  }
  return pick(id, 'log', `module version ${version}`)
}

/** The set in force without its overrides: the user's pick when given, else the implied one. */
export function chooseModuleParamSet(
  log: KernelTdxLog,
  dynamicPamt: boolean,
  picked?: ModuleParamSetId
): Omit<ModuleParamSetChoice, 'overridden'> {
  const implied = impliedModuleParamSet(log, dynamicPamt)
  if (picked === undefined) return { ...implied, impliedId: implied.id }
  return {
    id: picked,
    label: MODULE_PARAM_SETS[picked].label,
    source: 'user',
    reason: `the log implies ${MODULE_PARAM_SETS[implied.id].label}`,
    ...(implied.versionLine !== undefined ? { versionLine: implied.versionLine } : {}),
    impliedId: implied.id
  }
}

/**
 * The parameters a host is modelled with: the chosen set, then the host file's own parameters
 * (host JSON `tdxModule`), then the user's edits; each later one wins.
 */
export function resolveModuleParams(
  log: KernelTdxLog,
  dynamicPamt: boolean,
  picked: ModuleParamSetId | undefined,
  ...overrides: Array<Partial<TdxModuleParams> | undefined>
): { params: TdxModuleParams; moduleParamSet: ModuleParamSetChoice } {
  const choice = chooseModuleParamSet(log, dynamicPamt, picked)
  const params: TdxModuleParams = { ...MODULE_PARAM_SETS[choice.id].params }
  for (const o of overrides)
    for (const [k, v] of Object.entries(o ?? {}))
      if (v !== undefined) params[k as keyof TdxModuleParams] = v
  return { params, moduleParamSet: { ...choice, overridden: overriddenParams(choice.id, params) } }
}

/** Keys whose value in `params` differs from the set's. */
export function overriddenParams(
  id: ModuleParamSetId,
  params: Readonly<TdxModuleParams>
): Array<keyof TdxModuleParams> {
  const preset = MODULE_PARAM_SETS[id].params
  return (Object.keys(preset) as Array<keyof TdxModuleParams>).filter(
    (k) => params[k] !== preset[k]
  )
}

/**
 * The set in force as one line, the same in the UI and the CLI report, e.g. "TDX module 1.0, from
 * the log: module version 1.0 build 457 (20230206)", "TDX module 1.5, the default: no module version
 * in the log", "TDX module 1.0, chosen: the log implies TDX module 1.5; edited: maxTdmrs".
 */
export function describeModuleParamSet(c: ModuleParamSetChoice): string {
  const from = { log: 'from the log', default: 'the default', user: 'chosen' }[c.source]
  const edited = c.overridden.length ? `; edited: ${c.overridden.join(', ')}` : ''
  return `${c.label}, ${from}: ${c.reason}${edited}`
}
