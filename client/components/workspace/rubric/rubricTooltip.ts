/** Placement of a rubric tooltip: fixed to the viewport, so no scrolling panel can clip it. */
import { createSignal, onCleanup } from 'solid-js'
import type { JSX } from 'solid-js'

const TIP_WIDTH_PX = 288
const GAP_PX = 8
const MARGIN_PX = 8
/** Room a tooltip may need under its anchor before it goes above instead. */
const ROOM_BELOW_PX = 160

/**
 * The fixed position of a tooltip for an anchor at `anchor` in a grid at `grid`: beside the grid
 * (on its left) when there is room, so it never hides the scores or the picker under them;
 * otherwise below the anchor, or above it near the bottom of the window.
 */
export function tooltipStyle(anchor: DOMRect, grid: DOMRect): JSX.CSSProperties {
  const width = Math.min(TIP_WIDTH_PX, window.innerWidth - 2 * MARGIN_PX)
  if (grid.left - width - GAP_PX >= MARGIN_PX) {
    const top = Math.max(MARGIN_PX, Math.min(anchor.top, window.innerHeight - ROOM_BELOW_PX))
    return { left: `${grid.left - width - GAP_PX}px`, top: `${top}px`, width: `${width}px` }
  }
  const left = Math.max(MARGIN_PX, Math.min(anchor.left, window.innerWidth - width - MARGIN_PX))
  const below = window.innerHeight - anchor.bottom > ROOM_BELOW_PX
  return {
    left: `${left}px`,
    width: `${width}px`,
    top: below ? `${anchor.bottom + GAP_PX}px` : undefined,
    bottom: below ? undefined : `${window.innerHeight - anchor.top + GAP_PX}px`,
  }
}

/**
 * Which criterion's tooltip shows, and where: the hovered header or cell wins over the focused
 * cell; anchors carry `data-col`. Repositions on any scroll while the owner lives.
 */
export function createRubricTips(grid: () => HTMLElement | undefined) {
  const [hovered, setHovered] = createSignal<HTMLElement | null>(null)
  const [focused, setFocused] = createSignal<HTMLElement | null>(null)
  const [scrolled, setScrolled] = createSignal(0)
  const onScroll = () => setScrolled((n) => n + 1)
  window.addEventListener('scroll', onScroll, true)
  onCleanup(() => window.removeEventListener('scroll', onScroll, true))
  const styleFor = (col: number): JSX.CSSProperties | undefined => {
    scrolled()
    const el = hovered() ?? focused()
    const table = grid()
    if (!el || !table || Number(el.dataset.col) !== col) return undefined
    return tooltipStyle(el.getBoundingClientRect(), table.getBoundingClientRect())
  }
  return { styleFor, setHovered, setFocused }
}
