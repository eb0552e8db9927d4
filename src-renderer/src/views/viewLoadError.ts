/**
 * The one line shown when a lazily loaded view's chunk fails to load (docs/ARCHITECTURE.md,
 * "Lazy views"): which view, the browser's reason on the same line, and the way out. A failed
 * `import()` stays failed for the page's life (Vue keeps the rejected load), so the remedy is a
 * reload.
 */
export function viewLoadErrorText(label: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : error === undefined ? '' : String(error)
  // One line whatever the browser says (its messages can carry the chunk's URL and newlines).
  const reason = raw.replace(/\s+/g, ' ').trim()
  return `Could not load the ${label} view${reason ? ` (${reason})` : ''}; reload the page to try again.`
}
