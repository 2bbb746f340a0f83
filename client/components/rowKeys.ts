/** Arrow-key movement between the row links of a table, so a queue can be worked by keyboard. */

/** Moves focus to the previous or next `a.task-link` in the table on ArrowUp / ArrowDown. */
export function onRowKeys(e: KeyboardEvent & { currentTarget: HTMLElement }): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
  const links = Array.from(e.currentTarget.querySelectorAll<HTMLAnchorElement>('a.task-link'))
  const at = links.indexOf(document.activeElement as HTMLAnchorElement)
  const next = e.key === 'ArrowDown' ? at + 1 : at - 1
  const target = at < 0 ? links[0] : links[next]
  if (!target) return
  e.preventDefault()
  target.focus()
}
