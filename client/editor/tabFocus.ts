/**
 * Keyboard without traps: Tab indents in a code editor only once the person has typed
 * or pressed Enter in it since focusing it; before that Tab moves on like anywhere else. Escape
 * always leaves: focus goes to the enclosing pane, where single-key shortcuts work and the next
 * Tab moves past the editor.
 */
import { Prec } from '@codemirror/state'
import type { Extension } from '@codemirror/state'
import { EditorView, keymap, ViewPlugin } from '@codemirror/view'
import type { ViewUpdate } from '@codemirror/view'
import { indentLess, indentMore } from '@codemirror/commands'

/**
 * What counts as a pane (for Escape, Tab past it and focus mode): the workspace's panes, the
 * judgment column's sections, and anything marked `data-pane`.
 */
export const PANE_SELECTOR = '.pane, .ws-judge > section, [data-pane]'

/** Per view: has the person typed since focusing it? */
class Armed {
  on = false
  update(u: ViewUpdate): void {
    if (u.focusChanged) this.on = false
    if (u.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete'))) {
      this.on = true
    }
  }
}

const armed = ViewPlugin.fromClass(Armed)

const isArmed = (view: EditorView) => view.plugin(armed)?.on === true

/**
 * Moves focus from `view` to its pane (made focusable on demand), keeping the selection. Returns
 * false outside a pane, so Escape keeps its default meaning there.
 */
export function leaveEditor(view: EditorView): boolean {
  const pane = view.dom.parentElement?.closest(PANE_SELECTOR) as HTMLElement | null
  if (!pane) {
    view.contentDOM.blur()
    return true
  }
  if (!pane.hasAttribute('tabindex')) pane.setAttribute('tabindex', '-1')
  pane.focus()
  return true
}

/** Options of `tabFocus`. */
export interface TabFocusOptions {
  /** Tab may indent (writable code editors); read-only views never take Tab. */
  indent: boolean
  /** Runs on Escape instead of leaving to the pane (e.g. closing Compare). */
  onEscape?: (view: EditorView) => boolean
}

/** The Tab and Escape rules above, as one extension for every workspace editor. */
export function tabFocus(options: TabFocusOptions): Extension {
  const bindings = [
    {
      key: 'Escape',
      run: (view: EditorView) => options.onEscape?.(view) || leaveEditor(view),
    },
  ]
  if (options.indent) {
    bindings.push(
      { key: 'Tab', run: (view: EditorView) => isArmed(view) && indentMore(view) },
      { key: 'Shift-Tab', run: (view: EditorView) => isArmed(view) && indentLess(view) },
    )
  }
  return [armed, Prec.high(keymap.of(bindings))]
}

/**
 * Tab pressed on a pane itself (after Escape) moves to the first focusable element after the
 * pane, never back into the editor it holds. Install once per page, on `window`.
 */
export function tabPastPane(e: KeyboardEvent): void {
  if (e.key !== 'Tab' || e.shiftKey || e.defaultPrevented) return
  const pane = e.target
  if (!(pane instanceof HTMLElement) || !pane.matches(PANE_SELECTOR)) return
  const all = [...document.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) => el.tabIndex >= 0 && !el.closest('[hidden], [inert]') && el.getClientRects().length > 0,
  )
  const next = all.find(
    (el) => !pane.contains(el) && pane.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING,
  )
  if (!next) return
  e.preventDefault()
  next.focus()
}

const TABBABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), ' +
  'textarea:not([disabled]), [tabindex], [contenteditable="true"]'
