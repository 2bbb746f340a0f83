/** Keeps keyboard focus on a ranking item while the list reorders under it. */
import { createComputed, createEffect, on } from 'solid-js'

/**
 * Moving a DOM node blurs it, and `<For>` moves nodes when the order changes (our own Alt+↑ or
 * someone else's drag). This notes which item had focus before the nodes move (a computation
 * runs before render effects) and gives focus back to it afterwards.
 */
export function keepFocusAcrossMoves(list: () => HTMLElement | undefined, order: () => readonly string[]): void {
  let kept: string | null = null
  const key = () => order().join('\n')
  createComputed(
    on(key, () => {
      const el = document.activeElement
      const root = list()
      kept = root && el instanceof HTMLElement && root.contains(el) ? (el.dataset.candidate ?? null) : null
    }, { defer: true }),
  )
  createEffect(
    on(key, () => {
      const el = kept === null ? null : list()?.querySelector<HTMLElement>(`[data-candidate="${CSS.escape(kept)}"]`)
      if (el && document.activeElement !== el) el.focus({ preventScroll: true })
      kept = null
    }, { defer: true }),
  )
}
