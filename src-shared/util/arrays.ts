/**
 * Extremes of arrays of any length. `Math.max(...xs)` passes every element as an argument, and V8
 * throws "Maximum call stack size exceeded" above roughly 120,000 of them, a size a large memory map
 * or trace reaches; these loop instead. ESLint forbids spreading into Math.min/max and push
 * (eslint.config.js), so use these or a loop.
 */

/** The largest of `xs`, or `empty` when there are none. NaN elements are skipped. */
export function maxOf(xs: ArrayLike<number>, empty = -Infinity): number {
  let m = -Infinity
  let any = false
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    if (x > m) m = x
    if (x === x) any = true
  }
  return any ? m : empty
}

/** The smallest of `xs`, or `empty` when there are none. NaN elements are skipped. */
export function minOf(xs: ArrayLike<number>, empty = Infinity): number {
  let m = Infinity
  let any = false
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    if (x < m) m = x
    if (x === x) any = true
  }
  return any ? m : empty
}

/** Append every element of `items` to `target` (in place), without spreading them as arguments. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x)
  return target
}
