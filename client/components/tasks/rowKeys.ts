/** Keyboard movement between the row links of a task table, so a queue can be worked by keyboard. */

const NEXT = new Set(['ArrowDown', 'j'])
const PREV = new Set(['ArrowUp', 'k'])

/** Moves focus to the previous or next `a.task-link` on ↑/↓ or k/j; Enter on a link opens it. */
export function onRowKeys(e: KeyboardEvent & { currentTarget: HTMLElement }): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return
  if (!NEXT.has(e.key) && !PREV.has(e.key)) return
  const links = Array.from(e.currentTarget.querySelectorAll<HTMLAnchorElement>('a.task-link'))
  const at = links.indexOf(document.activeElement as HTMLAnchorElement)
  const next = NEXT.has(e.key) ? at + 1 : at - 1
  const target = at < 0 ? links[0] : links[next]
  if (!target) return
  e.preventDefault()
  target.focus()
}

/**
 * While nothing is focused (the page just loaded), j or k focuses the first task in `scope`, so
 * the queue can be entered without Tab. Returns the function that removes the listener.
 */
export function focusFirstRowOnKey(scope: () => HTMLElement | undefined): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'j' && e.key !== 'k')) return
    const active = document.activeElement
    if (active && active !== document.body && active.id !== 'main') return
    const first = scope()?.querySelector<HTMLAnchorElement>('a.task-link')
    if (!first) return
    e.preventDefault()
    first.focus()
  }
  document.addEventListener('keydown', onKey)
  return () => document.removeEventListener('keydown', onKey)
}
