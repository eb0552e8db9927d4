/** What can take the focus inside a dialog (disabled controls excluded). */
const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])'

/**
 * Keep Tab and Shift+Tab inside a modal dialog (WAI-ARIA dialog pattern): from the last focusable
 * control Tab wraps to the first, from the first Shift+Tab to the last, and focus that has left
 * the dialog comes back in. Call from the dialog's keydown handler; other keys are ignored.
 */
export function trapTab(e: KeyboardEvent, dialog: HTMLElement | null): void {
  if (e.key !== 'Tab' || !dialog) return
  const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.hasAttribute('disabled')
  )
  const first = items[0]
  const last = items[items.length - 1]
  if (!first || !last) return
  const active = document.activeElement
  const outside = !dialog.contains(active)
  if (e.shiftKey && (active === first || outside)) {
    e.preventDefault()
    last.focus()
  } else if (!e.shiftKey && (active === last || outside)) {
    e.preventDefault()
    first.focus()
  }
}
