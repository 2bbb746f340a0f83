/** Focus mode: one pane alone, full width (`z` toggles, Escape leaves), and Compare's wide view. */
import { createSignal } from 'solid-js'
import type { Accessor } from 'solid-js'
import { PANE_SELECTOR } from '../../editor/tabFocus'

/** Which pane is shown alone, if any; set through `enter`/`leave` only. */
export interface FocusMode {
  pane: Accessor<HTMLElement | null>
  /** Shows `pane` alone. The attribute is ours: Solid never rewrites `data-ws-focus`. */
  enter(pane: HTMLElement): void
  leave(): void
  /** The pane that holds `el`, or the last pane focus was in. */
  paneOf(el: Element | null): HTMLElement | null
  /** Call on focusin inside the grid: remembers the last pane used. */
  track(el: Element | null): void
}

/** Creates the focus-mode state of one workspace grid. */
export function createFocusMode(): FocusMode {
  const [pane, setPane] = createSignal<HTMLElement | null>(null)
  let last: HTMLElement | null = null
  const find = (el: Element | null) => (el?.closest(PANE_SELECTOR) as HTMLElement | null) ?? null
  return {
    pane,
    enter(next) {
      pane()?.removeAttribute('data-ws-focus')
      next.setAttribute('data-ws-focus', '')
      setPane(next)
    },
    leave() {
      const was = pane()
      if (!was) return
      was.removeAttribute('data-ws-focus')
      setPane(null)
      // Keep the keyboard where the person was: on the pane they just left full width.
      if (!was.contains(document.activeElement)) was.focus({ preventScroll: false })
    },
    paneOf: (el) => find(el) ?? last,
    track(el) {
      last = find(el) ?? last
    },
  }
}
