import type { KernelTdxLog } from './memoryMap'
import type { Problem } from './problem'

/** The model's prediction for TDX init on this host (TDMRs, PAMT, reserved areas). */
export type ModelVerdict = 'succeeds' | 'fails'
/** What the kernel itself printed about TDX init in the imported log. */
export type KernelVerdict = 'succeeded' | 'failed' | 'not in log'

/**
 * The host's headline: the kernel's own outcome beside the model's, and one sentence on how they
 * relate (docs/host-model.md, "Verdicts"). A headline never contradicts the log: where the log says
 * init failed, that leads, whatever the model predicts.
 */
export interface HostVerdict {
  model: ModelVerdict
  kernel: KernelVerdict
  /** The log has TDX lines (CMRs, module version, PAMT size, an init result...). */
  tdxInLog: boolean
  /** Line of the kernel's init outcome, when printed. */
  kernelLine: number | null
  /** What the kernel said failed, as printed; null unless kernel === 'failed'. */
  kernelFailure: string | null
  /** One sentence: why the two differ, or what the figures assume; null when they simply agree. */
  explanation: string | null
}

/** Whether the log says anything about TDX, in any format that can carry it. */
export function logHasTdx(log: KernelTdxLog, cmrCount: number): boolean {
  return log.tdxLines > 0 || cmrCount > 0 || log.pamtKb !== null || log.initialized !== null
}

function kernelVerdict(log: KernelTdxLog): KernelVerdict {
  if (log.initialized === true) return 'succeeded'
  if (log.initialized === false || log.tdmrsExhausted || log.reservedAreasExhausted !== null)
    return 'failed'
  return 'not in log'
}

const atLine = (line: number | null | undefined): string =>
  line === null || line === undefined ? '' : ` (line ${line})`

/**
 * Compare the kernel's printed init outcome with the model's; `problems` are the model's findings
 * (an error means the model predicts failure).
 */
export function hostVerdict(
  log: KernelTdxLog,
  cmrCount: number,
  problems: readonly Problem[]
): HostVerdict {
  const firstError = problems.find((p) => p.severity === 'error')
  const model: ModelVerdict = firstError ? 'fails' : 'succeeds'
  const kernel = kernelVerdict(log)
  const tdxInLog = logHasTdx(log, cmrCount)
  const kernelFailure =
    kernel === 'failed'
      ? (log.initFailure ??
        (log.tdmrsExhausted
          ? 'TDMRs exhausted'
          : log.reservedAreasExhausted
            ? 'reserved areas exhausted'
            : 'initialization failed'))
      : null
  const kernelLine = log.initLine ?? log.reservedAreasExhausted?.line ?? null
  // The explanation follows the kernel's outcome (shown first, beside the model's) and says only
  // what those two words do not: why they differ, or what the figures assume.
  let explanation: string | null = null
  if (kernel === 'failed' && model === 'succeeds') {
    const seamcall = log.seamcallFailures[0]
    explanation =
      "The model's TDMRs, PAMT and reserved areas fit, so the kernel's failure lies elsewhere" +
      (seamcall
        ? `: SEAMCALL ${seamcall.leaf} failed with ${seamcall.status}${atLine(seamcall.line)}.`
        : ' (the log names no failing step).')
  } else if (kernel === 'failed') {
    explanation = `The model predicts the failure too: ${firstError!.code}.`
  } else if (kernel === 'succeeded' && model === 'fails') {
    explanation =
      `The model predicts ${firstError!.code} where the kernel succeeded: ` +
      'the model options or TDX module parameters differ from this host’s.'
  } else if (kernel === 'not in log' && !tdxInLog) {
    explanation = 'The figures assume all usable RAM were TDX-convertible memory.'
  } else if (kernel === 'not in log') {
    explanation =
      'TDX initialises when kvm_intel loads with tdx=1, which this log does not show: the model’s verdict stands alone.'
  }
  return { model, kernel, tdxInLog, kernelLine, kernelFailure, explanation }
}
