/** revealElement: bring a panel on screen for someone following another person's view. */

const FLASH_MS = 900

/** Scrolls `el` into view if needed and briefly outlines it, without moving focus. */
export function revealElement(el: HTMLElement | undefined): void {
  if (!el) return
  el.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  el.classList.remove('revealed')
  // Restart the animation when the same panel is revealed twice in a row.
  void el.offsetWidth
  el.classList.add('revealed')
  setTimeout(() => el.classList.remove('revealed'), FLASH_MS)
}
