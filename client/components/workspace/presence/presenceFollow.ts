/** Following ends as soon as you navigate yourself: a click, a key or a scroll of your own. */
import type { ViewController } from '../../../stores/view'

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock'])

/**
 * Listens on the document for your own input while you follow someone and stops following on
 * the first one outside the presence list (whose buttons manage following themselves). Reveals
 * triggered by following only focus and scroll programmatically, which sends none of these
 * events, so they never stop it. Returns the function that removes the listeners.
 */
export function stopFollowingOnOwnNavigation(
  view: ViewController,
  presenceList: () => HTMLElement | undefined,
): () => void {
  const onInput = (e: Event) => {
    if (view.following() === null || !e.isTrusted) return
    if (e instanceof KeyboardEvent && MODIFIER_KEYS.has(e.key)) return
    const list = presenceList()
    if (list && e.target instanceof Node && list.contains(e.target)) return
    view.follow(null)
  }
  const events = ['pointerdown', 'keydown', 'wheel'] as const
  for (const name of events) document.addEventListener(name, onInput, { capture: true, passive: true })
  return () => {
    for (const name of events) document.removeEventListener(name, onInput, { capture: true })
  }
}
