/** A finding about a host, shown to the user and returned by the CLI (JSON contract `problems`). */
export interface Problem {
  /** Stable machine-readable code, e.g. `TDMRS_EXHAUSTED`. */
  code: string
  /** `error`: the kernel would fail TDX init; `warning`: the kernel warns or the model is unsure. */
  severity: 'error' | 'warning' | 'info'
  message: string
  /** 1-based line in the imported file when the finding comes from one. */
  line?: number
}
