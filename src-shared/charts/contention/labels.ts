/** Colours per design, the same in every contention chart (hashed:N of any N shares one). */
export const DESIGN_COLORS: Record<string, string> = {
  v6: '#1f5fbf',
  'always-lock': '#b3261e',
  'per-2m': '#1d7a3a',
  hashed: '#9b6fc6',
  'module-only': '#e0803a'
}

/** The colour of a design; try-then-lock DEMOTE variants get a lighter shade in the charts. */
export function designColor(design: string): string {
  return DESIGN_COLORS[design.startsWith('hashed:') ? 'hashed' : design] ?? '#7f7f7f'
}

// The labels live in the model so its sensitivity report keys designs exactly as the table does.
export { hasDemoteVariants, outcomeLabel, outcomeLabels } from '../../model/contention/designs'

/** Time with a unit that keeps 3 significant figures: "840 ns", "12.3 µs", "4.05 ms", "1.20 s". */
export function formatNs(ns: number): string {
  const a = Math.abs(ns)
  const fmt = (v: number): string =>
    v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)
  if (a < 1e3) return `${Number(ns.toFixed(ns % 1 ? 1 : 0))} ns`
  if (a < 1e6) return `${fmt(ns / 1e3)} µs`
  if (a < 1e9) return `${fmt(ns / 1e6)} ms`
  return `${fmt(ns / 1e9)} s`
}
